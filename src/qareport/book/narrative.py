"""Narrative: the reviewers' words, kept in plain-text files outside output/.

    narrative/<area>/<period>/<section>.md     analysis and actions text for one sheet
    narrative/<area>/<period>/story.md         the optional story sheet
    narrative/<area>/<period>/actions.yml      the actions register (see qareport.actions)

A narrative file is a jupytext Markdown notebook: YAML front matter (review
status), one code cell that shows the sheet's charts to the reviewer, and
level-2 headings naming its parts (`## Analysis`, `## Actions`). These files
are the single source of truth; the build never writes to them, except to
bring a paired notebook and its file back in step (qareport.sync).

Text may cite live figures as `{{ measure:cp-repeat-plans }}`: the placeholder
becomes the figure as the sheet shows it (suppressed and formatted). Markdown
is rendered safely: raw HTML is shown as text, never passed through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from markdown_it import MarkdownIt

from qareport.config.yamlio import dump_yaml, load_yaml_text
from qareport.errors import NarrativeError

__all__ = [
    "PARTS",
    "STORY_PARTS",
    "Narrative",
    "cited_measures",
    "fill_placeholders",
    "markdown_to_html",
    "parse_narrative",
    "read_narrative",
    "story_stub",
    "stub_text",
]

PARTS = ("analysis", "actions")
STORY_PARTS = ("children and young people", "parents and carers", "frontline staff")
STATUSES = ("draft", "reviewed", "approved")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_FENCE = re.compile(r"^```.*?^```\s*$", re.DOTALL | re.MULTILINE)
PLACEHOLDER = re.compile(r"\{\{\s*measure:([a-z0-9-]+)\s*\}\}")
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

JUPYTEXT_HEADER = {
    "jupytext": {
        "formats": "md",
        "text_representation": {"extension": ".md", "format_name": "markdown"},
    },
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
}


@dataclass(frozen=True)
class Narrative:
    """The parts of one narrative file; an empty part has not been written yet."""

    path: Path
    parts: dict[str, str] = field(default_factory=dict)
    front: dict = field(default_factory=dict)
    text: str = ""

    def part(self, name: str) -> str:
        return self.parts.get(name, "").strip()

    @property
    def status(self) -> str:
        value = str(self.front.get("status") or "draft").strip().lower()
        return value if value in STATUSES else "draft"

    @property
    def reviewer(self) -> str:
        return str(self.front.get("reviewer") or "").strip()

    @property
    def reviewed_on(self) -> str:
        return str(self.front.get("reviewed_on") or "").strip()

    @property
    def approved_figures(self) -> str:
        return str(self.front.get("approved_figures") or "").strip()

    def line_of(self, needle: str) -> int:
        """The 1-based line of the first occurrence of `needle` in the file."""
        index = self.text.find(needle)
        return self.text.count("\n", 0, index) + 1 if index >= 0 else 0


def read_narrative(path: Path) -> Narrative:
    """Read a narrative file; a missing file is simply a narrative not yet written."""
    if not path.is_file():
        return Narrative(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativeError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    front, parts = parse_narrative(text, path)
    status = str(front.get("status") or "draft").strip().lower()
    if status not in STATUSES:
        raise NarrativeError(
            f"{path} line {_line(text, 'status')}: status {status!r} is not one of "
            + ", ".join(STATUSES)
        )
    return Narrative(path, parts, front, text)


def parse_narrative(text: str, path: Path) -> tuple[dict, dict[str, str]]:
    """Front matter (without jupytext's own `jupyter:` key) and the text under each heading."""
    front, body = split_front_matter(text, path)
    body = _FENCE.sub("", body)  # the reviewer's figure cell is not narrative
    pieces = _HEADING.split(body)
    parts = {
        heading.strip().lower(): _strip_guidance(content)
        for heading, content in zip(pieces[1::2], pieces[2::2], strict=True)
    }
    return {k: v for k, v in front.items() if k != "jupyter"}, parts


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """YAML front matter (jupytext's `jupyter:` key included) and the body after it."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        loaded = load_yaml_text(match.group(1), str(path))
    except ValueError as exc:
        raise NarrativeError(str(exc)) from None
    return (loaded if isinstance(loaded, dict) else {}), text[match.end() :]


def _line(text: str, key: str) -> int:
    index = text.find(key)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _strip_guidance(body: str) -> str:
    """Drop the guidance comments that stubs carry (`<!-- ... -->`)."""
    return re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip()


def cited_measures(narrative: Narrative) -> list[str]:
    """Measure ids cited by placeholders, in order of first appearance."""
    found = PLACEHOLDER.findall("\n".join(narrative.parts.values()))
    return list(dict.fromkeys(found))


def fill_placeholders(narrative: Narrative, text: str, figures: dict[str, str]) -> str:
    """Replace `{{ measure:ID }}` with the figure; an unknown id names the file and line."""

    def replace(match: re.Match[str]) -> str:
        measure_id = match.group(1)
        if measure_id not in figures:
            raise NarrativeError(
                f"{narrative.path} line {narrative.line_of(match.group(0))}: "
                f"{match.group(0)} names no measure in this book; "
                "run `qareport catalogue list` for the ids"
            )
        return figures[measure_id]

    return PLACEHOLDER.sub(replace, text)


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


def _header(front: dict) -> str:
    return "---\n" + dump_yaml({**front, "jupyter": JUPYTEXT_HEADER}) + "---\n"


def stub_text(area: str, period: str, section: str, title: str) -> str:
    """A new narrative file: review status, the reviewer's figure cell, empty parts."""
    figure_cell = (
        '```python tags=["qareport-figures"]\n'
        "# Shows this sheet's charts and figures (build the book first).\n"
        "from qareport.book.review import show_figures\n\n"
        f"show_figures(area={area!r}, period={period!r}, section={section!r})\n"
        "```\n"
    )
    return (
        _header({"status": "draft", "reviewer": "", "reviewed_on": ""})
        + f"\n# {title}\n\n{figure_cell}\n"
        "## Analysis\n\n<!-- The story behind the figures: what changed, why, and what it means "
        "for children. Cite a live figure with {{ measure:ID }}. -->\n\n"
        "## Actions\n\n<!-- Prose about the actions, if any. The actions themselves go in "
        "actions.yml beside this file. -->\n"
    )


def story_stub(area: str, period: str) -> str:
    """The optional story sheet: short, anonymised accounts."""
    parts = "".join(
        f"## {name.capitalize()}\n\n<!-- Short anonymised accounts. No names, ages, places or "
        "other details that could identify anyone. -->\n\n"
        for name in STORY_PARTS
    )
    return (
        _header({"status": "draft", "reviewer": "", "reviewed_on": ""})
        + f"\n# Story sheet: {area}, {period}\n\n"
        + parts
    )
