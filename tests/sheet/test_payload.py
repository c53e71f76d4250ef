"""The sheet payload round trip: what the notebook shows is exactly what the renderers read."""

import nbformat
import pytest

from qareport import Project
from qareport.config.periods import parse_period
from qareport.errors import RenderError
from qareport.sheet.build import build_sheet
from qareport.sheet.payload import payload_outputs, read_sheet


def _notebook(outputs, path):
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("sheet.show(data)")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    notebook.cells.append(cell)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize(
    ("area", "period"), [("amberleigh", "2025-26"), ("ashcombe-partnership", "2025-26-Q4")]
)
def test_a_sheet_survives_the_notebook_unchanged(demo_store, tmp_path, area, period):
    project = Project.open(demo_store)
    section = project.book_sections(project.area(area), parse_period(period))[0]
    sheet = build_sheet(demo_store, area, period, section)
    assert any(m.charts for m in sheet.measures)
    path = _notebook(payload_outputs(sheet), tmp_path / "sheet.ipynb")
    assert read_sheet(path) == sheet


def test_each_chart_is_stored_once_as_an_svg_output_with_its_alt_text(demo_store):
    sheet = build_sheet(demo_store, "amberleigh", "2025-26", "front-door")
    outputs = payload_outputs(sheet)
    images = [o for o in outputs if "image/svg+xml" in o["data"]]
    charts = [c for m in sheet.measures for c in m.charts]
    assert [o["metadata"]["qareport_chart"] for o in images] == [c.id for c in charts]
    assert [o["metadata"]["alt"] for o in images] == [c.alt for c in charts]
    payload = outputs[-1]["data"]["application/vnd.qareport.sheet+json"]
    assert payload["measures"] and all(
        not c["svg"] for m in payload["measures"] for c in m["charts"]
    )


def test_a_missing_chart_or_payload_is_an_error_that_says_rebuild(demo_store, tmp_path):
    sheet = build_sheet(demo_store, "amberleigh", "2025-26", "front-door")
    outputs = [o for o in payload_outputs(sheet) if "image/svg+xml" not in o["data"]]
    with pytest.raises(RenderError, match="is missing; rebuild with --force"):
        read_sheet(_notebook(outputs, tmp_path / "a.ipynb"))
    with pytest.raises(RenderError, match="no sheet data"):
        read_sheet(_notebook(outputs[:1], tmp_path / "b.ipynb"))
