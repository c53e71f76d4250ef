"""Where one measure's figures lie against chance: SPC over the area's own series
(quarterly and monthly books) and a funnel plot among all areas (annual books).

Each result holds what the sheet says in words, its icon codes and what its chart
draws, so the words and the chart never disagree. A statistic never stops a sheet:
a series the limits cannot be computed for is said, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qareport.config.catalogue import Measure
from qareport.config.periods import parse_period
from qareport.sheet.context import SheetFrames, SPCSettings
from qareport.sheet.formatting import format_value
from qareport.sheet.measures import display
from qareport.sheet.model import Limits
from qareport.sheet.stats import (
    FunnelLimits,
    XmR,
    assurance_code,
    funnel_limits,
    funnel_position,
    variation_code,
    xmr,
)
from qareport.sheet.wording import funnel_sentence, spc_sentence

__all__ = ["MIN_FUNNEL_AREAS", "MIN_SPC_POINTS", "Funnel", "Spc", "funnel_for", "spc_for"]

MIN_SPC_POINTS = 6  # fewer: no SPC chart at all; 6 to 12: trial limits; icons from 13
MIN_FUNNEL_AREAS = 5


@dataclass(frozen=True)
class Spc:
    """SPC over the area's whole quarterly or monthly series: the chart, its words and its
    icons."""

    labels: list[str]
    values: list[float]
    texts: list[str]
    chart: XmR
    sentence: str
    variation: str
    assurance: str
    target: float | None = None

    def limits(self) -> list[Limits]:
        """Each point's mean and limits, for the data table and the spreadsheet."""
        chart = self.chart
        return [
            Limits(period=label, value=v, lower=low, mean=centre, upper=high, special=special)
            for label, v, low, centre, high, special in zip(
                self.labels,
                chart.values,
                chart.lower,
                chart.mean,
                chart.upper,
                chart.special,
                strict=True,
            )
        ]


def spc_for(measure: Measure, history: pd.DataFrame, settings: SPCSettings) -> Spc | None:
    """SPC in words, codes and chart data over every quarter (or month) with a value
    (withheld and missing ones are left out), or None with too few points (or a series the
    limits cannot be computed for)."""
    if not len(history):
        return None
    rows = history.dropna(subset=["value"]).sort_values("period")
    if len(rows) < MIN_SPC_POINTS:
        return None
    labels = [str(p) for p in rows["period"]]
    values = [float(v) for v in rows["value"]]
    cut = _change_index(labels, settings.change_point)
    try:
        chart = xmr(values, [cut] if cut else [], settings.baseline)
    except (ValueError, ArithmeticError):
        return None
    higher = measure.higher_is_better
    variation = variation_code(chart, higher)
    assurance = assurance_code(chart, settings.target, higher)
    sentence = spc_sentence(
        chart,
        labels,
        baseline=settings.baseline,
        recalculated_from=labels[cut] if cut else None,
        variation=variation,
        assurance=assurance,
    )
    texts = [display(measure, v, short=True) for v in values]
    return Spc(labels, values, texts, chart, sentence, variation, assurance, settings.target)


def _change_index(labels: list[str], change_point: str | None) -> int | None:
    """The first point on or after the declared change, from which the limits are
    recalculated (a change declared as a quarter applies to a monthly series from the
    quarter's first month)."""
    if not change_point:
        return None
    change = parse_period(change_point).start_date
    return next(
        (n for n, label in enumerate(labels) if parse_period(label).start_date >= change), None
    )


@dataclass(frozen=True)
class Funnel:
    """Where the area lies among all areas, in words, and what the funnel plot draws."""

    sentence: str
    others: list[tuple[float, float]]  # (base, value) of every other area
    mine: tuple[float, float]
    limits: FunnelLimits
    position: str = ""  # within | beyond 95% | beyond 99.8%, for the board summary


def funnel_for(
    measure: Measure, frames: SheetFrames, period: str, code: str
) -> Funnel | str | None:
    """The funnel plot, or why there is none in words; None when the area has no value."""
    if measure.funnel_method == "none":
        return (
            "No funnel plot: this is an average or ratio (it can exceed one per unit), "
            "which has no funnel limits."
        )
    try:
        return _funnel_plot(measure, frames, period, code)
    except (ValueError, ArithmeticError) as exc:
        return f"No funnel plot: the limits cannot be computed ({exc})."


def _funnel_plot(
    measure: Measure, frames: SheetFrames, period: str, code: str
) -> Funnel | str | None:
    values, raw = frames.values, frames.raw
    scale = measure.scale
    here = values[(values["measure_id"] == measure.id) & (values["period"] == period)]
    shown = here.dropna(subset=["value", "denominator"])
    shown = shown[shown["denominator"] > 0]
    pool = raw[(raw["measure_id"] == measure.id) & (raw["period"] == period)]
    pool = pool[pool["marker"] == ""].dropna(subset=["numerator", "denominator"])
    pool = pool[pool["denominator"] > 0]
    mine = shown[shown["area_code"] == code]
    if not len(mine):
        return None
    if len(pool) < MIN_FUNNEL_AREAS:
        return f"No funnel plot: fewer than {MIN_FUNNEL_AREAS} areas have a value for {period}."
    others = shown[shown["area_code"] != code]
    points = list(zip(others["denominator"], others["value"], strict=True))
    n, value = float(mine["denominator"].iloc[0]), float(mine["value"].iloc[0])
    sizes = [float(d) for d in pool["denominator"]]
    low, high = min([*sizes, n]) * 0.8, max([*sizes, n]) * 1.25
    grid = [low * (high / low) ** (k / 60) for k in range(61)]
    method = measure.funnel_method
    limits = funnel_limits(list(pool["numerator"]), sizes, grid, method)
    side, level = funnel_position(list(pool["numerator"]), sizes, n, value / scale, method)
    centre = format_value(measure, limits.centre * scale)
    position = "within" if not level else f"beyond {('95%', '99.8%')[level - 1]} ({side})"
    sentence = funnel_sentence(len(pool), centre, side, level)
    return Funnel(sentence, points, (n, value), limits, position)
