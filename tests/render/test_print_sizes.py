"""Books of random real sizes print whole: read back from the PDF with pdfplumber, no words
over words, nothing outside the margins, no blank page, every page headed by what it
belongs to, no page mostly empty while its sheet goes on overleaf, and Typst's layout
settles (a layout that never settles prints wrong page numbers and headers)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
import typst
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from helpers import assembled_book, empty_headings, page_faults
from qareport.book.model import ActionView, Book, StoryPage
from qareport.demo.areas import FULL_FRAMEWORK_AREA
from qareport.render.typst_pdf import FONT_DIR, typst_source, write_chart_images

pytestmark = pytest.mark.slow

LONG = " and what the board asked us to look at again this year"


@functools.cache
def framework_book(root: Path) -> Book:
    """The full framework's annual book (18 sheets): the parts every random book is cut from."""
    return assembled_book(root, FULL_FRAMEWORK_AREA, "2025-26")


@st.composite
def sheet_sizes(draw: st.DrawFn) -> dict:
    return {
        "measures": draw(st.integers(1, 10)),
        "words": draw(st.sampled_from([0, 1, 40, 160, 600, 1500, 2000])),
        "actions": draw(st.integers(0, 12)),
        "story_words": draw(st.sampled_from([None, 0, 80, 900])),
        "long_titles": draw(st.booleans()),
    }


def _words(count: int, start: int = 0) -> str:
    """`count` words in paragraphs of about 120, each word numbered so it can be found."""
    words = [f"w{n}" for n in range(start, start + count)]
    return "\n\n".join(" ".join(words[i : i + 120]) for i in range(0, count, 120))


def _action(sheet: int, n: int, long: bool) -> ActionView:
    text = "Audit a sample of cases and report the themes found to the board" + LONG * long
    return ActionView(
        id=f"S{sheet}-{n}", text=text, owner="Head of Service for Children and Families",
        due="2026-03-31", status="open", raised="2025-26", closed="", overdue=False,
    )  # fmt: skip


def _resized(base: Book, sizes: list[dict], long_area: bool) -> Book:
    """The framework book cut and grown to the given sizes: measures repeated to reach the
    count, analyses and story sheets of so many words, so many actions, long titles."""
    sheets = []
    for n, size in enumerate(sizes):
        page = base.sheets[n % len(base.sheets)]
        pool = page.data.measures * 10
        measures = [  # each its own measure, as on a real sheet
            m.model_copy(
                update={"id": f"{m.id}-{k}", "title": m.title + LONG * size["long_titles"]}
            )
            for k, m in enumerate(pool[: size["measures"]])
        ]
        data = page.data.model_copy(
            update={
                "measures": measures,
                "section_id": f"{page.data.section_id}-{n}",
                "section_title": page.data.section_title + LONG * size["long_titles"],
            }
        )
        story = None
        if size["story_words"] is not None:
            parts = [
                ("What children and families told us", _words(size["story_words"], 9000)),
                ("What we changed", "We listened, and changed the letter we send."),
            ]
            story = StoryPage(parts=parts, label="story", status_text="Draft", anchor=f"story-{n}")
        actions = [_action(n, a, size["long_titles"]) for a in range(size["actions"])]
        analysis = _words(size["words"])
        sheets.append(
            dataclasses.replace(page, data=data, analysis=analysis, story=story, actions=actions)
        )
    name = base.area_name + (" Safeguarding Children Partnership" + LONG if long_area else "")
    return dataclasses.replace(base, sheets=sheets, area_name=name)


def _compile(book: Book, folder: Path) -> tuple[Path, list[str]]:
    images = write_chart_images(book, folder)
    source = folder / "book.typ"
    source.write_text(typst_source(book, images), encoding="utf-8")
    pdf, warnings = typst.compile_with_warnings(
        str(source), root=str(folder), font_paths=[str(FONT_DIR)], ignore_system_fonts=True
    )
    out = folder / "book.pdf"
    out.write_bytes(pdf)
    return out, [w.message for w in warnings]


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.generate],  # a failure printed, not shrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(sizes=st.lists(sheet_sizes(), min_size=1, max_size=20), long_area=st.booleans())
def test_books_of_any_real_size_print_whole(demo_store, tmp_path_factory, sizes, long_area):
    book = _resized(framework_book(demo_store), sizes, long_area)
    pdf, warnings = _compile(book, tmp_path_factory.mktemp("sizes"))
    assert not [w for w in warnings if "converge" in w or "stabilize" in w], warnings
    assert page_faults(pdf) == []
    # every word of every analysis is printed
    import pypdf

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).split()
    printed = {w for w in text if w.startswith("w")}
    wanted = {f"w{n}" for n in range(max(s["words"] for s in sizes))}
    assert wanted <= printed


def test_the_checks_find_what_they_look_for(tmp_path):
    """The page checks fail on a page that is blank, unheaded, or printed over."""
    source = tmp_path / "bad.typ"
    source.write_text(
        '#set page(paper: "a3", flipped: true, margin: (x: 12mm, top: 16mm, bottom: 14mm))\n'
        "#heading[Cover]\n#pagebreak()\n#pagebreak()\n"  # a blank page
        "Not a heading #place(top + left)[Words over words]\n"
        "#place(dx: -11mm)[In the margin]\n"
    )
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(typst.compile(str(source), font_paths=[str(FONT_DIR)]))
    faults = page_faults(pdf)
    assert any("page 2: blank" in f for f in faults)
    assert any("page 3: not headed" in f for f in faults)
    assert any("page 3" in f and " over " in f for f in faults)
    assert any("page 3: outside the margins" in f for f in faults)


def test_the_heading_check_finds_an_empty_heading(tmp_path):
    source = tmp_path / "empty.typ"
    source.write_text('#set document(title: "t")\n= A title\n#heading(level: 2, [])\nText\n')
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(typst.compile(str(source), font_paths=[str(FONT_DIR)]))
    assert empty_headings(pdf) == ["/H2"]
