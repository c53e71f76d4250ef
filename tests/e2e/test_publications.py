"""A new publication onto every sheet in one step, imports all or nothing and repeatable,
and its figures shown as published: each case through the command line, with an
invented long-format publication (a total row per authority holds the denominator)."""

from __future__ import annotations

import csv

import pytest

from helpers import data_table, run_cli
from publication import AUTHORITIES, GEOGRAPHY, _geo, workbook, write_csv

TITLE = "Children looked after with 3 or more placements in the year"
CATALOGUE = """\
catalogue: stability
content_areas:
  - id: placement-stability
    title: Placement stability
    group: "Practice: vulnerable groups of children"
    why: Children who move often lose the adults they trust.
    good: {outcome: [Children stay where they are settled.], quality: []}
    measures: [placements-3-plus]
measures:
  - {id: placements-3-plus, title: "Children looked after with 3 or more placements in the year",
     type: outcome, source: management-information, unit: percent, polarity: lower-is-better,
     numerator: Children with 3 or more placements, denominator: Children looked after}
"""
MAPPING = """\
mapping: stability
title: Placement stability
time_period: year-ending-march
levels: [Local authority]
measures:
  - measure: placements-3-plus
    numerator: number
    value: percent
    where: {characteristic: 3 or more placements}
    denominator_where: {characteristic: Total children looked after}
"""
# Northby, Southby ... : (children looked after, with 3+ placements, published percent)
FIGURES = {
    2023: [(100, 13, "13"), (80, 8, "10"), (60, 9, "15"), (50, 6, "12"), (40, 4, "10")],
    2024: [(110, 11, "10"), (90, 9, "10"), (70, 7, "10"), (55, 11, "20"), (44, 4, "9")],
}
SMALL = "c"  # Downton's total is withheld by the publisher; its count is a published 0


def _publication(path):
    rows = []
    for year, figures in FIGURES.items():
        for (old, code, name), (total, moved, percent) in zip(AUTHORITIES, figures, strict=False):
            geo = _geo(year, "Local authority", old, code, name)
            rows.append([*geo, "Total children looked after", str(total), "100"])
            rows.append([*geo, "3 or more placements", str(moved), percent])
        old, code, name = AUTHORITIES[-1]
        geo = _geo(year, "Local authority", old, code, name)
        rows.append([*geo, "Total children looked after", SMALL, SMALL])
        rows.append([*geo, "3 or more placements", "0", "0"])
    return write_csv(path, [*GEOGRAPHY, "characteristic", "number", "percent"], rows)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The workbook with the new publication on its sheets: the catalogue registered in one
    step, then one import; no parameters file edited by hand."""
    tmp = tmp_path_factory.mktemp("stability")
    root = workbook(tmp)
    (root / "stability.yml").write_text(CATALOGUE, encoding="utf-8")
    (root / "stability-map.yml").write_text(MAPPING, encoding="utf-8")
    source = _publication(tmp / "stability.csv")
    added = run_cli("catalogue", "add", "stability.yml", cwd=root)
    assert added.returncode == 0, added.stderr
    imported = run_cli("import", "dfe-ees", str(source), "--mapping", "stability-map.yml", cwd=root)
    assert imported.returncode == 0, imported.stderr
    return root, source, added.stdout, imported.stdout


def test_one_command_puts_a_new_sheet_in_every_book(published):
    root, _, said, _ = published
    assert "registered stability.yml under `catalogues:`" in said
    assert "new sheet placement-stability: placements-3-plus" in said
    assert "added placement-stability to the defaults' sheets for partnership areas" in said
    defaults = (root / "parameters" / "defaults.yml").read_text()
    assert "- stability.yml" in defaults
    assert "# Settings for books from published statistics" in defaults  # comment kept
    built = run_cli("build", "--area", "northby", "--period", "2023-24", cwd=root)
    assert built.returncode == 0, built.stderr
    assert "on no sheet" not in built.stderr
    html = (root / "output" / "northby" / "2023-24" / "report-book.html").read_text()
    assert 'id="sheet-placement-stability"' in html


def test_a_total_row_is_the_denominator_in_one_mapping_and_twice_gives_the_same_file(
    published,
):
    root, source, _, said = published
    assert "rows rejected: none" in said
    extract = root / "data" / "imported" / "stability.csv"
    rows = {(r["area_code"], r["period"]): r for r in csv.DictReader(extract.open())}
    assert rows[("E06000901", "2022-23")]["denominator"] == "100"
    assert rows[("E06000901", "2022-23")]["numerator"] == "13"
    before = extract.read_bytes()
    again = run_cli("import", "dfe-ees", str(source), "--mapping", "stability-map.yml", cwd=root)
    assert again.returncode == 0, again.stderr
    assert extract.read_bytes() == before


def test_figures_as_published_whole_numbers_a_zero_and_no_empty_years(published):
    root, _, _, _ = published
    for area in ("northby", "downton"):
        built = run_cli("build", "--area", area, "--period", "2023-24", cwd=root)
        assert built.returncode == 0, built.stderr
    northby = data_table(
        (root / "output" / "northby" / "2023-24" / "report-book.html").read_text(), TITLE
    )
    # the defaults' 13-year trend starts at the publication's first year, not eleven [x]
    assert list(northby) == ["2022-23", "2023-24"]
    assert northby["2022-23"][0] == "13%" and northby["2023-24"][0] == "10%"
    downton = data_table(
        (root / "output" / "downton" / "2023-24" / "report-book.html").read_text(), TITLE
    )
    assert downton["2023-24"][0] == "0%", "a published 0 whose base was withheld stays 0"
    html = (root / "output" / "northby" / "2023-24" / "report-book.html").read_text()
    assert "up 0.0" not in html and "down 0.0" not in html


def test_a_where_typo_exits_1_naming_the_values_and_keeps_the_previous_extract(published, tmp_path):
    root, source, _, _ = published
    extract = root / "data" / "imported" / "stability.csv"
    before = extract.read_bytes()
    (root / "stability-map.yml").write_text(
        MAPPING.replace("{characteristic: 3 or more placements}", "{characteristic: 3+ moves}")
    )
    try:
        typo = run_cli("import", "dfe-ees", str(source), "--mapping", "stability-map.yml", cwd=root)
    finally:
        (root / "stability-map.yml").write_text(MAPPING)
    assert typo.returncode == 1
    assert "characteristic '3+ moves' is in no row" in typo.stderr
    assert "'3 or more placements'" in typo.stderr and "'Total children looked after'" in (
        typo.stderr
    )
    assert extract.read_bytes() == before


def test_two_mappings_giving_the_same_returns_are_refused_naming_both(published):
    root, source, _, _ = published
    (root / "copy.yml").write_text(MAPPING.replace("mapping: stability", "mapping: copy"))
    twice = run_cli("import", "dfe-ees", str(source), "--mapping", "copy.yml", cwd=root)
    assert twice.returncode == 1
    assert "copy.csv would give" in twice.stderr and "stability.csv already gives" in twice.stderr
    assert not (root / "data" / "imported" / "copy.csv").exists()


def test_mapping_mistakes_are_said_with_the_fix(published):
    root, source, _, _ = published
    cases = {
        MAPPING.replace("    value: percent\n", "    valeu: percent\n"): (
            "measures.0.valeu: unknown key; the keys here are: measure, numerator"
        ),
        MAPPING.replace("placements-3-plus", "placements-4-plus"): (
            "register that with `qareport catalogue add FILE.yml`"
        ),
        MAPPING.replace("    denominator_where", "    # denominator_where"): (
            "placements-3-plus is a percent; give its denominator"
        ),
    }  # fmt: skip
    for text, words in cases.items():
        (root / "wrong.yml").write_text(text)
        done = run_cli("import", "dfe-ees", str(source), "--mapping", "wrong.yml", cwd=root)
        assert done.returncode == 1 and words in done.stderr, done.stderr


def test_an_id_a_built_in_catalogue_has_must_say_it_replaces_it(published):
    root, _, _, _ = published
    (root / "mine.yml").write_text(
        "catalogue: mine\ncontent_areas:\n  - id: front-door\n    measures: [referrals-rate]\n"
    )
    done = run_cli("catalogue", "add", "mine.yml", cwd=root)
    assert done.returncode == 1
    assert "'front-door' is already defined by the built-in catalogue" in done.stderr
    assert "replaces: true" in done.stderr
    assert "mine.yml" not in (root / "parameters" / "defaults.yml").read_text()


def test_sheets_follow_the_defaults_with_additions_and_removals(published):
    root, _, _, _ = published
    area = root / "parameters" / "eastby.yml"
    before = area.read_text()
    area.write_text(
        "\n".join(line for line in before.splitlines() if not line.startswith("# Generated"))
        + "\nsections: [-front-door]\n"
    )
    try:
        shown = run_cli("build", "--area", "eastby", "--period", "2023-24", cwd=root)
    finally:
        area.write_text(before)
    assert shown.returncode == 0, shown.stderr
    html = (root / "output" / "eastby" / "2023-24" / "report-book.html").read_text()
    assert 'id="sheet-placement-stability"' in html and 'id="sheet-front-door"' not in html


def test_validate_says_alike_problems_once_with_a_count(published):
    root, _, _, _ = published
    bad = root / "data" / "imported" / "by-hand.csv"
    bad.write_text(
        "area_code,period,measure_id,numerator,denominator\n"
        + "".join(f"E06000901,20{n}-{n + 1},placements-3-plus,9,{n - 10}\n" for n in (12, 13, 14))
    )
    try:
        checked = run_cli("validate", cwd=root)
    finally:
        bad.unlink()
    lines = [line for line in checked.stdout.splitlines() if "by-hand.csv" in line]
    assert len(lines) == 1, checked.stdout
    assert "(and 2 more rows like it: rows 3, 4)" in lines[0]
