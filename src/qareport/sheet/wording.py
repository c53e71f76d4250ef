"""Every sentence a sheet says about its figures, written in one place.

Alt text, the SPC and funnel sentences, the sample interval, the change on the
previous period and the rank among peers all come from here, so a chart's alt
text, the caption under it and the team table can never word the same finding
two ways. The renderers then lay these sentences out (qareport.render.captions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from qareport.config.catalogue import Measure, Polarity, Unit
from qareport.config.periods import Period, period_kind
from qareport.ingest.months import DERIVED_HOW
from qareport.sheet.formatting import format_change
from qareport.sheet.icons import icon_text
from qareport.sheet.model import MeasureView
from qareport.sheet.stats import XmR

__all__ = [
    "agency_alt",
    "change_text",
    "derived_sentence",
    "funnel_alt",
    "funnel_sentence",
    "funnel_words",
    "interval_text",
    "joint_sentence",
    "judge",
    "rank_text",
    "spc_alt",
    "spc_sentence",
    "trend_alt",
    "yearly_national_sentence",
]


def judge(measure: Measure, change: float) -> str:
    """Polarity-aware wording of a change: better, worse, no change, or just the direction."""
    if math.isnan(change):
        return "not comparable"
    if abs(change) < 1e-9:
        return "no change"
    if measure.polarity is Polarity.NEUTRAL:
        return "higher" if change > 0 else "lower"
    better = (change > 0) == (measure.polarity is Polarity.HIGHER_BETTER)
    return "better" if better else "worse"


def change_text(measure: Measure, latest: float, previous: float, previous_label: str) -> str:
    """'up 2.3 percentage points on 2024-25', or why there is no comparison."""
    if math.isnan(latest) or math.isnan(previous):
        return f"no comparison with {previous_label}"
    return f"{format_change(measure, latest - previous)} on {previous_label}"


def rank_text(measure: Measure, value: float, peer_values: list[float]) -> str:
    """'2nd best of 6' (the area and its peers) for directional measures; '' where not
    meaningful (counts, measures with no better direction, no value)."""
    values = [v for v in peer_values if not math.isnan(v)]
    if math.isnan(value) or not values or measure.polarity is Polarity.NEUTRAL:
        return ""
    if measure.unit is Unit.COUNT:
        return ""
    higher_better = measure.polarity is Polarity.HIGHER_BETTER
    better_than_us = sum(1 for v in values if (v > value if higher_better else v < value))
    position = better_than_us + 1
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(position if position < 20 else position % 10, "th")
    return f"{position}{suffix} best of {len(values) + 1}"


def funnel_words(side: str, level: int, *, brief: bool = False) -> str:
    """Where a value lies against funnel limits: level 0 within the 95% limits, 1 outside
    them but within the 99.8%, 2 outside the 99.8%. `brief` leaves out the 99.8% half of
    level 1, for narrow table columns."""
    if level == 0:
        return "within the 95% limits"
    if level == 1:
        return f"{side} the 95% limits" + ("" if brief else ", within the 99.8%")
    return f"{side} the 99.8% limits"


def funnel_sentence(areas: int, centre: str, side: str, level: int) -> str:
    return f"Against all {areas} areas (overall {centre}), {funnel_words(side, level)}."


def interval_text(low: float, high: float, n: float, low_base: int) -> str:
    """A Wilson interval and its sample size, with a warning when the sample is small."""
    text = f"95% interval {low * 100:.1f}% to {high * 100:.1f}% (n = {n:,.0f})"
    if n < low_base:
        text += f"; low base: fewer than {low_base} cases, read with care"
    return text


def spc_sentence(
    chart: XmR,
    labels: list[str],
    *,
    baseline: int,
    recalculated_from: str | None,
    variation: str,
    assurance: str,
) -> str:
    """SPC in words over the whole quarterly or monthly series (Making Data Count rules and
    icons)."""
    limits = "trial limits" if chart.trial else f"limits from the first {baseline}"
    if recalculated_from:
        limits += f", recalculated from {recalculated_from}"
    said = icon_text("variation", variation)
    if assurance not in ("none", "few"):  # no target: the icon says so, no sentence needed
        said += f". {icon_text('assurance', assurance)}"
    points = f"{len(chart.values)} {_points(labels)}"
    return f"SPC over {points}, {labels[0]} to {labels[-1]} ({limits}): {said}."


def _points(labels: list[str]) -> str:
    """What an SPC series' points are: quarters or months."""
    return f"{period_kind(labels[0])}s" if labels else "points"


def trend_alt(
    measure: Measure,
    view: MeasureView,
    *,
    area: str,
    peer_label: str,
    national_label: str,
    periods: list[Period],
) -> str:
    """One or two sentences: what is shown, the latest value, its direction and comparison."""
    kind = "Line chart" if len(periods) > 1 else "Chart"
    parts = [
        f"{kind} of {measure.title.lower()} for {area}, {periods[0].label} to {periods[-1].label}.",
        f"Latest ({view.latest_period}): {view.latest}, {view.change}"
        + (f" ({view.judgement})." if view.judgement not in ("not comparable",) else "."),
    ]
    if measure.unit is not Unit.COUNT and (view.peer or view.national):
        comparison = []
        if view.peer:
            comparison.append(f"{peer_label} mean {view.peer}")
        if view.region:
            comparison.append(view.region)
        if view.national:
            comparison.append(f"{national_label} {view.national}")
        parts.append("Compared with " + " and ".join(comparison) + ".")
    if view.interval:
        parts.append(view.interval[0].upper() + view.interval[1:] + ".")
    if view.spc:
        parts.append(view.spc)
    return " ".join(parts)


def agency_alt(measure: Measure, area: str, periods: list[Period], latest: str) -> str:
    return (
        f"Line chart of {measure.title.lower()} by member agency, {area}, "
        f"{periods[0].label} to {periods[-1].label}, one line per agency. "
        f"Latest ({periods[-1].label}): {latest}."
    )


def spc_alt(measure: Measure, area: str, chart: XmR, labels: list[str], variation: str) -> str:
    limits = "trial limits" if chart.trial else "limits"
    return (
        f"SPC chart (XmR) of {measure.title.lower()} for {area}, {len(chart.values)} "
        f"{_points(labels)}, {labels[0]} to {labels[-1]}, with the mean and process {limits}. "
        f"{icon_text('variation', variation)}; {sum(chart.special)} points show "
        "special cause."
    )


def funnel_alt(measure: Measure, period: str, areas: int, sentence: str) -> str:
    return (
        f"Funnel plot of {measure.title.lower()}, {period}: "
        f"{areas} areas by the size of their base. {sentence}"
    )


def joint_sentence(joint: Mapping[str, str], area_name: str) -> str:
    """Which periods on show are a joint return (period -> the joint return's note), said
    once per partner: 'Figures for 2023-24 and 2024-25 are a joint return with West
    Northamptonshire: one figure for both, counted once in every comparison.'"""
    by_note: dict[str, list[str]] = {}
    for period, note in joint.items():
        if note:
            by_note.setdefault(note, []).append(period)
    sentences = []
    for note, periods in by_note.items():
        when = periods[0] if len(periods) == 1 else ", ".join(periods[:-1]) + " and " + periods[-1]
        verb = "is a" if len(periods) == 1 else "are a"
        sentences.append(
            f"{'The figure' if len(periods) == 1 else 'Figures'} for {when} {verb} {note}: "
            f"one figure for {area_name} and its partner together, counted once in every "
            "comparison."
        )
    return " ".join(sentences)


def notes_sentence(notes: Mapping[str, str]) -> str:
    """The notes the extracts' rows on show carry (period -> note), by period: 'Notes on
    the returns: 2024-25: provisional.'"""
    said = [f"{period}: {note}" for period, note in notes.items() if note]
    return f"Notes on the returns: {'; '.join(said)}." if said else ""


def derived_sentence(made: dict[str, str]) -> str:
    """Which figures on show were made from monthly returns, and how, said once per rule:
    'Figures for 2025-26-Q1 to 2025-26-Q3 (3) are sums of monthly returns.'"""
    by_rule: dict[str, list[str]] = {}
    for period, rule in made.items():
        by_rule.setdefault(rule, []).append(period)
    sentences = []
    for rule, periods in by_rule.items():
        if len(periods) == 1:
            sentences.append(f"The figure for {periods[0]} is {DERIVED_HOW[rule]}.")
            continue
        when = (
            " and ".join(periods)
            if len(periods) == 2
            else f"{periods[0]} to {periods[-1]} ({len(periods)})"
        )
        sentences.append(f"Figures for {when} are {DERIVED_HOW[rule]}.")
    return " ".join(sentences)


def yearly_national_sentence(label: str, years: list[str], kind: str, differs: str) -> str:
    """A national comparator published only for years, beside a month's or quarter's local
    figures: said, so nobody reads a year's figure as the same period's."""
    said = (
        f"{label}: the published figure for the year {', '.join(years)} (the latest year at "
        f"or before each {kind}; published only for years), beside each {kind}'s local figure"
    )
    return said + (f". {differs}" if differs else ".")
