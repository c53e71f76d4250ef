"""Secondary suppression across teams and member agencies: a withheld part can never be
worked out by subtracting the parts shown from the area's own figure."""

from __future__ import annotations

import math

import pandas as pd

from qareport.config.catalogue import load_catalogue
from qareport.config.parameters import AreaParameters, Suppression
from qareport.config.periods import parse_period
from qareport.sheet.breakdown import agency_lines, team_variation

MEASURES = load_catalogue(["core"]).measures
COUNT = MEASURES["da-incidents-children"]
SHARE = MEASURES["cp-repeat-plans"]
ON = Suppression()


def _raw(rows, measure) -> pd.DataFrame:
    """Returns for area A: (agency, team, numerator, denominator)."""
    return pd.DataFrame(
        [
            {
                "area_code": "A", "period": "2025-26-Q1", "measure_id": measure.id,
                "numerator": n, "denominator": d, "value": math.nan, "marker": "",
                "agency": agency, "team": team, "breakdown": "",
            }
            for agency, team, n, d in rows
        ]
    )  # fmt: skip


AREA = AreaParameters(
    id="a",
    code="A",
    name="A",
    sections=["domestic-abuse"],
    members=[
        {"id": "police", "name": "Police", "kind": "police"},
        {"id": "health", "name": "Health", "kind": "health"},
        {"id": "education", "name": "Education", "kind": "education"},
    ],
)


def _teams(rows, measure=COUNT, settings=ON):
    raw = _raw(rows, measure)
    teams, _ = team_variation(
        measure, raw, parts=raw.iloc[0:0], area=AREA, period="2025-26-Q1", settings=settings
    )
    return {t.team: t.value for t in teams}


def test_one_small_team_takes_the_next_smallest_with_it():
    shown = _teams([("", "North", 3, math.nan), ("", "South", 40, math.nan),
                    ("", "East", 12, math.nan)])  # fmt: skip
    assert shown == {"East": "[c]", "North": "[c]", "South": "40"}


def test_two_small_teams_already_protect_each_other():
    shown = _teams([("", "North", 3, math.nan), ("", "South", 40, math.nan),
                    ("", "East", 2, math.nan)])  # fmt: skip
    assert shown == {"East": "[c]", "North": "[c]", "South": "40"}


def test_a_whole_holding_more_than_the_teams_gives_nothing_away():
    # returns with no team count in the area's figure but in no team's: no subtraction
    shown = _teams([("", "North", 3, math.nan), ("", "South", 40, math.nan),
                    ("", "East", 12, math.nan), ("", "", 9, math.nan)])  # fmt: skip
    assert shown == {"East": "12", "North": "[c]", "South": "40"}


def test_no_secondary_suppression_when_suppression_is_off():
    shown = _teams(
        [("", "North", 3, math.nan), ("", "South", 40, math.nan)],
        settings=Suppression(enabled=False),
    )
    assert shown == {"North": "3", "South": "40"}


def test_a_percentage_withholds_the_next_smallest_numerator_and_its_small_base():
    shown = _teams(
        [("", "North", 2, 3), ("", "South", 30, 60), ("", "East", 10, 20)], measure=SHARE
    )
    assert shown["North"] == "[c]" and shown["East"] == "[c]" and shown["South"] == "50.0%"


def test_one_small_agency_return_takes_another_agency_with_it():
    raw = _raw([("police", "", 3, math.nan), ("health", "", 50, math.nan),
                ("education", "", 20, math.nan)], COUNT)  # fmt: skip
    lines = agency_lines(COUNT, raw, area=AREA, periods=[parse_period("2025-26-Q1")], settings=ON)
    latest = {line.agency: line.latest for line in lines}
    assert latest == {"police": "[c]", "health": "50", "education": "[c]"}
