"""A partnership's measures by member agency, a quarter's figures by team or locality, and
any edition's figures by group of children (age band, gender, ethnicity, disability).

A partnership book shows each member agency's figures side by side, so a board
sees who returned what; an agency expected to return a measure (its `returns`
in parameters, or any return it made in the window) that made none for the
latest period is shown as missing, never silently left out. The quarterly
edition adds the variation between teams: each team's figure against funnel
limits around the pooled figure, so a team that differs by more than chance is
named.

Which returns make the area's own figure: a return with no team and no breakdown is
the whole of its agency's figure; teams' returns are pooled into it only where no such
return is given (a child in two teams is counted once in the whole, once in each team);
a breakdown's groups are never part of it.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from qareport.config.catalogue import Measure, Unit
from qareport.config.markers import NOT_AVAILABLE
from qareport.config.parameters import AreaParameters, Suppression
from qareport.config.periods import Period
from qareport.sheet.measures import compute_values, display
from qareport.sheet.model import AgencyLine, GroupCell, GroupRow, TeamRow
from qareport.sheet.stats import funnel_position
from qareport.sheet.suppression import protect_parts
from qareport.sheet.wording import funnel_words

__all__ = ["agency_lines", "group_rows", "team_variation", "whole_and_parts"]

MISSING = "return missing"
WHOLE_KEY = ["area_code", "period", "measure_id", "agency"]


def whole_and_parts(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The returns an area's figure is made of, and those that only break it down: every
    breakdown's group, and the teams of an agency that gave its whole itself."""
    if rows.empty or "breakdown" not in rows:
        return rows, rows.iloc[0:0]
    grouped = rows["breakdown"] != ""
    teamed = rows["team"] != ""
    given = rows[~grouped & ~teamed]
    whole_given = pd.MultiIndex.from_frame(rows[WHOLE_KEY]).isin(
        pd.MultiIndex.from_frame(given[WHOLE_KEY])
    )
    part = grouped | (teamed & whole_given)
    return rows[~part], rows[part]


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


def _period_rows(
    rows: pd.DataFrame, area: AreaParameters, measure: Measure, period: str
) -> pd.DataFrame:
    """The area's returns of the measure for the period."""
    return rows[
        (rows["area_code"] == area.code)
        & (rows["measure_id"] == measure.id)
        & (rows["period"] == period)
    ]


def team_variation(
    measure: Measure,
    raw: pd.DataFrame,
    *,
    parts: pd.DataFrame,
    area: AreaParameters,
    period: str,
    settings: Suppression,
) -> tuple[list[TeamRow], str]:
    """Each team's figure for the period, placed against 95% and 99.8% funnel limits
    (`raw`: the returns the area's figure is made of; `parts`: those breaking it down)."""
    returns = _period_rows(pd.concat([raw, parts]) if len(parts) else raw, area, measure, period)
    mine = returns[(returns["team"] != "") & (returns["breakdown"] == "")]
    if mine["team"].nunique() < 2:
        return [], ""
    names = {m.id: m.name for m in area.members}
    keyed = mine
    if mine["agency"].nunique() > 1:  # name the agency only when teams of several agencies mix
        keyed = mine.assign(
            team=mine["agency"].map(lambda a: names.get(a, a)) + ": " + mine["team"]
        )
    values = _by(keyed, "team", measure, settings, _period_rows(raw, area, measure, period))
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


def group_rows(
    measure: Measure,
    raw: pd.DataFrame,
    *,
    parts: pd.DataFrame,
    area: AreaParameters,
    period: str,
    settings: Suppression,
) -> list[GroupRow]:
    """The period's figure for each group of each breakdown the returns carry ("Gender:
    Female"), a row per breakdown, its groups in a reader's order; small groups withheld,
    and another with them where the groups add up to the area's figure."""
    mine = _period_rows(parts, area, measure, period)
    mine = mine[mine["breakdown"] != ""]
    if mine.empty:
        return []
    whole = _period_rows(raw, area, measure, period)
    split = mine["breakdown"].str.split(": ", n=1, expand=True)
    rows = []
    for by in sorted(split[0].unique(), key=_breakdown_order):
        these = mine[split[0] == by].assign(group=split[1][split[0] == by])
        values = _by(these, "group", measure, settings, whole)
        cells = []
        for row in sorted(values.itertuples(index=False), key=lambda r: group_order(r.area_code)):
            value = float(row.value)
            text = display(measure, value, row.marker if math.isnan(value) else "")
            base = "" if math.isnan(row.denominator) else f"{row.denominator:,.0f}"
            cells.append(GroupCell(group=row.area_code, value=text, base=base))
        rows.append(GroupRow(by=by, cells=cells))
    return rows


BREAKDOWN_ORDER = ("Age band", "Gender", "Ethnicity", "Disability")


def _breakdown_order(by: str) -> tuple[int, str]:
    """The framework's breakdowns in its order, then any other by name."""
    return (BREAKDOWN_ORDER.index(by) if by in BREAKDOWN_ORDER else len(BREAKDOWN_ORDER), by)


def group_order(group: str) -> tuple[int, float, str]:
    """Groups in the order a reader expects: unborn, then ages by their first number (so
    "5 to 9" before "10 to 15"), then the rest by name, and "Not recorded" last."""
    if group.casefold() in {"not recorded", "not known", "unknown"}:
        return (3, 0.0, group)
    if group == "Unborn":
        return (0, -2.0, group)
    if group.startswith("Under "):
        return (0, -1.0, group)
    leading = re.match(r"(\d+)", group)
    if leading:
        return (0, float(leading.group(1)), group)
    return (1, 0.0, group)
