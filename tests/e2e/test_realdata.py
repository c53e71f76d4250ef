"""Books from real published statistics: the figures on the page are the published ones.

Reads ../shared/realdata (never copied into the repository). Each check compares
the rendered book with the source file, read here independently of the importer.
"""

from __future__ import annotations

import csv
import gzip
import random
import re
from collections import defaultdict

import pytest

from helpers import DFE_FILES, REALDATA, REPO, data_table, run_cli
from qareport import build_book

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason=f"real published data not present at {REALDATA}"
)

DFE = REALDATA / "dfe_cin"
LOOKUPS = REALDATA / "lookups"
FILES = DFE_FILES
FORCES = LOOKUPS / "LAD23_CSP23_PFA23_lookup_Dec2023.csv"
OUTCOMES = REALDATA / "police" / "prc_outcomes_open_data_2017-18_tidy.csv.gz"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DFE / FILES[name], encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _label(time_period: str) -> str:
    """DfE's year ending 31 March 2025 is the financial year 2024-25."""
    year = int(time_period) - 1
    return f"{year}-{(year + 1) % 100:02d}"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    root = tmp_path_factory.mktemp("real") / "workbook"
    root.mkdir()
    (root / "notebooks").mkdir()
    (root / "notebooks" / "section.ipynb").write_bytes(
        (REPO / "notebooks" / "section.ipynb").read_bytes()
    )
    outputs = {}
    areas = run_cli(
        "import", "la-areas", *[str(DFE / f) for f in FILES.values()],
        "--neighbours", str(LOOKUPS / "sn_model_2025_wide.csv"),
        "--districts", str(LOOKUPS / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"),
        "--forces", str(FORCES), cwd=root,
    )  # fmt: skip
    assert areas.returncode == 0, areas.stderr
    for mapping, name in FILES.items():
        done = run_cli("import", "dfe-ees", str(DFE / name), "--mapping", mapping, cwd=root)
        assert done.returncode == 0, done.stderr
        outputs[mapping] = done.stdout
    police = run_cli(
        "import", "police-outcomes", str(OUTCOMES), "--forces", str(FORCES), cwd=root
    )  # fmt: skip
    assert police.returncode == 1, "the Home Office's 'NA' cells: all or nothing"
    assert "outcomes recorded is 'NA', not a count" in police.stdout
    police = run_cli(
        "import", "police-outcomes", str(OUTCOMES), "--forces", str(FORCES), "--allow-rejects",
        cwd=root,
    )  # fmt: skip
    assert police.returncode == 0, police.stderr
    outputs["police"] = police.stdout
    return root, outputs


def _published(value: str) -> str:
    """How the book writes a published percentage or marker."""
    if value in ("c", "x", "z", "u", "low"):
        return f"[{value}]"
    return f"{float(value):.1f}%"


def test_import_reports_rows_measures_areas_markers_and_rejections(real):
    _, outputs = real
    c1 = outputs["dfe-cin-c1"]
    assert "2,132 rows read = 2,132 used + 0 not in scope + 0 rejected" in c1
    assert "6,396 returns written" in c1
    assert "re-referrals-12m (2,132)" in c1
    assert "areas: 158, plus 12 national and regional" in c1
    assert re.search(r"markers kept: \[c\] \d+, \[u\] \d+, \[x\] \d+", c1)
    police = outputs["police"]
    assert "areas: 43" in police
    assert "not an offence against children" in police
    assert "not one of the 43 territorial forces" in police
    assert "outcomes recorded is 'NA', not a count" in police
    counts = re.search(
        r"([\d,]+) rows read = ([\d,]+) used \+ ([\d,]+) not in scope \+ ([\d,]+) rejected",
        police,
    )
    read, used, scope, rejected = (int(n.replace(",", "")) for n in counts.groups())
    assert read == used + scope + rejected and used > 0 and scope > 0 and rejected > 0


PERCENTAGES = [
    ("dfe-cin-c1", "Re-referrals within 12 months", "rereferral_percent"),
    ("dfe-cin-d3", "Child protection plans that are a second or later plan",
     "CPP_subsequent_percent"),
    ("dfe-cin-d5", "Child protection plans open 2 years or more", "2_years_or_more_percent"),
]  # fmt: skip


def _sample_authorities(count: int) -> list[dict[str, str]]:
    """Authorities that exist today, picked at random (seeded, so a failure can be rerun)."""
    current = [r for r in _rows("dfe-cin-c1") if r["geographic_level"] == "Local authority"]
    current = [r for r in current if r["time_period"] == "2025"]
    return random.Random(20251123).sample(current, count)


@pytest.fixture(scope="module")
def sampled_books(real):
    root, _ = real
    books = {}
    for la in [*_sample_authorities(2), {"new_la_code": "E06000060", "la_name": "Buckinghamshire"}]:
        books[la["new_la_code"]] = build_book(root, la["new_la_code"], "2024-25").html.read_text(
            encoding="utf-8"
        )
    westminster = build_book(root, "Westminster", "2024-25")
    books["E09000033"] = westminster.html.read_text(encoding="utf-8")
    return books


def test_percentages_on_the_sheets_equal_the_published_ones_every_year(sampled_books):
    for code, book in sampled_books.items():
        for mapping, title, column in PERCENTAGES:
            shown = data_table(book, title)
            published = {
                _label(r["time_period"]): r[column]
                for r in _rows(mapping)
                if r["geographic_level"] == "Local authority"
                and r["new_la_code"] in (code, *(["E10000002"] if code == "E06000060" else []))
            }
            england = {
                _label(r["time_period"]): r[column]
                for r in _rows(mapping)
                if r["geographic_level"] == "National"
            }
            assert len(shown) == 13
            for period, cells in shown.items():
                if period not in published:
                    assert cells[0] == "[x]", (code, title, period)
                    continue
                assert cells[0] == _published(published[period]), (code, title, period)
                assert cells[4] == _published(england[period]), ("England", title, period)


def test_rates_per_10000_are_computed_from_the_published_counts(sampled_books):
    population = {
        (r["new_la_code"], f"{r['time_period']}-{(int(r['time_period']) + 1) % 100:02d}"): r[
            "population_estimate"
        ]
        for r in _rows("ons-population")
    }
    for code, book in sampled_books.items():
        shown = data_table(book, "Referrals to children's social care per 10,000 children")
        for r in _rows("dfe-cin-c1"):
            period = _label(r["time_period"])
            if r["new_la_code"] != code or (code, period) not in population:
                continue
            rate = int(r["referral_count"]) / int(population[(code, period)]) * 10_000
            assert shown[period][0] == f"{rate:,.1f} per 10,000", (code, period)
            assert shown[period][1] == f"{int(r['referral_count']):,}"


def test_suppressed_cells_render_as_c_and_a_changed_code_keeps_its_history(sampled_books):
    westminster = data_table(
        sampled_books["E09000033"], "Child protection plans that are a second or later plan"
    )
    assert westminster["2022-23"][0] == "[c]"
    assert westminster["2020-21"][0] == "[c]"
    bucks = data_table(sampled_books["E06000060"], "Re-referrals within 12 months")
    # 2014-15 was published under Buckinghamshire's county code, E10000002
    assert bucks["2014-15"][0] == "27.3%" and bucks["2024-25"][0] == "22.8%"
    assert "Statistical neighbours mean" in sampled_books["E06000060"]


def test_police_outcome_shares_equal_the_home_office_counts(real):
    root, _ = real
    force = "Avon and Somerset"
    counts = defaultdict(int)
    child_codes = {"17B", "20B", "21", "22B", "19D", "19E", "19G", "19H", "88A", "71", "11A", "13"}
    with gzip.open(OUTCOMES, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cell = row["force_outcomes_recorded_in_quarter"]
            if row["force_name"] != force or row["offence_code"] not in child_codes:
                continue
            if not re.fullmatch(r"-?\d+", cell):
                continue
            counts["all"] += int(cell)
            if row["outcome_group"] == "Charged/Summonsed":
                counts["charged"] += int(cell)
    book = build_book(root, "avon-and-somerset-police", "2017-18").html.read_text("utf-8")
    table = data_table(book, "Offences against children ending in charge or summons")
    assert list(table) == ["2017-18"], "trends as long as the data: no empty years"
    shown = table["2017-18"]
    assert shown[0] == f"{counts['charged'] / counts['all'] * 100:.1f}%"
    assert shown[1:3] == [f"{counts['charged']:,}", f"{counts['all']:,}"]


def test_a_new_publication_needs_only_a_mapping_file(real, tmp_path):
    """A measure and an EES table the package has never mapped: two YAML files, no code."""
    root, _ = real
    (root / "ours.yml").write_text(
        "catalogue: ours\ninclude: [dfe]\nmeasures:\n"
        "  - {id: icpc-rate, title: 'Initial conferences per 10,000 children', type: quantity,"
        " source: management-information, unit: rate, per: 10000, polarity: no-direction,"
        " numerator: Initial child protection conferences, denominator: Children aged 0-17}\n",
        encoding="utf-8",
    )
    defaults = root / "parameters" / "defaults.yml"
    text = defaults.read_text(encoding="utf-8")
    defaults.write_text(text.replace("- dfe\n", "- ours.yml\n"), encoding="utf-8")
    (root / "icpc.yml").write_text(
        "mapping: local-icpc\ntitle: ICPCs\ntime_period: year-ending-march\n"
        "levels: [Local authority]\nmeasures:\n"
        "  - {measure: icpc-rate, numerator: ICPC, denominator_from: children-population}\n",
        encoding="utf-8",
    )
    done = run_cli(
        "import", "dfe-ees", str(DFE / FILES["dfe-cin-c4"]), "--mapping", "icpc.yml", cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert "2,132 rows read = 1,976 used + 156 not in scope + 0 rejected" in done.stdout
    assert "1,976 returns written" in done.stdout
    assert "icpc-rate (1,976)" in done.stdout
    assert "143 geographic level 'Regional' not mapped" in done.stdout
    extract = (root / "data" / "imported" / "local-icpc.csv").read_text(encoding="utf-8")
    leeds = [
        line for line in extract.splitlines() if line.startswith("E08000035,2024-25,icpc-rate")
    ]
    published = next(
        r["ICPC"]
        for r in _rows("dfe-cin-c4")
        if r["new_la_code"] == "E08000035" and r["time_period"] == "2025"
    )
    assert leeds and leeds[0].split(",")[3] == published
    defaults.write_text(text, encoding="utf-8")
    bad = run_cli(
        "import", "dfe-ees", str(DFE / FILES["dfe-cin-c4"]), "--mapping", "icpc.yml", cwd=root
    )
    assert (
        bad.returncode == 1
        and "icpc.yml: measures.0.measure: 'icpc-rate' is not a measure" in bad.stderr
    )


def test_every_shipped_mapping_imported_again_gives_the_same_file(real):
    """Imports depend on the source and the mapping alone, never on their last output."""
    root, _ = real
    for mapping, name in FILES.items():
        extract = root / "data" / "imported" / f"{mapping}.csv"
        before = extract.read_bytes()
        again = run_cli("import", "dfe-ees", str(DFE / name), "--mapping", mapping, cwd=root)
        assert again.returncode == 0, again.stderr
        assert extract.read_bytes() == before, mapping
