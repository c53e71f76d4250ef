"""The reviewer's side: figures beside the words in JupyterLab, and signing a sheet off.

`show_figures` is what the first cell of every narrative notebook calls: it
shows the sheet's charts and figures from the last build, so the reviewer
writes with them in view. `set_review` records a review (draft, reviewed or
approved) with the reviewer's name and date in the review register beside the
narratives (`reviews.yml`), never in the narrative file: an editor open on that
file (JupyterLab's "File Changed: Overwrite") cannot undo a sign-off. Approving
also records a fingerprint of the figures the text cites, so a later change to
those figures flags the sheet for re-review. The book shows each sheet's latest
decision (`with_decision`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

from qareport.book.narrative import (
    FRONT_MATTER,
    STATUSES,
    Narrative,
    cited_measures,
    front_matter_span,
    read_narrative,
    story_file,
)
from qareport.config.boundary import inside, write_atomically
from qareport.config.periods import Period, parse_period
from qareport.config.project import Project
from qareport.config.yamlio import edit_yaml_text, load_yaml
from qareport.errors import NarrativeError, ParameterError
from qareport.sheet.model import MeasureView, SheetData

__all__ = [
    "REGISTER",
    "figures_fingerprint",
    "find_project",
    "latest_decisions",
    "narrative_path",
    "set_review",
    "show_figures",
    "with_decision",
    "with_front_matter",
]

REGISTER = "reviews.yml"  # beside a period's narratives: every decision, newest last
REGISTER_HEAD = (
    "# Review decisions for this book's sheets, newest last, written by\n"
    "# `qareport narrative review`: the book shows each sheet's latest. A review never\n"
    "# changes the narrative file, so an editor open on it cannot undo a sign-off.\n"
)
DECISION_KEYS = ("status", "reviewer", "reviewed_on", "approved_figures")


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
                "<p>No figures yet: press <b>Build the book</b> in the review panel below "
                "(or run <code>qareport build</code>), then run this cell again.</p>"
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
    nothing_written: bool = False,
) -> Path:
    """Record a review decision in the period's register (`reviews.yml`, appended in one
    rename); the narrative file is read, never written. A sheet with no analysis is only
    approved when the reviewer says so (`nothing_written`). Returns the register."""
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
    narrative = read_narrative(path)  # written wrongly: stop, naming the line
    decision = {
        "section": section,
        "status": status,
        "reviewer": reviewer.strip(),
        "reviewed_on": (on or date.today()).isoformat(),
    }
    if status == "approved":
        _check_written(narrative, section, nothing_written)
        sheets = _built_sheets(project, params.id, when.label)
        if not sheets:
            raise NarrativeError(
                f"build the book before approving: qareport build --area {params.id} "
                f"--period {when.label}"
            )
        decision["approved_figures"] = figures_fingerprint(cited_measures(narrative), sheets)
    register = path.parent / REGISTER
    before = register.read_text(encoding="utf-8") if register.is_file() else REGISTER_HEAD
    entry = yaml.safe_dump([decision], sort_keys=False, allow_unicode=True)
    write_atomically(register, before + ("" if before.endswith("\n") else "\n") + entry)
    return register


def _check_written(narrative: Narrative, section: str, nothing_written: bool) -> None:
    """An approval of a sheet with no analysis says so, or is refused in words."""
    if section == "story" or section.endswith(".story") or nothing_written:
        return
    if not narrative.part("analysis"):
        raise NarrativeError(
            f"{narrative.path.name} has no analysis written: write it and save, or approve "
            "with --nothing-written to record that the sheet needs none (the book then says "
            "'No analysis was written for this sheet.')"
        )


def latest_decisions(folder: Path) -> dict[str, dict[str, str]]:
    """Each sheet's latest decision in the folder's register, by section (`front-door`,
    `front-door.story`, `story`); a register that cannot be read stops the build, naming
    it, since a sign-off must never vanish silently."""
    register = folder / REGISTER
    if not register.is_file():
        return {}
    try:
        entries = load_yaml(register) or []
    except ValueError as exc:
        raise NarrativeError(str(exc)) from None
    if not isinstance(entries, list):
        raise NarrativeError(f"{register}: a list of review decisions was expected")
    latest: dict[str, dict[str, str]] = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("section"):
            latest[str(entry["section"])] = {
                k: str(entry[k]) for k in DECISION_KEYS if entry.get(k) is not None
            }
    return latest


def with_decision(narrative: Narrative, decision: dict[str, str] | None) -> Narrative:
    """The narrative as the book reads it: its register decision, when it has one, in place
    of any review keys in its front matter."""
    if not decision:
        return narrative
    front = {k: v for k, v in narrative.front.items() if k not in DECISION_KEYS}
    return replace(narrative, front={**front, **decision})


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
    folder = project.narrative_area_dir(area_id) / period.label
    if section.endswith(".story"):
        path = story_file(folder, section.removesuffix(".story"))
    else:
        path = folder / f"{section}.md"
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
