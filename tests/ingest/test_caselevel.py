"""Case-level extracts: aggregated by DuckDB into returns, problems named by row."""

from helpers import CASE_LEVEL_SAMPLE, validate_workbook


def test_cases_become_one_return_per_area_period_and_measure(workbook):
    (workbook / "data" / "demo" / "audit.cases.csv").write_text(CASE_LEVEL_SAMPLE)
    checked = validate_workbook(workbook)
    assert checked.issues == ()
    row = checked.frame[checked.frame["source_file"] == "data/demo/audit.cases.csv"]
    assert row[["area_code", "period", "measure_id"]].values.tolist() == [
        ["DM12", "2019-20", "lac-seen-alone"]
    ]
    assert (row["numerator"].iloc[0], row["denominator"].iloc[0]) == (4, 6)


def test_bad_case_rows_are_named_and_left_out(workbook):
    bad = (
        CASE_LEVEL_SAMPLE
        + "DM12,2019-20,lac-seen-alone,c7,maybe\nZZ01,2019-20,lac-seen-alone,c1,1\n"
    )
    bad += "DM12,2019-20,lac-seen-alone,c1,1\nDM12,2019-20,lac-rate,c9,1\n"
    (workbook / "data" / "demo" / "audit.cases.csv").write_text(bad)
    messages = [str(i) for i in validate_workbook(workbook).issues]
    assert any("row 8, column `met`: 'maybe' is not 1/0 or yes/no" in m for m in messages)
    assert any("row 9, column `area_code`: 'ZZ01' is not an area code" in m for m in messages)
    assert any("row 10, column `case_id`: the same case is listed twice" in m for m in messages)
    assert any("row 11, column `measure_id`: 'lac-rate' is not a percentage" in m for m in messages)


def test_audit_scores_one_to_five_and_evidence_only(workbook):
    (workbook / "data" / "demo" / "audit.cases.csv").write_text(
        "area_code,period,measure_id,case_id,score\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c1,5\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c2,4\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c3,3\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c4,yes\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c5,\n"
        "DM12,2019-20,cp-cin-outcomes-specified,c6,1\n"
    )
    checked = validate_workbook(workbook)
    assert checked.issues == ()
    row = checked.frame[checked.frame["source_file"] == "data/demo/audit.cases.csv"]
    assert (row["numerator"].iloc[0], row["denominator"].iloc[0]) == (3, 5)
    assert row["note"].iloc[0] == "1 evidence-only cases"
    (workbook / "data" / "demo" / "audit.cases.csv").write_text(
        "area_code,period,measure_id,case_id,score\nDM12,2019-20,cp-cin-outcomes-specified,c1,7\n"
    )
    messages = [str(i) for i in validate_workbook(workbook).issues]
    assert any("row 2, column `score`: '7' is not a score from 1 to 5" in m for m in messages)
