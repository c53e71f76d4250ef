"""The reviewer's side: figures beside the words in JupyterLab, and signing a sheet off.

`show_figures` is what the first cell of every narrative notebook calls: it
shows the sheet's charts and figures from the last build, so the reviewer
writes with them in view. `set_review` records a review (draft, reviewed or
approved) with the reviewer's name and date in the narrative file's front
matter; approving also records a fingerprint of the figures the text cites,
so a later change to those figures flags the sheet for re-review.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from qareport.book.narrative import STATUSES, cited_measures, read_narrative, split_front_matter
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.config.yamlio import dump_yaml
from qareport.errors import NarrativeError, ParameterError
from qareport.sheet.model import MeasureView, SheetData

__all__ = ["figures_fingerprint", "find_project", "set_review", "show_figures"]


def find_project(start: Path | None = None) -> Project:
    """The workbook folder at or above `start` (a notebook runs in its own folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "parameters").is_dir():
            return Project(folder)
    raise ParameterError(f"no workbook (a folder with parameters/) at or above {here}")


def _built_sheets(project: Project, area: str, period: str) -> list[SheetData]:
    from qareport.sheet.payload import read_sheet

    folder = project.book_dir(area, parse_period(period)) / "notebooks"
    return [read_sheet(p) for p in sorted(folder.glob("*.ipynb"))]


def figures_fingerprint(measure_ids: list[str], sheets: list[SheetData]) -> str:
    """A hash of the cited figures as the book shows them (value, base, comparators)."""
    views: dict[str, MeasureView] = {m.id: m for s in sheets for m in s.measures}
    shown = {
        m: views[m].model_dump(
            include={
                "latest_period",
                "latest",
                "numerator",
                "denominator",
                "peer",
                "national",
                "change",
            }
        )
        for m in sorted(measure_ids)
        if m in views
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]


def show_figures(area: str, period: str, section: str, project_dir: str | None = None) -> None:
    """Display a sheet's charts and figures from the last build, for the reviewer."""
    from IPython.display import HTML, display

    project = Project.open(project_dir) if project_dir else find_project()
    path = project.book_dir(area, parse_period(period)) / "notebooks" / f"{section}.ipynb"
    if not path.is_file():
        display(
            HTML(
                f"<p>No figures yet: run <code>qareport build --area {area} --period "
                f"{period}</code> in {project.root}, then run this cell again.</p>"
            )
        )
        return
    from html import escape

    from qareport.sheet.payload import chart_output, read_sheet

    sheet = read_sheet(path)
    rows = "".join(
        f"<tr><td>{escape(m.title)}</td><td><code>{{{{ measure:{m.id} }}}}</code></td>"
        f"<td>{escape(m.latest)}</td><td>{escape(m.change)}</td><td>{escape(m.peer)}</td></tr>"
        for m in sheet.measures
    )
    display(
        HTML(
            f"<h3>{escape(sheet.section_title)}: {escape(sheet.area_name)}, "
            f"{escape(sheet.period_title)}</h3><table><tr><th>Measure</th><th>Cite as</th>"
            "<th>Latest</th><th>Change</th>"
            f"<th>{escape(sheet.peer_label)} mean</th></tr>{rows}</table>"
        )
    )
    for measure in sheet.measures:
        if measure.charts:  # the measure's main chart, as its sheet opens with it
            output = chart_output(measure.charts[0])
            display(output["data"], metadata=output["metadata"], raw=True)


def set_review(
    project: Project,
    area: str,
    period: str,
    section: str,
    *,
    reviewer: str,
    status: str,
    on: date | None = None,
) -> Path:
    """Record a review in the narrative file's front matter; the text is left exactly as it is."""
    if status not in STATUSES:
        raise ParameterError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if not reviewer.strip():
        raise ParameterError("give the reviewer's name with --reviewer")
    params = project.area(area)
    when = parse_period(period)
    path = project.narrative_area_dir(params.id) / when.label / f"{section}.md"
    if not path.is_file():
        raise NarrativeError(
            f"{path} does not exist; run `qareport narrative init --area {params.id} "
            f"--period {when.label}` first"
        )
    text = path.read_text(encoding="utf-8-sig")
    front, body = split_front_matter(text, path)
    front.update(
        {
            "status": status,
            "reviewer": reviewer.strip(),
            "reviewed_on": (on or date.today()).isoformat(),
        }
    )
    front.pop("approved_figures", None)
    if status == "approved":
        sheets = _built_sheets(project, params.id, when.label)
        if not sheets:
            raise NarrativeError(
                f"build the book before approving: qareport build --area {params.id} "
                f"--period {when.label}"
            )
        cited = cited_measures(read_narrative(path))
        front["approved_figures"] = figures_fingerprint(cited, sheets)
    path.write_text("---\n" + dump_yaml(front) + "---\n" + body, encoding="utf-8")
    return path
