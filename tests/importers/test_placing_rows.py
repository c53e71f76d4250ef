"""A publication placed by the workbook's register of areas: changed codes land in the area's
one series, joint returns are kept once, every row read is counted, and nothing is written
that the build would refuse. Through the real command line, on invented publications."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from helpers import run_cli
from publication import WESTMOOR_NEW, WORKFORCE, workbook, workforce_rows, write_csv


@pytest.fixture
def imported(tmp_path):
    root = workbook(tmp_path)
    source = write_csv(tmp_path / "workforce.csv", WORKFORCE, workforce_rows())
    done = run_cli(
        "import", "dfe-ees", str(source), "--mapping", "workforce.yml", "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stderr
    return root, done.stdout, source


def _extract(root: Path) -> list[dict[str, str]]:
    with (root / "data" / "imported" / "workforce.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sections(report: str) -> dict[str, tuple[int, list[tuple[int, str, list[str]]]]]:
    """'rows rejected: 2' and its reason lines -> {title: (total, [(n, reason, examples)])}."""
    found: dict[str, tuple[int, list]] = {}
    current = None
    for line in report.splitlines():
        head = re.fullmatch(
            r"  (rows not in scope|rows rejected|returns left out[^:]*): ([\d,]+)", line
        )
        if head:
            current = head.group(1)
            found[current] = (int(head.group(2).replace(",", "")), [])
        elif current and (item := re.fullmatch(r"    ([\d,]+) (.*?); e\.g\. (.*)", line)):
            examples = item.group(3).split("; line ")
            found[current][1].append((int(item.group(1).replace(",", "")), item.group(2), examples))
        else:
            current = None
    return found


def test_the_counts_add_up_by_reason_with_examples(imported):
    _, report, _ = imported
    head = re.search(
        r"([\d,]+) rows read = ([\d,]+) used \+ ([\d,]+) not in scope \+ ([\d,]+) rejected", report
    )
    assert head, report
    read, used, scope, rejected = (int(g.replace(",", "")) for g in head.groups())
    assert read == len(workforce_rows()) == used + scope + rejected
    sections = _sections(report)
    assert sections["rows not in scope"][0] == scope == 1
    assert sections["rows rejected"][0] == rejected == 2
    for total, reasons in sections.values():
        assert total == sum(n for n, _, _ in reasons)
        assert all(1 <= len(examples) <= min(n, 5) for n, _, examples in reasons)
    reasons = {reason: examples for _, reason, examples in sections["rows rejected"][1]}
    unknown = next(r for r in reasons if r.startswith("no area in parameters/ has the code"))
    assert "E06000999 Nowhere" in reasons[unknown][0]
    assert any("holds 'n/a'" in r for r in reasons)
    assert "30 returns written" in report and "plus 1 joint returns" in report


def test_rows_land_in_the_registers_series_and_the_build_accepts_all(imported):
    root, _, _ = imported
    rows = _extract(root)
    westmoor = {r["period"]: r for r in rows if r["measure_id"] == "caseload-average"
                and r["area_code"] == "E08000904"}  # fmt: skip
    assert set(westmoor) == {"2023-24", "2024-25"}, "the new code's year joins the old series"
    assert westmoor["2024-25"]["note"] == f"published under code {WESTMOOR_NEW}"
    joint = [r for r in rows if "/" in r["area_code"]]
    assert [r["area_code"] for r in joint] == ["E06000901 / E06000902"] * 2, "kept once"
    assert not any(r["area_code"] in ("E06000901", "E06000902") and r["period"] == "2024-25"
                   for r in rows)  # fmt: skip
    assert not any(r["area_code"] == "E06000999" for r in rows)
    checked = run_cli("validate", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 problems" in checked.stdout and "warning" not in checked.stdout


def test_an_old_area_file_is_found_through_the_files_own_years(imported, tmp_path):
    """An area file without `old_la_code` (made before it was recorded): the old 3-digit code
    still ties the file's years together, and the register says which code is the area's."""
    root, _, source = imported
    area = root / "parameters" / "westmoor.yml"
    area.write_text(re.sub(r"old_la_code: .*\n", "", area.read_text("utf-8")), "utf-8")
    done = run_cli(
        "import", "dfe-ees", str(source), "--mapping", "workforce.yml", "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stderr
    codes = {(r["area_code"], r["period"]) for r in _extract(root)}
    assert ("E08000904", "2024-25") in codes and (WESTMOOR_NEW, "2024-25") not in codes


def test_la_areas_again_takes_the_new_code_and_keeps_a_users_edits(imported, tmp_path):
    root, _, source = imported
    area = root / "parameters" / "westmoor.yml"
    edited = (
        area.read_text("utf-8")
        .split("\n", 1)[1]
        .replace(
            "peer_group_label: Statistical neighbours",
            "# the board asked for this wording\npeer_group_label: Nearest neighbours",
        )
    )
    area.write_text(edited, "utf-8")
    look = tmp_path / "lookups"
    again = run_cli(
        "import", "la-areas", str(tmp_path / "first.csv"), str(source),
        "--neighbours", str(look / "sn.csv"), "--districts", str(look / "ltla.csv"),
        "--forces", str(look / "pfa.csv"), cwd=root,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "1 edited kept (1 given the code the newest file uses)" in again.stdout
    text = area.read_text("utf-8")
    assert f"code: {WESTMOOR_NEW}" in text and "- E08000904" in text  # now a former code
    assert "# the board asked for this wording\npeer_group_label: Nearest neighbours" in text
    assert sorted(p.stem for p in (root / "parameters").glob("*.yml")).count("westmoor") == 1
    neighbour = (root / "parameters" / "eastby.yml").read_text("utf-8")
    assert f"- {WESTMOOR_NEW}" in neighbour, "generated files name the new code too"
    # the figures imported under the old code now sit under a former code: still Westmoor's
    checked = run_cli("validate", cwd=root)
    assert checked.returncode == 0 and "warning" not in checked.stdout, checked.stdout


def test_hand_made_joint_and_former_codes_are_read_as_the_register_says(imported):
    root, _, _ = imported
    hand = root / "data" / "imported" / "hand.csv"
    hand.write_text(
        "area_code,period,measure_id,numerator,denominator\n"
        "E06000902/E06000901,2022-23,sw-turnover,8,40\n"  # members in either order
        "e06000903,2022-23,sw-turnover,3,20\n"  # any case
        "E06000901 / E06000998,2022-23,sw-turnover,3,20\n",  # a member no area has
        encoding="utf-8",
    )
    checked = run_cli("validate", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    warnings = [line for line in checked.stdout.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and "hand.csv row 4" in warnings[0] and "E06000998" in warnings[0]


def test_rejected_rows_are_counted_by_reason_code_through_the_library(tmp_path):
    """The same import through the registry: every row's fate by its Reason code."""
    from qareport.importers.common import Reason
    from qareport.importers.registry import run_import

    root = workbook(tmp_path)
    source = write_csv(tmp_path / "workforce.csv", WORKFORCE, workforce_rows())
    summary = run_import("dfe-ees", root, [source], {"mapping": "workforce.yml"})
    rejected = summary.rejected.by_reason()
    assert sum(rejected.values()) == summary.rejected.total() == 2
    assert set(rejected) <= set(Reason) and Reason.UNKNOWN_AREA in rejected
    assert summary.not_in_scope.by_reason() == {Reason.OTHER_LEVEL: 1}
    assert summary.rows_read == summary.rows_used + 1 + 2
