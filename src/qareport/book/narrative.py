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
from markdown_it.common.utils import escapeHtml

from qareport.config.yamlio import RefusedYaml, dump_yaml, load_yaml_text
from qareport.errors import NarrativeError

__all__ = [
    "CURVE_PARTS",
    "FRONT_MATTER",
    "MARKDOWN",
    "PARTS",
    "STORY_PARTS",
    "Narrative",
    "cited_measures",
    "fill_placeholders",
    "markdown_to_html",
    "parse_narrative",
    "read_narrative",
    "story_file",
    "story_stub",
    "stub_text",
]

PARTS = ("analysis", "actions")
STORY_PARTS = ("children and young people", "parents and carers", "frontline staff")
CURVE_PARTS = ("the story behind the baseline", "partners with a role", "what works", "action plan")
STATUSES = ("draft", "reviewed", "approved")
_ATX = re.compile(r"^(#{1,2})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")  # `# Title`, `## Part`, `## `
# front matter: `---` lines around it; the closing line's own line break ends it, so the
# text after it is every byte that follows
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FENCE_OPEN = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
# the stub's own code cell that shows the reviewer the sheet's figures: not narrative
_FIGURE_CELL = re.compile(
    r"^```[^\n]*(?:qareport-figures)[^\n]*\n.*?^```[ \t]*$\n?|"
    r"^```python[^\n]*\n(?:(?!^```).)*?show_figures\(.*?^```[ \t]*$\n?",
    re.DOTALL | re.MULTILINE,
)
# `{{ measure:cp-repeat-plans }}`, also written `{{measure: CP_Repeat_Plans}}`
PLACEHOLDER = re.compile(r"\{\{\s*measure\s*:\s*([A-Za-z0-9_-]+)\s*\}\}")
_BRACES = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def measure_id_of(written: str) -> str:
    """A placeholder's measure id as the catalogue writes ids (lower case, hyphens)."""
    return written.strip().lower().replace("_", "-")


# Deep enough for any list a reviewer writes (each level of a list is two); deeper is
# refused naming the line (markdown-it would silently stop reading there)
MAX_NESTING = 100
MARKDOWN = MarkdownIt(
    "commonmark",
    {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING},
)
_md = MARKDOWN


def _image_as_words(self, tokens, idx, options, env) -> str:
    """A picture pasted into narrative is shown as its words (the book embeds no outside
    files): the same words the PDF prints, none dropped by the sanitiser."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


MARKDOWN.add_render_rule("image", _image_as_words)

# jupytext's header, written as JupyterLab's jupytext writes it (its keys in its order,
# no version it would add on the first save), so JupyterLab opens and saves a narrative
# without rewriting a byte of it or marking it edited
JUPYTEXT_HEADER = {
    "jupytext": {
        "formats": "md",
        "notebook_metadata_filter": (
            "-jupytext.text_representation.jupytext_version,"
            "-jupytext.text_representation.format_version"
        ),
        "split_at_heading": True,  # what JupyterLab's jupytext sets on opening Markdown
        "text_representation": {"extension": ".md", "format_name": "markdown"},
    },
    # ipykernel's own name for its kernel, which JupyterLab writes back on opening
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
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

    def title_line(self) -> tuple[int, str] | None:
        """The file's `# title` (the first level-1 heading outside the front matter and
        code) and its line number, or None."""
        lines = self.text.splitlines()
        start = 0
        if lines and lines[0].strip() == "---":
            start = next((n + 1 for n in range(1, len(lines)) if lines[n].strip() == "---"), 0)
        fence = None
        for number in range(start, len(lines)):
            line = lines[number]
            opening = _FENCE_OPEN.match(line)
            if fence is not None:
                fence = None if line.strip().startswith(fence) else fence
            elif opening:
                fence = opening.group(1)
            elif heading := re.match(r"^#[ \t]+(.*?)[ \t#]*$", line):
                return number + 1, heading.group(1).strip()
        return None

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
    if not path.exists():
        return Narrative(path)
    if not path.is_file():
        raise NarrativeError(
            f"{path} is a folder, not a narrative file; move what is in it aside and keep "
            f"the sheet's words in a file named {path.name}"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativeError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except PermissionError:
        raise NarrativeError(
            f"{path} cannot be read (permission denied); give yourself read access to it "
            "(on Linux or macOS: chmod u+r) and build again"
        ) from None
    text = strip_control_characters(text)
    front, parts = parse_narrative(text, path)
    status = str(front.get("status") or "draft").strip().lower()
    if status not in STATUSES:
        raise NarrativeError(
            f"{path} line {_line(text, 'status')}: status {status!r} is not one of "
            + ", ".join(STATUSES)
        )
    narrative = Narrative(path, parts, front, text)
    for part in parts.values():
        _check_nesting(narrative, part)
    return narrative


def _check_nesting(narrative: Narrative, part: str) -> None:
    """Markdown nested deeper than the parser reads (lists inside lists inside lists ...):
    an error naming the line, never text silently cut off."""
    deepest = next((t for t in MARKDOWN.parse(part) if t.level >= MAX_NESTING - 2), None)
    if deepest is None:
        return
    start = deepest.map[0] if deepest.map else 0
    line = part.splitlines()[start] if start < len(part.splitlines()) else part[:40]
    raise NarrativeError(
        f"{narrative.path} line {narrative.line_of(line.strip())}: the text is nested more "
        f"than {MAX_NESTING // 2} levels deep (lists or quotes inside each other); flatten it "
        "so every word can be shown"
    )


def parts_of(path: Path) -> tuple[str, ...]:
    """The parts a narrative file has: a story sheet's, a Turning the Curve sheet's, or a
    sheet's analysis and actions."""
    stem = path.stem
    if stem.endswith(".curve"):
        return CURVE_PARTS
    story = stem == "story" or stem.startswith("story-") or stem.endswith(".story")
    return STORY_PARTS if story else PARTS


def story_file(folder: Path, section: str) -> Path:
    """A sheet's own story sheet: `story-<section>.md`, named so that JupyterLab's file
    browser, which cuts long names short, tells it from the sheet's `<section>.md`; a file
    by the older name `<section>.story.md` is still read where it is the one there."""
    older = folder / f"{section}.story.md"
    newer = folder / f"story-{section}.md"
    return older if older.exists() and not newer.exists() else newer


def parse_narrative(
    text: str, path: Path, parts: tuple[str, ...] | None = None
) -> tuple[dict, dict[str, str]]:
    """Front matter (without jupytext's own `jupyter:` key) and the text of each part.

    Nothing a reviewer typed is dropped: text above the first heading (under the
    title) opens the first part; a heading of their own (`## Next steps`) becomes a
    sub-heading of the first part, its text kept under it; an emptied heading
    (`## ` left by editing) is taken as the part that comes next in order; a
    heading written `## Analysis:` or `## ANALYSIS` is the part it names. Fenced
    blocks are the reviewer's text too, except the figure cell the stub carries."""
    parts = parts or parts_of(path)
    front, body = split_front_matter(text, path)
    pieces: dict[str, list[str]] = {name: [] for name in parts}
    current: str | None = None  # None: above the first part heading
    seen: list[str] = []
    fence: str | None = None
    titled = False
    opened = 0  # where the open fence starts in its part's lines
    for line in _FIGURE_CELL.sub("", body).splitlines():
        if fence is not None:
            lines = pieces[current or parts[0]]
            lines.append(line)
            if line.strip().startswith(fence):
                fence = None
                if not "".join(lines[opened + 1 : -1]).strip():
                    del lines[opened:]  # an empty cell (Shift+Enter on the last) is nothing
            continue
        opening = _FENCE_OPEN.match(line)
        if opening:
            fence = opening.group(1)
            opened = len(pieces[current or parts[0]])
            pieces[current or parts[0]].append(line)
            continue
        heading = _ATX.match(line)
        if heading is None:
            pieces[current or parts[0]].append(_as_meant(line))
            continue
        level, name = len(heading.group(1)), (heading.group(2) or "").strip()
        if level == 1 and not titled and current is None and name:
            titled = True  # the sheet's title: the page shows its own
            continue
        key = _part_name(name)
        if key in parts:
            current = key
            seen.append(key)
        elif not name:
            after = parts.index(seen[-1]) + 1 if seen else 0
            current = next((p for p in parts[after:] if p not in seen), current or parts[0])
            seen.append(current)
        else:
            current = parts[0]
            pieces[current].append(f"\n#### {name}\n")  # under the panel's own heading
    found = {name: _levels(_strip_guidance("\n".join(lines))) for name, lines in pieces.items()}
    return {k: v for k, v in front.items() if k != "jupyter"}, found


_DEEPER = re.compile(r"^(#{3,6})(?=[ \t])")  # a reviewer's ### under their ## (now ####)
_TWICE_NUMBERED = re.compile(r"^(\s*)\d+([.)])[ \t]+(\d+)\2[ \t]+")  # "2. 2. text"
_TWICE_BULLETED = re.compile(r"^(\s*)([-*+])[ \t]+\2[ \t]+")  # "- - text"


def _as_meant(line: str) -> str:
    """A line as the reviewer meant it. JupyterLab continues a list when Enter is pressed
    ("2. " after "1. ..."), so a reviewer who then types "2." writes "2. 2. ...", which
    Markdown reads as a list inside a list; a heading of their own sits below the panel's
    heading, whatever its level."""
    line = _TWICE_NUMBERED.sub(r"\g<1>\3\2 ", line)
    line = _TWICE_BULLETED.sub(r"\1\2 ", line)
    return _DEEPER.sub(lambda m: "#" * min(6, len(m.group(1)) + 2), line)


_HEADING = re.compile(r"^(#{4,6})(?=[ \t])", re.MULTILINE)


def _levels(text: str) -> str:
    """A part's own headings as h4, h5, h6 in the order of their depth, none skipped (a
    reviewer who writes only ### gets h4, under the panel's h3)."""
    used = sorted({len(m.group(1)) for m in _HEADING.finditer(text)})
    level = {depth: 4 + n for n, depth in enumerate(used)}
    return _HEADING.sub(lambda m: "#" * level[len(m.group(1))], text)


def _part_name(heading: str) -> str:
    """`Analysis:`, `ANALYSIS`, `Analysis.` all name the analysis."""
    return " ".join(heading.strip().rstrip(":.-–— ").split()).lower()


FRONT_MATTER = _FRONT
FRONT_KEYS = frozenset(
    {"status", "reviewer", "reviewed_on", "approved_figures", "jupyter"}
    | {"measure", "method", "fitted", "forecast", "actions"}  # a Turning the Curve sheet's
)
_FRONT_KEY_LINE = re.compile(r"^(" + "|".join(sorted(FRONT_KEYS)) + r")\s*:", re.MULTILINE)


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Where the front matter is (its `---` lines included), or None: text between rules
    at the top is front matter only when it is the review's own keys; anything else (a
    summary a reviewer framed with rules) is the reviewer's text. YAML qareport refuses
    anywhere (aliases) is taken as front matter, to be refused with its line."""
    match = _FRONT.match(text)
    if not match:
        return None
    try:
        loaded = load_yaml_text("\n" + match.group(1), "")
    except RefusedYaml:
        return 0, match.end()
    except ValueError:  # the review's keys written wrongly: an error, said when it is read
        return (0, match.end()) if _FRONT_KEY_LINE.search(match.group(1)) else None
    if not isinstance(loaded, dict) or not loaded or not set(map(str, loaded)) <= FRONT_KEYS:
        return None
    return 0, match.end()


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """YAML front matter (jupytext's `jupyter:` key included) and the body after it."""
    span = front_matter_span(text)
    if span is None:
        return {}, text
    block = _FRONT.match(text)
    assert block is not None
    try:
        # one line break first: the front matter starts on line 2, and errors give file lines
        loaded = load_yaml_text("\n" + block.group(1), str(path))
    except ValueError as exc:
        raise NarrativeError(str(exc)) from None
    return (loaded if isinstance(loaded, dict) else {}), text[span[1] :]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    """Invisible control characters (pasted from other programs) carry no words and break
    typesetting: they are removed; tabs and line ends stay."""
    return _CONTROL.sub("", text)


def _line(text: str, key: str) -> int:
    index = text.find(key)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


# a note the stubs carry for the writer, shown in JupyterLab as a quote in bold, never
# printed: `> **Note for the writer (not printed):** ...`, with any quoted lines after it
_WRITERS_NOTE = re.compile(r"^> \*\*[^*\n]*\(not printed\):\*\*.*(?:\n>.*)*", re.MULTILINE)


def _strip_guidance(body: str) -> str:
    """Drop the notes for the writer that stubs carry (and the HTML comments older stubs
    used, which JupyterLab never showed)."""
    body = _WRITERS_NOTE.sub("", body)
    return re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL).strip()


def cited_measures(narrative: Narrative) -> list[str]:
    """Measure ids cited by placeholders, in order of first appearance."""
    found = [measure_id_of(m) for m in PLACEHOLDER.findall("\n".join(narrative.parts.values()))]
    return list(dict.fromkeys(found))


def fill_placeholders(narrative: Narrative, text: str, figures: dict[str, str]) -> str:
    """Replace `{{ measure:ID }}` with the figure; an unknown id names the file and line."""

    def replace(match: re.Match[str]) -> str:
        measure_id = measure_id_of(match.group(1))
        if measure_id not in figures:
            raise NarrativeError(
                f"{narrative.path} line {narrative.line_of(match.group(0))}: "
                f"{match.group(0)} names no measure in this book; "
                "run `qareport catalogue list` for the ids"
            )
        return figures[measure_id]

    filled = PLACEHOLDER.sub(replace, text)
    left = _BRACES.search(PLACEHOLDER.sub("", text))
    if left:
        raise NarrativeError(
            f"{narrative.path} line {narrative.line_of(left.group(0))}: {left.group(0)[:60]} is "
            "not a placeholder qareport knows; cite a figure as {{ measure:ID }} "
            "(`qareport catalogue list` gives the ids), or remove the braces"
        )
    return filled


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
            "h4",
            "h5",
            "h6",
            "pre",
        },
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _header(front: dict) -> str:
    return "---\n" + dump_yaml({**front, "jupyter": JUPYTEXT_HEADER}) + "---\n"


def new_file(front: dict, title: str, body: str) -> str:
    """A new narrative file of any kind: jupytext's header with `front`, title and body."""
    return _header(front) + f"\n# {title}\n\n" + body


def stub_text(area: str, period: str, section: str, title: str) -> str:
    """A new narrative file: jupytext's header, the reviewer's panel cell and empty parts
    (review decisions are kept in the review register, never in the file)."""
    figure_cell = (
        '```python tags=["qareport-figures"]\n'
        "# Run this cell (Shift+Enter): the sheet's figures to cite, then its A3 page as the\n"
        "# board will read it, redrawn each time you save, with Build, Approve and Return.\n"
        "from qareport.book.review import show_figures\n"
        "from qareport.pipeline.review_panel import review_panel\n\n"
        f"show_figures(area={area!r}, period={period!r}, section={section!r})\n"
        f"review_panel(area={area!r}, period={period!r}, section={section!r})\n"
        "```\n"
    )
    return (
        _header({})  # decisions live in the review register, not here
        + f"\n# {title}\n\n{figure_cell}\n"
        "## Analysis\n\n> **Note for the writer (not printed):** the story behind the figures: "
        "what changed, why, and what it means for children. Cite a live figure by writing its "
        "`{{ measure:ID }}` from the table above; the book shows the figure as built.\n\n"
        "## Actions\n\n> **Note for the writer (not printed):** prose about the actions, if "
        "any. The actions themselves go in actions.yml beside this file.\n"
    )


CONSENT = (
    "> **Before you write (not printed):** use only accounts given with consent to be "
    "shared this way, and anonymise them. No names, ages, places, dates or other details "
    "that could identify a child, a family or a member of staff, alone or together.\n\n"
)


def story_stub(area: str, period: str, section: str | None = None) -> str:
    """The optional story sheet (the book's, or one sheet's when `section` names it): short,
    anonymised accounts, with the reminder about consent and anonymity."""
    parts = "".join(
        f"## {name.capitalize()}\n\n> **Note for the writer (not printed):** short anonymised "
        "accounts. No names, ages, places or other details that could identify anyone.\n\n"
        for name in STORY_PARTS
    )
    title = (
        f"Story sheet: {section}, {area}, {period}" if section else f"Story sheet: {area}, {period}"
    )
    return (
        _header({})  # decisions live in the review register, not here
        + f"\n# {title}\n\n"
        + CONSENT
        + parts
    )
