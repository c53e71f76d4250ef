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
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from qareport.config.boundary import write_atomically
from qareport.config.models import StrictModel
from qareport.config.periods import Period, parse_period
from qareport.config.yamlio import dump_yaml, edit_yaml_file, load_yaml_text
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

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object) -> object:
        """`Open`, `In progress`, `in-progress` as the register means them."""
        if isinstance(value, str):
            return " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
        return value

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
    """Read a register; a missing file is an empty register. Errors say, in plain words,
    what is wrong, on which line and in which action."""
    if not path.is_file():
        return ActionsRegister()
    raw: object = None
    text = path.read_text(encoding="utf-8-sig")
    try:
        raw = load_yaml_text(text, str(path)) or {}
        register = ActionsRegister.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise NarrativeError(_plain(path, text, raw, first)) from None
    except ValueError as exc:
        raise NarrativeError(str(exc)) from None
    ids = [a.id for a in register.actions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise NarrativeError(f"{path}: action id {duplicates[0]!r} is used twice; ids are unique")
    return register


KEYS = "id, section, text, owner, due and raised (status and closed are optional)"
_WORDS = {
    "missing": "has no `{key}:`; every action needs " + KEYS,
    "extra_forbidden": "has `{key}:`, which an action does not take; it takes " + KEYS,
    "string_too_short": "has an empty `{key}:`",
    "string_too_long": "has a `{key}:` longer than the register allows",
    "literal_error": "has `{key}: {value}`; status is open, in progress, done or dropped",
    "string_type": "has a `{key}:` that is not text; put it in quotes",
}
_PATTERNS = {
    "id": "an id is letters, digits, '.', '_' and '-' (up to 32), starting with a letter "
    "or digit, such as FD-1",
    "section": "a section is a sheet's id in lower case, such as front-door "
    "(`qareport catalogue list` lists them)",
}


def _plain(path: Path, text: str, raw: object, error: Any) -> str:
    """A pydantic error as the person editing the file would say it."""
    loc = list(error["loc"])
    line = _line_of(text, loc)
    where = f"{path}" + (f" line {line}" if line else "")
    if len(loc) < 2 or loc[0] != "actions" or not isinstance(loc[1], int):
        return f"{where}: the file holds `actions:` and, under it, a list of actions"
    entry = (raw.get("actions") or [])[loc[1]] if isinstance(raw, dict) else None
    name = (
        f"action {entry['id']!r}"
        if isinstance(entry, dict) and entry.get("id")
        else (f"action {loc[1] + 1}")
    )
    key = str(loc[2]) if len(loc) > 2 else ""
    value = entry.get(key) if isinstance(entry, dict) else None
    if error["type"] == "string_pattern_mismatch":
        return f"{where}: {name} has `{key}: {value}`; {_PATTERNS.get(key, 'not allowed')}"
    if error["type"] in _WORDS:
        return f"{where}: {name} " + _WORDS[error["type"]].format(key=key, value=value)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {name}" + (f", {key}" if key else "") + f": {message}"


def _line_of(text: str, loc: list) -> int:
    """The line of the key (or list item) at `loc` in the YAML text, or 0."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 0
    line = 0
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == step]
            if not found:
                return line or node.start_mark.line + 1
            node = found[0][1]
            line = found[0][0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


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
