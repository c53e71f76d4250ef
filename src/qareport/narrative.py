"""Narrative: the reviewers' words, kept in plain-text files outside output/.

    narrative/<area>/<period>/<section>.md    analysis and actions for one sheet

A narrative file is Markdown with optional YAML front matter (review status)
and level-2 headings that name its parts (`## Analysis`, `## Actions`). These
files are the single source of truth: the build only reads them. Markdown is
rendered safely: raw HTML is shown as text, never passed through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markdown_it import MarkdownIt

from .errors import NarrativeError
from .yamlio import load_yaml_text

__all__ = ["PARTS", "Narrative", "markdown_to_html", "read_narrative"]

PARTS = ("analysis", "actions")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass(frozen=True)
class Narrative:
    """The parts of one sheet's narrative; an empty part has not been written yet."""

    path: Path
    parts: dict[str, str] = field(default_factory=dict)
    front: dict = field(default_factory=dict)

    def part(self, name: str) -> str:
        return self.parts.get(name, "").strip()


def read_narrative(path: Path) -> Narrative:
    """Read a narrative file; a missing file is simply a narrative not yet written."""
    if not path.is_file():
        return Narrative(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativeError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    front: dict = {}
    match = _FRONT.match(text)
    if match:
        try:
            loaded = load_yaml_text(match.group(1), str(path))
        except ValueError as exc:
            raise NarrativeError(str(exc)) from None
        front = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    parts: dict[str, str] = {}
    pieces = _HEADING.split(text)
    for heading, body in zip(pieces[1::2], pieces[2::2], strict=True):
        key = heading.strip().lower()
        if key in PARTS:
            parts[key] = _strip_template(body)
    return Narrative(path, parts, front)


def _strip_template(body: str) -> str:
    """Drop the guidance comments that stubs carry (`<!-- ... -->`)."""
    return re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip()


def markdown_to_html(text: str) -> str:
    """Markdown to HTML with raw HTML neutralised and only safe tags and links kept."""
    rendered = _md.render(text)
    return nh3.clean(
        rendered,
        tags={
            "p",
            "ul",
            "ol",
            "li",
            "em",
            "strong",
            "code",
            "a",
            "br",
            "blockquote",
            "h3",
            "h4",
            "pre",
        },
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
