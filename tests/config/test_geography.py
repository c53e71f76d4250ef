"""The register as one lookup: every key an authority's figures come under leads to the code
its series is kept under, and a joint return's members in any spelling to one joint code."""

from __future__ import annotations

import pytest

from qareport.config.geography import Geography, is_joint, joint_members
from qareport.config.parameters import AreaParameters


def _area(code, name, *, former=(), old=None):
    area_id = name.lower().replace(" ", "-")
    return AreaParameters(
        id=area_id, code=code, name=name, former_codes=list(former), old_la_code=old,
        sections=["front-door"],
    )  # fmt: skip


@pytest.fixture
def geography():
    areas = [
        _area("E08000038", "Barnsley", former=["E08000016"], old="370"),
        _area("E06000061", "North Northamptonshire", old="940"),
        _area("E06000062", "West Northamptonshire", old="941"),
    ]
    return Geography.of(areas, [a.keys for a in areas], {"E92000001", "E12000004"})


@pytest.mark.parametrize("key", ["E08000038", "E08000016", "370", "e08000016", " E08000038 "])
def test_every_key_of_an_area_leads_to_its_current_code(geography, key):
    assert geography.resolve(key) == "E08000038"
    assert geography.canonical(key) == "E08000038"


@pytest.mark.parametrize(
    "code",
    [
        "E06000061 / E06000062",
        "E06000062/E06000061",
        "E06000061 & E06000062",
        "940 / 941",
        "e06000062, E06000061",
    ],
)
def test_a_joint_return_in_any_spelling_is_one_joint_code(geography, code):
    assert is_joint(code)
    joint = geography.canonical(code)
    assert joint == "E06000061 / E06000062"
    assert geography.accepts(joint)
    assert geography.joint_with(joint, "E06000061") == "joint return with West Northamptonshire"


def test_unknown_codes_stay_as_they_came_and_are_not_accepted(geography):
    for code in ("E06000099", "E06000061 / E06000099", "E06000061 / E92000001"):
        assert geography.canonical(code) == code
        assert not geography.accepts(code)
    assert geography.canonical("E06000061 / 940") == "E06000061", "one member twice is itself"
    assert joint_members("E09000021 / E09000027") == ["E09000021", "E09000027"]


def test_an_older_key_is_tried_when_the_code_is_new_to_the_register(geography):
    assert geography.area_of("E08000099", "370") == "E08000038"
    assert geography.area_of("E92000001") is None, "a comparator is not an area"
