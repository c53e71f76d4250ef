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

from qareport.book.narrative import (
    FRONT_MATTER,
    STATUSES,
    cited_measures,
    front_matter_span,
    read_narrative,
    split_front_matter,
)
from qareport.config.boundary import inside, write_atomically
from qareport.config.periods import Period, parse_period
from qareport.config.project import Project
from qareport.config.yamlio import edit_yaml_text
from qareport.errors import NarrativeError, ParameterError
from qareport.sheet.model import MeasureView, SheetData

__all__ = [
    "figures_fingerprint",
    "find_project",
    "narrative_path",
    "set_review",
    "show_figures",
    "with_front_matter",
]


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
    """Record a review in the narrative file's front matter. Only the front matter's
    review keys change (edited in place, the reviewer's comments kept); the text after it is
    left byte for byte as it is; the file is replaced in one rename."""
    if status not in STATUSES:
        raise ParameterError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if not reviewer.strip():
        raise ParameterError("give the reviewer's name with --reviewer")
    params = project.area(area)
    when = parse_period(period)
    path = narrative_path(project, params.id, when, section)
    if not path.is_file():
        raise NarrativeError(
            f"{path} does not exist; run `qareport narrative init --area {params.id} "
            f"--period {when.label}` first"
        )
    text = path.read_text(encoding="utf-8-sig")
    split_front_matter(text, path)  # front matter written wrongly: stop, naming the line
    changes: dict[str, str | None] = {
        "status": status,
        "reviewer": reviewer.strip(),
        "reviewed_on": (on or date.today()).isoformat(),
        "approved_figures": None,
    }
    if status == "approved":
        sheets = _built_sheets(project, params.id, when.label)
        if not sheets:
            raise NarrativeError(
                f"build the book before approving: qareport build --area {params.id} "
                f"--period {when.label}"
            )
        cited = cited_measures(read_narrative(path))
        changes["approved_figures"] = figures_fingerprint(cited, sheets)
    write_atomically(path, with_front_matter(text, changes))
    return path


def narrative_path(project: Project, area_id: str, period: Period, section: str) -> Path:
    """The narrative file of one of the book's sheets (`front-door`), of its story sheet
    (`front-door.story`) or of the book's story sheet (`story`): never a path a typed
    section could lead anywhere else, and never through a link out of the workbook."""
    sections = project.book_sections(project.area(area_id), period)
    allowed = {*sections, *(f"{s}.story" for s in sections), "story"}
    if section not in allowed:
        shown = section if section.isprintable() else repr(section)
        raise ParameterError(
            f"--section {shown} is not a sheet of {area_id}'s {period.label} book; give one "
            f"of {', '.join(sections)} (add .story for its story sheet, or story for the book's)"
        )
    path = project.narrative_area_dir(area_id) / period.label / f"{section}.md"
    return inside(project.root, path, "the narrative file", NarrativeError)


def with_front_matter(text: str, changes: dict[str, str | None]) -> str:
    """`text` with its front matter's keys set (None: removed), every other line of it (its
    comments too) and all the text after it unchanged; a file without front matter gets it."""
    span = front_matter_span(text)
    found = FRONT_MATTER.match(text) if span else None
    block, body = (found.group(1), text[found.end() :]) if found else ("", text)

    def change(data) -> bool:
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return True

    edited = edit_yaml_text(block, change) or ""
    return "---\n" + edited + "---\n" + ("" if span else "\n") + body
