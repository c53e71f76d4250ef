"""Bad input gets a clear error naming file, row and column, and nothing is written for the area."""

import pytest

from helpers import BAD_CASES, add_extract, validate_workbook
from qareport import ExtractError


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_bad_input_is_named_precisely(workbook, case):
    text, pattern = BAD_CASES[case]
    add_extract(workbook, text)
    checked = validate_workbook(workbook)
    with pytest.raises(ExtractError, match=pattern):
        checked.raise_for("DM12")


def test_other_areas_are_not_blocked_by_one_areas_bad_row(workbook):
    add_extract(workbook, BAD_CASES["negative count"][0])
    checked = validate_workbook(workbook)
    checked.raise_for("DM01")  # does not raise: the bad row is DM12's


def test_markers_and_xlsx_are_accepted(workbook):
    import pandas as pd

    frame = pd.DataFrame(
        [["DM12", "2020-21", "cp-repeat-plans", "c", "40", "suppressed at source"]],
        columns=["area_code", "period", "measure_id", "numerator", "denominator", "note"],
    )
    frame.to_excel(workbook / "data" / "demo" / "extra.xlsx", index=False)
    checked = validate_workbook(workbook)
    assert not checked.issues
    row = checked.frame[checked.frame["source_file"] == "data/demo/extra.xlsx"]
    assert row["marker"].tolist() == ["[c]"]


def test_a_row_for_an_unknown_area_blocks_no_book_and_names_the_closest_codes(workbook):
    add_extract(workbook, "area_code,period,measure_id,numerator\nDM21,2020-21,cp-cin-children,4\n")
    checked = validate_workbook(workbook)
    checked.raise_for("DM12")  # does not raise: the row is no area's
    [issue] = [i for i in checked.issues if i.column == "area_code"]
    assert issue.row == 2 and issue.file == "data/demo/extra.csv"
    assert "'DM21' is not an area code" in issue.message
    assert "closest known: DM12" in issue.message or "closest known: DM01" in issue.message
    with pytest.raises(ExtractError, match=r"extra\.csv row 2, column `area_code`"):
        checked.raise_for("DM12", strict=True)


def test_a_breakdowns_groups_sit_beside_the_areas_own_return(workbook):
    add_extract(
        workbook,
        "area_code,period,measure_id,numerator,denominator,breakdown\n"
        "DM12,2020-21,cp-repeat-plans,5,40,Gender: Female\n"
        "DM12,2020-21,cp-repeat-plans,6,42,Gender: Male\n"
        "DM12,2020-21,cp-repeat-plans,0,3,Age band: Under 1\n",
    )
    checked = validate_workbook(workbook)
    assert not [i for i in checked.issues if "extra.csv" in i.file]
    rows = checked.frame[checked.frame["source_file"] == "data/demo/extra.csv"]
    assert sorted(rows["breakdown"]) == ["Age band: Under 1", "Gender: Female", "Gender: Male"]
