"""EES cells as publishers fill them: `n/a` is a rejected row with its reason, never a crash,
and decimals keep the precision they were published with."""

from __future__ import annotations

import csv

from helpers import run_cli

HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "region_code",
    "old_la_code",
    "new_la_code",
    "la_name",
    "referral_count",
    "rereferral_count",
    "rereferral_percent",
    "no_further_action_count",
    "no_further_action_percent",
]


def test_na_cells_are_rejected_with_a_reason_and_decimals_kept(tmp_path):
    source = tmp_path / "c1.csv"
    rows = [
        [
            "2025",
            "Financial year",
            "Local authority",
            "E92000001",
            "E12000001",
            "841",
            "E06000005",
            "Darlington",
            "1234567.5",
            "n/a",
            "x",
            "12",
            "1.0",
        ],
        [
            "2025",
            "Financial year",
            "Local authority",
            "E92000001",
            "E12000001",
            "840",
            "E06000047",
            "County Durham",
            "1000",
            "200",
            "20.0",
            "57.8",
            "5.8",
        ],
    ]
    with source.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    project = tmp_path / "workbook"
    (project / "parameters").mkdir(parents=True)
    for area_id, code, name in (
        ("darlington", "E06000005", "Darlington"),
        ("county-durham", "E06000047", "County Durham"),
    ):  # figures land only on areas the workbook has
        (project / "parameters" / f"{area_id}.yml").write_text(
            f"code: {code}\nname: {name}\nsections: [front-door]\n", encoding="utf-8"
        )
    command = ("import", "dfe-ees", str(source), "--mapping", "dfe-cin-c1", "--project")
    refused = run_cli(*command, str(project), cwd=tmp_path)
    assert refused.returncode == 1, "rows rejected: all or nothing"
    assert "nothing written" in refused.stderr and "--allow-rejects" in refused.stderr
    assert not (project / "data" / "imported" / "dfe-cin-c1.csv").exists()
    result = run_cli(*command, str(project), "--allow-rejects", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "re-referrals-12m: column rereferral_count holds 'n/a'" in result.stdout
    assert "measures with no return written: referrals-rate" in result.stdout
    written = list(csv.DictReader((project / "data" / "imported" / "dfe-cin-c1.csv").open()))
    by_key = {(r["area_code"], r["measure_id"]): r for r in written}
    assert ("E06000005", "re-referrals-12m") not in by_key
    assert by_key[("E06000005", "referrals-nfa")]["denominator"] == "1234567.5"
    assert by_key[("E06000047", "referrals-nfa")]["numerator"] == "57.8"


def test_quarters_and_months_are_read_from_the_time_identifier(tmp_path):
    """EES marks a row's period in `time_identifier`: a financial or calendar quarter, or a
    month of a calendar year, each lands on its own period; a week is refused, said so."""
    source = tmp_path / "c1.csv"
    base = ["E92000001", "E12000001", "841", "E06000005", "Darlington"]
    periods = [
        ("202526", "Financial year Q3", "2025-26-Q3"),
        ("2026", "Calendar year Q1", "2025-26-Q4"),  # January-March 2026
        ("2025", "October", "2025-10"),
        ("2026", "february", "2026-02"),
        ("2025", "Reporting year", "2024-25"),  # the mapping's year-ending-March rule
    ]
    rows = [
        [time_period, identifier, "Local authority", *base, str(100 + n), "10", "10.0", "5", "5.0"]
        for n, (time_period, identifier, _) in enumerate(periods)
    ]
    rows.append(["2025", "Week 12", "Local authority", *base, "99", "9", "9.0", "4", "4.0"])
    with source.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    project = tmp_path / "workbook"
    (project / "parameters").mkdir(parents=True)
    (project / "parameters" / "darlington.yml").write_text(
        "code: E06000005\nname: Darlington\nsections: [front-door]\n", encoding="utf-8"
    )
    result = run_cli(
        "import", "dfe-ees", str(source), "--mapping", "dfe-cin-c1", "--project", str(project),
        "--allow-rejects", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "time_identifier 'Week 12' is not a year, quarter or month" in result.stdout
    written = list(csv.DictReader((project / "data" / "imported" / "dfe-cin-c1.csv").open()))
    rereferrals = {r["period"]: r for r in written if r["measure_id"] == "re-referrals-12m"}
    assert set(rereferrals) == {label for _, _, label in periods}
    assert rereferrals["2025-10"]["denominator"] == "102"  # the October row's referrals
