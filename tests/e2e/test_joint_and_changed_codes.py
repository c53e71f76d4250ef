"""Books from a publication with a changed code and a joint return (invented, in the EES
layout): each shows the published figures; the joint one is said to be joint, in the HTML
and on the A3 sheet, and counted once in the comparators."""

from __future__ import annotations

import html as htmllib
import re

import openpyxl
import pypdf
import pytest

from helpers import data_table, run_cli
from publication import AUTHORITIES, WORKFORCE, workbook, workforce_rows, write_csv
from qareport import build_book

TITLE = "Average caseload per social worker"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("joint")
    root = workbook(tmp)
    source = write_csv(tmp / "workforce.csv", WORKFORCE, workforce_rows())
    done = run_cli(  # the fixture's rows an import must reject, said and left out
        "import", "dfe-ees", str(source), "--mapping", "workforce.yml", "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stderr
    return {area: build_book(root, area, "2024-25") for area in ("westmoor", "northby", "eastby")}


def _published(name: str, year: str) -> str:
    """The caseload as the fixture publishes it for an authority (or joint row) and year."""
    row = next(r for r in workforce_rows() if r[9] == name and r[0] == year)
    return row[12]


def _table(book_html: str) -> dict[str, list[str]]:
    return data_table(book_html, TITLE)


def _pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(path).pages))


def test_a_changed_code_shows_both_years_as_published(books):
    table = _table(books["westmoor"].html.read_text("utf-8"))
    assert table["2023-24"][0] == _published("Westmoor", "2024")
    assert table["2024-25"][0] == _published("Westmoor", "2025"), "published under its new code"


def test_an_ordinary_authority_shows_the_published_figures(books):
    table = _table(books["eastby"].html.read_text("utf-8"))
    assert [table[p][0] for p in ("2023-24", "2024-25")] == [
        _published("Eastby", "2024"),
        _published("Eastby", "2025"),
    ]


def test_a_joint_return_is_the_members_figure_said_to_be_joint_on_screen_and_paper(books):
    book = books["northby"]
    page = htmllib.unescape(book.html.read_text("utf-8"))
    table = _table(page)
    assert table["2024-25"][0] == _published("Northby / Southby", "2025")
    assert table["2024-25"][-1] == "joint return with Southby"
    assert table["2023-24"][0] == _published("Northby", "2024") and table["2023-24"][-1] == ""
    sentence = "The figure for 2024-25 is a joint return with Southby"
    assert sentence in re.sub(r"<[^>]+>|\s+", " ", page)
    assert sentence in _pdf_text(book.pdf)
    noted = set()
    for figures in openpyxl.load_workbook(book.figures).worksheets[3:]:  # after the notes
        _title, _context, header, *rows = figures.iter_rows(values_only=True)
        noted |= {
            (row[header.index("Period")], row[header.index("Note")])
            for row in rows
            if row[header.index("Measure")] == TITLE
        }
    assert ("2024-25", "joint return with Southby") in noted and ("2023-24", None) in noted


def test_the_joint_return_counts_once_in_a_peer_mean(books):
    """Westmoor's neighbours are the other five; in 2024-25 Northby and Southby made one
    return together, so the mean is of four figures, not five."""
    table = _table(books["westmoor"].html.read_text("utf-8"))
    figures = [float(_published("Northby / Southby", "2025"))] + [
        float(_published(name, "2025")) for _, _, name in AUTHORITIES
        if name in ("Eastby", "Upton", "Downton")
    ]  # fmt: skip
    assert table["2024-25"][3] == f"{sum(figures) / len(figures):.1f}"
