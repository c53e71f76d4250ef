"""Scanning a real book: with suppression on, no count of 1 to 4 from the data reaches the
HTML or the PDF; with it off, they appear (so the scan can see them)."""

import re

import pypdf

from helpers import DEMO_AREA
from qareport import build_book

QUARTER = "2025-26-Q3"  # Larkhaven's quarterly domestic abuse counts are mostly 1 to 4


def shown_counts(result) -> list[int]:
    html = result.html.read_text(encoding="utf-8")
    # the sheets' figures and data tables; the summary page counts measures and actions
    html = "".join(re.findall(r"<figure.*?</figure>", html, re.S))
    cells = re.findall(r'<td class="num">(\d[\d,]*)</td>', html)
    bases = re.findall(r"\((\d[\d,]*) of (\d[\d,]*)\)", html)
    pdf = " ".join(page.extract_text() for page in pypdf.PdfReader(result.pdf).pages)
    pdf_bases = re.findall(r"\((\d[\d,]*) of (\d[\d,]*)\)", pdf)
    latest = re.findall(r"Q3: (\d[\d,]*),", pdf)
    numbers = [*cells, *(n for pair in bases + pdf_bases for n in pair), *latest]
    return [int(n.replace(",", "")) for n in numbers]


def test_small_counts_never_reach_the_book_and_do_when_suppression_is_off(workbook):
    on = shown_counts(build_book(workbook, DEMO_AREA, QUARTER))
    assert on, "the scan found the book's numbers"
    assert not [n for n in on if 1 <= n <= 4]
    defaults = workbook / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("enabled: true", "enabled: false"))
    off = shown_counts(build_book(workbook, DEMO_AREA, QUARTER))
    assert [n for n in off if 1 <= n <= 4], "with suppression off the small counts appear"
