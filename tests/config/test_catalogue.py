from pathlib import Path

import pytest

from qareport import CatalogueError, load_catalogue
from qareport.config.catalogue import MeasureType


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
        "catalogue: ours\ncontent_areas:\n  - id: front-door\n    replaces: true\n"
        "    good: {outcome: [Our own statement.], quality: []}\n",
    )
    catalogue = load_catalogue(["core", ref])
    assert catalogue.area("front-door").good.outcome == ["Our own statement."]
    assert catalogue.area("front-door").title == "Children's social care front door"


def test_a_built_in_id_reused_without_replaces_is_refused_naming_what_it_would_drop(tmp_path):
    ref = write(
        tmp_path / "ours.yml",
        "catalogue: ours\ncontent_areas:\n  - id: front-door\n    measures: [referrals-rate]\n",
    )
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(["core", ref])
    message = str(raised.value)
    assert "'front-door' is already defined by the built-in catalogue core.yml" in message
    assert "add `replaces: true`" in message and "re-referrals-12m" in message
    fresh = write(
        tmp_path / "fresh.yml",
        "catalogue: fresh\ncontent_areas:\n  - id: our-own\n    replaces: true\n",
    )
    with pytest.raises(CatalogueError, match="nothing to replace"):
        load_catalogue(["core", fresh])


FRAMEWORK_AREAS = {
    "Practice: priority service areas": {"cp-cin-planning", "antenatal-support", "front-door"},
    "Practice: vulnerable groups of children": {
        "missed-health-appointments",
        "not-registered-gp",
        "missing-education",
        "secure-estate",
        "looked-after-children",
    },
    "Practice: specific risk issues": {
        "domestic-abuse",
        "parental-mental-health",
        "parental-substance-misuse",
    },
    "Practice: partnership working": {"partnership-working"},
    "Organisational and practitioner": {
        "workforce",
        "learning-development",
        "supervision-support",
        "organisational-culture",
        "resources-evidence",
    },
    "Wider picture": {"poverty-housing"},
}
POLICE_PRACTICE = {
    "police-domestic-abuse",
    "police-children-in-need",
    "police-information-sharing",
    "police-protection-powers",
    "police-section-47",
    "police-sex-offenders",
    "police-missing-children",
    "police-cse",
    "police-custody",
}


def _complete(catalogue, area_id):
    area = catalogue.area(area_id)
    assert area.why.strip() and area.good.outcome and area.good.quality and area.questions
    assert len(area.methods) == 4, f"{area_id}: sources and methods for every information type"
    assert {m.type for m in catalogue.measures_of(area_id)} == set(MeasureType), area_id
    for m in catalogue.measures_of(area_id):
        assert m.numerator, f"{m.id} defines its numerator"
        assert not m.needs_denominator or m.denominator, f"{m.id} defines its denominator"


def test_framework_catalogue_covers_every_content_area_in_its_groups():
    catalogue = load_catalogue(["framework"])
    groups: dict[str, set[str]] = {}
    for area in catalogue.content_areas.values():
        groups.setdefault(area.group, set()).add(area.id)
    assert groups == FRAMEWORK_AREAS
    for area_id in catalogue.content_areas:
        _complete(catalogue, area_id)


def test_police_catalogue_has_the_five_topics_and_nine_practice_areas():
    catalogue = load_catalogue(["police"])
    topics = {a.id for a in catalogue.content_areas.values() if a.group == "Inspection topics"}
    practice = {
        a.id for a in catalogue.content_areas.values() if a.group == "Inspected practice areas"
    }
    assert len(topics) == 5 and practice == POLICE_PRACTICE
    for area_id in catalogue.content_areas:
        _complete(catalogue, area_id)
    journey = catalogue.audits["childs-journey"]
    scorings = {c.scoring.value for s in journey.steps for c in s.criteria}
    assert scorings == {"yes-no", "score-1-5", "evidence"}
    assert len(journey.steps) == 9


AUDIT = """catalogue: a
measures:
  - {id: pct, title: P, type: quality, source: case-records, unit: percent,
     polarity: higher-is-better, numerator: n, denominator: d}
  - {id: cnt, title: C, type: quantity, source: case-records, unit: count,
     polarity: no-direction, numerator: n}
audits:
  - id: journey
    title: J
    steps:
      - id: one
        title: One
        criteria:
          - {id: c1, text: T, scoring: %s, measure: %s}
"""


@pytest.mark.parametrize(
    ("scoring", "measure", "message"),
    [
        ("evidence", "pct", r"audits\.journey\.one\.c1\.measure: an evidence-only criterion"),
        ("yes-no", "nope", r"audits\.journey\.one\.c1\.measure: 'nope' is not a declared measure"),
        ("score-1-5", "cnt", r"audits\.journey\.one\.c1\.measure: 'cnt' must be a percent"),
        ("stars", "pct", r"audits\.journey\.steps\.0\.criteria\.0\.scoring"),
    ],
)
def test_audit_criteria_are_checked_against_scoring_and_measures(
    tmp_path, scoring, measure, message
):
    ref = write(tmp_path / "audit.yml", AUDIT % (scoring, measure))
    with pytest.raises(CatalogueError, match=r"audit\.yml: " + message):
        load_catalogue([ref])
    good = write(tmp_path / "ok.yml", AUDIT % ("score-1-5", "pct"))
    assert load_catalogue([good]).audits["journey"].steps[0].criteria[0].measure == "pct"


def test_includes_load_first_and_a_loop_is_an_error(tmp_path):
    ours = write(
        tmp_path / "ours.yml",
        "catalogue: ours\ninclude: [framework]\ncontent_areas:\n  - id: workforce\n"
        "    replaces: true\n    why: Our own reason.\n",
    )
    catalogue = load_catalogue([ours])
    assert catalogue.area("workforce").why == "Our own reason."
    assert "cp-cin-planning" in catalogue.content_areas  # core, via framework
    write(tmp_path / "a.yml", "catalogue: a\ninclude: [b.yml]\n")
    write(tmp_path / "b.yml", "catalogue: b\ninclude: [a.yml]\n")
    with pytest.raises(CatalogueError, match=r"includes itself in a loop"):
        load_catalogue([str(tmp_path / "a.yml")])
