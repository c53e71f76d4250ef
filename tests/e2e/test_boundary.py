"""The workbook is the boundary, no reviewer's word is lost to a command, and no published
percentage is misread: each case through the real command line."""

from __future__ import annotations

import html as html_module
import json
import os
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest
import yaml

from helpers import DEMO_AREA, PERIOD, copy_workbook, data_table, run_cli

NARRATIVE = Path("narrative") / DEMO_AREA / PERIOD


@pytest.fixture
def root(tmp_path) -> Path:
    return copy_workbook(tmp_path / "workbook")


def _one_error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def _six_years(root: Path) -> None:
    """Larkhaven's trend six years long, so a return for 2020-21 (the demo's data start in
    2021-22) is on show."""
    path = root / "parameters" / f"{DEMO_AREA}.yml"
    path.write_text(path.read_text() + "trend_years: 6\n")


def _build(root: Path, *extra: str, area: str = DEMO_AREA, period: str = PERIOD):
    return run_cli("build", "--area", area, "--period", period, *extra, cwd=root)


def _review(root: Path, section: str, *extra: str):
    return run_cli(
        "narrative", "review", "--area", DEMO_AREA, "--period", PERIOD, "--section", section,
        "--reviewer", "Sam Jones", *extra, cwd=root,
    )  # fmt: skip


def _written(root: Path, text: str) -> Path:
    """The built book's front-door narrative, written as `text`."""
    assert _build(root).returncode == 0
    path = root / NARRATIVE / "front-door.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ---- nothing outside the workbook ----


@pytest.mark.parametrize(
    "section", ["../../../../outside/X", "/tmp/qareport-outside-X", "front-door/../../x"]
)
def test_a_typed_section_never_leads_out_of_the_workbook(root, tmp_path, section):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "X.md").write_text("someone else's file\n")
    run_cli("narrative", "init", "--area", DEMO_AREA, "--period", PERIOD, cwd=root)
    done = _review(root, section, "--status", "reviewed")
    assert "is not a sheet of larkhaven's 2025-26 book" in _one_error(done)
    assert (outside / "X.md").read_text() == "someone else's file\n"
    assert not Path("/tmp/qareport-outside-X.md").exists()


def test_a_narrative_linked_to_a_file_outside_is_refused_naming_the_link(root, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("## Analysis\n\nThe private text of another service.\n")
    (root / NARRATIVE).mkdir(parents=True)
    (root / NARRATIVE / "front-door.md").symlink_to(secret)
    line = _one_error(_build(root))
    assert "front-door.md is a link to" in line and "outside the workbook" in line
    assert not (root / "output" / DEMO_AREA).exists()


@pytest.mark.parametrize("folder", ["/", "..", "../.."])
def test_a_data_folder_outside_the_workbook_is_refused_at_once(root, folder):
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("- data/demo", f"- {folder}"))
    line = _one_error(run_cli("validate", cwd=root))
    assert "data:" in line and "outside the workbook" in line


def test_a_link_in_data_to_a_file_outside_is_refused_naming_the_link(root, tmp_path):
    (tmp_path / "elsewhere.csv").write_text("area_code,period,measure_id,numerator\n")
    (root / "data" / "demo" / "passwd.csv").symlink_to(tmp_path / "elsewhere.csv")
    line = _one_error(run_cli("validate", cwd=root))
    assert "passwd.csv is a link to" in line and "outside the workbook" in line


def test_a_catalogue_outside_the_workbook_is_refused(root, tmp_path):
    (tmp_path / "local.yml").write_text("catalogue: local\n")
    defaults = root / "parameters" / "defaults.yml"
    text = defaults.read_text().replace("- police", f"- police\n- {tmp_path / 'local.yml'}")
    defaults.write_text(text)
    assert "outside the workbook" in _one_error(run_cli("validate", cwd=root))


# ---- no reviewer's word lost ----

FRAMED = """---
Summary for the board: contacts rose, and the front door held.
---

# Children's social care front door

## Analysis

Re-referrals fell for the third year.
"""

COMMENTED = """---
status: draft   # Jo reads it on Friday
reviewer: ""
# reviewed_on is filled in by the command
reviewed_on: ""
---

## Analysis

Words — every byte of them kept, including this line with trailing spaces.\x20\x20
"""


def test_review_leaves_the_narrative_byte_for_byte_and_records_the_decision_beside_it(root):
    """A sign-off is written to the register, never into the file a reviewer may have open
    with unsaved edits: saving that file afterwards cannot undo it."""
    path = _written(root, COMMENTED)
    done = _review(root, "front-door")
    assert done.returncode == 0, done.stderr
    assert path.read_text() == COMMENTED
    register = path.parent / "reviews.yml"
    decisions = yaml.safe_load(register.read_text())
    assert decisions[-1]["section"] == "front-door" and decisions[-1]["status"] == "approved"
    assert decisions[-1]["reviewer"] == "Sam Jones" and decisions[-1]["approved_figures"]
    assert not list(path.parent.glob(".reviews.yml.*"))  # no temporary file left
    path.write_text(COMMENTED.replace("Words", "Words saved over the sign-off"))  # Overwrite
    assert _build(root).returncode == 0
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    assert "Approved by Sam Jones on" in html


def test_a_sheet_with_nothing_written_is_approved_only_when_the_reviewer_says_so(root):
    path = _written(root, "---\nstatus: draft\n---\n\n## Analysis\n\n## Actions\n")
    refused = _review(root, "front-door")
    assert "has no analysis written" in _one_error(refused)
    assert not (path.parent / "reviews.yml").exists()
    done = _review(root, "front-door", "--nothing-written")
    assert done.returncode == 0, done.stderr
    assert _build(root).returncode == 0
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    assert "No analysis was written for this sheet." in html
    assert f"add it in {NARRATIVE}/front-door.md" not in html  # only the drafts say so


def test_a_summary_between_rules_is_the_reviewers_text_kept_by_review_and_build(root):
    path = _written(root, FRAMED)
    done = _review(root, "front-door", "--status", "reviewed")
    assert done.returncode == 0, done.stderr
    assert path.read_text() == FRAMED  # a review never writes into the narrative
    built = _build(root)
    assert built.returncode == 0, built.stderr
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    assert "Summary for the board: contacts rose, and the front door held." in html
    pdf = pypdf.PdfReader(root / "output" / DEMO_AREA / PERIOD / "report-book.pdf")
    assert "contacts rose" in " ".join(p.extract_text() for p in pdf.pages)


def test_text_nested_too_deep_stops_the_build_naming_the_line(root):
    deep = "".join("  " * i + f"- level {i}\n" for i in range(60))
    (root / NARRATIVE).mkdir(parents=True)
    (root / NARRATIVE / "front-door.md").write_text("## Analysis\n\nOpening words.\n\n" + deep)
    line = _one_error(_build(root))
    assert re.search(r"front-door\.md line \d+: the text is nested more than 50 levels", line)


def test_a_narrative_that_is_a_folder_is_an_error_not_a_blank_sheet(root):
    (root / NARRATIVE / "front-door.md").mkdir(parents=True)
    assert "is a folder, not a narrative file" in _one_error(_build(root))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file: no permission to deny")
def test_an_unreadable_narrative_says_to_give_read_access(root):
    path = root / NARRATIVE / "front-door.md"
    path.parent.mkdir(parents=True)
    path.write_text("## Analysis\n\nWords.\n")
    path.chmod(0)
    assert "give yourself read access" in _one_error(_build(root))


REGISTER = """# Drafted for next year: keep these
# - id: FD-9
#   text: Review the threshold document
actions:
- id: FD-7
  section: front-door
  text: Already planned for next year.
  owner: Head of Front Door
  due: "2026-09-30"
  status: open
  raised: 2026-27
"""


def test_new_period_adds_to_an_existing_register_and_keeps_its_comments(root):
    old = root / NARRATIVE
    old.mkdir(parents=True)
    (old / "actions.yml").write_text(
        "actions:\n- id: FD-1\n  section: front-door\n  text: Audit re-referrals.\n"
        '  owner: Head of Front Door\n  due: "2026-03-31"\n  status: open\n'
        "  raised: 2025-26\n"
    )
    new = root / "narrative" / DEMO_AREA / "2026-27"
    new.mkdir(parents=True)
    (new / "actions.yml").write_text(REGISTER)
    done = run_cli("new-period", "--from", PERIOD, "--to", "2026-27", "--area", DEMO_AREA, cwd=root)
    assert done.returncode == 0, done.stderr
    text = (new / "actions.yml").read_text()
    assert text.startswith(REGISTER.split("actions:")[0])  # the drafted comments
    assert "FD-7" in text and "id: FD-1" in text
    assert "carried FD-1 to 2026-27" in done.stdout
    assert f"created {new / 'actions.yml'}" not in done.stdout


def test_new_period_from_a_period_without_a_register_says_so(root):
    done = run_cli("new-period", "--from", PERIOD, "--to", "2026-27", "--area", DEMO_AREA, cwd=root)
    assert done.returncode == 0, done.stderr
    assert (
        "2025-26 has no actions register" in done.stdout
        and "no actions were carried" in done.stdout
    )


# ---- percentages read as meant ----


def _xlsx(path: Path, rows: list[list], percent_cells: tuple[str, ...] = ()) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["area_code", "period", "measure_id", "numerator", "denominator", "value"])
    for row in rows:
        sheet.append(row)
    for cell in percent_cells:
        sheet[cell].number_format = "0.0%"
    book.save(path)


def test_a_percent_formatted_xlsx_cell_is_the_percentage_excel_shows(root):
    _six_years(root)
    _xlsx(
        root / "data" / "demo" / "published.xlsx",
        [["DM12", "2020-21", "cp-repeat-plans", None, None, 0.154]],
        ("F2",),
    )
    built = _build(root)
    assert built.returncode == 0, built.stderr
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    table = data_table(html, "Child protection plans that are a second or later plan")
    assert table["2020-21"][0] == "15.4%"


def test_a_percentage_value_over_100_is_refused(root):
    (root / "data" / "demo" / "extra.csv").write_text(
        "area_code,period,measure_id,value\nDM12,2020-21,cp-repeat-plans,154\n"
    )
    line = _one_error(_build(root))
    assert "extra.csv row 2, column `value`: 154 is over 100" in line


def test_a_share_written_for_a_percentage_beside_its_years_is_a_warning_naming_the_row(root):
    rows = "".join(
        f"DM12,{year},cp-repeat-plans,{value}\n"
        for year, value in (("2017-18", 22), ("2018-19", 26), ("2019-20", 24), ("2020-21", 0.154))
    )
    (root / "data" / "demo" / "published.csv").write_text(
        "area_code,period,measure_id,value\n" + rows
    )
    checked = run_cli("validate", cwd=root)
    assert "warning: data/demo/published.csv row 5, column `value`: 0.154" in checked.stdout
    built = _build(root)
    assert built.returncode == 0, built.stderr
    assert "reads as 0.154%, but the area's other periods are 22% to 26%" in built.stderr


def test_full_width_digits_are_read_as_the_digits_they_are(root):
    _six_years(root)
    (root / "data" / "demo" / "wide.csv").write_text(
        "area_code,period,measure_id,numerator,denominator\n"
        "DM12,２０２０-２１,cp-repeat-plans,１２,４０\n",
        encoding="utf-8",
    )
    built = _build(root)
    assert built.returncode == 0, built.stderr
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    table = data_table(html, "Child protection plans that are a second or later plan")
    assert table["2020-21"][:3] == ["30.0%", "12", "40"]


# ---- a swap cut short, and messages that say what to do ----


def test_a_previous_book_left_aside_by_a_kill_mid_swap_is_put_back(root):
    assert _build(root).returncode == 0
    book = root / "output" / DEMO_AREA / PERIOD
    staging = root / "output" / ".staging"
    staging.mkdir(exist_ok=True)
    aside = staging / f"old-{DEMO_AREA}-{PERIOD}@{os.uname().nodename}-999999"
    book.rename(aside)  # as a kill between the swap's two renames leaves it
    (root / "parameters" / "defaults.yml").write_text("catalogues: [nonsense]\n")
    assert _build(root).returncode == 1  # a build that fails ...
    assert (book / "report-book.pdf").is_file(), "... puts the previous book back first"
    assert json.loads((book / "manifest.json").read_text())["area"] == DEMO_AREA


def test_a_number_where_text_is_meant_says_to_quote_it(root):
    path = root / "parameters" / f"{DEMO_AREA}.yml"
    path.write_text(re.sub(r"(?m)^code: .*$", "code: 0123", path.read_text()))
    line = _one_error(_build(root))
    assert 'put the value in quotes (code: "0123")' in line


def test_a_file_name_with_a_line_break_is_named_on_one_line(root):
    (root / "parameters" / "bad\nname.yml").write_text("code: X1\nname: Y\n")
    checked = run_cli("validate", cwd=root)
    assert "'" in checked.stdout and "bad\\nname.yml" in checked.stdout


def test_an_area_named_with_a_long_web_address_still_gets_its_charts(root):
    path = root / "parameters" / f"{DEMO_AREA}.yml"
    # as long as a name may be (120 characters), with no space to wrap at
    long = ("https://www.example.org/" + "safeguarding-children-partnership/" * 3)[:120]
    path.write_text(re.sub(r"(?m)^name: .*$", f"name: {long}", path.read_text()))
    built = _build(root)
    assert built.returncode == 0, built.stderr
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    assert html.count("<svg") > 10 and long in html


def test_a_period_with_no_figures_stops_saying_which_have_them_or_is_built_when_asked(root):
    line = _one_error(_build(root, period="2031-32"))
    assert "larkhaven has no figures for 2031-32 on any sheet" in line
    assert "periods with figures: years 2021-22 to 2025-26" in line
    assert "--allow-empty" in line
    built = _build(root, "--allow-empty", period="2031-32")
    assert built.returncode == 0, built.stderr
    book = root / "output" / DEMO_AREA / "2031-32"
    assert "No figures for 2031-32" in (book / "report-book.html").read_text()
    first = pypdf.PdfReader(book / "report-book.pdf").pages[0].extract_text()
    assert "No figures for 2031-32" in first


def test_an_extracts_note_is_in_the_data_table_the_caption_and_the_spreadsheet(root):
    _six_years(root)
    (root / "data" / "demo" / "noted.csv").write_text(
        "area_code,period,measure_id,numerator,denominator,note\n"
        "DM12,2020-21,cp-repeat-plans,3,40,provisional: one team's cases missing\n"
    )
    built = _build(root)
    assert built.returncode == 0, built.stderr
    book = root / "output" / DEMO_AREA / PERIOD
    html = html_module.unescape((book / "report-book.html").read_text())
    title = "Child protection plans that are a second or later plan"
    assert "provisional: one team" in data_table(html, title)["2020-21"][-1]
    assert "Notes on the returns: 2020-21: provisional: one team's cases missing" in html
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(book / "report-book.pdf").pages)
    assert "provisional: one team" in re.sub(r"\s+", " ", pdf)
    cells = [
        str(c)
        for ws in openpyxl.load_workbook(book / "report-book-data.xlsx").worksheets
        for r in ws.iter_rows(values_only=True)
        for c in r
        if c
    ]
    assert "provisional: one team's cases missing" in cells


def test_a_notebook_for_an_areas_sheet_must_be_one_of_its_sheets(root):
    line = _one_error(
        run_cli("notebook", "new", "--section", "workforce", "--area", DEMO_AREA, cwd=root)
    )
    assert "'workforce' is not a sheet of larkhaven's books" in line
    assert not (root / "notebooks" / DEMO_AREA).exists()
