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
from qareport.sheet.model import SHEET_MIMETYPE, Chart, SheetData

__all__ = ["chart_output", "payload_outputs", "read_sheet", "sheet_from_outputs", "show"]

CHART_KEY = "qareport_chart"
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
    outputs = [o for cell in notebook.get("cells", []) for o in cell.get("outputs", [])]
    return sheet_from_outputs(outputs, str(path))
