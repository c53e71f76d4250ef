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
