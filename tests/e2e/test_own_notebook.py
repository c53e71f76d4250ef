"""An analyst's own notebook for a sheet: its `book` cells reach the HTML and the PDF."""

from __future__ import annotations

from html import escape

import nbformat
import openpyxl
import pypdf
import pytest

from helpers import DEMO_AREA, PERIOD, run_cli
from qareport import build_book
from qareport.errors import ExecutionError

OWN = """from IPython.display import Markdown, display
import matplotlib.pyplot as plt
import pandas as pd
fig, ax = plt.subplots(figsize=(5, 2.5))
ax.bar(["North", "South", "East"], [120, 95, 3])
sheet.figure(fig, alt=ALT, data=pd.DataFrame({"Locality": ["North", "South", "East"],
                                              "Referrals": [120, 95, 3]}))
sheet.table(pd.DataFrame({"Locality": ["North", "South", "East"], "Referrals": [120, 95, 3]}),
            caption="Referrals by locality, own count")
display(Markdown("**Reading:** most referrals come from the north locality."))"""
ALT = "Bar chart of referrals by locality from the front door's own count"


def _own_cell(path, alt: str) -> None:
    notebook = nbformat.read(str(path), as_version=4)
    cell = nbformat.v4.new_code_cell(OWN.replace("ALT", repr(alt)))
    cell.metadata["tags"] = ["book"]
    notebook.cells.append(cell)
    nbformat.write(notebook, str(path))


def test_an_own_notebooks_figure_table_and_text_are_on_screen_and_paper(workbook):
    made = run_cli("notebook", "new", "--section", "front-door", cwd=workbook)
    assert made.returncode == 0, made.stderr
    own = workbook / "notebooks" / "front-door.ipynb"
    assert own.is_file()
    first = build_book(workbook, DEMO_AREA, PERIOD)
    _own_cell(own, ALT)
    result = build_book(workbook, DEMO_AREA, PERIOD)
    assert result.executed == ["front-door"] and first.executed  # only the edited sheet ran
    html = result.html.read_text(encoding="utf-8")
    start = html.index('id="sheet-front-door-further"')
    panel = html[start : html.index("</section>", start)]
    assert f'aria-label="{escape(ALT, quote=True)}"' in panel and "<svg" in panel
    assert "Referrals by locality, own count" in panel
    assert "<strong>Reading:</strong> most referrals come from the north locality." in panel
    # the count of 3 is below the demo's threshold: withheld, as on the rest of the sheet
    assert "<td>[c]</td>" in panel and "<td>3</td>" not in panel and "<td>120</td>" in panel
    assert "<caption>Data behind the chart: Bar chart of referrals by locality" in panel
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(result.pdf).pages)
    assert "Further analysis" in text and ALT in text
    assert "Data behind the chart" in text
    figures = openpyxl.load_workbook(result.files["spreadsheet"], read_only=True)
    own = [list(r) for r in figures["front-door-a1"].iter_rows(values_only=True)]
    assert own[0][0].startswith("Table ") and "Data behind the chart" in own[0][0]
    assert ["North", 120] in [r[:2] for r in own] and ["East", "[c]"] in [r[:2] for r in own]
    assert "Referrals by locality, own count" in text
    assert "most referrals come from the north locality" in text


def test_a_figure_without_alt_text_stops_the_build_naming_notebook_and_cell(workbook):
    good = build_book(workbook, DEMO_AREA, PERIOD)
    before = good.html.read_bytes()
    own = workbook / "notebooks" / DEMO_AREA / "front-door.ipynb"
    made = run_cli("notebook", "new", "--section", "front-door", "--area", DEMO_AREA, cwd=workbook)
    assert made.returncode == 0 and own.is_file()
    _own_cell(own, "")
    cells = len(nbformat.read(str(own), as_version=4).cells)
    with pytest.raises(ExecutionError) as caught:
        build_book(workbook, DEMO_AREA, PERIOD)
    message = str(caught.value)
    assert f"notebooks/{DEMO_AREA}/front-door.ipynb, cell {cells}" in message
    assert "sheet.figure needs alt text" in message
    assert good.html.read_bytes() == before  # the previous book stays


def test_the_scaffold_runs_top_to_bottom_from_its_folder_with_its_own_sheet(workbook):
    """As JupyterLab's Run All does: from notebooks/, the workbook above it."""
    from nbclient import NotebookClient

    build_book(workbook, DEMO_AREA, PERIOD)  # the store and a book to take the period from
    made = run_cli("notebook", "new", "--section", "front-door", cwd=workbook)
    assert made.returncode == 0, made.stderr
    own = workbook / "notebooks" / "front-door.ipynb"
    notebook = nbformat.read(str(own), as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assert 'section = "front-door"' in parameters.source
    assert 'project_dir = ".."' in parameters.source
    assert (
        f'area = "{DEMO_AREA}"' in parameters.source and f'period = "{PERIOD}"' in parameters.source
    )
    where = {"metadata": {"path": str(own.parent)}}
    NotebookClient(notebook, timeout=300, resources=where).execute()
    shown = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert not [o for o in shown if o.get("output_type") == "error"]


@pytest.mark.parametrize(
    "cell, said",
    [
        ("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
         "shows a chart that is not on the sheet"),
        ("import pandas as pd\npd.DataFrame({'Locality': ['North'], 'Referrals': [120]})",
         "shows a table"),
    ],
)  # fmt: skip
def test_a_chart_or_table_a_book_cell_shows_off_the_sheet_stops_the_build(workbook, cell, said):
    made = run_cli("notebook", "new", "--section", "front-door", cwd=workbook)
    assert made.returncode == 0, made.stderr
    own = workbook / "notebooks" / "front-door.ipynb"
    notebook = nbformat.read(str(own), as_version=4)
    added = nbformat.v4.new_code_cell(cell)
    added.metadata["tags"] = ["book"]
    notebook.cells.append(added)
    nbformat.write(notebook, str(own))
    done = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert done.returncode == 1
    expected = f"front-door.ipynb, cell {len(notebook.cells)} (tagged book) {said}"
    assert expected in done.stdout + done.stderr
