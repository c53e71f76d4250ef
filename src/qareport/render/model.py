"""The book as the renderers see it: sheets from executed notebooks plus narrative.

Both the HTML and the PDF renderer take a `Book`, so they cannot disagree
about what a sheet says. Sheet data are read back from the JSON payload each
executed section notebook displays; narrative is read from its files now, so
an edit to narrative alone needs no notebook to run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..errors import RenderError
from ..narrative import Narrative
from ..sheetdata import SHEET_MIMETYPE, SheetData

__all__ = ["Book", "SheetPage", "sheet_from_notebook"]

NOT_WRITTEN = "Not yet written"


@dataclass(frozen=True)
class SheetPage:
    data: SheetData
    narrative: Narrative
    narrative_label: str  # the file's path relative to the project, for 'edit here' hints

    @property
    def anchor(self) -> str:
        return f"sheet-{self.data.section_id}"


@dataclass(frozen=True)
class Book:
    title: str
    area_name: str
    area_code: str
    area_kind: str
    period: str
    period_title: str
    synthetic: bool
    peer_label: str
    national_label: str
    suppression: str
    sheets: list[SheetPage]
    provenance: list[tuple[str, str]]  # (label, value) rows for the appendix
    built_at: str


def sheet_from_notebook(path: Path) -> SheetData:
    """Find the sheet payload in an executed section notebook."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise RenderError(
            f"{path}: cannot read the executed notebook ({exc}); rebuild with --force"
        ) from None
    images: dict[str, str] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            chart_id = output.get("metadata", {}).get("qareport_chart")
            if chart_id and "image/png" in output.get("data", {}):
                images[chart_id] = "".join(output["data"]["image/png"].split())
            payload = output.get("data", {}).get(SHEET_MIMETYPE)
            if payload is not None:
                for measure in payload["measures"]:
                    chart = measure.get("chart")
                    if chart and not chart["png_base64"]:
                        if chart["id"] not in images:
                            raise RenderError(
                                f"{path}: chart {chart['id']} is missing; rebuild with --force"
                            )
                        chart["png_base64"] = images[chart["id"]]
                return SheetData.model_validate(payload)
    raise RenderError(f"{path}: no sheet data in the executed notebook; rebuild with --force")
