"""The sheet payload: how a computed sheet travels from its notebook to the renderers.

Written and read here only. The section notebook displays the sheet as outputs:
each chart as an SVG output tagged with its id (so the executed notebook
shows it and the image is stored once), then the `SheetData` as JSON under
`SHEET_MIMETYPE` with the chart images left out. `read_sheet` finds those
outputs in the executed notebook and puts the images back.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from qareport.errors import RenderError
from qareport.sheet.further import FURTHER_KEY
from qareport.sheet.model import SHEET_MIMETYPE, Chart, FurtherItem, SheetData

__all__ = [
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


def chart_output(chart: Chart) -> dict[str, Any]:
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


def payload_outputs(sheet: SheetData) -> list[dict[str, Any]]:
    """The outputs a section notebook displays: a summary, each chart, then the payload."""
    outputs: list[dict[str, Any]] = [
        {
            "output_type": "display_data",
            "data": {"text/html": _summary_html(sheet), "text/plain": sheet.section_title},
            "metadata": {},
        }
    ]
    payload = json.loads(sheet.model_dump_json())
    for view, measure in zip(sheet.measures, payload["measures"], strict=True):
        for key in ("chart", "extra"):
            chart = getattr(view, key)
            if chart is not None:
                outputs.append(chart_output(chart))
                measure[key]["svg"] = ""  # stored once, in the image output above
    outputs.append(
        {
            "output_type": "display_data",
            "data": {SHEET_MIMETYPE: payload, "text/plain": "qareport sheet data"},
            "metadata": {},
        }
    )
    return outputs


def show(sheet: SheetData) -> None:
    """Display the sheet in the notebook (what the section notebook's one cell calls)."""
    from IPython.display import display  # imported here: not needed outside Jupyter

    for output in payload_outputs(sheet):
        display(output["data"], metadata=output["metadata"], raw=True)


def sheet_from_outputs(outputs: list[dict[str, Any]], source: str) -> SheetData:
    """The sheet in a list of notebook outputs; `source` names them in errors."""
    images: dict[str, str] = {}
    for output in outputs:
        chart_id = output.get("metadata", {}).get(CHART_KEY)
        data = output.get("data", {})
        if chart_id and SVG in data:
            drawing = data[SVG]
            images[chart_id] = "".join(drawing) if isinstance(drawing, list) else drawing
        payload = data.get(SHEET_MIMETYPE)
        if payload is None:
            continue
        for measure in payload["measures"]:
            for chart in (measure.get("chart"), measure.get("extra")):
                if chart and not chart["svg"]:
                    if chart["id"] not in images:
                        raise RenderError(
                            f"{source}: chart {chart['id']} is missing; rebuild with --force",
                            file=source,
                            measure=measure.get("id"),
                        )
                    chart["svg"] = images[chart["id"]]
        return SheetData.model_validate(payload)
    raise RenderError(
        f"{source}: no sheet data in the executed notebook; rebuild with --force", file=source
    )


def read_sheet(path: Path) -> SheetData:
    """The sheet an executed section notebook computed."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(
            f"{path}: cannot read the executed notebook ({exc}); rebuild with --force",
            file=str(path),
        ) from None
    cells = notebook.get("cells", [])
    outputs = [o for cell in cells for o in cell.get("outputs", [])]
    sheet = sheet_from_outputs(outputs, str(path))
    further = further_items(cells, notebook.get("metadata", {}).get("qareport_source", path.name))
    return sheet.model_copy(update={"further": further}) if further else sheet


def analyst_cell_number(cells: list[dict[str, Any]], index: int) -> int:
    """Cell `index` of an executed notebook, numbered from 1 as the analyst's own notebook
    (which has no injected-parameters cell) numbers it in JupyterLab."""
    injected = sum(INJECTED_TAG in c.get("metadata", {}).get("tags", []) for c in cells[:index])
    return index + 1 - injected


def further_items(cells: list[dict[str, Any]], source: str) -> list[FurtherItem]:
    """The outputs of cells tagged `book`, in order: figures, tables and Markdown text."""
    items: list[FurtherItem] = []
    for index, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") != "code" or BOOK_TAG not in tags:
            continue
        where = f"{source}, cell {analyst_cell_number(cells, index)}"
        for output in cell.get("outputs", []):
            data, meta = output.get("data", {}), output.get("metadata", {}).get(FURTHER_KEY, {})
            if meta.get("kind") == "figure" and SVG in data:
                svg = data[SVG]
                items.append(
                    FurtherItem(
                        kind="figure",
                        svg="".join(svg) if isinstance(svg, list) else svg,
                        alt=meta.get("alt", ""),
                        source=where,
                    )
                )
            elif meta.get("kind") == "table":
                items.append(
                    FurtherItem(
                        kind="table",
                        caption=meta.get("caption", ""),
                        columns=meta.get("columns", []),
                        rows=meta.get("rows", []),
                        source=where,
                    )
                )
            elif "text/markdown" in data:
                text = data["text/markdown"]
                items.append(
                    FurtherItem(
                        kind="text",
                        markdown="".join(text) if isinstance(text, list) else text,
                        source=where,
                    )
                )
    return items
