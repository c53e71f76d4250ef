"""The case-level demo, as the README walks an analyst through it: a fictitious
authority's Annex A lists, SSDA903 return and CIN census, imported with their three
commands (every record accounted for), then a monthly book built from them alone, with
no child's identifier anywhere in what is written."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pypdf

from helpers import REPO, run_cli
from qareport.demo.casework import casework_files

IMPORTS = [
    ["annex-a", "incoming/annex-a", "--area", "wrenfold", "--covers-from", "2023-04-01",
     "--covers-to", "2025-10-31", "--allow-rejects"],
    ["ssda903", "incoming/903", "--area", "wrenfold"],
    ["cin-census", "incoming/cin-census-2022-23.xml", "--allow-rejects"],
]  # fmt: skip
COUNTS = re.compile(r"([\d,]+) .* read = ([\d,]+) used \+ ([\d,]+) not in scope \+ ([\d,]+) rej")


def test_the_demo_is_the_same_files_every_time():
    assert casework_files() == casework_files()


def test_three_files_to_a_monthly_book_with_every_record_counted(tmp_path: Path):
    root = tmp_path / "wrenfold"
    made = run_cli("demo", "--casework", str(root), "--project", str(REPO), cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    for command in IMPORTS:
        done = run_cli("import", *command, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
        read, used, scope, rejected = (
            int(n.replace(",", "")) for n in COUNTS.search(done.stdout).groups()
        )
        assert read == used + scope + rejected and used > 0
    built = run_cli("build", "--area", "wrenfold", "--period", "2025-10", cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    book = root / "output" / "wrenfold" / "2025-10"
    html = (book / "report-book.html").read_text()
    assert "Front door: the authority&#39;s own records" in html or "authority's own" in html
    assert "October 2025" in html and "Contacts to children" in html
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(book / "report-book.pdf").pages)
    assert "Data quality: annex-a" in " ".join(pdf.split())
    _figures_are_the_lists_own_counts(root, html)
    by_group = "Children who started to be looked after by age band, gender, ethnicity and"
    assert by_group in html and by_group in " ".join(pdf.split())
    ids = re.compile(r"C\d{7}")  # the demo's child identifiers
    texts = {".html", ".csv", ".json", ".ipynb", ".yml", ".md"}
    written = [p for p in [*book.rglob("*"), *(root / "data").rglob("*")] if p.suffix in texts]
    assert len(written) > 5
    births = _dates_of_birth(root)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not ids.search(text), path
        assert not [b for b in births if b in text], path
    cells = " ".join(
        str(v)
        for sheet in openpyxl.load_workbook(book / "report-book-data.xlsx").worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
    )
    for text in (pdf, cells):
        assert not ids.search(text) and "Worker " not in text
    # the teams and groups of children are in the spreadsheet as on the sheets
    assert "by team and by group of children" in cells and "Age band 10 to 15" in cells


def _figures_are_the_lists_own_counts(root: Path, html: str) -> None:
    """October 2025's contacts, referrals, children on a plan at the month's end and
    children who started to be looked after, as the book prints them (no population
    imported), counted again from the CSV files with pandas: a record twice once, a child
    twice once, and never a team's return added to the whole."""
    import pandas as pd

    lists = root / "incoming" / "annex-a"
    contacts = pd.read_csv(lists / "list_1_contacts.csv", dtype=str).drop_duplicates()
    made = pd.to_datetime(contacts["Date of Contact"], dayfirst=True)
    care = pd.read_csv(lists / "list_8_looked_after.csv", dtype=str).drop_duplicates()
    began = pd.to_datetime(care["Date Started to be Looked After"], dayfirst=True)
    referrals = pd.read_csv(lists / "list_3_referrals.csv", dtype=str).drop_duplicates()
    referred = pd.to_datetime(referrals["Date of Referral"], dayfirst=True)
    plans = pd.read_csv(lists / "list_7_cp_plans.csv", dtype=str).drop_duplicates()
    start = pd.to_datetime(plans["Child Protection Plan Start Date"], dayfirst=True)
    end = pd.to_datetime(plans["Child Protection Plan End Date"], dayfirst=True)
    last = pd.Timestamp("2025-10-31")
    open_then = (start <= last) & (end.isna() | (end > last))
    october = {
        "Referrals to children&#39;s social care": int(
            (referred.dt.strftime("%Y-%m") == "2025-10").sum()
        ),
        "Children on a child protection plan": plans.loc[open_then, "Child Unique ID"].nunique(),
        "Contacts to children&#39;s social care": int(
            (made.dt.strftime("%Y-%m") == "2025-10").sum()
        ),
        "Children who started to be looked after": care.loc[
            began.dt.strftime("%Y-%m") == "2025-10", "Child Unique ID"
        ].nunique(),
    }
    for title, expected in october.items():
        printed = re.search(re.escape(title) + r"</span>.*?2025-10: <strong>([\d,]+)</strong>",
                            html, re.S)  # fmt: skip
        assert printed and int(printed.group(1).replace(",", "")) == expected, title


def _dates_of_birth(root: Path) -> set[str]:
    """The dates of birth the demo's lists give (a sample of the rarer ones, as day-first
    text and as ISO dates): none may reach any file the build or the imports write."""
    import pandas as pd

    born = pd.read_csv(root / "incoming" / "annex-a" / "list_8_looked_after.csv", dtype=str)
    days = pd.to_datetime(born["Date of Birth"], dayfirst=True).drop_duplicates()
    sample = days[days.dt.year < 2012].head(60)
    assert len(sample) > 20
    return {*sample.dt.strftime("%d/%m/%Y"), *sample.dt.strftime("%Y-%m-%d")}
