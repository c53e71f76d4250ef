"""Bad input gets a clear error naming file, row and column, and nothing is written for the area."""

import pytest

from helpers import BAD_CASES, DEMO_AREA, PERIOD, add_extract, run_cli
from qareport import ExtractError, build_book


@pytest.mark.parametrize(
    "case", ["numerator above denominator", "period whose second year does not follow"]
)
def test_a_build_with_bad_input_fails_cleanly_and_writes_nothing_for_the_area(workbook, case):
    text, pattern = BAD_CASES[case]
    add_extract(workbook, text)
    with pytest.raises(ExtractError, match=pattern):
        build_book(workbook, DEMO_AREA, PERIOD)
    assert not (workbook / "output" / DEMO_AREA).exists()


def test_the_cli_prints_one_error_line_and_exits_non_zero(workbook):
    add_extract(workbook, BAD_CASES["negative count"][0])
    result = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: data/demo/extra.csv row 2")
    assert "Traceback" not in result.stderr
    assert not (workbook / "output" / DEMO_AREA).exists()
