"""Bad input gets a clear error naming file, row and column, and nothing is written for the area."""

from pathlib import Path

import pytest

from conftest import DEMO_AREA, PERIOD, run_cli
from qareport import ExtractError, Project, build_book
from qareport.extracts import validate_extracts

HEADER = "area_code,period,measure_id,numerator,denominator,note\n"
CASES = {
    "missing column": (
        "area_code,period,numerator\nDM12,2025-26,4\n",
        r"extra\.csv row 1, column `measure_id`: missing column",
    ),
    "non-numeric value": (
        HEADER + "DM12,2020-21,cp-repeat-plans,12a,40,\n",
        r"extra\.csv row 2, column `numerator`: '12a' is not a number",
    ),
    "numerator above denominator": (
        HEADER + "DM12,2020-21,cp-repeat-plans,15,12,\n",
        r"extra\.csv row 2, column `denominator`: 12 is smaller than numerator 15",
    ),
    "negative count": (
        HEADER + "DM12,2020-21,da-incidents-children,-2,,\n",
        r"extra\.csv row 2, column `numerator`: -2 is negative",
    ),
    "unknown measure id": (
        HEADER + "DM12,2020-21,cp-nope,1,2,\n",
        r"extra\.csv row 2, column `measure_id`: 'cp-nope' is not a measure id",
    ),
    "unknown area": (
        HEADER + "ZZ99,2020-21,cp-repeat-plans,1,2,\n",
        r"extra\.csv row 2, column `area_code`: 'ZZ99' is not an area code",
    ),
    "duplicate row": (
        HEADER + "DM12,2020-21,cp-repeat-plans,5,40,\nDM12,2020-21,cp-repeat-plans,6,40,\n",
        r"extra\.csv row 3: duplicate of row 2",
    ),
    "duplicate across files": (
        HEADER + "DM12,2025-26,cp-repeat-plans,5,40,\n",
        r"(extra|measure-returns)\.csv row \d+: the same return is also in "
        r"data/demo/(extra|measure-returns)\.csv row \d+",
    ),
    "period in the wrong form": (
        HEADER + "DM12,2025/26,cp-repeat-plans,5,40,\n",
        r"extra\.csv row 2, column `period`: '2025/26' is not a period like 2025-26",
    ),
}


def add_extract(workbook: Path, text: str) -> None:
    (workbook / "data" / "demo" / "extra.csv").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_input_is_named_precisely(workbook, case):
    text, pattern = CASES[case]
    add_extract(workbook, text)
    project = Project.open(workbook)
    checked = validate_extracts(
        project.data_paths(), project.catalogue, {a.code for a in project.areas()}, workbook
    )
    with pytest.raises(ExtractError, match=pattern):
        checked.raise_for("DM12")


@pytest.mark.parametrize("case", ["numerator above denominator", "unknown area"])
def test_a_build_with_bad_input_fails_cleanly_and_writes_nothing_for_the_area(workbook, case):
    text, pattern = CASES[case]
    add_extract(workbook, text)
    with pytest.raises(ExtractError, match=pattern):
        build_book(workbook, DEMO_AREA, PERIOD)
    assert not (workbook / "output" / DEMO_AREA).exists()


def test_the_cli_prints_one_error_line_and_exits_non_zero(workbook):
    add_extract(workbook, CASES["negative count"][0])
    result = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: data/demo/extra.csv row 2")
    assert "Traceback" not in result.stderr
    assert not (workbook / "output" / DEMO_AREA).exists()


def test_other_areas_are_not_blocked_by_one_areas_bad_row(workbook):
    add_extract(workbook, CASES["negative count"][0])
    project = Project.open(workbook)
    checked = validate_extracts(
        project.data_paths(), project.catalogue, {a.code for a in project.areas()}, workbook
    )
    checked.raise_for("DM01")  # does not raise: the bad row is DM12's


def test_markers_and_xlsx_are_accepted(workbook):
    import pandas as pd

    frame = pd.DataFrame(
        [["DM12", "2020-21", "cp-repeat-plans", "c", "40", "suppressed at source"]],
        columns=["area_code", "period", "measure_id", "numerator", "denominator", "note"],
    )
    frame.to_excel(workbook / "data" / "demo" / "extra.xlsx", index=False)
    project = Project.open(workbook)
    checked = validate_extracts(
        project.data_paths(), project.catalogue, {a.code for a in project.areas()}, workbook
    )
    assert not checked.issues
    row = checked.frame[checked.frame["source_file"] == "data/demo/extra.xlsx"]
    assert row["marker"].tolist() == ["[c]"]
