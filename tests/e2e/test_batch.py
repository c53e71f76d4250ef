"""Batch builds: parallel workers, fail-soft, and a failed area keeps its previous good book."""

from helpers import PERIOD, run_cli

AREAS = ["amberleigh", "brindlemoor", "larkhaven"]


def test_a_broken_area_fails_alone_and_keeps_its_previous_book(workbook):
    first = run_cli(
        "build", "--areas", ",".join(AREAS), "--period", PERIOD, "--jobs", "2", cwd=workbook
    )
    assert first.returncode == 0, first.stderr
    good = (workbook / "output" / "brindlemoor" / PERIOD / "report-book.html").read_bytes()

    # break brindlemoor (DM02) only: a negative count in one of its returns
    (workbook / "data" / "demo" / "broken.csv").write_text(
        "area_code,period,measure_id,numerator\nDM02,2019-20,da-incidents-children,-4\n"
    )
    second = run_cli(
        "build", "--areas", ",".join(AREAS), "--period", PERIOD, "--jobs", "2", cwd=workbook
    )
    assert second.returncode == 1
    lines = {line.split()[0]: line for line in second.stdout.splitlines() if line.strip()}
    assert "failed" in lines["brindlemoor"] and "broken.csv row 2" in lines["brindlemoor"]
    assert lines["amberleigh"].split()[1] in ("built", "unchanged")
    assert lines["larkhaven"].split()[1] in ("built", "unchanged")
    assert "2 built or unchanged, 1 failed" in second.stdout
    after = (workbook / "output" / "brindlemoor" / PERIOD / "report-book.html").read_bytes()
    assert after == good, "the failed area's previous good book is untouched"
    leftovers = [p.name for p in (workbook / "output" / "brindlemoor").iterdir()]
    assert leftovers == [PERIOD]
    staging = workbook / "output" / ".staging"
    assert not staging.exists() or not any(staging.iterdir()), "no staging folders left behind"


def test_build_needs_exactly_one_way_of_choosing_areas(workbook):
    result = run_cli("build", "--period", PERIOD, cwd=workbook)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: give exactly one of --area, --areas or --all"


def test_several_periods_in_one_command(workbook):
    result = run_cli("build", "--area", "larkhaven", "--periods", "2024-25..2025-26", cwd=workbook)
    assert result.returncode == 0, result.stderr
    rows = [line.split()[:3] for line in result.stdout.splitlines()[:-1]]
    assert rows == [["larkhaven", "2024-25", "built"], ["larkhaven", "2025-26", "built"]]
    for period in ("2024-25", "2025-26"):
        html = (workbook / "output" / "larkhaven" / period / "report-book.html").read_text()
        assert f"financial year {period}" in html
