"""The reviewers' chores: start a period's narrative, and move on to the next period.

Both only ever create files: an existing narrative file or register is never
overwritten, so running them twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qareport.book.actions import (
    ActionsRegister,
    add_actions,
    carry_forward,
    load_actions,
    save_actions,
)
from qareport.book.narrative import story_file, story_stub, stub_text
from qareport.config.boundary import inside
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.errors import ParameterError

__all__ = ["NewPeriod", "init_narrative", "new_period"]

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
        story = story_file(folder, section)
        _create(story, story_stub(params.name, when.label, title), created)
    _create(folder / "story.md", story_stub(params.name, when.label), created)
    if not (folder / "actions.yml").exists():
        save_actions(folder / "actions.yml", load_actions(folder / "actions.yml"))
        created.append(folder / "actions.yml")
    return created


@dataclass(frozen=True)
class NewPeriod:
    """What starting a period did: files created, actions carried, and what to know."""

    created: list[Path] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def new_period(project: Project, area: str, old: str, new: str) -> NewPeriod:
    """Start `new` from `old`: open actions carried forward, narrative stubs created. A
    register the new period already has is never overwritten: the carried actions are
    added to it (an id it holds already is left as it is there), its comments kept."""
    params = project.area(area)
    before, after = parse_period(old), parse_period(new)
    if after <= before:
        raise ParameterError(f"--to {after} must come after --from {before}")
    folder = project.narrative_area_dir(params.id)
    source = inside(project.root, folder / before.label / "actions.yml", "the register")
    target = inside(project.root, folder / after.label / "actions.yml", "the register")
    done = NewPeriod()
    if not source.is_file():
        done.notes.append(
            f"{params.id}: {before.label} has no actions register ({source}), so no actions "
            "were carried"
        )
    carried = carry_forward(load_actions(source), before).actions
    if target.is_file():
        have = {a.id for a in load_actions(target).actions}
        kept = [a for a in carried if a.id in have]
        carried = [a for a in carried if a.id not in have]
        if carried:
            add_actions(target, carried)
        done.notes.extend(f"{target} already holds {a.id}: left as it is there" for a in kept)
    else:
        save_actions(target, ActionsRegister(actions=carried))
        done.created.append(target)
    done.carried.extend(a.id for a in carried)
    done.created.extend(p for p in init_narrative(project, params.id, after.label) if p != target)
    return done
