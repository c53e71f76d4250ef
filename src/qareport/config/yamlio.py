"""Safe YAML reading: no object construction, and dates stay strings.

PyYAML's SafeLoader already refuses `!!python/object` tags; on top of that we
drop the implicit timestamp rule so `2025-03-31` and `2025-26` arrive as text
and are parsed deliberately where a date is meant.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import yaml

__all__ = [
    "RefusedYaml",
    "allowed_keys",
    "dump_yaml",
    "edit_yaml_file",
    "edit_yaml_text",
    "load_model",
    "load_yaml",
    "load_yaml_text",
]


_Safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where available


class _StringDatesLoader(_Safe):  # type: ignore[misc, valid-type]
    """The safe loader (no object construction) without the timestamp resolver, refusing
    a key given twice in one mapping (YAML keeps the last and the first would vanish)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise _DuplicateKey(
                    f"line {line}: key {key_node.value!r} is given twice (first on line "
                    f"{seen[key_node.value]}); keep one and merge what each holds"
                )
            seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(ValueError):
    pass


class RefusedYaml(ValueError):
    """YAML qareport never reads, whatever the file: aliases (which can expand a few lines
    into gigabytes)."""


def _refuse_aliases(text: str, source: str) -> None:
    """Aliases (`*name`) can expand a few lines into gigabytes: refused before loading."""
    if "*" not in text or "&" not in text:
        return
    for event in yaml.parse(text, Loader=_Safe):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise RefusedYaml(
                f"{source} line {line}: YAML aliases (*{event.anchor}) are not accepted; "
                "write the value out in full"
            )


_StringDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Safe.yaml_implicit_resolvers.items()
}


def _open_quote(lines: list[str], at: int) -> str:
    """Where a quote opened a few lines above an error was never closed (YAML reads on
    and fails later, so its own line is not where to look)."""
    for n in range(at, max(-1, at - 6), -1):
        line = lines[n] if n < len(lines) else ""
        value = line.split(": ", 1)[1].strip() if ": " in line else ""
        if value[:1] in ('"', "'") and (len(value) < 2 or value[-1] != value[0]):
            return f"; line {n + 1} opens a quote it does not close: close it on that line"
    return ""


def _explained(problem: str, context: str) -> str:
    """YAML's words, where a person's mistake is common, said as what to do."""
    if "mapping values are not allowed" in problem:
        return (
            "; a colon followed by a space inside a value ends it: put the whole value in "
            'double quotes, e.g. text: "Review: audit ten cases"'
        )
    if "quoted scalar" in context:
        return "; the quote opened there is not closed: close it on the same line"
    return ""


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; `source` names the file in the error so the user can find it."""
    try:
        _refuse_aliases(text, source)
        return yaml.load(text, Loader=_StringDatesLoader)
    except _DuplicateKey as exc:
        raise ValueError(f"{source} {exc}") from None
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if "quoted scalar" in str(getattr(exc, "context", "") or ""):
            mark = getattr(exc, "context_mark", None) or mark  # where the quote was opened
        if mark is not None:
            where = f" line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            problem += "; the line has a tab: indent with spaces, not tabs"
        if mark is not None:
            problem += _open_quote(lines, mark.line)
        problem += _explained(problem, str(getattr(exc, "context", "") or ""))
        raise ValueError(f"{source}{where}: not valid YAML ({problem})") from None


def load_yaml(path: Path) -> Any:
    """Read and parse a YAML file as UTF-8 (a BOM is tolerated)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    return load_yaml_text(text, str(path))


def dump_yaml(data: Any) -> str:
    """Write YAML in a stable, diff-friendly form (key order kept, block style)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def load_model(path: Path, model, error: type[Exception]):
    """A YAML file validated into a pydantic model; the first problem is raised as `error`
    naming the file and the key, so the user knows exactly what to fix."""
    from pydantic import ValidationError

    try:
        return model.model_validate(load_yaml(path) or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            allowed = allowed_keys(model, first["loc"][:-1])
            listed = f"; the keys here are: {', '.join(allowed)}" if allowed else ""
            message = "unknown key" + listed
        raise error(f"{path}: {key}: {message}") from None
    except ValueError as exc:  # not YAML at all: load_yaml's message names the line
        raise error(str(exc)) from None


def allowed_keys(model, loc: tuple) -> list[str]:
    """The keys a model takes at `loc` (a path of field names and list indexes), followed
    through nested models and lists of them, so an unknown key's message can list them."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _model_in(annotation) -> Any:
    """The pydantic model an annotation holds (itself, or inside a list or an optional)."""
    if hasattr(annotation, "model_fields"):
        return annotation
    for inner in get_args(annotation):
        found = _model_in(inner)
        if found is not None:
            return found
    return None


def edit_yaml_text(text: str, change: Callable[[Any], bool]) -> str | None:
    """YAML text with `change` applied to its loaded document (a round-trip map: comments,
    order and quoting kept; empty text is an empty map); None when `change` says it
    changed nothing."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(text) if text.strip() else None
    data = CommentedMap() if data is None else data
    if not change(data):
        return None
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def edit_yaml_file(path: Path, change: Callable[[Any], bool]) -> bool:
    """Change a person's YAML file in place (see `edit_yaml_text`); only when it changed is
    the file written, through a temporary file and one rename."""
    from qareport.config.boundary import write_atomically

    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    edited = edit_yaml_text(text, change)
    if edited is None:
        return False
    write_atomically(path, edited)
    return True
