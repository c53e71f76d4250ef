"""Ofsted's Annex A lists read as authorities keep them: known answers for each measure on
a small hand-made workbook (working days across bank holidays, a re-referral at exactly
12 months, a plan ending on the period's last day, a child in two teams, a repeated row,
a date in the future or not a date), headers written the ways real files write them, a
folder of CSVs, the shared sample with every record accounted for, and no identifier in
what is written."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from helpers import REALDATA, REPO, run_cli, statutory_workbook
from qareport.importers.annex_a import LISTS, _column, normalise_header

COVER = ["--covers-from", "2025-04-01", "--covers-to", "2025-06-30"]
EXCEL_DAY = (datetime(2025, 5, 20) - datetime(1899, 12, 30)).days  # 20 May 2025 as Excel


def _workbook(path: Path) -> Path:
    book = Workbook()
    contacts = book.active
    contacts.title = "List 1 Contacts"
    contacts.append(["Child Unique ID", "Gender", "Date of Contact", "Contact Source"])
    made = (("A1", date(2025, 4, 10)), ("B2", date(2025, 5, 2)), ("A1", date(2025, 6, 15)))
    for child, day in made:
        contacts.append([child, "a) Male", day, "q) 6: Police"])
    referrals = book.create_sheet("L3 Referrals")
    referrals.append(["Annex A List 3: referrals in the last six months"])  # a title row
    referrals.append(["Child Unique ID", "Date of Referral", "Referral NFA?",
                      "Number of Referrals in Last 12 Months", "Allocated Team",
                      "Allocated Worker", "Date of Birth", "Ethnicity"])  # fmt: skip
    a1, c3 = (
        (date(2015, 4, 12), "a) WBRI"),
        (date(2009, 5, 5), "Black or Black British - West Indian"),
    )
    rows = [
        ("A1", date(2025, 4, 12), "No", 0, "Team North", "Ann Worker", *a1),  # 10 that day
        ("B2", date(2025, 5, 20), "a) Yes", "1", "Team South", "Ben Worker", date(2025, 6, 1),
         "REFU"),  # unborn, ethnicity refused
        ("A1", "20/06/2025", "N", 0, "Team South", "Ben Worker", *a1),  # a child in two teams
        ("C3", date(2025, 5, 5), "No", 0, None, "Cal Worker", *c3),  # 12 months; 16 that day
        ("C3", date(2024, 5, 5), "No", 0, "Team North", "Cal Worker", *c3),  # before the cover
        ("A1", date(2025, 4, 12), "No", 0, "Team North", "Ann Worker", *a1),  # the same twice
        ("D4", date(2030, 1, 1), "No", 0, "Team North", "Ann Worker", None, None),  # future
        ("E5", "next week", "No", 0, "Team North", "Ann Worker", None, None),  # not a date
    ]  # fmt: skip
    for row in rows:
        referrals.append(list(row))
    assessments = book.create_sheet("Assessments")  # known by its columns, not its name
    assessments.append(
        ["Child Unique ID", "Continuous Assessment Start Date",
         "Child Seen During Continuous Assessment",
         "Continuous Assessment Date of Authorisation", "Allocated Team"]
    )  # fmt: skip
    assessments.append(["A1", date(2025, 4, 1), "Yes", date(2025, 6, 9), "Team North"])  # 45
    assessments.append(["B2", date(2025, 4, 1), "b) No", date(2025, 6, 10), "Team North"])  # 46
    assessments.append(["F6", date(2025, 5, 1), "Y", EXCEL_DAY, "Team South"])
    plans = book.create_sheet("List 7")
    plans.append(["Child Unique ID", "Child Protection Plan Start Date",
                  "Child Protection Plan End Date", "Number of Previous Child Protection Plans",
                  "Allocated Team"])  # fmt: skip
    plans.append(["A1", date(2023, 1, 10), None, 0, "Team North"])
    plans.append(["B2", date(2025, 4, 15), date(2025, 6, 30), 1, "Team South"])
    plans.append(["F6", date(2025, 5, 1), None, 0, "Team South"])
    book.create_sheet("Notes").append(["Prepared for inspection by the performance team"])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, str, dict]:
    root = statutory_workbook(tmp_path_factory.mktemp("annex") / "book", "front-door-cases")
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("[dfe]", "[casework]"))
    (root / "data" / "imported").mkdir(parents=True)
    (root / "data" / "imported" / "ons-population.csv").write_text(
        "area_code,period,measure_id,numerator\nE06000999,2025-26,children-population,50000\n"
    )
    source = _workbook(root / "Annex_A.xlsx")
    done = run_cli(
        "import", "annex-a", str(source), "--area", "northby", *COVER, "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with (root / "data" / "imported" / "E06000999-annex-a.csv").open() as handle:
        figures = {
            (r["measure_id"], r["period"], r["team"], r["breakdown"]): r
            for r in csv.DictReader(handle)
        }
    return root, done.stdout, figures


def _figure(
    figures: dict, measure: str, period: str, team: str = "", group: str = ""
) -> tuple[str, str]:
    row = figures[(measure, period, team, group)]
    return row["numerator"], row["denominator"]


def test_every_record_is_accounted_for_with_its_reason(imported):
    _, said, _ = imported
    # 3 contacts + 8 referrals + 3 assessments + 3 plans; the notes sheet is not a list
    assert "17 Annex A records read = 13 used + 1 not in scope + 3 rejected" in said
    assert "the same child's record twice" in said
    assert "a date after the file was made" in said
    assert "a date that is not a date (referral)" in said
    assert "sheet 'Notes': not an Annex A list qareport reads; left out" in said


def test_referrals_nfa_and_re_referrals_by_month_quarter_and_team(imported):
    _, _, figures = imported
    assert _figure(figures, "referrals-nfa", "2025-26-Q1") == ("1", "4")
    assert _figure(figures, "re-referrals-12m", "2025-26-Q1") == ("3", "4")
    assert _figure(figures, "re-referrals-12m", "2025-04") == ("0", "1")
    assert _figure(figures, "re-referrals-12m", "2025-05") == ("2", "2")  # one on the day
    assert _figure(figures, "referrals-nfa", "2025-26-Q1", "Team South") == ("1", "2")
    assert _figure(figures, "referrals-nfa", "2025-26-Q1", "Team North") == ("0", "1")
    assert _figure(figures, "referrals-rate", "2025-26-Q1") == ("4", "50000")
    assert _figure(figures, "referrals", "2025-26-Q1") == ("4", "")
    assert _figure(figures, "referrals", "2025-26-Q1", "Team South") == ("2", "")
    # the year is not covered whole, nor is any month before April
    assert not [k for k in figures if k[1] in ("2025-26", "2024-05")]


def test_contacts_and_the_share_referred_within_7_days(imported):
    _, _, figures = imported
    assert figures[("contacts", "2025-26-Q1", "", "")]["numerator"] == "3"
    assert _figure(figures, "contacts-to-referral", "2025-26-Q1") == ("2", "3")


def test_each_group_of_children_as_the_list_records_it(imported):
    """Referrals by age band at the referral's date (10 on the birthday, 16 on the
    birthday, unborn) and ethnicity group; groups add up to the whole; a list with no
    such column (referrals have no gender here) gives no such breakdown."""
    _, _, figures = imported
    q1 = "2025-26-Q1"
    assert _figure(figures, "referrals-nfa", q1, group="Age band: 10 to 15") == ("0", "2")
    assert _figure(figures, "referrals-nfa", q1, group="Age band: 16 and over") == ("0", "1")
    assert _figure(figures, "referrals-nfa", q1, group="Age band: Unborn") == ("1", "1")
    assert _figure(figures, "referrals-nfa", q1, group="Ethnicity: White") == ("0", "2")
    assert _figure(figures, "referrals-nfa", q1, group="Ethnicity: Black") == ("0", "1")
    assert _figure(figures, "referrals-nfa", q1, group="Ethnicity: Not recorded") == ("1", "1")
    assert not [k for k in figures if k[0] == "referrals-nfa" and k[3].startswith("Gender")]
    assert _figure(figures, "contacts", q1, group="Gender: Male") == ("3", "")
    for measure in ("referrals-nfa", "re-referrals-12m"):
        ages = [r for k, r in figures.items() if k[:2] == (measure, q1) and "Age" in k[3]]
        assert sum(int(r["denominator"]) for r in ages) == int(_figure(figures, measure, q1)[1])
    # a group's row is never a team's
    assert all(not (k[2] and k[3]) for k in figures)


def test_assessments_in_45_working_days_count_bank_holidays_out(imported):
    """1 April to 9 June 2025 is 45 working days once Good Friday, Easter Monday and the
    two May bank holidays are left out (49 without them); 10 June is 46."""
    _, _, figures = imported
    assert _figure(figures, "assessments-timely", "2025-06") == ("1", "2")
    assert _figure(figures, "assessments-timely", "2025-05") == ("1", "1")  # an Excel serial
    assert _figure(figures, "assessments-seen", "2025-26-Q1") == ("2", "3")


def test_plans_open_at_the_period_end_and_repeat_plans(imported):
    _, _, figures = imported
    # B2's plan ended on 30 June, so it is not open at June's end
    assert _figure(figures, "cp-plans-2-years", "2025-06") == ("1", "2")
    assert _figure(figures, "cp-plans-2-years", "2025-05") == ("1", "3")
    assert _figure(figures, "cp-plans-rate", "2025-26-Q1") == ("2", "50000")
    assert _figure(figures, "cp-plans", "2025-06") == ("2", "")
    assert _figure(figures, "cp-plans", "2025-05") == ("3", "")
    assert _figure(figures, "cp-repeat-plans", "2025-26-Q1") == ("1", "2")


def test_no_identifier_or_worker_name_is_written(imported):
    root, said, _ = imported
    written = (root / "data" / "imported" / "E06000999-annex-a.csv").read_text()
    births = ("2015-04-12", "12/04/2015", "2009-05-05", "05/05/2009", "2015", "2009")
    for secret in ("A1", "B2", "C3", "F6", "Worker", "Ann Worker", "Ben Worker", *births):
        assert secret not in written
        assert secret not in said


def _casework_and_lists(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook with the casework catalogue, and an empty folder for the lists."""
    root = statutory_workbook(tmp_path / "book", "front-door")
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("[dfe]", "[casework]"))
    folder = tmp_path / "lists"
    folder.mkdir()
    return root, folder


def test_a_folder_of_csvs_with_other_spellings(tmp_path):
    root, folder = _casework_and_lists(tmp_path)
    (folder / "list_3_referrals.csv").write_text(
        "CHILD ID,DATE OF REFERRAL,Referral NFA? (Y/N),Number of referrals in the last 12 "
        "months,Team\nX1,02/04/2025,Y,0,Duty\nX2,2025-04-03,no,2,Duty\nX3,,no,0,Duty\n",
        encoding="cp1252",
    )
    done = run_cli("import", "annex-a", str(folder), "--area", "northby", *COVER, cwd=root)
    assert done.returncode == 1  # the record with no referral date is rejected
    assert "a record with no referral (needed to count it)" in done.stdout
    done = run_cli(
        "import", "annex-a", str(folder), "--area", "northby", *COVER, "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    written = (root / "data" / "imported" / "E06000999-annex-a.csv").read_text()
    assert "E06000999,2025-04,referrals-nfa,1,2,,,," in written
    assert "E06000999,2025-04,re-referrals-12m,1,2,,,Duty," in written


def test_a_date_of_birth_is_never_a_reason_to_refuse_a_record(tmp_path):
    """An unborn child's expected date (after the file was made), a birth month, a birth
    date that is not a date, or only the list's own age: each record is used, and its age
    band is what can be known."""
    root, folder = _casework_and_lists(tmp_path)
    (folder / "list_3_referrals.csv").write_text(
        "Child Unique ID,Date of Birth,Age of Child (Years),Date of Referral,Referral NFA\n"
        "X1,01/01/2031,,02/04/2025,N\n"  # expected, unborn
        "X2,05/2015,,03/04/2025,N\n"  # a birth month: 9 on 3 April 2025
        "X3,not known,,04/04/2025,N\n"
        "X4,,16,05/04/2025,N\n",  # the list's own age
        encoding="utf-8",
    )
    done = run_cli("import", "annex-a", str(folder), "--area", "northby", *COVER, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 Annex A records read = 4 used" in done.stdout
    written = (root / "data" / "imported" / "E06000999-annex-a.csv").read_text()
    for group in ("Unborn", "5 to 9", "Not recorded", "16 and over"):
        assert f"E06000999,2025-04,referrals-nfa,0,1,,,,Age band: {group}," in written


def test_a_catalogue_without_the_measures_says_which_to_add(tmp_path):
    root = statutory_workbook(tmp_path / "book", "front-door")
    source = _workbook(tmp_path / "Annex_A.xlsx")
    done = run_cli("import", "annex-a", str(source), "--area", "northby", cwd=root)
    assert done.returncode == 1
    assert "add `casework` to `catalogues:`" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "header, meant",
    [
        ("Date of Referral", "referral"),
        ("date_of_referral", "referral"),
        ("Referral NFA? (Y/N)", "nfa"),
        ("Child Unique ID", "child"),
        ("Child’s Unique Identifier", "child"),
        ("Continuous Assessment Date of Authorisation", "authorised"),
        ("Strategy discussion initiating Section 47 Enquiry Start Date", "strategy"),
        ("Number of Previous Child Protection Plans", "previous_plans"),
    ],
)
def test_headers_are_matched_by_their_words(header, meant):
    matched = {
        key for spec in LISTS for key in (*spec.columns, "child", "team")
        if _column(spec, key, [normalise_header(header)]) == 0
    }  # fmt: skip
    assert meant in matched


SCHEMA = REALDATA / "statutory" / "specs" / "Annex_A_schema.yml"
SAMPLE = REALDATA / "statutory" / "annex_a" / "Annex_A.xlsx"


@pytest.mark.skipif(not SCHEMA.is_file(), reason="the shared liia-tools Annex A schema is absent")
def test_every_header_liia_tools_has_met_for_a_needed_column_is_matched():
    """The columns a list cannot do without, matched among the headers liia-tools keeps
    for that list (its canonical spellings)."""
    schema = yaml.safe_load(SCHEMA.read_text())["column_map"]
    for spec in LISTS:
        headers = [normalise_header(h) for h in schema[f"list_{spec.number}"]]
        for key in (*spec.required, *spec.signature):
            assert _column(spec, key, headers) is not None, (spec.number, key, headers)


@pytest.mark.skipif(not SAMPLE.is_file(), reason="the shared liia-tools Annex A sample is absent")
def test_the_shared_sample_imports_with_every_record_accounted_for(tmp_path):
    root = statutory_workbook(tmp_path / "book", "front-door")
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("[dfe]", "[casework]"))
    done = run_cli(
        "import", "annex-a", str(SAMPLE), "--area", "northby", "--covers-from", "2020-04-01",
        "--covers-to", "2020-09-30", cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    read, used, scope, rejected = (int(n) for n in re.findall(r"[\d,]+", first)[:4])
    assert read == 59 and read == used + scope + rejected
    for number in range(1, 12):
        assert f"List {number} (" in done.stdout


def test_the_books_provenance_says_how_far_the_lists_can_be_trusted(imported):
    """The data-quality panel: records used and rejected, and each column's completeness,
    in the HTML and the PDF alike (one source of words), and nothing of a record."""
    import json
    import shutil

    import pypdf

    root, _, _ = imported
    written = root / "data" / "imported" / "E06000999-annex-a.quality.json"
    quality = json.loads(written.read_text())
    assert (quality["read"], quality["used"], quality["not_in_scope"]) == (17, 13, 1)
    referrals = next(t for t in quality["tables"] if t["name"] == "List 3 (referrals)")
    assert referrals["records"] == 5 and referrals["complete"]["allocated team"] == 0.8
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    done = run_cli("build", "--area", "northby", "--period", "2025-26-Q1", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    book = root / "output" / "northby" / "2025-26-Q1"
    html = (book / "report-book.html").read_text()
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(book / "report-book.pdf").pages)
    for said in (
        "17 Annex A records read: 13 used, 1 in no period or measure of the book, 3 rejected",
        "Data quality: Annex_A.xlsx, List 3 (referrals)",
        "allocated team 80%",
    ):
        assert said in html
        assert said in " ".join(pdf.split())
    assert "Ann Worker" not in html and "A1" not in pdf.split()
