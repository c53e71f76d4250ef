from pathlib import Path

import pytest

from qareport import CatalogueError, load_catalogue
from qareport.catalogue import MeasureType


def test_core_catalogue_has_four_areas_each_with_all_three_types():
    catalogue = load_catalogue(["core"])
    assert len(catalogue.content_areas) == 4
    for area_id in catalogue.content_areas:
        types = {m.type for m in catalogue.measures_of(area_id)}
        assert types == set(MeasureType), area_id


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_unknown_key_is_named_with_the_file(tmp_path):
    ref = write(tmp_path / "local.yml", "catalogue: local\nmesures: []\n")
    with pytest.raises(CatalogueError, match=r"local\.yml: mesures"):
        load_catalogue([ref])


def test_dangling_measure_reference_names_file_and_key(tmp_path):
    ref = write(
        tmp_path / "local.yml",
        "catalogue: local\ncontent_areas:\n  - id: x\n    title: X\n    group: g\n    why: w\n"
        "    good: {}\n    measures: [no-such-measure]\n",
    )
    with pytest.raises(CatalogueError, match=r"local\.yml: content_areas\.x\.measures.*no-such"):
        load_catalogue([ref])


def test_duplicate_id_and_unknown_type_are_errors(tmp_path):
    measure = (
        "  - {id: m, title: M, type: %s, source: case-records, unit: count, "
        "polarity: no-direction}\n"
    )
    dup = write(tmp_path / "dup.yml", "catalogue: d\nmeasures:\n" + measure % "quality" * 2)
    with pytest.raises(CatalogueError, match="duplicate id 'm'"):
        load_catalogue([dup])
    bad = write(tmp_path / "bad.yml", "catalogue: b\nmeasures:\n" + measure % "quantityy")
    with pytest.raises(CatalogueError, match=r"bad\.yml: measures\.m\.type"):
        load_catalogue([bad])


def test_a_local_file_overrides_good_statements_without_editing_the_package(tmp_path):
    ref = write(
        tmp_path / "ours.yml",
        "catalogue: ours\ncontent_areas:\n  - id: front-door\n"
        "    good: {outcome: [Our own statement.], quality: []}\n",
    )
    catalogue = load_catalogue(["core", ref])
    assert catalogue.area("front-door").good.outcome == ["Our own statement."]
    assert catalogue.area("front-door").title == "Children's social care front door"
