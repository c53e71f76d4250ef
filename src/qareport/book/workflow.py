"""The reviewers' chores: start a period's narrative, and move on to the next period.

Both only ever create files: an existing narrative file or register is never
overwritten, so running them twice is harmless.
"""

from __future__ import annotations

from pathlib import Path

from qareport.book.actions import carry_forward, load_actions, save_actions
from qareport.book.narrative import story_stub, stub_text
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.errors import NarrativeError, ParameterError

__all__ = ["init_narrative", "new_period"]

JUPYTEXT_CONFIG = (
    "# Reviewers open narrative/*.md as notebooks in JupyterLab through jupytext.\n"
    "# One cell per part: the Analysis and Actions headings each start a cell.\n"
    "split_at_heading = true\n"
)


def _create(path: Path, text: str, created: list[Path]) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    created.append(path)


def init_narrative(project: Project, area: str, period: str) -> list[Path]:
    """Create stubs for every sheet of the area, each sheet's story sheet, the book's story
    sheet and the actions register."""
    params = project.area(area)
    when = parse_period(period)
    folder = project.narrative_area_dir(params.id) / when.label
    created: list[Path] = []
    _create(project.narrative_dir / "jupytext.toml", JUPYTEXT_CONFIG, created)
    for section in project.book_sections(params, when):
        title = project.catalogue.area(section).title
        _create(folder / f"{section}.md", stub_text(params.id, when.label, section, title), created)
        _create(folder / f"{section}.story.md", story_stub(params.name, when.label, title), created)
    _create(folder / "story.md", story_stub(params.name, when.label), created)
    if not (folder / "actions.yml").exists():
        save_actions(folder / "actions.yml", load_actions(folder / "actions.yml"))
        created.append(folder / "actions.yml")
    return created


def new_period(project: Project, area: str, old: str, new: str) -> list[Path]:
    """Start `new` from `old`: open actions carried forward, narrative stubs created."""
    params = project.area(area)
    before, after = parse_period(old), parse_period(new)
    if after <= before:
        raise ParameterError(f"--to {after} must come after --from {before}")
    source = project.narrative_area_dir(params.id) / before.label / "actions.yml"
    target = project.narrative_area_dir(params.id) / after.label / "actions.yml"
    if target.exists() and load_actions(target).actions:
        raise NarrativeError(
            f"{target} already has actions; carrying forward would overwrite them. "
            "Move them aside or edit the register by hand."
        )
    created = []
    save_actions(target, carry_forward(load_actions(source), before))
    created.append(target)
    created += [p for p in init_narrative(project, params.id, after.label) if p != target]
    return created
