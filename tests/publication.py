"""Small invented publications in the Explore Education Statistics layout, and the lookups
`import la-areas` reads: six authorities of an invented region, one of which changes its
code in the newest year, and two that make a joint return. Nothing here is published data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from helpers import REPO, run_cli

REGION = ("E12000004", "East Midlands")
# old 3-digit code, code, name
AUTHORITIES = [
    ("901", "E06000901", "Northby"),
    ("902", "E06000902", "Southby"),
    ("903", "E06000903", "Eastby"),
    ("904", "E08000904", "Westmoor"),
    ("905", "E06000905", "Upton"),
    ("906", "E06000906", "Downton"),
]
WESTMOOR_NEW = "E08000994"  # Westmoor's code from 2025 on
GEOGRAPHY = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]


def _geo(year: int, level: str, old: str = "", code: str = "", name: str = "") -> list[str]:
    region = REGION if level != "National" else ("", "")
    return [str(year), "Reporting year", level, "E92000001", "England", *region, old, code, name]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def first_publication(path: Path) -> Path:
    """The publication the areas are made from: 2023 and 2024, every authority separately,
    Westmoor under its old code."""
    rows = []
    for year in (2023, 2024):
        rows.append([*_geo(year, "National"), "1000"])
        rows.append([*_geo(year, "Regional"), "300"])
        for n, (old, code, name) in enumerate(AUTHORITIES):
            rows.append([*_geo(year, "Local authority", old, code, name), str(40 + n)])
    return write_csv(path, [*GEOGRAPHY, "referral_count"], rows)


def lookups(folder: Path) -> dict[str, Path]:
    """Statistical neighbours (by old code), districts and force areas for the six."""
    folder.mkdir(parents=True, exist_ok=True)
    olds = [a[0] for a in AUTHORITIES]
    sn_header = ["old_la_code", "la_name", *[f"SN_{i}" for i in range(1, 11)]]
    neighbours = [
        [old, name, *[o for o in olds if o != old], *[""] * 5] for old, _, name in AUTHORITIES
    ]
    return {
        "neighbours": write_csv(folder / "sn.csv", sn_header, neighbours),
        "districts": write_csv(
            folder / "ltla.csv", ["LTLA23CD", "UTLA23CD"], [[c, c] for _, c, _ in AUTHORITIES]
        ),
        "forces": write_csv(
            folder / "pfa.csv",
            ["LAD23CD", "PFA23CD", "PFA23NM"],
            [[c, "E23000099", "Midshire"] for _, c, _ in AUTHORITIES],
        ),
    }


# The workforce-like publication: cases held, social worker FTE (decimals), the average
# caseload (cases per FTE, above 1) and leavers with the published turnover rate.
WORKFORCE = [*GEOGRAPHY, "cases", "fte", "caseload", "leavers", "turnover_rate"]


def workforce_rows() -> list[list[str]]:
    rows = []
    for year in (2024, 2025):
        rows.append([*_geo(year, "National"), "90000", "5400.5", "16.7", "800", "14.8"])
        rows.append([*_geo(year, "Regional"), "9000", "540.2", "16.7", "80", "14.8"])
        for n, (old, code, name) in enumerate(AUTHORITIES):
            if name in ("Northby", "Southby") and year == 2025:
                continue  # their joint return, below
            if name == "Westmoor" and year == 2025:
                code = WESTMOOR_NEW
            cases, fte, leavers = 300 + 10 * n + year % 10, 20.5 + n, 3 + n
            figures = [str(cases), f"{fte}", f"{cases / fte:.1f}", str(leavers)]
            figures.append(f"{leavers / fte * 100:.1f}")
            rows.append([*_geo(year, "Local authority", old, code, name), *figures])
    joint = _geo(2025, "Local authority", "901 / 902", "E06000901 / E06000902", "Northby / Southby")
    rows.append([*joint, "700", "41.3", "16.9", "9", "21.8"])
    nowhere = _geo(2025, "Local authority", "999", "E06000999", "Nowhere")  # no such area
    rows.append([*nowhere, "100", "5.0", "20.0", "1", "20.0"])
    district = _geo(2025, "Local authority district", "", "E07000001", "A district")  # no level
    rows.append([*district, "10", "1.0", "10.0", "0", "0.0"])
    # a cell the publisher filled with words: Upton 2024 appears twice, this one refused
    rows.append(
        [
            *_geo(2024, "Local authority", "905", "E06000905", "Upton"),
            "n/a",
            "20.0",
            "",
            "2",
            "10.0",
        ]
    )
    return rows


CATALOGUE = """\
catalogue: ours
include: [dfe]
content_areas:
  - id: partnership-working
    replaces: true
    measures: [caseload-average, sw-turnover]
measures:
  - {id: caseload-average, title: Average caseload per social worker, type: quantity,
     source: management-information, unit: rate, per: 1, polarity: lower-is-better,
     numerator: Cases held by children's social workers, denominator: Social worker FTE}
  - {id: sw-turnover, title: Social worker turnover, type: quality,
     source: management-information, unit: percent, polarity: lower-is-better,
     numerator: Leavers (FTE), denominator: Social worker FTE}
"""

MAPPING = """\
mapping: workforce
title: Children's social work workforce
time_period: year-ending-march
measures:
  - {measure: caseload-average, numerator: cases, denominator: fte, value: caseload}
  - {measure: sw-turnover, numerator: leavers, denominator: fte, value: turnover_rate}
"""


def workbook(tmp_path: Path) -> Path:
    """A workbook whose areas come from the first publication, using the local catalogue."""
    root = tmp_path / "workbook"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(REPO / "notebooks" / "section.ipynb", root / "notebooks" / "section.ipynb")
    files = lookups(tmp_path / "lookups")
    made = run_cli(
        "import", "la-areas", str(first_publication(tmp_path / "first.csv")),
        "--neighbours", str(files["neighbours"]), "--districts", str(files["districts"]),
        "--forces", str(files["forces"]), cwd=root,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (root / "ours.yml").write_text(CATALOGUE, encoding="utf-8")
    (root / "workforce.yml").write_text(MAPPING, encoding="utf-8")
    defaults = root / "parameters" / "defaults.yml"
    text = defaults.read_text(encoding="utf-8").replace("- dfe\n", "- ours.yml\n")
    defaults.write_text(text, encoding="utf-8")
    return root
