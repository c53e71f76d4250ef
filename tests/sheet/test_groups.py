"""Which returns make an area's figure, and the figure by group of children: a whole given
beside its teams is never added to them, teams without a whole are pooled, a breakdown's
groups never count towards the whole, and a small group is withheld with another so it
cannot be worked out from the area's figure."""

from __future__ import annotations

import math

import pandas as pd

from qareport.config.catalogue import load_catalogue
from qareport.config.parameters import AreaParameters, Suppression
from qareport.sheet.breakdown import group_rows, team_variation, whole_and_parts
from qareport.sheet.measures import compute_values

MEASURES = load_catalogue(["core", "casework"]).measures
COUNT = MEASURES["lac-started"]
SHARE = MEASURES["assessments-timely"]
AREA = AreaParameters(id="a", code="A", name="A", sections=["looked-after-cases"])
PERIOD = "2025-10"
OFF, ON = Suppression(enabled=False), Suppression()


def _rows(measure, rows) -> pd.DataFrame:
    """Returns for area A: (team, breakdown, numerator, denominator)."""
    return pd.DataFrame(
        [
            {
                "area_code": "A", "period": PERIOD, "measure_id": measure.id,
                "numerator": n, "denominator": d, "value": math.nan, "marker": "",
                "agency": "", "team": team, "breakdown": group,
            }
            for team, group, n, d in rows
        ]
    )  # fmt: skip


def _area_figure(measure, rows, settings=OFF) -> float:
    whole, _ = whole_and_parts(_rows(measure, rows))
    return float(compute_values(whole, MEASURES, settings)["value"].iloc[0])


def test_a_whole_given_beside_its_teams_is_the_figure():
    # a child in two teams: 7 children in all, 8 across the teams
    rows = [("", "", 7, math.nan), ("North", "", 5, math.nan), ("South", "", 3, math.nan)]
    assert _area_figure(COUNT, rows) == 7


def test_teams_with_no_whole_are_pooled():
    rows = [("North", "", 5, math.nan), ("South", "", 3, math.nan)]
    assert _area_figure(COUNT, rows) == 8


def test_a_breakdowns_groups_never_count_towards_the_whole():
    rows = [("", "", 30, 40), ("", "Gender: Female", 20, 22), ("", "Gender: Male", 10, 18)]
    assert _area_figure(SHARE, rows) == 75.0


def _groups(measure, rows, settings=ON):
    whole, parts = whole_and_parts(_rows(measure, rows))
    found = group_rows(measure, whole, parts=parts, area=AREA, period=PERIOD, settings=settings)
    return {r.by: [(c.group, c.value, c.base) for c in r.cells] for r in found}


def test_groups_come_in_a_readers_order_under_the_frameworks_breakdowns():
    rows = [("", "", 60, math.nan),
            ("", "Gender: Male", 31, math.nan), ("", "Gender: Female", 29, math.nan),
            ("", "Age band: 10 to 15", 20, math.nan), ("", "Age band: 5 to 9", 25, math.nan),
            ("", "Age band: Not recorded", 0, math.nan),
            ("", "Age band: Under 1", 15, math.nan)]  # fmt: skip
    shown = _groups(COUNT, rows)
    assert list(shown) == ["Age band", "Gender"]
    assert [g for g, _, _ in shown["Age band"]] == ["Under 1", "5 to 9", "10 to 15", "Not recorded"]
    assert shown["Gender"] == [("Female", "29", ""), ("Male", "31", "")]


def test_a_small_group_takes_the_next_smallest_with_it_when_they_add_up():
    rows = [("", "", 60, math.nan), ("", "Ethnicity: White", 40, math.nan),
            ("", "Ethnicity: Black", 3, math.nan),
            ("", "Ethnicity: Asian", 17, math.nan)]  # fmt: skip
    shown = {g: v for g, v, _ in _groups(COUNT, rows)["Ethnicity"]}
    assert shown == {"Asian": "[c]", "Black": "[c]", "White": "40"}


def test_a_share_by_group_shows_its_base():
    rows = [("", "", 30, 40), ("", "Disability: Disabled", 6, 8),
            ("", "Disability: Not disabled", 24, 32)]  # fmt: skip
    shown = _groups(SHARE, rows)["Disability"]
    assert shown == [("Disabled", "75.0%", "8"), ("Not disabled", "75.0%", "32")]


def test_teams_are_found_whether_or_not_the_whole_is_given():
    for rows in (
        [("", "", 90, 120), ("North", "", 50, 60), ("South", "", 40, 60)],
        [("North", "", 50, 60), ("South", "", 40, 60)],
    ):
        whole, parts = whole_and_parts(_rows(SHARE, rows))
        teams, _ = team_variation(SHARE, whole, parts=parts, area=AREA, period=PERIOD, settings=ON)
        assert [(t.team, t.value) for t in teams] == [("North", "83.3%"), ("South", "66.7%")]
