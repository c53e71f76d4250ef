"""A book boards can trust and everyone can read: determinism, provenance, accessibility."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pypdf
import pytest

from helpers import DEMO_AREA, PERIOD, axe_violations, figures_with_alt
from qareport import BuildOptions, build_book
from qareport.config.catalogue import builtin_catalogue_dir

BUILT_AT = re.compile(r"<th scope=\"row\">Built at</th><td>[^<]*</td>")


def test_two_builds_of_the_same_inputs_give_byte_identical_html(built):
    root, first = built
    before = BUILT_AT.sub("", first.html.read_text(encoding="utf-8"))
    again = build_book(root, DEMO_AREA, PERIOD, BuildOptions(force=True))
    assert again.executed, "the sheets really were executed again"
    after = BUILT_AT.sub("", again.html.read_text(encoding="utf-8"))
    assert hashlib.sha256(before.encode()).hexdigest() == hashlib.sha256(after.encode()).hexdigest()


def test_manifest_hashes_match_the_files_and_notebooks_carry_them(built):
    root, result = built
    manifest = json.loads((result.html.parent / "manifest.json").read_text())
    record = manifest["provenance"]
    assert record["suppression"] == {"enabled": True, "threshold": 5}
    assert record["git_commit"] in ("not a git checkout", "git not available")
    assert "papermill" in record["packages"] and record["built_at"]
    builtin = builtin_catalogue_dir()
    assert "data/demo/measure-returns.csv" in record["inputs"]
    for path, sha in record["inputs"].items():
        file = (
            builtin / path.removeprefix("qareport:catalogues/")
            if path.startswith("qareport:")
            else root / path
        )
        assert hashlib.sha256(file.read_bytes()).hexdigest() == sha, path
    html = result.html.read_text(encoding="utf-8")
    for path, sha in record["inputs"].items():
        assert f"Input: {path}" in html and sha in html
    notebook = nbformat.read(result.html.parent / "notebooks" / "front-door.ipynb", as_version=4)
    assert notebook.metadata.qareport["inputs"] == record["inputs"]


def test_pdf_has_title_language_bookmarks_and_selectable_text(built):
    _, result = built
    reader = pypdf.PdfReader(result.pdf)
    assert reader.metadata.title.startswith("Safeguarding Children Report Book")
    catalog = reader.trailer["/Root"]
    assert str(catalog.get("/Lang", "")).lower().startswith("en")
    assert "/StructTreeRoot" in catalog, "the PDF is tagged"
    assert "/Alt" in str(catalog["/StructTreeRoot"].get_object()) or figures_with_alt(reader)
    assert len(reader.outline) >= 2
    assert "Why it matters" in reader.pages[3].extract_text()


def test_axe_core_finds_no_violation_of_any_impact(built, browser):
    _, result = built
    page = browser.new_page()
    page.goto(result.html.as_uri())
    bad = axe_violations(page)
    assert bad == [], "\n".join(bad)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    page.close()


@pytest.fixture(scope="module")
def quarterly_html(demo_store, tmp_path_factory) -> Path:
    """The demo's quarterly book for its largest area (sheets that run over a page, SPC
    tables, teams), as HTML rendered in-process."""
    from helpers import assembled_book
    from qareport.render.html import render_html

    html = tmp_path_factory.mktemp("quarterly") / "book.html"
    html.write_text(render_html(assembled_book(demo_store, "amberleigh", "2025-26-Q4")))
    return html


def test_axe_core_finds_nothing_in_a_quarterly_book_either(quarterly_html, browser):
    page = browser.new_page()
    page.goto(quarterly_html.as_uri())
    bad = axe_violations(page)
    assert bad == [], "\n".join(bad)
    page.close()


def test_the_quarterly_book_printed_from_a_browser_gives_whole_headed_pages(
    quarterly_html, browser, tmp_path
):
    """Printed from the browser: A3 landscape, each sheet from a new page, every page of a
    sheet headed by its title, nothing printed over anything or outside the margins, no
    blank page, and no page of a sheet mostly empty while the sheet goes on."""
    from helpers import page_faults

    page = browser.new_page()
    page.goto(quarterly_html.as_uri())
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    page.close()
    reader = pypdf.PdfReader(pdf)
    assert {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    } == {(1191, 842)}
    assert page_faults(pdf, browser=True) == []
    texts = [p.extract_text() for p in reader.pages]
    html = quarterly_html.read_text(encoding="utf-8")
    for title in re.findall(r'<h2 id="sheet-[^"]+-title">([^<]+)</h2>', html):
        title = title.replace("&#39;", "'")
        pages = [n for n, t in enumerate(texts) if t.lstrip().startswith(title)]
        assert pages, f"no page headed {title!r}"


def test_keyboard_skip_link_and_200_percent_zoom(built, browser):
    _, result = built
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(result.html.as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # 200% zoom on a 1280 px screen is a 640 px layout: nothing may need sideways scrolling
    zoomed = browser.new_page(viewport={"width": 640, "height": 900})
    zoomed.goto(result.html.as_uri())
    overflow = zoomed.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.close()
    zoomed.close()


def test_the_html_prints_on_a3_landscape_one_page_per_sheet(built, browser, tmp_path: Path):
    _, result = built
    page = browser.new_page()
    page.goto(result.html.as_uri())
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    reader = pypdf.PdfReader(pdf)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 1190.55) < 2 and abs(height - 841.89) < 2
    sections = len(
        re.findall(
            r'<(?:section|nav)[^>]* class="page[ "]', result.html.read_text(encoding="utf-8")
        )
    )
    assert len(reader.pages) == sections
    page.close()


def test_at_320_px_nothing_scrolls_sideways_and_no_word_is_broken(built, browser):
    """400% zoom (WCAG 1.4.10): the page reflows; tables too wide scroll on their own; the
    board summary stacks, and no cell breaks a word a letter or two a line."""
    _, result = built
    page = browser.new_page(viewport={"width": 320, "height": 900})
    page.goto(result.html.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    # a word broken across lines: a cell whose text is wider than its box, or a word split
    narrow = page.evaluate(
        """() => [...document.querySelectorAll('table.board tbody td, table.board tbody th')]
          .filter(c => c.offsetWidth > 0 && c.offsetWidth < 60).length"""
    )
    assert narrow == 0, "board summary cells squeezed to a few letters wide"
    page.close()
