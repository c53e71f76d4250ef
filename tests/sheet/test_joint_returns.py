"""A joint return on a member's sheet: the member's own figure for those periods, said to be
joint, and still one return everywhere else; a period with the member's own return keeps it."""

from __future__ import annotations

import math

import pandas as pd

from qareport.config.geography import Geography
from qareport.config.parameters import AreaParameters
from qareport.sheet.joint import joint_codes_among, take_joint_returns

JOINT = "E06000061 / E06000062"


def _geography():
    areas = [
        AreaParameters(id=i, code=c, name=n, sections=["front-door"])
        for i, c, n in (
            ("north", "E06000061", "North Northamptonshire"),
            ("west", "E06000062", "West Northamptonshire"),
            ("other", "E06000001", "Other"),
        )
    ]
    return Geography.of(areas, [a.keys for a in areas], set())


def _rows(*rows):
    frame = pd.DataFrame(
        rows, columns=["area_code", "period", "measure_id", "numerator", "denominator"]
    )
    return frame.assign(agency="", team="", breakdown="", value=math.nan, marker="")


def test_the_joint_figure_becomes_the_members_own_and_is_said_to_be_joint():
    raw = _rows(
        (JOINT, "2024-25", "m", 700.0, 41.3),
        (JOINT, "2023-24", "m", 650.0, 40.0),
        ("E06000061", "2023-24", "m", 300.0, 20.0),  # its own return that year: kept
        ("E06000001", "2024-25", "m", 100.0, 10.0),
    )
    moved, notes = take_joint_returns(raw, "E06000061", _geography())
    mine = moved[moved["area_code"] == "E06000061"].set_index("period")
    assert mine.loc["2024-25", "numerator"] == 700.0
    assert mine.loc["2023-24", "numerator"] == 300.0
    assert notes == {("m", "2024-25"): "joint return with West Northamptonshire"}
    assert len(moved) == 3, "the joint return is kept once: no copy left under the joint code"
    assert not (moved["area_code"] == JOINT).any()


def test_another_areas_sheet_sees_the_joint_return_once_in_its_comparisons():
    raw = _rows((JOINT, "2024-25", "m", 700.0, 41.3), ("E06000001", "2024-25", "m", 1.0, 2.0))
    moved, notes = take_joint_returns(raw, "E06000001", _geography())
    assert notes == {} and moved.equals(raw)
    peers = ["E06000061", "E06000062"]
    assert joint_codes_among(moved["area_code"], peers, "E06000001") == [JOINT]
    assert joint_codes_among(moved["area_code"], peers, "E06000061") == []
