"""The habits of real extract files: met with the rows read, or refused with the fix."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from helpers import EXTRACT_HEADER, validate_workbook

COLUMNS = ["area_code", "period", "measure_id", "numerator", "denominator"]


def _workbook_file(path, sheets: dict[str, list[list]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _rows(checked, name: str):
    return checked.frame[checked.frame["source_file"].str.startswith(f"data/demo/{name}")]


def test_every_sheet_with_the_header_is_read_and_named(workbook):
    _workbook_file(
        workbook / "data" / "demo" / "two.xlsx",
        {
            "Notes": [["About this file"], ["Counts are provisional"]],
            "Q1": [["Title of the table"], COLUMNS, ["DM12", "2019-20", "cp-repeat-plans", 5, 40]],
            "Q2": [COLUMNS, ["DM12", "2018-19", "cp-repeat-plans", 6, 40]],
        },
    )
    checked = validate_workbook(workbook)
    assert not checked.issues
    rows = _rows(checked, "two.xlsx")
    assert sorted(rows["source_file"]) == ["data/demo/two.xlsx [Q1]", "data/demo/two.xlsx [Q2]"]
    q1 = rows[rows["source_file"].str.endswith("[Q1]")]
    assert q1["source_row"].tolist() == [3]  # the line a user sees under a title row
    assert sorted(rows["numerator"]) == [5.0, 6.0]


def test_a_formula_excel_never_saved_a_result_for_is_refused(workbook):
    _workbook_file(
        workbook / "data" / "demo" / "sums.xlsx",
        {"Data": [COLUMNS, ["DM12", "2019-20", "cp-repeat-plans", "=2+3", 40]]},
    )
    checked = validate_workbook(workbook)
    [issue] = checked.issues
    assert "sums.xlsx" in str(issue) and "row 2" in issue.message
    assert "formula with no saved result" in issue.message and "save it" in issue.message


def test_a_workbook_without_the_header_says_which_sheets_it_has(workbook):
    _workbook_file(workbook / "data" / "demo" / "odd.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    [issue] = validate_workbook(workbook).issues
    assert "no sheet has the header row" in issue.message and "Sheet1" in issue.message


def test_an_excel_lock_file_is_skipped(workbook):
    (workbook / "data" / "demo" / "~$extra.xlsx").write_bytes(b"\x00lock")
    assert not validate_workbook(workbook).issues


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("area_code;period;measure_id;numerator\nDM12;2019-20;cp-cin-children;4\n", "semicolons"),
        (
            "area_code,period,measure_id,Numerator,numerator\nDM12,2019-20,cp-cin-children,4,4\n",
            "the header has `Numerator` and `numerator`",
        ),
        (
            "area_code,period,measure_id,numerator,,\nDM12,2019-20,cp-cin-children,4,,7\n",
            "column 6 has data but no header",
        ),
    ],
)
def test_csv_habits_are_refused_with_the_fix(workbook, text, message):
    (workbook / "data" / "demo" / "extra.csv").write_text(text)
    [issue] = validate_workbook(workbook).issues
    assert message in issue.message and issue.file == "data/demo/extra.csv"


def test_trailing_empty_columns_are_ignored(workbook):
    (workbook / "data" / "demo" / "extra.csv").write_text(
        "area_code,period,measure_id,numerator,,\nDM12,2019-20,cp-cin-children,4,,\n"
    )
    checked = validate_workbook(workbook)
    assert not checked.issues
    assert _rows(checked, "extra.csv")["numerator"].tolist() == [4.0]


def test_a_row_longer_than_the_header_is_refused(workbook):
    (workbook / "data" / "demo" / "extra.csv").write_text(
        EXTRACT_HEADER + "DM12,2019-20,cp-cin-children,12,345,,\n"
    )
    [issue] = validate_workbook(workbook).issues
    assert "not a well-formed CSV" in issue.message


def test_parquet_extracts_tidy_and_case_level(workbook):
    folder = workbook / "data" / "demo"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'DM12' AS area_code, '2019-20' AS period, "
            "'cp-repeat-plans' AS measure_id, 7 AS numerator, 40 AS denominator) "
            f"TO '{folder / 'tidy.parquet'}' (FORMAT parquet)"
        )
        con.execute(
            "COPY (SELECT 'DM12' AS area_code, '2019-20' AS period, "
            "'lac-seen-alone' AS measure_id, 'c' || i AS case_id, (i % 2)::INTEGER AS met "
            f"FROM range(1, 7) t(i)) TO '{folder / 'audit.cases.parquet'}' (FORMAT parquet)"
        )
    checked = validate_workbook(workbook)
    assert not checked.issues, checked.issues[:2]
    tidy = _rows(checked, "tidy.parquet")
    assert tidy[["numerator", "denominator"]].values.tolist() == [[7.0, 40.0]]
    cases = _rows(checked, "audit.cases.parquet")
    assert cases[["numerator", "denominator"]].values.tolist() == [[3.0, 6.0]]
