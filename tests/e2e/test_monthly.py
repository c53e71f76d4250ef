"""Monthly books for operational managers, and quarterly books made from monthly returns.

The demo's forces and partnership return 36 months (April 2023 to March 2026);
one force (Lowdale) returns only months in those years, so its quarterly book
shows quarters made from months and must say so, in the sheet and the provenance.
"""

from __future__ import annotations

import csv
import html
import re

import pypdf
import pytest

from helpers import copy_workbook, data_table, figures_with_alt, run_cli, sheet_html
from qareport import build_book
from qareport.config.project import Project
from qareport.demo.monthly import MONTHS_ONLY

pytestmark = pytest.mark.slow

FORCE = "northmarch-police"
MONTHS_ONLY_FORCE = "lowdale-constabulary"
TRAINED = "police-cp-trained"  # a percentage every force returns monthly


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = copy_workbook(tmp_path_factory.mktemp("monthly") / "workbook")
    done = run_cli("build", "--area", FORCE, "--period", "2025-11", cwd=root)
    assert done.returncode == 0, done.stderr
    quarterly = build_book(root, MONTHS_ONLY_FORCE, "2025-26-Q3")
    partnership = build_book(root, "ashcombe-partnership", "2025-11")
    return root, root / "output" / FORCE / "2025-11", quarterly, partnership


def _text(path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_a_monthly_force_book_has_thirteen_months_and_spc_over_them(books):
    root, folder, _, _ = books
    title = Project.open(root).catalogue.measures[TRAINED].title
    book_html = (folder / "report-book.html").read_text(encoding="utf-8")
    table = data_table(book_html, title)
    months = [p for p in table if re.fullmatch(r"\d{4}-\d{2}", p)]
    assert months[0] == "2024-11" and months[-1] == "2025-11" and len(months) == 13
    text = _text(folder / "report-book.html")
    assert "November 2025" in text
    spc = re.findall(r"SPC over (\d+) months, 2023-04 to 2025-11", text)
    assert spc and min(int(n) for n in spc) >= 13
    assert "SPC chart (XmR) of officers and staff trained" in book_html
    # the same month last year is the comparison
    assert re.search(r"2025-11: [\d.]+%.*? on 2024-11", text)


def test_the_monthly_pdf_prints_the_spc_charts_the_html_shows(books):
    _, folder, _, _ = books
    reader = pypdf.PdfReader(folder / "report-book.pdf")
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "SPC over" in pdf_text and "months, 2023-04 to 2025-11" in pdf_text
    book_html = (folder / "report-book.html").read_text(encoding="utf-8")
    on_screen = len(re.findall(r'<svg[^>]*aria-label="SPC chart \(XmR\)', book_html))
    on_paper = sum(alt.startswith("SPC chart (XmR)") for alt in figures_with_alt(reader))
    assert on_screen >= 13 and on_paper == on_screen


def test_a_monthly_partnership_sheet_breaks_the_month_down_by_locality(books):
    *_, partnership = books
    text = _text(partnership.html)
    assert re.search(r"by team or locality: 4 teams or localities in 2025-11", text)
    for locality in ("Ashby", "Brookfield", "Coldharbour", "Dunmore"):
        assert locality in text


def test_quarters_made_from_months_are_said_on_the_sheet_and_in_the_provenance(books):
    root, _, quarterly, _ = books
    book_html = quarterly.html.read_text(encoding="utf-8")
    sheet = html.unescape(re.sub(r"<[^>]+>", " ", sheet_html(book_html, "police-leadership")))
    assert "are pooled from monthly returns (numerators over denominators)" in sheet
    text = _text(quarterly.html)
    assert "Made from monthly returns" in text
    pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(quarterly.pdf).pages)
    assert "pooled from monthly returns" in re.sub(r"\s+", " ", pdf_text)
    # the figure is the months' numerators over their denominators, from the extract
    with (root / "data" / "demo" / "police-monthly-returns.csv").open() as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["area_code"] == MONTHS_ONLY
            and r["measure_id"] == TRAINED
            and r["period"] in ("2025-10", "2025-11", "2025-12")
        ]
    numerator = sum(int(r["numerator"]) for r in rows)
    denominator = sum(int(r["denominator"]) for r in rows)
    title = Project.open(root).catalogue.measures[TRAINED].title
    cells = data_table(book_html, title)["2025-26-Q3"]
    assert f"{100 * numerator / denominator:.1f}%" in cells
    assert f"{numerator:,}" in cells and f"{denominator:,}" in cells


def test_a_monthly_book_for_an_area_without_months_says_what_it_shows(books):
    root, *_ = books
    result = build_book(root, "amberleigh", "2025-11")
    assert any("amberleigh returned no monthly figures" in w for w in result.warnings)
    text = _text(result.html)
    assert "November 2025" in text and "SPC over" not in text  # its years, no monthly SPC


def test_a_publisher_of_years_gives_a_months_comparator_said_as_its_year(tmp_path):
    """A month's local figure beside the national figure a publisher gives only for years:
    the latest year's figure, in the data table and said in words under the chart (never
    drawn as if it were the month's), with how the publisher's figure differs."""
    root = copy_workbook(tmp_path / "workbook")
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text() + "national_code: E92000001\n", encoding="utf-8")
    (root / "data" / "demo" / "published.csv").write_text(
        "area_code,period,measure_id,numerator,denominator,value\n"
        f"E92000001,2023-24,{TRAINED},,,80.0\nE92000001,2024-25,{TRAINED},,,81.5\n",
        encoding="utf-8",
    )
    done = run_cli("build", "--area", FORCE, "--period", "2025-11", cwd=root)
    assert done.returncode == 0, done.stderr
    project = Project.open(root)
    title = project.catalogue.measures[TRAINED].title
    label = project.area(FORCE).national_label or project.defaults.national_label
    book = (root / "output" / FORCE / "2025-11" / "report-book.html").read_text(encoding="utf-8")
    table = data_table(book, title)
    caption = book[book.index(f'-{TRAINED}-data">') :]
    header = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', caption[: caption.index("</thead>")])
    column = header.index(label) - 1  # the cells after each row's period
    assert table["2025-11"][column] == table["2024-11"][column] == "81.5%"
    said = " ".join(_text(root / "output" / FORCE / "2025-11" / "report-book.html").split())
    assert f"{label}: the published figure for the year 2024-25" in said
