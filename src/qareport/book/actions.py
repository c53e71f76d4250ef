"""The actions register: what will be done, by whom and when, carried from period to period.

    narrative/<area>/<period>/actions.yml

Each action has an id, its content area, text, owner, due date, status (open,
in progress, done, dropped) and the period it was raised. `carry_forward`
makes the next period's register: open and in-progress actions move on
unchanged; actions finished in the old period move on once, marked with the
period they closed in, so a board sees them done; older finished ones stay
behind. An action is overdue when it is not finished and its due date is
before the end of the period the book reports on (not today's date, so the
same inputs always give the same book).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator

from qareport.config.boundary import write_atomically
from qareport.config.models import StrictModel
from qareport.config.periods import Period, parse_period
from qareport.config.yamlio import dump_yaml, edit_yaml_file, load_yaml
from qareport.errors import NarrativeError, ParameterError

__all__ = [
    "Action",
    "ActionsRegister",
    "add_actions",
    "carry_forward",
    "load_actions",
    "save_actions",
]

Status = Literal["open", "in progress", "done", "dropped"]
FINISHED = ("done", "dropped")


class Action(StrictModel):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
    section: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    text: str = Field(min_length=1, max_length=2000)
    owner: str = Field(min_length=1, max_length=200)
    due: str
    status: Status = "open"
    raised: str
    closed: str | None = None

    @field_validator("due")
    @classmethod
    def _date(cls, value: str) -> str:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            raise ValueError("due must be a date written as YYYY-MM-DD")
        date.fromisoformat(str(value))
        return str(value)

    @field_validator("raised", "closed")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        try:
            return None if value is None else parse_period(value).label
        except ParameterError as exc:  # pydantic reports ValueErrors with the key
            raise ValueError(str(exc)) from None

    def overdue(self, period: Period) -> bool:
        return self.status not in FINISHED and date.fromisoformat(self.due) < period.end_date


class ActionsRegister(StrictModel):
    actions: list[Action] = Field(default_factory=list)

    def for_section(self, section: str) -> list[Action]:
        return [a for a in self.actions if a.section == section]


def load_actions(path: Path) -> ActionsRegister:
    """Read a register; a missing file is an empty register. Errors name the file and action."""
    if not path.is_file():
        return ActionsRegister()
    raw: object = None
    try:
        raw = load_yaml(path) or {}
        register = ActionsRegister.model_validate(raw)
    except ValueError as exc:
        if not isinstance(exc, ValidationError):
            raise NarrativeError(str(exc)) from None
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        loc = first["loc"]
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
            entry = (raw.get("actions") or [])[loc[1]] if isinstance(raw, dict) else None
            if isinstance(entry, dict) and entry.get("id"):
                where = f"action {entry['id']!r}, " + ".".join(str(p) for p in loc[2:])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise NarrativeError(f"{path}: {where}: {message}") from None
    ids = [a.id for a in register.actions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise NarrativeError(f"{path}: action id {duplicates[0]!r} is used twice; ids are unique")
    return register


def save_actions(path: Path, register: ActionsRegister) -> None:
    data = {"actions": [a.model_dump(exclude_none=True) for a in register.actions]}
    header = "# Actions register. Status: open, in progress, done or dropped. Dates YYYY-MM-DD.\n"
    write_atomically(path, header + dump_yaml(data))


def add_actions(path: Path, actions: list[Action]) -> None:
    """Add actions to the end of an existing register, every other line of it (comments,
    drafted actions in comments) kept as its author left it; written in one rename."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def append(data) -> bool:
        listed = data.get("actions")
        if listed is None:
            listed = data["actions"] = CommentedSeq()
        listed.extend(CommentedMap(a.model_dump(exclude_none=True)) for a in actions)
        return True

    edit_yaml_file(path, append)


def carry_forward(register: ActionsRegister, old: Period) -> ActionsRegister:
    """The next period's register made from `old`'s."""
    carried = []
    for action in register.actions:
        if action.status not in FINISHED:
            carried.append(action)
        elif action.closed in (None, old.label):
            carried.append(action.replace(closed=old.label))
    return ActionsRegister(actions=carried)
