"""One measure of a sheet, as the page shows it: its series on show, the latest figure
against its comparators and a year before, its SPC or funnel, its breakdowns by member
agency and team, and its charts.

`measure_view` reads as the steps it takes; each step is a short function taking the
record the one before it made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from qareport.config.catalogue import Measure, Source, Unit
from qareport.config.markers import NOT_AVAILABLE, SUPPRESSED
from qareport.config.periods import Period, period_kind
from qareport.sheet.breakdown import agency_lines, group_rows, team_variation
from qareport.sheet.chart_kinds import MeasureFigures, draw_charts
from qareport.sheet.charts import TrendSeries
from qareport.sheet.context import SheetContext, SheetFrames
from qareport.sheet.formatting import format_count
from qareport.sheet.measures import (
    NO_COMPARISON,
    Comparison,
    comparator_table,
    comparators,
    display,
    quartile_band,
)
from qareport.sheet.model import MeasureView, Point
from qareport.sheet.stats import wilson_interval
from qareport.sheet.variation import Funnel, Spc, funnel_for, spc_for
from qareport.sheet.wording import (
    change_text,
    derived_sentence,
    interval_text,
    joint_sentence,
    judge,
    notes_sentence,
    rank_text,
    yearly_national_sentence,
)

__all__ = ["measure_view"]

SAMPLED = (Source.CASE_RECORDS, Source.CHILDREN_PARENTS, Source.FRONTLINE_STAFF)


def measure_view(measure: Measure, *, context: SheetContext, frames: SheetFrames) -> MeasureView:
    """Everything the sheet shows for one measure, with its charts and breakdowns."""
    shown = _on_show(measure, context, frames)
    latest = shown.periods[-1]
    spc = (
        None if latest.is_year else spc_for(measure, frames.history, context.spc_settings(measure))
    )
    funnel, no_funnel = _funnel_or_why(measure, frames, latest, context)
    view = _figures(shown, context=context, frames=frames, spc=spc, funnel=(funnel, no_funnel))
    view = _breakdowns(view, measure, context=context, frames=frames, periods=shown.periods)
    charts = draw_charts(
        MeasureFigures(measure, context, shown.periods, view, shown.trend, spc, funnel)
    )
    return view.replace(charts=charts) if charts else view


@dataclass(frozen=True)
class _OnShow:
    """A measure's own rows and its series over the periods on show: as the page says them
    (`points`) and as the trend chart draws them (`trend`)."""

    measure: Measure
    periods: list[Period]
    frequency: str
    mine: pd.DataFrame
    table: dict[str, Comparison]
    points: list[Point]
    trend: TrendSeries
    joint: dict[str, str]  # period on show -> the joint return's note
    notes: dict[str, str]  # period on show -> the notes on the extracts' rows


def _on_show(measure: Measure, context: SheetContext, frames: SheetFrames) -> _OnShow:
    values = frames.values
    here = values[values["measure_id"] == measure.id]
    when = context.period
    # a quarterly or monthly book shows a measure returned only yearly by its years
    periodic = not when.is_year and bool((here["period"].map(period_kind) == when.kind).any())
    periods = list(context.window if (periodic or when.is_year) else context.annual_window)
    periods = _from_first_return(periods, here)
    mine = here[here["area_code"] == context.area.code]
    table = comparator_table(measure, frames.values, frames.raw, list(context.comparators.peers))
    joint = {p.label: context.joint_notes.get((measure.id, p.label), "") for p in periods}
    written = _extract_notes(frames.raw, measure.id, context.area.code)
    notes = {p.label: written.get(p.label, "") for p in periods}
    said = {p.label: "; ".join(n for n in (joint[p.label], notes[p.label]) if n) for p in periods}
    regional = {p.label: _region_mean(measure, context, frames, p.label) for p in periods}
    points, trend = _series(
        measure, mine, context=context, table=table, periods=periods, notes=said, region=regional
    )
    frequency = when.edition if periodic else "annual"
    return _OnShow(measure, periods, frequency, mine, table, points, trend, joint, notes)


def _from_first_return(periods: list[Period], rows: pd.DataFrame) -> list[Period]:
    """The trend from the first period any area has a return (a figure or a marker) for
    the measure: a publication that starts later than the trend shows no empty years
    before it, which would read as the publisher's 'not available'."""
    if rows.empty:
        return periods
    labels = set(rows["period"])
    first = next((i for i, p in enumerate(periods) if p.label in labels), len(periods) - 1)
    return periods[first:]


def _series(
    measure: Measure,
    mine: pd.DataFrame,
    *,
    context: SheetContext,
    table: dict[str, Comparison],
    periods: list[Period],
    notes: dict[str, str],
    region: dict[str, float],
) -> tuple[list[Point], TrendSeries]:
    compared = context.comparators
    points: list[Point] = []
    area: list[float | None] = []
    area_text: list[str] = []
    peers: list[float | None] = []
    nationals: list[float | None] = []
    for period in periods:
        row = mine[mine["period"] == period.label]
        value = _float(row, "value")
        marker = str(row["marker"].iloc[0]) if len(row) else NOT_AVAILABLE
        places = _float(row, "places")
        peer, national, _ = table.get(period.label, NO_COMPARISON)
        national_places = math.nan
        yearly = math.nan  # a year's published figure beside a month's or quarter's
        if measure.unit is not Unit.COUNT:
            official = compared.published
            # inf: no published row (NaN: one the publisher withheld)
            published = official.value(official.national_code, measure.id, period.label, math.inf)
            if math.isinf(published) and not period.is_year:
                # a publisher of years only: its latest year, not a pool of this workbook's
                yearly, _ = official.latest_year(official.national_code, measure.id, period)
            if not math.isnan(yearly):
                national = math.nan  # said in words and the table, not drawn as the month's
            elif not math.isinf(published):
                national = published
            national_places = official.places(official.national_code, measure.id, period.label)
        points.append(
            Point(
                period=period.label,
                area=display(measure, value, marker if math.isnan(value) else "", places=places),
                peer=display(measure, peer) if not math.isnan(peer) else "",
                national=(
                    display(measure, national, places=national_places)
                    if not math.isnan(national)
                    else display(measure, yearly)
                    if not math.isnan(yearly)
                    else ""
                ),
                numerator=_count(row, "numerator"),
                denominator=_count(row, "denominator") if measure.needs_denominator else "",
                note=notes[period.label],
                region=(
                    ""
                    if math.isnan(region[period.label])
                    else display(measure, region[period.label])
                ),
            )
        )
        area.append(None if math.isnan(value) else value)
        area_text.append(
            points[-1].area
            if math.isnan(value)
            else display(measure, value, short=True, places=places)
        )
        peers.append(None if math.isnan(peer) else peer)
        nationals.append(None if math.isnan(national) else national)
    trend = TrendSeries(
        labels=[p.label for p in periods],
        area=area,
        area_text=area_text,
        peer=peers,
        national=nationals,
        area_name=context.area.name,
        peer_label=f"{compared.peer_label} mean",
        national_label=compared.national_label,
    )
    return points, trend


def _yearly_national(measure: Measure, context: SheetContext, periods: list[Period]) -> str:
    """Where a month's or quarter's national comparator is the publisher's figure for a
    year, said so (and how the publisher's figure differs, where the catalogue says)."""
    if measure.unit is Unit.COUNT:
        return ""
    official = context.comparators.published
    years = {}
    for period in periods:
        if period.is_year or not math.isinf(
            official.value(official.national_code, measure.id, period.label, math.inf)
        ):
            continue
        _, year = official.latest_year(official.national_code, measure.id, period)
        if year:
            years[year] = period.kind
    if not years:
        return ""
    return yearly_national_sentence(
        context.comparators.national_label, sorted(years), next(iter(years.values())),
        measure.published_differs,
    )  # fmt: skip


def _extract_notes(raw: pd.DataFrame, measure_id: str, code: str) -> dict[str, str]:
    """Period -> the notes the area's returns of the measure carry (each once)."""
    if "note" not in raw:
        return {}
    rows = raw[(raw["measure_id"] == measure_id) & (raw["area_code"] == code)]
    rows = rows[rows["note"].fillna("").astype(str).str.strip() != ""]
    return {
        str(period): "; ".join(dict.fromkeys(str(n).strip() for n in group["note"]))
        for period, group in rows.groupby("period", sort=True)
    }


def _figures(
    shown: _OnShow,
    *,
    context: SheetContext,
    frames: SheetFrames,
    spc: Spc | None,
    funnel: tuple[Funnel | None, str],
) -> MeasureView:
    """The measure's figures and words: the latest value against its comparators, the
    change on a year before, its interval, SPC, band and notes (no charts yet)."""
    measure, mine, periods = shown.measure, shown.mine, shown.periods
    latest_period = periods[-1]
    # the same period a year before: the year before, or the same quarter or month
    previous = latest_period.shift(-{"year": 1, "quarter": 4, "month": 12}[latest_period.kind])
    values = shown.trend.area
    latest_value = values[-1] if values[-1] is not None else math.nan
    previous_value = _float(mine[mine["period"] == previous.label], "value")
    _, _, peer_list = shown.table.get(latest_period.label, NO_COMPARISON)
    region_mean = _region_mean(measure, context, frames, latest_period.label)
    latest = shown.points[-1]
    has_data = any(v is not None for v in values) or any(
        p.area.startswith(SUPPRESSED) for p in shown.points
    )
    interval, low_base = _interval(measure, mine, latest_period.label, context.low_base)
    # a quarterly or monthly book's measure with data but too short a series: "few"
    few = "few" if not context.period.is_year and has_data else ""
    region_label = context.comparators.region_label
    plot, no_plot = funnel
    return MeasureView(
        id=measure.id,
        title=measure.title,
        type=measure.type,
        source=measure.source,
        source_label=measure.source.label,
        unit=measure.unit,
        polarity=measure.polarity,
        latest_period=latest_period.label,
        latest=latest.area,
        numerator=latest.numerator,
        denominator=latest.denominator,
        peer=latest.peer,
        region="" if math.isnan(region_mean) else f"{region_label} {display(measure, region_mean)}",
        region_label=region_label if any(p.region for p in shown.points) else "",
        national=latest.national,
        rank=rank_text(measure, latest_value, peer_list),
        change=change_text(measure, latest_value, previous_value, previous.label),
        judgement=judge(measure, latest_value - previous_value),
        frequency=shown.frequency,
        has_data=has_data,
        series=shown.points,
        interval=interval,
        low_base=low_base,
        spc=spc.sentence if spc else "",
        variation=spc.variation if spc else few,
        assurance=spc.assurance if spc else few,
        quartile=quartile_band(measure, frames.values, latest_period.label, context.area.code),
        spark=values,
        limits=spc.limits() if spc else [],
        funnel_position=plot.position if plot else "",
        funnel=plot.sentence if plot else no_plot,
        joint=joint_sentence(shown.joint, context.area.name),
        notes=notes_sentence(shown.notes),
        derived=derived_sentence(_made_from_months(mine, periods)),
        yearly_national=_yearly_national(measure, context, periods),
    )


def _funnel_or_why(
    measure: Measure, frames: SheetFrames, latest: Period, context: SheetContext
) -> tuple[Funnel | None, str]:
    """An annual sheet's funnel plot, or why it has none in words ("" for a count, and on
    quarterly and monthly books, which have SPC instead)."""
    if not latest.is_year or measure.unit is Unit.COUNT:
        return None, ""
    found = funnel_for(measure, frames, latest.label, context.area.code)
    return (found, "") if isinstance(found, Funnel) else (None, found or "")


def _region_mean(
    measure: Measure, context: SheetContext, frames: SheetFrames, period: str
) -> float:
    compared = context.comparators
    if compared.region_published and measure.unit is not Unit.COUNT:
        official = compared.published
        return official.value(official.region_code, measure.id, period, math.nan)
    if compared.region_codes and not compared.region_published:
        codes = list(compared.region_codes)
        return comparators(measure, frames.values, frames.raw, period, codes)[0]
    return math.nan


def _breakdowns(
    view: MeasureView,
    measure: Measure,
    *,
    context: SheetContext,
    frames: SheetFrames,
    periods: list[Period],
) -> MeasureView:
    """A partnership's figures by member agency, a quarter's (or month's) by team, and
    the period's by group of children, where the data carry them."""
    area, raw, settings = context.area, frames.raw, context.suppression
    if area.members:
        lines = agency_lines(measure, raw, area=area, periods=periods, settings=settings)
        view = view.replace(agencies=lines)
    where = {"parts": frames.parts, "area": area, "period": context.period.label}
    if not context.period.is_year:
        teams, summary = team_variation(measure, raw, **where, settings=settings)
        if teams:
            view = view.replace(teams=teams, team_summary=summary)
    if len(frames.parts):
        view = view.replace(groups=group_rows(measure, raw, **where, settings=settings))
    return view


def _made_from_months(mine: pd.DataFrame, periods: list[Period]) -> dict[str, str]:
    """Period label -> the rule, for the figures on show that were made from months."""
    if "derived" not in mine:
        return {}
    shown = {p.label for p in periods}
    made = mine[(mine["derived"] != "") & mine["period"].isin(shown)]
    return dict(sorted(zip(made["period"], made["derived"], strict=True)))


def _float(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].iloc[0]) if len(frame) and column in frame else math.nan


def _interval(
    measure: Measure, mine: pd.DataFrame, period: str, low_base_n: int
) -> tuple[str, bool]:
    """A Wilson 95% interval for percentages from audits and surveys (samples, not censuses)."""
    if measure.unit is not Unit.PERCENT or measure.source not in SAMPLED:
        return "", False
    row = mine[mine["period"] == period]
    if not len(row) or row["marker"].iloc[0]:
        return "", False
    successes, n = float(row["numerator"].iloc[0]), float(row["denominator"].iloc[0])
    if math.isnan(successes) or math.isnan(n) or n <= 0:
        return "", False
    low, high = wilson_interval(successes, n)
    return interval_text(low, high, n, low_base_n), n < low_base_n


def _count(row: pd.DataFrame, column: str) -> str:
    if not len(row):
        return ""
    value = float(row[column].iloc[0])
    if math.isnan(value):
        return str(row["marker"].iloc[0]) if row["marker"].iloc[0] else ""
    return format_count(value)
