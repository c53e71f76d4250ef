"""Every word a reviewer types reaches the book: wherever JupyterLab editing puts it, under
whatever heading, in both the HTML and the PDF's Typst source (one source of words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qareport import NarrativeError
from qareport.book.narrative import (
    Narrative,
    fill_placeholders,
    markdown_to_html,
    parse_narrative,
    stub_text,
)
from qareport.render.typst_pdf import markdown_to_typst

NOTE = "> **Note for the writer (not printed):** the story"
STUB = stub_text("larkhaven", "2025-26", "front-door", "Front door")
HEAD, BODY = STUB.split("\n# Front door\n", 1)


def _parts(text: str) -> dict[str, str]:
    return parse_narrative(text, Path("front-door.md"))[1]


def _in_book(words: list[str], parts: dict[str, str]) -> list[str]:
    """The words missing from the HTML or the Typst of the analysis and actions."""
    html = " ".join(markdown_to_html(t) for t in parts.values())
    typst = " ".join(markdown_to_typst(t) for t in parts.values())
    return [w for w in words if w not in html or w not in typst]


def test_text_under_the_title_opens_the_analysis():
    text = STUB.replace("# Front door\n", "# Front door\n\nTyped under the title.\n")
    assert _parts(text)["analysis"].startswith("Typed under the title.")


def test_a_heading_of_the_reviewers_own_becomes_a_sub_heading_of_the_analysis():
    text = STUB + "\n## Next steps\n\nMeet the schools in June.\n"
    analysis = _parts(text)["analysis"]
    assert "#### Next steps" in analysis and "Meet the schools in June." in analysis
    # below the panel's own heading (h3), whatever level the reviewer typed
    assert "<h4>Next steps</h4>" in markdown_to_html(analysis)
    assert '#subhead[#"Next steps"]' in markdown_to_typst(analysis)


@pytest.mark.parametrize(
    ("edited", "part"),
    [("## Analysis", "analysis"), ("## Actions", "actions")],
)
def test_an_emptied_heading_is_the_part_it_was(edited, part):
    text = STUB.replace(edited, "## ").replace("> **Note", "Kept words.\n\n> **Note", 1)
    if part == "actions":
        text = STUB.replace("## Actions", "## \n\nAction words.")
    parts = _parts(text)
    expected = "Kept words." if part == "analysis" else "Action words."
    assert expected in parts[part]


@pytest.mark.parametrize(
    "heading", ["## Analysis:", "## ANALYSIS", "##   analysis  ", "## Analysis ##"]
)
def test_the_ways_a_heading_is_written_name_the_same_part(heading):
    text = STUB.replace("## Analysis", heading).replace(NOTE, "Words.\n\n" + NOTE)
    assert _parts(text)["analysis"].startswith("Words.")


def test_a_fenced_block_is_the_reviewers_text_but_the_figure_cell_is_not():
    text = STUB.replace(NOTE, "```\nquoted ## not a heading\n```\n\n" + NOTE)
    analysis = _parts(text)["analysis"]
    assert "quoted ## not a heading" in analysis
    assert "show_figures" not in analysis
    assert "quoted ## not a heading" in markdown_to_typst(analysis)


def test_numbered_lists_stay_numbered_in_the_pdf():
    assert markdown_to_typst("1. first\n2. second\n").splitlines()[:2] == [
        '+ #"first"',
        '+ #"second"',
    ]


@pytest.mark.parametrize(
    "written",
    [
        "{{ measure: re-referrals-12m }}",
        "{{measure:Re-Referrals-12m}}",
        "{{ measure:re_referrals_12m }}",
    ],
)
def test_placeholders_are_normalised(written):
    narrative = Narrative(Path("n.md"), text=f"a {written}")
    assert fill_placeholders(narrative, f"a {written}", {"re-referrals-12m": "21.0%"}) == "a 21.0%"


def test_braces_that_are_no_placeholder_are_refused_with_file_and_line():
    text = "line one\nsee {{ figure:re-referrals }}\n"
    narrative = Narrative(Path("n.md"), text=text)
    with pytest.raises(
        NarrativeError, match=r"n\.md line 2: \{\{ figure:re-referrals \}\} is not a placeholder"
    ):
        fill_placeholders(narrative, text, {})


# --- the property: random heading structures and edits, every word arrives -------------

WORD = st.from_regex(r"[A-Za-z]{3,9}", fullmatch=True).map(lambda w: f"w{w}")
HEADINGS = st.sampled_from(
    [
        "## Analysis",
        "## Actions",
        "## Analysis:",
        "## actions",
        "## ",
        "##",
        "## Next steps",
        "## Risks and issues",
        "# Another title",
        "### Detail",
        None,
    ]
)
BLOCK = st.tuples(HEADINGS, st.lists(WORD, min_size=1, max_size=4), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    under_title=st.lists(WORD, max_size=3),
    blocks=st.lists(BLOCK, max_size=6),
    keep_title=st.booleans(),
)
def test_every_word_typed_reaches_the_book(under_title, blocks, keep_title):
    lines = [HEAD.rstrip("\n")]
    if keep_title:
        lines.append("# Front door")
    lines.append(" ".join(under_title))
    typed = list(under_title)
    for heading, words, fenced in blocks:
        if heading:
            lines.append(heading)
        paragraph = " ".join(words)
        lines.extend(["```", paragraph, "```"] if fenced else ["", paragraph, ""])
        typed += words
    parts = _parts("\n".join(lines) + "\n")
    assert not _in_book(typed, parts), "\n".join(lines)
    joined = "\n".join(parts.values())
    for word in typed:  # each word once: nothing duplicated into two parts
        assert len(re.findall(rf"\b{word}\b", joined)) == typed.count(word)


def test_control_characters_are_stripped_from_narrative_and_typesetting(tmp_path):
    from qareport.book.narrative import read_narrative
    from qareport.render.typst_pdf import lit

    path = tmp_path / "front-door.md"
    path.write_text("## Analysis\n\nPasted\x7f text\x00 here.\n")
    assert read_narrative(path).part("analysis") == "Pasted text here."
    assert lit("a\x1bb\x7f") == '"ab"'


# --- the property: the shapes that lose words elsewhere (rules, deep nesting, front
# matter with comments, HTML), every word arrives or the file is refused naming a line ----

RULE = st.sampled_from(["---", "***", "___", "- - -"])


def _nested(words: list[str], depth: int, marker: str) -> list[str]:
    """A list `depth` levels deep, a word on each level (markers indented under the last)."""
    lines, indent = [], ""
    for level in range(depth):
        lines.append(f"{indent}{marker} {words[level % len(words)]}")
        indent += " " * (len(marker) + 1)
    return lines


SHAPE = st.one_of(
    st.tuples(st.just("paragraph"), st.lists(WORD, min_size=1, max_size=4)),
    st.tuples(st.just("rule"), RULE),
    st.tuples(
        st.just("list"),
        st.lists(WORD, min_size=1, max_size=3),
        st.integers(1, 70),
        st.sampled_from(["-", "*", "1."]),
    ),
    st.tuples(st.just("quote"), st.lists(WORD, min_size=1, max_size=3), st.integers(1, 60)),
    st.tuples(
        st.just("html"),
        st.lists(WORD, min_size=1, max_size=3),
        st.sampled_from(["<div>{}</div>", "<script>{}</script>", "<b>{}</b>", "<p\n{}>"]),
    ),  # an HTML comment is a note to oneself, never printed: not typed text
    st.tuples(
        st.just("link"),
        WORD,
        st.sampled_from(["[{}](https://example.org)", "<{}>", "![{}](chart.png)"]),
    ),
)
TOP = st.sampled_from(
    [
        "",  # no front matter
        "---\nstatus: draft   # Jo reads it on Friday\nreviewer: ''\n---\n",
        "---\n# a comment only\nstatus: reviewed\n---\n",
        "---\n{words}\n---\n",  # a summary framed by rules: the reviewer's text
        "---\nSummary: {words}\n---\n",  # looks like YAML, but not the review's keys
    ]
)


def _block(shape: tuple) -> tuple[list[str], list[str]]:
    """The lines of one block and the words typed in it."""
    kind = shape[0]
    if kind == "paragraph":
        return [" ".join(shape[1])], list(shape[1])
    if kind == "rule":
        return [shape[1]], []
    if kind == "list":
        words, depth, marker = shape[1:]
        lines = _nested(words, depth, marker)
        return lines, [line.split()[-1] for line in lines]
    if kind == "quote":
        words, depth = shape[1:]
        return [">" * depth + " " + " ".join(words)], list(words)
    if kind == "html":
        return [shape[2].format(" ".join(shape[1]))], list(shape[1])
    return [shape[2].format(shape[1])], [shape[1]]


@settings(max_examples=250, deadline=None)
@given(top=TOP, top_words=st.lists(WORD, min_size=1, max_size=3), shapes=st.lists(SHAPE))
def test_every_word_reaches_the_book_or_the_file_is_refused_naming_a_line(
    tmp_path_factory, top, top_words, shapes
):
    from qareport.book.narrative import read_narrative

    typed = list(top_words) if "{words}" in top else []
    lines = [top.format(words=" ".join(top_words)) + "## Analysis", ""]
    for shape in shapes:
        block, words = _block(shape)
        lines += [*block, ""]
        typed += words
    path = tmp_path_factory.mktemp("n") / "front-door.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        narrative = read_narrative(path)
    except NarrativeError as exc:  # refused: only for nesting, and naming the line
        assert re.search(r"front-door\.md line [1-9]\d*: the text is nested more than", str(exc))
        return
    html = " ".join(markdown_to_html(t) for t in narrative.parts.values())
    typst = " ".join(markdown_to_typst(t) for t in narrative.parts.values())
    missing = [w for w in typed if w not in html or w not in typst]
    assert not missing, "\n".join(lines)


def test_jupyterlabs_list_and_heading_habits_read_as_the_reviewer_meant():
    """Enter after "1. ..." makes JupyterLab write "2. "; typing "2." then gives "2. 2.".
    A reviewer's ### is a level below the panel's heading, as their ## is."""
    text = STUB + "\n1. First point\n2. 2. Second point\n- - A bullet\n\n### Detail\n"
    analysis = "\n".join(_parts(text).values())
    html = markdown_to_html(analysis)
    assert "2. Second point" in analysis and "2. 2." not in analysis
    assert html.count("<ol>") == 1 and "<li>Second point</li>" in html
    assert html.count("<ul>") == 1 and "<li>A bullet</li>" in html
    assert "<h4>Detail</h4>" in html and "<h3>" not in html  # the only heading: h4
    both = _parts(STUB + "\n## Next steps\n\n### Detail\n")
    html = markdown_to_html("\n".join(both.values()))
    assert "<h4>Next steps</h4>" in html and "<h5>Detail</h5>" in html


def test_an_empty_cell_jupyterlab_adds_is_not_printed():
    """Shift+Enter on the last cell adds an empty code cell: nothing of it reaches the book;
    a cell with something in it is the reviewer's text and is kept."""
    text = STUB + "\nLast words.\n\n```python\n\n```\n\n```\nkept = 1\n```\n"
    words = "\n".join(_parts(text).values())
    assert "```python" not in words and "kept = 1" in words and "Last words." in words


def test_an_approved_sheet_with_nothing_written_shows_the_board_no_file_path(demo_store, tmp_path):
    """A draft says where to write; an approved sheet tells the board, in words, that
    nothing was written: never a path in the workbook, in the HTML or the PDF."""
    import dataclasses

    from helpers import assembled_book
    from qareport.render.html import render_html
    from qareport.render.typst_pdf import typst_source, write_chart_images

    book = assembled_book(demo_store, "larkhaven", "2025-26")
    draft = book.sheets[0]
    assert "add it in narrative/" in draft.missing_analysis
    approved = dataclasses.replace(draft, status="approved", reviewer="Sam Jones", actions=[])
    book = dataclasses.replace(book, sheets=[approved])
    html, typst = render_html(book), typst_source(book, write_chart_images(book, tmp_path))
    for words in (html, typst):
        assert "No analysis was written for this sheet." in words
        assert "No actions were recorded for this sheet." in words
        assert "narrative/larkhaven" not in words and "Not yet written: add" not in words


def test_a_status_typed_by_hand_is_not_taken_as_a_sign_off(workbook):
    """'status: approved' typed into the front matter records no reviewer, date or
    figures: the sheet stays a draft and says why in words (it used to say 'Re-review
    needed ... approved it on .')."""
    from helpers import DEMO_AREA, PERIOD, assembled_book, init_narrative, narrative_path
    from qareport import Project
    from qareport.ingest.store import open_store

    init_narrative(workbook)
    open_store(Project.open(workbook))
    path = narrative_path(workbook)
    text = path.read_text()
    path.write_text(text.replace("---\n", "---\nstatus: approved\n", 1))
    page = next(p for p in assembled_book(workbook, DEMO_AREA, PERIOD).sheets
                if p.data.section_id == "front-door")  # fmt: skip
    assert page.status == "draft" and not page.rereview and not page.approved
    assert "'status: approved' was typed into the narrative" in page.status_text
    assert "qareport narrative review" in page.status_text


def test_a_changed_title_is_refused_in_words_naming_the_line(workbook):
    """JupyterLab shows the `# title` as the notebook's heading; a reviewer who edits it is
    told it is not printed, and where, instead of it being silently ignored."""
    from helpers import DEMO_AREA, PERIOD, init_narrative, narrative_path
    from qareport import Project
    from qareport.book.assemble import check_narrative
    from qareport.config.periods import parse_period

    init_narrative(workbook)
    project = Project.open(workbook)
    area, period = project.area(DEMO_AREA), parse_period(PERIOD)
    assert not [w for w in check_narrative(project, area, period) if "title" in w]
    path = narrative_path(workbook)
    text = path.read_text()
    title = project.catalogue.area("front-door").title
    path.write_text(text.replace(f"# {title}", "# Our front door, revised", 1))
    line = text.splitlines().index(f"# {title}") + 1
    said = [w for w in check_narrative(project, area, period) if "title" in w]
    assert said == [
        f"narrative/{DEMO_AREA}/{PERIOD}/front-door.md line {line}: the title '# Our front "
        f"door, revised' is not printed: every book titles this sheet '{title}' (from the "
        "catalogue). For a heading of your own, write it as '## ...' in the analysis; to "
        "retitle the sheet in every book, change the content area's title in a catalogue "
        "of your own"
    ]


def test_a_new_narrative_survives_jupytexts_open_and_save_byte_for_byte(tmp_path):
    """What JupyterLab does on open and save (jupytext read, the notebook model, jupytext
    write) gives back the very bytes: nothing is marked edited or rewritten."""
    import jupytext
    import nbformat

    from qareport.book.narrative import story_stub

    for text in (STUB, story_stub("larkhaven", "2025-26", "Front door")):
        model = nbformat.reads(nbformat.writes(jupytext.reads(text, fmt="md")), as_version=4)
        assert jupytext.writes(model, fmt="md") == text


def test_the_notes_for_the_writer_are_seen_in_jupyterlab_but_never_printed():
    from qareport.book.narrative import story_stub

    assert "> **Note for the writer (not printed):**" in STUB and "<!--" not in STUB
    story = story_stub("larkhaven", "2025-26", "Front door")
    assert "> **Before you write (not printed):** use only accounts given with consent" in story
    _, parts = parse_narrative(STUB, Path("front-door.md"))
    assert parts == {"analysis": "", "actions": ""}
