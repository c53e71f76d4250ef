"""The board summary, the MDC icons, quartile bands and the accessible spreadsheet.

Built in-process from the demo store (no kernel): amberleigh's quarterly book, whose
area file sets targets (one failed, one met, one hit and miss), and the annual book.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from html import unescape

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import assembled_book, data_table
from qareport import Project
from qareport.config.catalogue import Measure
from qareport.render.board import board_summary
from qareport.render.html import render_html
from qareport.render.spreadsheet import HEADER, write_figures
from qareport.sheet.icons import ASSURANCE_TEXT, VARIATION_TEXT, icon_svg
from qareport.sheet.measures import quartile_band


def _book_at(root, area_id, period):
    return assembled_book(root, area_id, period, built_at="2026-11-24 09:00 UTC")


@pytest.fixture(scope="module")
def quarterly(demo_store):
    return _book_at(demo_store, "amberleigh", "2025-26-Q4")


@pytest.fixture(scope="module")
def annual(demo_store):
    return _book_at(demo_store, "amberleigh", "2025-26")


def test_every_icon_is_an_svg_with_its_words_as_title_and_label() -> None:
    for kind, table in (("variation", VARIATION_TEXT), ("assurance", ASSURANCE_TEXT)):
        for code, words in table.items():
            root = ET.fromstring(icon_svg(kind, code))
            assert root.get("role") == "img" and root.get("aria-label") == words
            assert root.find("{http://www.w3.org/2000/svg}title").text == words
    assert len(VARIATION_TEXT) == 7 + 1 and len(ASSURANCE_TEXT) == 4 + 1  # and "few"


def test_the_quarterly_summary_has_a_row_per_measure_with_data_and_both_icons(quarterly):
    groups = board_summary(quarterly)
    rows = [r for g in groups[1:] for r in g.rows]
    with_data = [m for p in quarterly.sheets for m in p.data.measures if m.has_data]
    assert [r.title for r in rows] == [m.title for m in with_data]
    for row in rows:
        assert row.variation in VARIATION_TEXT and row.assurance in ASSURANCE_TEXT
        assert row.variation_text and row.assurance_text and row.spark_text
    # SPC runs over the whole series (20 quarters of demo returns), not the 8 on show
    spc = [m for p in quarterly.sheets for m in p.data.measures if m.limits]
    assert spc and all(len(m.limits) > len(m.series) for m in spc)
    assert all(m.variation != "few" for m in spc if len(m.limits) >= 13)
    # amberleigh's targets: assessments fail, re-referrals pass, visits hit and miss
    by_id = {m.id: m for p in quarterly.sheets for m in p.data.measures}
    assert by_id["assessments-timely"].assurance == "fail"
    assert by_id["re-referrals-12m"].assurance == "pass"
    assert by_id["lac-visits-timely"].assurance == "hit-and-miss"
    attention = groups[0]
    assert attention.title == "Needs attention"
    assert "Assessments completed within 45 working days" in [r.title for r in attention.rows]
    assert all(r.attention for r in attention.rows)


def test_the_html_summary_is_a_table_with_variation_and_assurance_columns(quarterly):
    html = render_html(quarterly)
    section = html[
        html.index('id="summary"') : html.index("</section>", html.index('id="summary"'))
    ]
    header = re.search(r"<thead>(.*?)</thead>", section, re.S).group(1)
    columns = re.findall(r"<th scope=\"col\"[^>]*>([^<]+)</th>", header)
    assert "Variation" in columns and "Assurance" in columns and "Trend" in columns
    body_rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', section, re.S)
    with_data = sum(m.has_data for p in quarterly.sheets for m in p.data.measures)
    attention = len(board_summary(quarterly)[0].rows)
    assert len(body_rows) == with_data + attention
    for row in body_rows:
        labels = re.findall(r'class="mdc-icon"|aria-label="([^"]+)"', row)
        icons = re.findall(r'<svg[^>]*aria-label="([^"]+)"[^>]*class="mdc-icon"', row)
        assert len(icons) == 2, row[:200]  # variation and assurance
        assert unescape(icons[0]) in VARIATION_TEXT.values()
        assert unescape(icons[1]) in ASSURANCE_TEXT.values()
        assert 'class="sparkline"' in row and labels
        assert re.search(r'class="mdc-label">[^<]+<', row)  # the icon said in words too
    assert 'href="report-book-data.xlsx"' in section


def test_the_annual_summary_shows_the_funnel_position_instead(annual):
    html = render_html(annual)
    section = html[
        html.index('id="summary"') : html.index("</section>", html.index('id="summary"'))
    ]
    assert '<th scope="col">Funnel position</th>' in section
    positions = {r.funnel for g in board_summary(annual)[1:] for r in g.rows}
    assert positions & {"within"} and positions <= {
        "",
        "within",
        *(f"beyond {lvl} ({side})" for lvl in ("95%", "99.8%") for side in ("above", "below")),
    }


def _measure(polarity: str) -> Measure:
    return Measure(
        id="m", title="M", type="quality", source="management-information", unit="percent",
        polarity=polarity,
    )  # fmt: skip


def test_quartile_bands_put_a_at_the_good_end_by_polarity() -> None:
    values = pd.DataFrame(
        {
            "area_code": [f"A{i}" for i in range(8)],
            "period": "2025-26",
            "measure_id": "m",
            "value": [10.0, 20, 30, 40, 50, 60, 70, 80],
        }
    )
    higher, lower = _measure("higher-is-better"), _measure("lower-is-better")
    assert quartile_band(higher, values, "2025-26", "A7") == "A"  # 80: none better
    assert quartile_band(higher, values, "2025-26", "A5") == "B"  # 60: 2 of 8 better
    assert quartile_band(higher, values, "2025-26", "A2") == "C"  # 30: 5 of 8 better
    assert quartile_band(higher, values, "2025-26", "A0") == "D"
    assert quartile_band(lower, values, "2025-26", "A0") == "A"
    assert quartile_band(lower, values, "2025-26", "A7") == "D"
    assert quartile_band(_measure("no-direction"), values, "2025-26", "A0") == ""
    assert quartile_band(higher, values.head(3), "2025-26", "A0") == ""  # too few areas


def test_the_spreadsheet_follows_the_guidance_and_says_what_the_html_says(quarterly, tmp_path):
    path = write_figures(quarterly, tmp_path / "book.xlsx")
    workbook = load_workbook(path)
    names = workbook.sheetnames
    assert names[:3] == ["Cover", "Contents", "Notes"]
    assert names[3:] == [p.data.section_id for p in quarterly.sheets]
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges
        assert isinstance(sheet["A1"].value, str) and sheet["A1"].value
    html = unescape(render_html(quarterly))
    for page in quarterly.sheets:
        sheet = workbook[page.data.section_id]
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        assert list(rows[0]) == HEADER
        column = {name: n for n, name in enumerate(HEADER)}
        for m in page.data.measures:
            if not m.series:
                continue
            shown = data_table(html, m.title)
            mine = [r for r in rows[1:] if r[column["Measure id"]] == m.id]
            assert [r[column["Period"]] for r in mine] == list(shown)
            for r in mine:
                cells = shown[r[column["Period"]]]
                assert _same(r[column["Value"]], cells[0])
                if m.denominator or m.unit != "count":
                    assert _same(r[column["Numerator"]], cells[1])
                    assert _same(r[column["Denominator"]], cells[2])
                value = r[column["Value"]]
                assert value is None or isinstance(value, float | int) or value.startswith("[")


def _same(cell, shown: str) -> bool:
    """A spreadsheet cell and the HTML's text for it: the same number, or the same marker."""
    if cell is None:
        return shown.strip() == ""
    if isinstance(cell, str):
        return cell == shown.strip()
    number = re.match(r"-?[\d,]*\.?\d+", shown.strip())
    return number is not None and float(number.group(0).replace(",", "")) == pytest.approx(cell)


def test_no_count_under_the_threshold_reaches_the_spreadsheet(demo_store, tmp_path):
    """larkhaven is the smallest demo area: its books have small numbers to withhold."""
    book = _book_at(demo_store, "larkhaven", "2025-26-Q4")
    threshold = Project.open(demo_store).defaults.suppression.threshold
    workbook = load_workbook(write_figures(book, tmp_path / "book.xlsx"))
    column = {name: n for n, name in enumerate(HEADER)}
    withheld = 0
    for page in book.sheets:
        for row in workbook[page.data.section_id].iter_rows(min_row=4, values_only=True):
            for name in ("Numerator", "Denominator"):
                cell = row[column[name]]
                if isinstance(cell, float | int):
                    assert cell == 0 or cell >= threshold, row
                withheld += cell == "[c]"
    assert withheld  # suppression did apply: some cells are withheld, as on the page


def test_a_sparkline_breaks_at_a_missing_value_and_marks_the_latest() -> None:
    from qareport.render.board import sparkline_svg

    whole = ET.fromstring(sparkline_svg((1.0, 2.0, 3.0), "a, b, c"))
    svg = "{http://www.w3.org/2000/svg}"
    assert len(whole.findall(f"{svg}polyline")) == 1
    dot = whole.find(f"{svg}circle")
    assert float(dot.get("cx")) == 62.0 and float(dot.get("cy")) == 2.0  # latest, highest
    broken = ET.fromstring(sparkline_svg((1.0, 2.0, None, 3.0, 4.0), "gap"))
    assert len(broken.findall(f"{svg}polyline")) == 2  # no line drawn across the gap
    assert broken.get("aria-label") == "gap" and broken.find(f"{svg}title").text == "gap"


def test_a_text_like_a_formula_stays_text_in_the_spreadsheet(quarterly, tmp_path):
    """A name or a review note starting with "=" is written as text: a spreadsheet never
    runs what a data file or a reviewer typed."""
    hostile = dataclasses.replace(quarterly, area_name='=HYPERLINK("http://x","y")')
    workbook = load_workbook(write_figures(hostile, tmp_path / "book.xlsx"))
    area = next(row[1] for row in workbook["Cover"].iter_rows() if row[0].value == "Area")
    assert area.value.startswith('=HYPERLINK("http://x","y") (')
    assert area.data_type == "s"  # a string, not a formula ("f")


def test_better_and_worse_are_said_in_words_on_the_board_summary(annual):
    """Bold type alone says nothing to a screen reader or on a grey print."""
    rows = [r for g in board_summary(annual) for r in g.rows]
    judged = [r for r in rows if r.judgement]
    assert judged, "the demo book has changes judged better or worse"
    for row in judged:
        assert row.change.endswith(f"({row.judgement})"), row.change
    unjudged = [r for r in rows if not r.judgement and r.change]
    assert all("(better)" not in r.change and "(worse)" not in r.change for r in unjudged)
