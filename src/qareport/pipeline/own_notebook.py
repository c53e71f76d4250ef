"""An analyst's own notebook for a sheet: a starting copy of the standard one.

`notebooks/<section>.ipynb` (every area) or `notebooks/<area>/<section>.ipynb` (one
area) replaces `notebooks/section.ipynb` for that sheet (`Project.notebook_for`).
The copy keeps the standard cells and adds a worked example, commented out, of a
cell tagged `book`, whose outputs go onto the sheet's "Further analysis" panel.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from qareport.config.boundary import inside
from qareport.config.project import Project
from qareport.errors import ParameterError
from qareport.pipeline.housekeeping import check_section_notebook

__all__ = ["EXAMPLE", "new_notebook"]

GUIDE = """## Further analysis (cells tagged `book`)

The outputs of every cell tagged `book` (cell metadata: `"tags": ["book"]`) go onto
this sheet, in the HTML and the PDF, under "Further analysis":

- `sheet.figure(fig, alt="...")`: a matplotlib or seaborn figure, as vector SVG. The
  alt text is required: a figure without it stops the build.
- `sheet.table(frame, caption="...")`: a table; counts below the disclosure threshold
  are shown as [c], as on the rest of the sheet.
- `display(Markdown("..."))`: text.

`sheet.returns(measures=[...], periods=[...])` reads the returns in the store. Anything
else a `book` cell shows (plt.show(), a DataFrame, print) stops the build, naming the
cell, until one of the calls above puts it on the sheet. Cells not tagged `book` run
but show nothing on the sheet. Editing this notebook re-executes this sheet
only."""

EXAMPLE = """# An example: uncomment, then edit. Figures on the sheet need alt text.
# from IPython.display import Markdown, display
# import matplotlib.pyplot as plt
#
# rows = sheet.returns(measures=["referrals-rate"], periods=[period])
# mine = rows[rows["area_code"] == data.area_code]
# fig, ax = plt.subplots(figsize=(6, 3))
# ax.bar(mine["agency"].replace("", "All"), mine["numerator"])
# sheet.figure(fig, alt=f"Bar chart of referrals in {period} by agency")
# sheet.table(mine[["agency", "numerator", "denominator"]], caption="Referrals by agency")
# display(Markdown("**Reading:** referrals rose in the north locality."))
"""


def _parameters(project: Project, section: str, area: str | None, depth: int) -> str:
    """The copy's parameters as it runs on its own in JupyterLab (from its own folder):
    the workbook above it, its own sheet, an area with that sheet and its latest book's
    period. A build injects the real values after this cell."""
    having = [area] if area else [a.id for a in project.areas() if section in a.sections]
    having = having or project.area_ids()[:1]
    built = sorted(  # the latest book built of an area with this sheet
        (m.stat().st_mtime, m.parent.parent.name, m.parent.name)
        for shown in having
        for m in (project.output_dir / shown).glob("*/manifest.json")
    )
    shown, period = (built[-1][1], built[-1][2]) if built else (having[0], _this_year())
    return (
        "# Parameters: as written, the notebook runs on its own in JupyterLab from this\n"
        "# folder; qareport build injects the real values after this cell\n"
        f'project_dir = "{"/".join([".."] * depth)}"\n'
        f'area = "{shown}"\nperiod = "{period}"\nsection = "{section}"'
    )


def _this_year() -> str:
    from datetime import date

    today = date.today()
    first = today.year if today.month >= 4 else today.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def new_notebook(project: Project, section: str, area: str | None = None) -> Path:
    """Write a starting copy of the standard notebook for `section` (and `area`); never
    overwrites. Returns its path."""
    project.catalogue.area(section)  # an unknown section id stops here, with the ids
    folder = project.root / "notebooks"
    if area is not None:
        params = project.area(area)
        if section not in params.sections:
            raise ParameterError(
                f"{section!r} is not a sheet of {params.id}'s books (its sheets: "
                f"{', '.join(params.sections)}); give one of those"
            )
        folder /= params.id
    target = inside(project.root, folder / f"{section}.ipynb", "the notebook")
    if target.exists():
        raise ParameterError(f"{target} already exists; edit it, or delete it to start again")
    check_section_notebook(project.section_notebook)
    notebook = nbformat.read(str(project.section_notebook), as_version=4)
    guide = nbformat.v4.new_markdown_cell(GUIDE)
    example = nbformat.v4.new_code_cell(EXAMPLE)
    example.metadata["tags"] = ["book"]
    notebook.cells += [guide, example]
    for cell in notebook.cells:  # a clean copy: no outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = _parameters(project, section, area, depth=1 if area is None else 2)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(target))
    return target
