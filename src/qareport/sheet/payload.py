"""The sheet payload: how a computed sheet travels from its notebook to the renderers.

Written and read here only. The section notebook displays the sheet as outputs:
each chart as an SVG output tagged with its id (so the executed notebook
shows it and the image is stored once), then the `SheetData` as JSON under
`SHEET_MIMETYPE` with the chart images left out. `read_sheet` finds those
outputs in the executed notebook and puts the images back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TypedDict

from pydantic import ValidationError

from qareport.errors import RenderError
from qareport.sheet.further import FURTHER_KEY
from qareport.sheet.model import SHEET_MIMETYPE, Chart, FurtherItem, SheetData

__all__ = [
    "DisplayOutput",
    "analyst_cell_number",
    "chart_output",
    "further_items",
    "payload_outputs",
    "read_sheet",
    "sheet_from_outputs",
    "show",
]

CHART_KEY = "qareport_chart"
BOOK_TAG = "book"  # an analyst's cell whose outputs go onto the sheet
INJECTED_TAG = "injected-parameters"  # papermill's own cell: not in the analyst's notebook
SVG = "image/svg+xml"

# A notebook's JSON as read from a file: every value is narrowed where it is used
Json = Mapping[str, object]


class DisplayOutput(TypedDict):
    """A display_data output as nbformat writes it."""

    output_type: str
    data: dict[str, object]
    metadata: dict[str, object]


def chart_output(chart: Chart) -> DisplayOutput:
    """One chart as a display output: the image, its alt text and its id."""
    return {
        "output_type": "display_data",
        "data": {SVG: chart.svg, "text/plain": chart.alt},
        "metadata": {"alt": chart.alt, CHART_KEY: chart.id},
    }


def _summary_html(sheet: SheetData) -> str:
    rows = "".join(
        f"<tr><td>{escape(m.title)}</td><td>{escape(m.type)}</td><td>{escape(m.latest)}</td>"
        f"<td>{escape(m.change)}</td></tr>"
        for m in sheet.measures
    )
    return (
        f"<h2>{escape(sheet.section_title)}</h2><p>{escape(sheet.area_name)}, "
        f"{escape(sheet.period_title)}</p><table><tr><th>Measure</th><th>Type</th>"
        f"<th>Latest</th><th>Change</th></tr>{rows}</table>"
    )


def payload_outputs(sheet: SheetData) -> list[DisplayOutput]:
    """The outputs a section notebook displays: a summary, each chart, then the payload
    (whose charts carry no image: each is stored once, in its own output)."""
    summary: DisplayOutput = {
        "output_type": "display_data",
        "data": {"text/html": _summary_html(sheet), "text/plain": sheet.section_title},
        "metadata": {},
    }
    charts = [chart_output(c) for m in sheet.measures for c in m.charts]
    imageless = sheet.replace(
        measures=[
            m.replace(charts=[c.replace(svg="") for c in m.charts]) if m.charts else m
            for m in sheet.measures
        ]
    )
    payload: DisplayOutput = {
        "output_type": "display_data",
        "data": {
            SHEET_MIMETYPE: json.loads(imageless.model_dump_json()),
            "text/plain": "qareport sheet data",
        },
        "metadata": {},
    }
    return [summary, *charts, payload]


def show(sheet: SheetData) -> None:
    """Display the sheet in the notebook (what the section notebook's one cell calls)."""
    from IPython.display import display  # imported here: not needed outside Jupyter

    for output in payload_outputs(sheet):
        display(output["data"], metadata=output["metadata"], raw=True)


def _mapping(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _text(value: object) -> str:
    """A notebook's text: a string, or the list of lines nbformat may store it as."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def sheet_from_outputs(outputs: Sequence[Json], source: str) -> SheetData:
    """The sheet in a list of notebook outputs, its charts' images put back; `source`
    names them in errors."""
    images: dict[str, str] = {}
    for output in outputs:
        chart_id = _mapping(output.get("metadata")).get(CHART_KEY)
        data = _mapping(output.get("data"))
        if isinstance(chart_id, str) and SVG in data:
            images[chart_id] = _text(data[SVG])
        if SHEET_MIMETYPE not in data:
            continue
        try:
            sheet = SheetData.model_validate(data[SHEET_MIMETYPE])
        except ValidationError as exc:  # a notebook executed by another qareport version
            raise RenderError(
                f"{source}: the sheet data cannot be read ({exc.error_count()} problems, the "
                "first at "
                + ".".join(map(str, exc.errors()[0]["loc"]))
                + "); rebuild with --force",
                file=source,
            ) from None
        return sheet.replace(
            measures=[
                m.replace(charts=[_with_image(c, images, source, m.id) for c in m.charts])
                if m.charts
                else m
                for m in sheet.measures
            ]
        )
    raise RenderError(
        f"{source}: no sheet data in the executed notebook; rebuild with --force", file=source
    )


def _with_image(chart: Chart, images: dict[str, str], source: str, measure: str) -> Chart:
    if chart.svg:
        return chart
    if chart.id not in images:
        raise RenderError(
            f"{source}: chart {chart.id} is missing; rebuild with --force",
            file=source,
            measure=measure,
        )
    return chart.replace(svg=images[chart.id])


def read_sheet(path: Path) -> SheetData:
    """The sheet an executed section notebook computed."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(
            f"{path}: cannot read the executed notebook ({exc}); rebuild with --force",
            file=str(path),
        ) from None
    cells = [_mapping(c) for c in _list(_mapping(notebook).get("cells"))]
    outputs = [_mapping(o) for cell in cells for o in _list(cell.get("outputs"))]
    sheet = sheet_from_outputs(outputs, str(path))
    named = _mapping(_mapping(notebook).get("metadata")).get("qareport_source")
    further = further_items(cells, named if isinstance(named, str) else path.name)
    return sheet.replace(further=further) if further else sheet


def _tags(cell: Json) -> list[object]:
    return _list(_mapping(cell.get("metadata")).get("tags"))


def analyst_cell_number(cells: Sequence[Json], index: int) -> int:
    """Cell `index` of an executed notebook, numbered from 1 as the analyst's own notebook
    (which has no injected-parameters cell) numbers it in JupyterLab."""
    injected = sum(INJECTED_TAG in _tags(c) for c in cells[:index])
    return index + 1 - injected


def further_items(cells: Sequence[Json], source: str) -> list[FurtherItem]:
    """The outputs of cells tagged `book`, in order: figures, tables and Markdown text."""
    items: list[FurtherItem] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or BOOK_TAG not in _tags(cell):
            continue
        where = f"{source}, cell {analyst_cell_number(cells, index)}"
        for output in map(_mapping, _list(cell.get("outputs"))):
            item = _further_item(output, where)
            if item is not None:
                items.append(item)
    return items


def _further_item(output: Json, where: str) -> FurtherItem | None:
    """One output of an analyst's cell as a sheet item: what `sheet.figure` and
    `sheet.table` marked, or Markdown text; None for what shows nothing (a warning, an
    object's bare name); anything else a cell tagged `book` shows stops the build, naming
    the cell and how to put it on the sheet: nothing it shows is dropped unseen."""
    data = _mapping(output.get("data"))
    meta = _mapping(_mapping(output.get("metadata")).get(FURTHER_KEY))
    kind = meta.get("kind")
    if kind == "figure" and SVG in data:
        return FurtherItem.model_validate(
            {
                "kind": "figure",
                "svg": _text(data[SVG]),
                "alt": _text(meta.get("alt")),
                "columns": _list(meta.get("columns")),  # its data table, when given
                "rows": _list(meta.get("rows")),
                "source": where,
            }
        )
    if kind == "table":
        return FurtherItem.model_validate(
            {
                "kind": "table",
                "caption": _text(meta.get("caption")),
                "columns": _list(meta.get("columns")),
                "rows": _list(meta.get("rows")),
                "source": where,
            }
        )
    if "text/markdown" in data:
        return FurtherItem(kind="text", markdown=_text(data["text/markdown"]), source=where)
    shown = _unplaced(output, data)
    if shown:
        raise RenderError(f"{where} (tagged book) {shown}; nothing a book cell shows is left out")
    return None


def _unplaced(output: Json, data: Json) -> str:
    """What an output shows that the sheet cannot take as it is, and how to put it there;
    empty for what shows nothing (a warning on stderr, an object's bare name)."""
    if output.get("output_type") == "stream":
        if output.get("name") == "stderr" or not _text(output.get("text")).strip():
            return ""
        return 'prints text: put words on the sheet with display(Markdown("..."))'
    if any(str(key).startswith("image/") for key in data):
        return (
            "shows a chart that is not on the sheet (plt.show, display(fig), or a figure "
            'left open): put it there with sheet.figure(fig, alt="what the chart shows")'
        )
    if "text/html" in data:
        return 'shows a table: put it on the sheet with sheet.table(frame, caption="...")'
    plain = _text(data.get("text/plain")).strip()
    if output.get("output_type") == "execute_result" and plain and not _bare_name(plain):
        return (
            f"shows a value ({plain[:40]}): say it in words with display(Markdown(...)), or "
            "end the line with ; so nothing is shown"
        )
    return ""


def _bare_name(text: str) -> bool:
    """An object's name as Python prints it (`<BarContainer object of 5 artists>`, a list
    or tuple of them): matplotlib's answer to a drawing call, which shows nothing."""
    parts = [p.strip() for p in text.strip("()[]").split(",") if p.strip()]
    return bool(parts) and all(p.startswith("<") and p.endswith(">") for p in parts)
