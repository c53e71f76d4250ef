"""A sheet with more measures than an A3 page holds continues on further pages under the same
header, and no text on the sheet is printed smaller than 7 pt."""

import math
import re
from io import BytesIO

import pypdf

from qareport import Project
from qareport.book.assemble import assemble_book
from qareport.config.periods import parse_period
from qareport.render.typst_pdf import render_pdf
from qareport.sheet.build import build_sheet


def _font_sizes(page) -> list[float]:
    """The printed size of every run of text on a PDF page: the font size times the length
    of the text's vertical unit on paper (text matrix, then page matrix), so a rotated axis
    label is measured along its own height, not the page's."""
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(abs(size) * math.hypot(c, d))

    page.extract_text(visitor_text=visit)
    return sizes


def test_a_sheet_of_many_measures_continues_under_the_same_header_at_legible_size(demo_store):
    project = Project.open(demo_store)
    area, when = project.area("brindlemoor"), parse_period("2025-26")
    sheet = build_sheet(demo_store, area.id, when.label, "front-door")
    measures = [m for m in sheet.measures if m.charts]
    many = [
        m.model_copy(update={"id": f"{m.id}-{n}", "title": f"{m.title} ({n})"})
        for n in range(4)
        for m in measures
    ][:14]
    sheet = sheet.model_copy(update={"measures": many})
    book = assemble_book(project, area, when, [sheet], built_at="test")
    reader = pypdf.PdfReader(BytesIO(render_pdf(book)))
    texts = [page.extract_text() for page in reader.pages]
    first = next(n for n, t in enumerate(texts) if "Measures: trends and comparators" in t)
    sheet_pages = [first]  # and the pages its running header says it continues on
    while f"{sheet.section_title} (continued)" in texts[sheet_pages[-1] + 1]:
        sheet_pages.append(sheet_pages[-1] + 1)
    assert len(sheet_pages) >= 2
    assert f"{sheet.section_title} (continued)" in texts[sheet_pages[1]]
    for m in many:  # every measure is on one of the sheet's pages, none lost at a break
        assert any(m.title in texts[n] for n in sheet_pages), m.title
    for n in sheet_pages:
        sizes = _font_sizes(reader.pages[n])
        assert sizes and min(sizes) >= 6.9, (n, min(sizes))


def test_a_continued_sheet_prints_its_charts_at_the_first_pages_size(demo_store, tmp_path):
    """A measure moved to a '(continued)' page is laid out in a panel as wide as the first
    page's, two measures to a row: never one chart stretched across the page. Read from the
    PDF: the measures' titles start at the same two places across on every page, and the
    charts' words are printed at the sizes of the first page's (a stretched chart's are
    larger)."""
    import pdfplumber

    from helpers import assembled_book

    book = assembled_book(demo_store, "amberleigh", "2025-26-Q4")
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(render_pdf(book))
    reader = pypdf.PdfReader(pdf)
    continued = 0
    with pdfplumber.open(pdf) as doc:
        for sheet in book.sheets:
            starts, sizes = [], []
            heads = [" ".join(m.title.split()[:3]) for m in sheet.data.measures]
            for n, page in enumerate(doc.pages):
                text = page.extract_text()
                if sheet.data.section_title not in text or not (
                    "Measures: trends" in text or f"{sheet.data.section_title} (continued)" in text
                ):
                    continue
                found = [hit for head in heads for hit in page.search(head, regex=False)]
                starts.append({round(w["x0"]) for w in found if w["x0"] > 300})
                sizes.append({round(x * 2) / 2 for x in _font_sizes(reader.pages[n])})
            continued += len(starts) - 1
            assert all(s <= starts[0] for s in starts[1:]), (sheet.data.section_id, starts)
            assert all(max(s) <= max(sizes[0]) for s in sizes[1:]), (sheet.data.section_id, sizes)
    assert continued, "the demo's quarterly book continues a sheet"


def test_a_long_analysis_and_many_actions_flow_whole_on_pages_headed_by_the_sheet(tmp_path):
    """1,500 words and ten actions: beside the measures when they fit, else on a page of
    their own in three columns; every page headed with the sheet, no row split, nothing
    printed over anything, every word printed."""
    from helpers import assembled_book, copy_workbook, overprinted
    from qareport.ingest.store import open_store

    root = copy_workbook(tmp_path / "workbook")
    open_store(Project.open(root))
    folder = root / "narrative" / "amberleigh" / "2025-26"
    folder.mkdir(parents=True)
    words = [f"word{n}" for n in range(1500)]
    paragraphs = [" ".join(words[i : i + 125]) for i in range(0, 1500, 125)]
    (folder / "front-door.md").write_text("## Analysis\n\n" + "\n\n".join(paragraphs) + "\n")
    actions = ["actions:"]
    for n in range(1, 11):
        actions += [
            f"- id: FD-{n}", "  section: front-door",
            f"  text: Audit case{n} and report the themes found to the board with a plan.",
            "  owner: Head of Front Door", '  due: "2026-03-31"', "  status: open",
            "  raised: 2025-26",
        ]  # fmt: skip
    (folder / "actions.yml").write_text("\n".join(actions) + "\n")
    book = assembled_book(root, "amberleigh", "2025-26")
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(render_pdf(book))
    assert overprinted(pdf) == []
    texts = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    title = "Children's social care front door"
    start = next(n for n, t in enumerate(texts) if title in t and "Measures: trends" in t)
    pages = [start]
    while pages[-1] + 1 < len(texts) and f"{title} (continued)" in texts[pages[-1] + 1]:
        pages.append(pages[-1] + 1)  # every page of the sheet headed with it
    assert len(pages) >= 2
    flat = " ".join(re.sub(r"\s+", " ", texts[n]) for n in pages)
    assert all(w in flat.split() or w in flat for w in words), "every word printed"
    for n in range(1, 11):  # an action's row on one page: its id, text and status together
        row = [p for p in pages if f"case{n} " in texts[p] or f"case{n}\n" in texts[p]]
        assert len(row) == 1 and f"FD-{n}" in texts[row[0]], n


def _structure_tags(pdf: bytes) -> dict[str, int]:
    """How many of each structure element (H2, H3, TH, ...) a tagged PDF holds."""
    from collections import Counter

    from helpers import structure_elements

    return dict(Counter(tag for tag, _ in structure_elements(pdf)))


def test_panel_titles_and_the_reviewers_headings_are_headings_in_the_pdf(demo_store):
    """A screen reader moves by headings: each panel's title is an H3, and 'Good outcomes',
    'Questions for the board' and a reviewer's own headings H4 (they were paragraphs)."""
    from helpers import assembled_book

    book = assembled_book(demo_store, "amberleigh", "2025-26")
    tags = _structure_tags(render_pdf(book))
    sheets = len(book.sheets)
    assert tags.get("H2", 0) >= sheets
    assert tags.get("H3", 0) >= 4 * sheets  # why, balance, analysis, actions; measures
    assert tags.get("H4", 0) >= 2 * sheets  # good outcomes or quality; questions
    assert tags.get("TH", 0) >= 2 * sheets  # the information balance's header cells
