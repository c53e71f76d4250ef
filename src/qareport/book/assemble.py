"""Putting a book together from executed sheets and the reviewers' files.

Reads, for one area and period, each sheet's narrative, the story sheet and the
actions register; fills `{{ measure:ID }}` placeholders from the figures as the
book shows them; works out review status, re-review flags and overdue actions;
and returns the `Book` both renderers draw.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from qareport import __version__
from qareport.book.actions import Action, ActionsRegister, load_actions
from qareport.book.curve import attach_curves, curve_files
from qareport.book.model import ActionView, Book, SheetPage, StoryPage, ThemeView
from qareport.book.narrative import (
    STORY_PARTS,
    Narrative,
    cited_measures,
    fill_placeholders,
    read_narrative,
    story_file,
)
from qareport.book.programme import ProgrammeRow, informed, load_programme, programme_rows
from qareport.book.review import (
    REGISTER,
    figures_fingerprint,
    latest_decisions,
    with_decision,
)
from qareport.book.themes import load_themes
from qareport.config.boundary import inside
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period
from qareport.config.project import Project
from qareport.errors import NarrativeError
from qareport.sheet.model import SheetData

__all__ = ["assemble_book", "check_narrative", "narrative_files"]


def narrative_files(project: Project, area: AreaParameters, period: Period) -> list[Path]:
    """Every narrative file a book reads (existing or not): one per sheet, and the story."""
    folder = project.narrative_area_dir(area.id) / period.label
    sections = project.book_sections(area, period)
    return [
        *(folder / f"{s}.md" for s in sections),
        *(story_file(folder, s) for s in sections),
        folder / "story.md",
        *curve_files(folder),
    ]


LONG_NARRATIVE = 20_000  # characters: far more than an A3 sheet's analysis panel holds


def check_narrative(project: Project, area: AreaParameters, period: Period) -> list[str]:
    """Read every narrative file and the actions register, and check every citation, so a
    problem in them stops a build before it writes anything. Returns warnings: a file
    named for no sheet of the book, and a narrative long enough to swamp the PDF."""
    folder = project.narrative_area_dir(area.id) / period.label
    for path in [
        *narrative_files(project, area, period),
        folder / "actions.yml",
        folder / "themes.yml",
        folder / REGISTER,
        project.programme_path(area.id),
    ]:  # a link out of the workbook is refused, naming it, before anything is read
        inside(project.root, path, "a reviewer's file", NarrativeError)
    latest_decisions(folder)  # a register that cannot be read stops here, naming it
    load_actions(folder / "actions.yml")
    load_themes(
        folder / "themes.yml", {m.id for m in area.members}, project.book_sections(area, period)
    )
    load_programme(project.programme_path(area.id), project.catalogue, area)
    known = {
        m for s in project.book_sections(area, period) for m in project.catalogue.area(s).measures
    }
    warnings = []
    files = narrative_files(project, area, period)
    for path in files:
        narrative = read_narrative(path)
        for part in narrative.parts.values():
            fill_placeholders(narrative, part, dict.fromkeys(known, ""))
        size = sum(len(part) for part in narrative.parts.values())
        if size > LONG_NARRATIVE:
            warnings.append(
                f"{_relative(path, project.root)} has {size:,} characters of narrative, enough "
                "for many PDF pages; a sheet's analysis reads best in under 3,000"
            )
    names = {p.name for p in files}
    sections = project.book_sections(area, period)
    for section in sections:
        warnings += _changed_title(project, folder / f"{section}.md", section)
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.name not in names:
            close = difflib.get_close_matches(path.stem.replace("_", "-"), sections, n=1)
            hint = f"rename it to {close[0]}.md" if close else f"sheets: {', '.join(sections)}"
            warnings.append(
                f"{_relative(path, project.root)} is named for no sheet of this book, so it is "
                f"not shown; {hint}"
            )
    return warnings


def _changed_title(project: Project, path: Path, section: str) -> list[str]:
    """A sheet's `# title` edited in its narrative is not printed (the sheet's title comes
    from the catalogue, the same in every book): said, naming the line, never ignored."""
    title = project.catalogue.area(section).title
    found = read_narrative(path).title_line()
    if found is None or " ".join(found[1].split()).casefold() == title.casefold():
        return []
    line, typed = found
    return [
        f"{_relative(path, project.root)} line {line}: the title '# {typed}' is not printed: "
        f"every book titles this sheet '{title}' (from the catalogue). For a heading of your "
        "own, write it as '## ...' in the analysis; to retitle the sheet in every book, "
        "change the content area's title in a catalogue of your own"
    ]


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def assemble_book(
    project: Project,
    area: AreaParameters,
    period: Period,
    sheets: list[SheetData],
    *,
    built_at: str,
    provenance: list[tuple[str, str]] | None = None,
    notice: str = "",
) -> Book:
    folder = project.narrative_area_dir(area.id) / period.label
    sections = project.book_sections(area, period)
    register = _actions_register(folder, sections)
    figures = {m.id: m.latest for sheet in sheets for m in sheet.measures}
    names = {m.id: m.name for m in area.members}
    programme = programme_rows(
        load_programme(project.programme_path(area.id), project.catalogue, area), area, period
    )
    pages = [
        _sheet_page(
            project,
            data,
            folder=folder,
            sheets=sheets,
            figures=figures,
            period=period,
            actions=[_action_view(a, names, period) for a in register.for_section(data.section_id)],
            informed_by=informed(programme, data.section_id, period),
        )
        for data in sheets
    ]
    pages = attach_curves(project, area, period, pages)
    titles = {d.section_id: d.section_title for d in sheets}
    themes = [
        ThemeView(
            t.theme,
            t.risk,
            [names.get(a, a) for a in t.agencies],
            [(f"sheet-{s}", titles.get(s, s)) for s in t.sheets],
            t.summary,
        )
        for t in load_themes(folder / "themes.yml", set(names), sections)
    ]
    return Book(
        title=project.defaults.title,
        area_name=area.name,
        area_code=area.code,
        area_kind=area.kind,
        period=period.label,
        period_title=period.title,
        synthetic=area.synthetic,
        peer_label=area.peer_group_label,
        national_label=area.national_label or project.defaults.national_label,
        suppression=sheets[0].suppression if sheets else "",
        sheets=pages,
        provenance=provenance if provenance is not None else _bare_provenance(area, period),
        built_at=built_at,
        story=_story(
            project,
            with_decision(
                read_narrative(folder / "story.md"), latest_decisions(folder).get("story")
            ),
            figures,
        ),
        members=[(m.name, m.kind) for m in area.members],
        programme=programme,
        themes=themes,
        edition=period.edition,
        notice=notice,
    )


def _actions_register(folder: Path, sections: list[str]) -> ActionsRegister:
    """The period's actions register, every action on a sheet of this book."""
    register = load_actions(folder / "actions.yml")
    stray = [a for a in register.actions if a.section not in sections]
    if stray:
        raise NarrativeError(
            f"{folder / 'actions.yml'}: action {stray[0].id}: section {stray[0].section!r} is "
            f"not a sheet of this book ({', '.join(sections)})"
        )
    return register


def _action_view(action: Action, names: dict[str, str], period: Period) -> ActionView:
    return ActionView(
        action.id,
        action.text,
        names.get(action.owner, action.owner),  # an owner may be a member agency's id
        action.due,
        action.status,
        action.raised,
        action.closed or "",
        action.overdue(period),
    )


def _sheet_page(
    project: Project,
    data: SheetData,
    *,
    folder: Path,
    sheets: list[SheetData],
    figures: dict[str, str],
    period: Period,
    actions: list[ActionView],
    informed_by: list[ProgrammeRow],
) -> SheetPage:
    """One sheet with its reviewers' words, its review status, actions and story sheet."""
    decisions = latest_decisions(folder)
    narrative = with_decision(
        read_narrative(folder / f"{data.section_id}.md"), decisions.get(data.section_id)
    )
    # a sign-off typed into the file by hand records no figures, reviewer or date: it is
    # not taken as one, and the sheet says so
    recorded = bool(narrative.reviewer and narrative.reviewed_on) and (
        narrative.status != "approved" or bool(narrative.approved_figures)
    )
    typed = "" if narrative.status == "draft" or recorded else narrative.status
    rereview = (
        not typed
        and narrative.status == "approved"
        and narrative.approved_figures != (figures_fingerprint(cited_measures(narrative), sheets))
    )
    return SheetPage(
        data=data,
        narrative_label=_relative(narrative.path, project.root),
        analysis=fill_placeholders(narrative, narrative.part("analysis"), figures),
        actions_text=fill_placeholders(narrative, narrative.part("actions"), figures),
        actions=actions,
        status="draft" if typed else narrative.status,
        reviewer=narrative.reviewer,
        reviewed_on=narrative.reviewed_on,
        rereview=rereview,
        typed_status=typed,
        informed_by=informed_by,
        story=_story(
            project,
            with_decision(
                read_narrative(story_file(folder, data.section_id)),
                decisions.get(f"{data.section_id}.story"),
            ),
            figures,
            anchor=f"story-{data.section_id}",
            title=f"Story sheet: {data.section_title}",
        ),
    )


def _bare_provenance(area: AreaParameters, period: Period) -> list[tuple[str, str]]:
    return [
        ("Area", f"{area.name} ({area.code})"),
        ("Period", period.label),
        ("qareport version", __version__),
    ]


def _story(
    project: Project,
    story_file: Narrative,
    figures: dict[str, str],
    *,
    anchor: str = "story",
    title: str = "Story sheet: experiences behind the figures",
) -> StoryPage | None:
    """A story sheet (the book's, or one sheet's), or None when nothing is written in it."""
    parts = [
        (name.capitalize(), fill_placeholders(story_file, story_file.part(name), figures))
        for name in STORY_PARTS
    ]
    if not any(text for _, text in parts):
        return None
    status = story_file.status.capitalize()
    if story_file.reviewer:
        status += f" by {story_file.reviewer}"
    return StoryPage(parts, _relative(story_file.path, project.root), status, anchor, title)
