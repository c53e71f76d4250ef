from helpers import run_cli
from qareport.demo.areas import DEMO_AREAS, DEMO_FORCES
from qareport.demo.partnership import PARTNERSHIP_ID


def test_areas_lists_every_demo_area_one_per_line(workbook):
    result = run_cli("areas", cwd=workbook)
    assert result.returncode == 0
    expected = [a for a, _, _ in DEMO_AREAS] + [f for f, _, _ in DEMO_FORCES] + [PARTNERSHIP_ID]
    assert result.stdout.split() == sorted(expected)


def test_usage_errors_and_bad_periods_exit_non_zero_with_one_line(workbook):
    result = run_cli("build", "--area", "amberleigh", "--period", "2025", cwd=workbook)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: period '2025' is not in the form YYYY-YY (financial year, e.g. 2025-26) "
        "or YYYY-YY-QN (quarter, e.g. 2025-26-Q3)"
    ]
    missing = run_cli("build", "--area", "amberleigh", cwd=workbook)
    assert missing.returncode == 2 and "--period" in missing.stderr


def test_validate_reports_ok_on_the_demo(workbook):
    result = run_cli("validate", cwd=workbook)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 32 content areas, 115 measures, 19 areas")
