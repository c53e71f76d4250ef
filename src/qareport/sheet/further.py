"""An analyst's own figures, tables and text on a sheet: the "Further analysis" panel.

A sheet's own notebook (`notebooks/<section>.ipynb`, or `notebooks/<area>/<section>.ipynb`)
runs the standard cell and then the analyst's cells. Outputs of cells tagged `book`
go onto the sheet, in the HTML and the PDF:

    sheet.figure(fig, alt="...")       a matplotlib or seaborn figure, as vector SVG
    sheet.table(frame, caption="...")  a table, disclosure control applied
    display(Markdown("..."))           text, sanitised like the reviewers' narrative

`sheet.returns(...)` reads the store (read-only) for a cell's own question. These
calls use the sheet `build_sheet` computed last in the kernel: its project, area
and disclosure-control settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from qareport.config.markers import SUPPRESSED
from qareport.errors import ParameterError

__all__ = ["FURTHER_KEY", "figure", "remember_sheet", "returns", "suppress_table", "table"]

FURTHER_KEY = "qareport_further"


@dataclass(frozen=True)
class _Current:
    project_dir: Path
    chart_prefix: str  # the sheet's own, so an analyst's figure ids never clash with its charts
    threshold: int | None  # None: disclosure control is off


_current: _Current | None = None
_count = 0
_watching = False


def remember_sheet(project_dir: Path, chart_prefix: str, threshold: int | None) -> None:
    """Called by build_sheet: the sheet the analyst's cells add to."""
    global _current, _count
    _current, _count = _Current(Path(project_dir), chart_prefix, threshold), 0
    _watch_open_figures()


def _watch_open_figures() -> None:
    """After every cell, a figure left open (plt.show(), display(fig) or a bare seaborn
    call draw nothing on qareport's non-interactive backend) is shown as an image and
    closed: the analyst sees it in JupyterLab, and a build stops on it in a cell tagged
    `book` (it is not on the sheet until sheet.figure puts it there, with its alt text)."""
    global _watching
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or _watching:
        return
    shell.events.register("post_run_cell", _show_open_figures)
    _watching = True


def _show_open_figures(*_: object) -> None:
    import base64
    import io

    import matplotlib.pyplot as plt
    from IPython.display import display

    for number in plt.get_fignums():
        drawn = io.BytesIO()
        plt.figure(number).savefig(drawn, format="png", dpi=72)
        display(
            {"image/png": base64.b64encode(drawn.getvalue()).decode("ascii"),
             "text/plain": "a chart not on the sheet: put it there with sheet.figure"},
            metadata={FURTHER_KEY: {"kind": "open-figure"}},
            raw=True,
        )  # fmt: skip
    plt.close("all")


def _sheet() -> _Current:
    if _current is None:
        raise ParameterError(
            "no sheet yet: call sheet.build_sheet(...) in the notebook before sheet.figure, "
            "sheet.table or sheet.returns"
        )
    return _current


def figure(fig: Any, alt: str, data: Any = None) -> None:
    """Show a matplotlib (or seaborn) figure on the sheet as vector SVG, with its alt text;
    a figure without alt text stops the build (every chart on a sheet has one). `data`, a
    DataFrame of the figures drawn, is the chart's data table in the HTML, the PDF and the
    spreadsheet, its small counts withheld as on the rest of the sheet."""
    from IPython.display import display

    from qareport.sheet.chart_layout import finish

    if not isinstance(alt, str) or not _says_something(alt):
        raise ParameterError(
            f"sheet.figure needs alt text that says what the figure shows ({alt!r} does "
            'not), e.g. sheet.figure(fig, alt="Bar chart of referrals by locality, 2025-26: '
            'the north locality highest")'
        )
    global _count
    _count += 1
    current = _sheet()
    fig = getattr(fig, "figure", fig)  # a seaborn grid or an Axes: its figure
    svg = finish(fig, f"{current.chart_prefix}-further-{_count}")
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)  # pyplot must not show it a second time, as a raster image
    except Exception:  # a figure pyplot never knew: nothing to close
        pass
    columns, rows = suppress_table(data, current.threshold) if data is not None else ([], [])
    display(
        {"image/svg+xml": svg, "text/plain": alt.strip()},
        metadata={
            FURTHER_KEY: {"kind": "figure", "alt": alt.strip(), "columns": columns, "rows": rows}
        },
        raw=True,
    )


GENERIC_ALT = {"chart", "graph", "figure", "fig", "image", "plot", "picture", "diagram",
               "bar", "line", "a", "the", "of", "alt", "text", "todo", "tbc"}  # fmt: skip


def _says_something(alt: str) -> bool:
    """Alt text a screen reader's user can use: three words or more, not all of them
    words that only say it is a chart ("chart", "bar chart", "figure 1")."""
    words = [w for w in alt.casefold().replace("-", " ").split() if w.strip(".,:;")]
    meaningful = [w for w in words if w.strip(".,:;") not in GENERIC_ALT and not w.isdigit()]
    return len(words) >= 3 and bool(meaningful)


def suppress_table(frame: Any, threshold: int | None) -> tuple[list[str], list[list[str]]]:
    """The table as text, with disclosure control as on the sheet: a whole-number cell from
    1 to threshold-1 (a small count) becomes [c]; zero stays zero."""
    columns = [str(c) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            number = (
                value if isinstance(value, int | float) and not isinstance(value, bool) else None
            )
            if number is not None and not math.isnan(number):
                small = (
                    threshold is not None and float(number).is_integer() and 1 <= number < threshold
                )
                cells.append(SUPPRESSED if small else f"{number:,.10g}")
            elif number is not None:
                cells.append("")
            else:
                cells.append("" if value is None else str(value))
        rows.append(cells)
    return columns, rows


def table(frame: Any, caption: str) -> None:
    """Show a pandas table on the sheet with its caption, small counts withheld."""
    from IPython.display import HTML, display

    if not isinstance(caption, str) or not caption.strip():
        raise ParameterError('sheet.table needs a caption: sheet.table(frame, caption="...")')
    columns, rows = suppress_table(frame, _sheet().threshold)
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    html = f"<table><caption>{escape(caption)}</caption><tr>{head}</tr>{body}</table>"
    display(
        HTML(html),
        metadata={
            FURTHER_KEY: {
                "kind": "table",
                "caption": caption.strip(),
                "columns": columns,
                "rows": rows,
            }
        },
    )


def returns(measures: list[str] | None = None, periods: list[str] | None = None):
    """Rows of the store (every area's, as extracts gave them) for a cell's own question."""
    from qareport.config.project import Project
    from qareport.ingest.store import open_built_store

    store = open_built_store(Project.open(_sheet().project_dir))
    return store.returns(measures or None, periods or None)
