"""The sheet stage: everything that runs in a section notebook's kernel.

    build.py        build_sheet: one content area's figures, charts and sentences
    view.py         one measure as the page shows it, in named steps
    variation.py    SPC over the area's series, a funnel among all areas
    chart_kinds.py  which charts a measure gets, and the function drawing each kind
    context.py      what every measure of a sheet is computed against
    measures.py     values, disclosure control applied, and comparators
    suppression.py  disclosure control
    stats.py        Wilson intervals, XmR (SPC) with the MDC rules and icon codes, funnel limits
    icons.py        the Making Data Count icons as SVG, with their words
    breakdown.py    by member agency, by team or locality
    wording.py      every sentence the sheet says about its figures
    formatting.py   how numbers read
    charts.py       the charts (SVG), with their alt text
    chart_layout.py printed size, measured layout, no colliding text, SVG out
    model.py        SheetData, the sheet as plain models
    payload.py      how a sheet travels from its notebook to the renderers
    further.py      an analyst's own figures, tables and text (cells tagged `book`)

The notebook calls `sheet.build_sheet(...)` and `sheet.show(...)`. Both are
imported on first use, so importing `qareport.sheet.model` (as the renderers
do) never pays for pandas and matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["build_sheet", "figure", "returns", "show", "table"]

if TYPE_CHECKING:  # pragma: no cover
    from qareport.sheet.build import build_sheet
    from qareport.sheet.payload import show


def __getattr__(name: str) -> Any:
    if name == "build_sheet":
        from qareport.sheet.build import build_sheet

        return build_sheet
    if name == "show":
        from qareport.sheet.payload import show

        return show
    if name in ("figure", "table", "returns"):  # an analyst's own cells
        from qareport.sheet import further

        return getattr(further, name)
    raise AttributeError(f"module 'qareport.sheet' has no attribute {name!r}")
