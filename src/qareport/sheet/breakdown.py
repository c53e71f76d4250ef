"""A partnership's measures by member agency, and a quarter's figures by team or locality.

A partnership book shows each member agency's figures side by side, so a board
sees who returned what; an agency expected to return a measure (its `returns`
in parameters, or any return it made in the window) that made none for the
latest period is shown as missing, never silently left out. The quarterly
edition adds the variation between teams: each team's figure against funnel
limits around the pooled figure, so a team that differs by more than chance is
named.
"""

from __future__ import annotations

import math

import pandas as pd

from qareport.config.catalogue import Measure, Unit
from qareport.config.markers import NOT_AVAILABLE
from qareport.config.parameters import AreaParameters, Suppression
from qareport.config.periods import Period
from qareport.sheet.measures import compute_values, display
from qareport.sheet.model import AgencyLine, TeamRow
from qareport.sheet.stats import funnel_position
from qareport.sheet.suppression import protect_parts
from qareport.sheet.wording import funnel_words

__all__ = ["agency_lines", "team_variation"]

MISSING = "return missing"


def _by(
    raw: pd.DataFrame, column: str, measure: Measure, settings: Suppression, whole: pd.DataFrame
) -> pd.DataFrame:
    """Values with `column` (agency or team) standing in for the area: one series each,
    small numbers withheld, and where one part is withheld of a whole the sheet shows
    (`whole`: every return the area's own figure is made from), another too (so the
    withheld part cannot be found by subtraction)."""
    split = raw.assign(area_code=raw[column])
    values = compute_values(split, {measure.id: measure}, settings)
    if not settings.enabled or values.empty:
        return values
    plain = compute_values(split, {measure.id: measure}, Suppression(enabled=False))
    wholes = whole.groupby(["measure_id", "period"])["numerator"].sum(min_count=1)
    return protect_parts(values, plain, wholes)


def agency_lines(
    measure: Measure,
    raw: pd.DataFrame,
    *,
    area: AreaParameters,
    periods: list[Period],
    settings: Suppression,
) -> list[AgencyLine]:
    """One line per member agency that returns (or should return) this measure."""
    mine = raw[(raw["area_code"] == area.code) & (raw["measure_id"] == measure.id)]
    returned = set(mine["agency"]) - {""}
    expected = [m for m in area.members if measure.id in m.returns or m.id in returned]
    if not expected:
        return []
    labels = [p.label for p in periods]
    values = (
        _by(mine[mine["agency"] != ""], "agency", measure, settings, mine) if returned else None
    )
    lines = []
    for member in expected:
        texts: list[str] = []
        numbers: list[float | None] = []
        for label in labels:
            row = None
            if values is not None:
                here = values[(values["area_code"] == member.id) & (values["period"] == label)]
                row = here.iloc[0] if len(here) else None
            number = None if row is None or math.isnan(row["value"]) else float(row["value"])
            numbers.append(number)
            if row is None:
                texts.append(MISSING)
            elif number is None:
                texts.append(row["marker"] or NOT_AVAILABLE)
            else:
                texts.append(display(measure, number))
        lines.append(
            AgencyLine(
                agency=member.id,
                name=member.name,
                latest=texts[-1],
                missing=texts[-1] == MISSING,
                series=texts,
                values=numbers,
            )
        )
    return lines


def team_variation(
    measure: Measure, raw: pd.DataFrame, *, area: AreaParameters, period: str, settings: Suppression
) -> tuple[list[TeamRow], str]:
    """Each team's figure for the period, placed against 95% and 99.8% funnel limits."""
    mine = raw[
        (raw["area_code"] == area.code)
        & (raw["measure_id"] == measure.id)
        & (raw["period"] == period)
        & (raw["team"] != "")
    ]
    if mine["team"].nunique() < 2:
        return [], ""
    names = {m.id: m.name for m in area.members}
    keyed = mine
    if mine["agency"].nunique() > 1:  # name the agency only when teams of several agencies mix
        keyed = mine.assign(
            team=mine["agency"].map(lambda a: names.get(a, a)) + ": " + mine["team"]
        )
    whole = raw[
        (raw["area_code"] == area.code)
        & (raw["measure_id"] == measure.id)
        & (raw["period"] == period)
    ]
    values = _by(keyed, "team", measure, settings, whole)
    rows: list[TeamRow] = []
    pool = values.dropna(subset=["value"])
    limits = None
    if measure.unit is not Unit.COUNT:
        pool = pool[pool["denominator"] > 0]
        if len(pool) >= 3:
            limits = (list(pool["numerator"]), [float(d) for d in pool["denominator"]])
    scale = measure.scale
    outside = 0
    for row in values.sort_values("area_code").itertuples(index=False):
        value = float(row.value)
        text = display(measure, value, row.marker if math.isnan(value) else "")
        where = ""
        if limits and not math.isnan(value) and row.denominator > 0:
            side, level = funnel_position(*limits, float(row.denominator), value / scale)
            where = funnel_words(side, level, brief=True)
            outside += level > 0
        n = "" if math.isnan(row.denominator) else f"{row.denominator:,.0f}"
        rows.append(TeamRow(team=row.area_code, value=text, base=n, position=where))
    summary = f"{len(rows)} teams or localities in {period}"
    if limits:
        summary += (
            f"; {outside} outside the 95% limits around the pooled figure"
            if outside
            else "; all within the 95% limits around the pooled figure (common variation)"
        )
    return rows, summary
