"""End-to-end: the demo book built by papermill, nbconvert and Typst, checked as users see it."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import nbformat
import pypdf

from helpers import DEMO_AREA, PERIOD, data_appendix_pages, figures_with_alt
from qareport import Project

A3_LANDSCAPE = (1190.55, 841.89)  # points: 420 x 297 mm


class Outline(HTMLParser):
    """Collects what a reader (or a screen reader) meets in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[dict] = []
        self.images: list[dict] = []
        self.scripts = 0
        self.external: list[str] = []
        self.charts: list[dict] = []
        self.pages = 0

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "section" and "page" in classes:
            self.pages += 1
        if tag == "section" and "sheet" in classes:
            self.sheets.append({"id": attr["id"], "panels": []})
        if tag == "section" and "panel" in classes and self.sheets:
            self.sheets[-1]["panels"].append(classes[1])
        if tag == "img":
            self.images.append(attr)
        if tag == "svg":
            self.charts.append(attr)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            value = attr.get(key) or ""
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)


def test_html_has_one_sheet_per_section_with_five_panels(built):
    root, result = built
    sections = Project.open(root).area(DEMO_AREA).sections
    html = result.html.read_text(encoding="utf-8")
    outline = Outline()
    outline.feed(html)
    assert [s["id"] for s in outline.sheets] == [f"sheet-{s}" for s in sections]
    for sheet in outline.sheets:
        assert sheet["panels"] == ["why", "balance", "analysis", "actions", "graphs"], sheet["id"]


def test_html_is_self_contained_with_inline_vector_charts_and_no_code(built):
    _, result = built
    html = result.html.read_text(encoding="utf-8")
    outline = Outline()
    outline.feed(html)
    assert outline.charts, "charts are expected"
    assert outline.images == [] and "data:image/" not in html  # no raster chart anywhere
    for chart in outline.charts:
        assert chart["role"] == "img"
        assert len(chart["aria-label"]) > 40, "every chart carries a real text alternative"
    assert outline.scripts == 0
    assert outline.external == []
    for code_marker in ("jp-InputArea", "build_sheet", "import qareport", "In&nbsp;["):
        assert code_marker not in html


def _raster_images(reader: pypdf.PdfReader) -> int:
    count = 0
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        count += sum(1 for o in objects.values() if o.get_object().get("/Subtype") == "/Image")
    return count


def test_the_pdf_has_every_chart_of_the_html_as_a_tagged_vector_figure(built):
    """Paper shows every chart the web page shows (the SPC chart or funnel plot too), each
    with its alt text, and none is a raster image."""
    _, result = built
    outline = Outline()
    outline.feed(result.html.read_text(encoding="utf-8"))
    alts = [c["aria-label"] for c in outline.charts]
    reader = pypdf.PdfReader(result.pdf)
    figures = figures_with_alt(reader)
    assert len(figures) >= len(alts)
    assert any("funnel" in a.lower() for a in alts)
    assert {unescape(a) for a in alts} <= set(figures)
    assert _raster_images(reader) == 0


def test_every_page_says_the_data_are_synthetic(built):
    _, result = built
    html = result.html.read_text(encoding="utf-8")
    pages = re.findall(r'<(?:section|nav)[^>]* class="page[ "]', html)
    banners = re.findall(r'<p class="banner" role="note">Synthetic data: ', html)
    # cover, contents, summary, balance, 4 sheets, appendix
    assert len(pages) == len(banners) == 5 + 4
    reader = pypdf.PdfReader(result.pdf)
    for number, page in enumerate(reader.pages, start=1):
        assert "SYNTHETIC DATA" in page.extract_text(), f"PDF page {number}"


def test_unwritten_narrative_is_marked_visibly(built):
    _, result = built
    html = result.html.read_text(encoding="utf-8")
    assert html.count('class="not-written">Not yet written') == 2 * len(
        Project.open(built[0]).area(DEMO_AREA).sections
    )


def test_pdf_is_a3_landscape_with_cover_and_one_page_per_sheet(built):
    root, result = built
    project = Project.open(root)
    titles = [project.catalogue.area(s).title for s in project.area(DEMO_AREA).sections]
    reader = pypdf.PdfReader(result.pdf)
    # cover, summary, balance, the sheets, the figures behind the charts, the appendix
    assert data_appendix_pages(reader) >= 1
    assert len(reader.pages) == len(titles) + 4 + data_appendix_pages(reader)
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert abs(size[0] - A3_LANDSCAPE[0]) < 1 and abs(size[1] - A3_LANDSCAPE[1]) < 1
    for title, page in zip(titles, reader.pages[3:], strict=False):
        assert title in page.extract_text().replace("\n", " ")
    assert reader.metadata.title.startswith("Safeguarding Children Report Book")
    bookmarks = [item["/Title"] for item in reader.outline[1] if isinstance(item, dict)]
    assert all(title in bookmarks for title in titles)


def test_executed_notebooks_are_saved_per_sheet_with_parameters(built):
    root, result = built
    sections = Project.open(root).area(DEMO_AREA).sections
    folder = result.html.parent / "notebooks"
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == sorted(sections)
    notebook = nbformat.read(folder / f"{sections[0]}.ipynb", as_version=4)
    assert notebook.metadata.papermill.parameters["section"] == sections[0]
    assert notebook.metadata.papermill.parameters["period"] == PERIOD
    assert result.executed == sections


def test_small_numbers_from_the_data_never_reach_the_page(built):
    """Larkhaven's domestic abuse counts are mostly 1-4: the sheet must show [c] instead."""
    _, result = built
    html = result.html.read_text(encoding="utf-8")
    sheet = html.split('id="sheet-domestic-abuse"')[1].split('<section class="page')[0]
    table = sheet.split("Domestic abuse incidents with children in the household, ")[1]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]*)</td>', table)[:5]
    assert rows, "the data table behind the chart is present"
    for period, shown in rows:
        assert shown in ("[c]", "0") or int(shown.replace(",", "")) >= 5, (period, shown)


def test_audit_and_survey_percentages_show_their_wilson_interval_and_n(built):
    from qareport.sheet.stats import wilson_interval

    _, result = built
    html = result.html.read_text(encoding="utf-8")
    found = re.findall(
        r"<strong>[\d.]+%</strong> \(([\d,]+) of ([\d,]+)\)(?:(?!</figcaption>).)*?"
        r"95% interval ([\d.]+)% to ([\d.]+)% \(n = ([\d,]+)\)",
        html,
        re.S,
    )
    assert found, "sampled measures carry an interval"
    for numerator, denominator, low, high, n in found[:6]:
        successes, size = int(numerator.replace(",", "")), int(denominator.replace(",", ""))
        assert int(n.replace(",", "")) == size
        expected = wilson_interval(successes, size)
        assert (float(low), float(high)) == (
            round(expected[0] * 100, 1),
            round(expected[1] * 100, 1),
        )


def test_sheets_compare_with_the_region_as_well_as_peers_and_the_nation(built):
    _, result = built
    html = result.html.read_text(encoding="utf-8")
    assert re.search(
        r"Demo peer group mean [\d.]+%; All demo areas [\d.]+%; "
        r"South \(demo region\) mean [\d.]+%",
        html,
    )


def test_spc_uses_the_areas_target_and_change_point(workbook):
    from qareport import build_book

    params = workbook / "parameters" / f"{DEMO_AREA}.yml"
    params.write_text(
        params.read_text() + "targets:\n  assessments-timely: 60\n  re-referrals-12m: 90\n"
        "spc_change_points:\n  assessments-timely: 2025-26-Q1\n"
    )
    html = build_book(workbook, DEMO_AREA, "2025-26-Q3").html.read_text(encoding="utf-8")
    spc = re.search(
        r"SPC over \d+ quarters, 20\d\d-\d\d-Q1 to 2025-26-Q3 "
        r"\(trial limits, recalculated from 2025-26-Q1\): ([^<\"]+)\.",
        html,
    )
    assert spc, "the change point is used"
    # three quarters since the change point: a new process, too short for icons
    assert spc.group(1) == "Not enough data: SPC icons need 13 or more points"
    start = html.index('id="sheet-front-door-assessments-timely"')
    figure = html[start : html.index("</figure>", start)]
    assert 'aria-label="Not enough data: assurance needs 13 or more points"' in figure
    # a target on a measure with no change point: its whole series, 13+ quarters, is judged
    start = html.index('id="sheet-front-door-re-referrals-12m"')
    rereferrals = html[start : html.index("</figure>", start)]
    assert re.search(r"SPC over 1\d quarters, [^(]+\(limits from the first 12\): [^.]+\. "
                     r"Consistently passing the target\.", rereferrals)  # fmt: skip
