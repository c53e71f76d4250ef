"""One content-area sheet: what the section notebook calls.

`build_sheet` computes everything the sheet shows (already suppressed and
formatted) and draws its charts. Narrative is deliberately not part of this:
it is merged at render time, so editing words never re-executes a notebook.
The notebook then shows the result with `qareport.sheet.payload.show`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from qareport.config.catalogue import Measure, Source, Unit
from qareport.config.markers import NOT_AVAILABLE, SUPPRESSED
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period, parse_period, period_kind
from qareport.config.project import Project
from qareport.ingest.store import open_built_store
from qareport.sheet.breakdown import agency_lines, team_variation
from qareport.sheet.charts import (
    SPCOverlay,
    TrendSeries,
    agency_chart,
    funnel_chart,
    spc_chart,
    trend_chart,
)
from qareport.sheet.context import (
    Comparators,
    Published,
    SheetContext,
    SheetFrames,
    SPCSettings,
)
from qareport.sheet.formatting import format_count, format_value
from qareport.sheet.further import remember_sheet
from qareport.sheet.joint import joint_codes_among, take_joint_returns
from qareport.sheet.measures import (
    NO_COMPARISON,
    Comparison,
    comparator_table,
    comparators,
    compute_values,
    display,
    quartile_band,
    series_periods,
)
from qareport.sheet.model import Chart, Limits, MeasureView, Point, SheetData
from qareport.sheet.stats import (
    FunnelLimits,
    XmR,
    assurance_code,
    funnel_limits,
    funnel_position,
    variation_code,
    wilson_interval,
    xmr,
)
from qareport.sheet.wording import (
    agency_alt,
    change_text,
    derived_sentence,
    funnel_alt,
    funnel_sentence,
    interval_text,
    joint_sentence,
    judge,
    rank_text,
    spc_alt,
    spc_sentence,
    trend_alt,
)

__all__ = ["build_sheet", "sheet_context"]

SAMPLED = (Source.CASE_RECORDS, Source.CHILDREN_PARENTS, Source.FRONTLINE_STAFF)


def sheet_context(
    project: Project, area: AreaParameters, period: Period, *, draw: bool = True
) -> SheetContext:
    """The trend windows, comparators and settings every measure of the sheet shares."""
    defaults = project.defaults
    years = area.trend_years or defaults.trend_years
    quarters = area.trend_quarters or defaults.trend_quarters
    months = area.trend_months or defaults.trend_months
    window = series_periods(period, years, quarters, months)
    annual_window = series_periods(period.year, years, quarters)
    if period.end_date < period.year.end_date:  # the year is not over: the last whole one
        annual_window = series_periods(period.year.shift(-1), years, 0)
    return SheetContext(
        area=area,
        period=period,
        window=tuple(window),
        annual_window=tuple(annual_window),
        comparators=Comparators(
            peers=tuple(area.peer_group),
            peer_label=area.peer_group_label,
            national_label=area.national_label or defaults.national_label,
        ),
        suppression=defaults.suppression,
        low_base=defaults.low_base,
        draw=draw,
    )


def _with_region(
    context: SheetContext,
    *,
    everyone: list[AreaParameters],
    published: pd.DataFrame,
    national_code: str | None,
    codes: list[str],
) -> SheetContext:
    """Add the regional comparator: the region's published figure where one was imported,
    else the mean of the other areas in the same region (a joint return counted once)."""
    area = context.area
    region_codes = tuple(
        a.code for a in everyone if area.region and a.region == area.region and a.code != area.code
    )
    region_codes += tuple(joint_codes_among(codes, region_codes, area.code))
    published_rows = Published(published, national_code, area.region_code)
    compared = replace(
        context.comparators,
        region_label=f"{area.region} mean" if region_codes else "",
        region_codes=region_codes,
        published=published_rows,
    )
    if area.region_code and (published["area_code"] == area.region_code).any():
        compared = replace(
            compared,
            region_label=area.region or area.region_code,
            region_codes=(area.region_code,),
            region_published=True,
        )
    return replace(context, comparators=compared)


def build_sheet(
    project_dir: str | Path, area_id: str, period: str, section_id: str, *, charts: bool = True
) -> SheetData:
    """Compute one sheet: measures with comparators and trends, charts with alt text."""
    project = Project.open(project_dir)
    area = project.area(area_id)
    when = parse_period(period)
    catalogue = project.catalogue
    content = catalogue.area(section_id)
    measures = catalogue.measures_of(section_id)
    if not when.is_year and area.priority_measures:  # quarterly, monthly: priorities only
        measures = [m for m in measures if m.id in area.priority_measures]
    context = sheet_context(project, area, when, draw=charts)
    suppression = context.suppression
    remember_sheet(  # for the analyst's own cells after this one (sheet.figure, .table)
        project.root,
        f"{area.id}-{when.label}-{section_id}",
        suppression.threshold if suppression.enabled else None,
    )
    # every year's quarters (and months, for a monthly book) and total together, so
    # secondary suppression sees them all
    years = {p.year for p in context.window + context.annual_window}
    wanted = sorted(
        {p.label for y in years for p in (y, *y.quarters(), *(y.months() if when.is_month else []))}
    )
    store = open_built_store(project)
    raw = store.returns([m.id for m in measures], wanted)
    raw, joint_notes = take_joint_returns(raw, area.code, project.geography)
    history = pd.DataFrame()
    if not when.is_year:  # SPC over every quarter (or month) the area returned, up to this one
        mine, _ = take_joint_returns(
            store.area_history([m.id for m in measures], area.code), area.code, project.geography
        )
        same_kind = mine["period"].map(period_kind) == when.kind
        mine = mine[(mine["area_code"] == area.code) & same_kind]
        mine = mine[mine["period"] <= when.label]
        history = compute_values(mine, catalogue.measures, context.suppression)
    values = compute_values(raw, catalogue.measures, context.suppression)
    # published national and regional rows are comparators, never part of a pool or funnel
    everyone = project.loaded_areas()
    comparator_codes = project.comparator_codes(everyone)
    codes = raw["area_code"].drop_duplicates().tolist()
    peers = (*area.peer_group, *joint_codes_among(codes, area.peer_group, area.code))
    context = replace(
        context,
        joint_notes=joint_notes,
        comparators=replace(context.comparators, peers=peers),
    )
    published = values[values["area_code"].isin(comparator_codes)]
    frames = SheetFrames(
        values=values[~values["area_code"].isin(comparator_codes)],
        raw=raw[~raw["area_code"].isin(comparator_codes)],
        history=history,
    )
    context = _with_region(
        context,
        everyone=everyone,
        published=published,
        national_code=project.defaults.national_code,
        codes=codes,
    )
    views = [
        measure_view(measure, context=context, frames=frames.of(measure.id)) for measure in measures
    ]
    digest_rows = frames.raw[frames.raw["area_code"] == area.code].drop(
        columns=["source_file", "source_row"]
    )
    return SheetData(
        area_id=area.id,
        area_name=area.name,
        area_code=area.code,
        period=when.label,
        period_title=when.title,
        section_id=content.id,
        section_title=content.title,
        group=content.group,
        why=content.why.strip(),
        good_outcome=content.good.outcome,
        good_quality=content.good.quality,
        questions=content.questions,
        methods=[(source.label, text.strip()) for source, text in content.methods.items()],
        peer_label=area.peer_group_label,
        national_label=context.comparators.national_label,
        synthetic=area.synthetic,
        suppression=(
            f"on: counts of 1 to {suppression.threshold - 1} shown as {SUPPRESSED}"
            if suppression.enabled
            else "off"
        ),
        measures=views,
        data_digest=hashlib.sha256(digest_rows.to_csv(index=False).encode()).hexdigest(),
    )


def measure_view(measure: Measure, *, context: SheetContext, frames: SheetFrames) -> MeasureView:
    """Everything the sheet shows for one measure, with its charts and breakdowns."""
    here = frames.values[frames.values["measure_id"] == measure.id]
    when = context.period
    # a quarterly or monthly book shows a measure returned only yearly by its years
    periodic = not when.is_year and bool((here["period"].map(period_kind) == when.kind).any())
    periods = list(context.window if (periodic or when.is_year) else context.annual_window)
    view = _trend_view(
        measure,
        context=context,
        frames=frames,
        periods=periods,
        frequency=when.edition if periodic else "annual",
    )
    return _breakdowns(view, measure, context=context, raw=frames.raw, periods=periods)


@dataclass(frozen=True)
class _Series:
    """A measure's values over the periods on show, as numbers and as the page shows them."""

    points: list[Point]
    area: list[float | None]
    area_text: list[str]
    peer: list[float | None]
    national: list[float | None]


def _series(
    measure: Measure,
    mine: pd.DataFrame,
    *,
    context: SheetContext,
    table: dict[str, Comparison],
    periods: list[Period],
) -> _Series:
    compared = context.comparators
    series = _Series([], [], [], [], [])
    for period in periods:
        row = mine[mine["period"] == period.label]
        value = _float(row, "value")
        marker = str(row["marker"].iloc[0]) if len(row) else NOT_AVAILABLE
        peer, national, _ = table.get(period.label, NO_COMPARISON)
        if measure.unit is not Unit.COUNT:
            official = compared.published
            national = official.value(official.national_code, measure.id, period.label, national)
        series.points.append(
            Point(
                period=period.label,
                area=display(measure, value, marker if math.isnan(value) else ""),
                peer=display(measure, peer) if not math.isnan(peer) else "",
                national=display(measure, national) if not math.isnan(national) else "",
                numerator=_count(row, "numerator"),
                denominator=_count(row, "denominator") if measure.needs_denominator else "",
                note=context.joint_notes.get((measure.id, period.label), ""),
            )
        )
        series.area.append(None if math.isnan(value) else value)
        series.area_text.append(
            series.points[-1].area if math.isnan(value) else display(measure, value, short=True)
        )
        series.peer.append(None if math.isnan(peer) else peer)
        series.national.append(None if math.isnan(national) else national)
    return series


def _mine(measure: Measure, context: SheetContext, frames: SheetFrames) -> pd.DataFrame:
    values = frames.values
    return values[(values["measure_id"] == measure.id) & (values["area_code"] == context.area.code)]


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


def _trend_view(
    measure: Measure,
    *,
    context: SheetContext,
    frames: SheetFrames,
    periods: list[Period],
    frequency: str,
) -> MeasureView:
    mine = _mine(measure, context, frames)
    table = comparator_table(measure, frames.values, frames.raw, list(context.comparators.peers))
    series = _series(measure, mine, context=context, table=table, periods=periods)
    compared = context.comparators
    latest_period = periods[-1]
    # the same period a year before: the year before, or the same quarter or month
    previous = latest_period.shift(-{"year": 1, "quarter": 4, "month": 12}[latest_period.kind])
    latest_value = series.area[-1] if series.area[-1] is not None else math.nan
    previous_value = _float(mine[mine["period"] == previous.label], "value")
    _, _, peer_list = table.get(latest_period.label, NO_COMPARISON)
    region_mean = _region_mean(measure, context, frames, latest_period.label)
    latest = series.points[-1]
    has_data = any(v is not None for v in series.area) or any(
        p.area.startswith(SUPPRESSED) for p in series.points
    )
    interval, low_base = _interval(measure, mine, latest_period.label, context.low_base)
    settings = context.spc_settings(measure)
    spc_book = not context.period.is_year  # a quarterly or monthly book: SPC icons
    spc = _spc(measure, frames.history, settings) if not latest_period.is_year else None
    funnel: _Funnel | None = None
    no_funnel = ""  # why an annual sheet shows no funnel plot, in words
    if latest_period.is_year and measure.unit is not Unit.COUNT:
        found = _funnel(measure, frames, latest_period.label, context.area.code)
        funnel, no_funnel = (found, "") if isinstance(found, _Funnel) else (None, found or "")
    view: dict[str, Any] = dict(
        id=measure.id,
        title=measure.title,
        type=measure.type.value,
        source=measure.source.value,
        source_label=measure.source.label,
        unit=measure.unit.value,
        polarity=measure.polarity.value,
        latest_period=latest_period.label,
        latest=latest.area,
        numerator=latest.numerator,
        denominator=latest.denominator,
        peer=latest.peer,
        region=f"{compared.region_label} {display(measure, region_mean)}"
        if not math.isnan(region_mean)
        else "",
        national=latest.national,
        rank=rank_text(measure, latest_value, peer_list),
        change=change_text(measure, latest_value, previous_value, previous.label),
        judgement=judge(measure, latest_value - previous_value),
        frequency=frequency,
        has_data=has_data,
        series=series.points,
        interval=interval,
        low_base=low_base,
        spc=spc.sentence if spc else "",
        # a quarterly or monthly book's measure with data but too short a series: "few"
        variation=spc.variation if spc else ("few" if spc_book and has_data else ""),
        assurance=spc.assurance if spc else ("few" if spc_book and has_data else ""),
        funnel_position=funnel.position if funnel else "",
        quartile=quartile_band(measure, frames.values, latest_period.label, context.area.code),
        spark=series.area,
        limits=[
            Limits(period=label, lower=low, mean=centre, upper=high, special=special)
            for label, low, centre, high, special in zip(
                spc.labels,
                spc.chart.lower,
                spc.chart.mean,
                spc.chart.upper,
                spc.chart.special,
                strict=True,
            )
        ]
        if spc
        else [],
        funnel=funnel.sentence if funnel else no_funnel,
        joint=joint_sentence(series.points, context.area.name),
        derived=derived_sentence(_made_from_months(mine, periods)),
    )
    if not (context.draw and has_data):
        return MeasureView(**view, chart=None, extra=None, extra_kind="")
    trend = TrendSeries(
        labels=[p.label for p in periods],
        area=series.area,
        area_text=series.area_text,
        peer=series.peer,
        national=series.national,
        area_name=context.area.name,
        peer_label=f"{compared.peer_label} mean",
        national_label=compared.national_label,
    )
    alt = trend_alt(
        measure,
        view,
        area=context.area.name,
        peer_label=compared.peer_label,
        national_label=compared.national_label,
        periods=periods,
    )
    chart = trend_chart(measure, trend, alt, context.chart_id(measure))
    extra, kind = None, ""
    if spc:
        extra = _spc_chart(
            measure,
            spc,
            area_name=context.area.name,
            chart_id=f"{context.chart_id(measure)}-spc",
            target=settings.target,
        )
        kind = "SPC chart"
    elif funnel:
        alt = funnel_alt(measure, latest_period.label, len(funnel.others) + 1, funnel.sentence)
        extra = funnel_chart(
            measure,
            funnel.others,
            funnel.mine,
            funnel.limits,
            area_name=context.area.name,
            alt=alt,
            chart_id=f"{context.chart_id(measure)}-funnel",
        )
        kind = "Funnel plot"
    return MeasureView(**view, chart=chart, chart_kind="Trend", extra=extra, extra_kind=kind)


def _breakdowns(
    view: MeasureView,
    measure: Measure,
    *,
    context: SheetContext,
    raw: pd.DataFrame,
    periods: list[Period],
) -> MeasureView:
    """A partnership's figures by member agency, and a quarter's by team, where data carry them."""
    area = context.area
    update: dict = {}
    if area.members:
        lines = agency_lines(measure, raw, area=area, periods=periods, settings=context.suppression)
        update["agencies"] = lines
        drawn = [line for line in lines if any(v is not None for v in line.values)]
        if context.draw and len(drawn) >= 2:
            latest = "; ".join(f"{line.name} {line.latest}" for line in lines)
            labels = [p.label for p in periods]
            update["chart_kind"] = "By member agency"
            update["chart"] = agency_chart(
                measure,
                labels,
                [(line.name, line.values) for line in lines],
                alt=agency_alt(measure, area.name, periods, latest),
                chart_id=context.chart_id(measure),
            )
    if not context.period.is_year:
        teams, summary = team_variation(
            measure, raw, area=area, period=context.period.label, settings=context.suppression
        )
        if teams:
            update.update(teams=teams, team_summary=summary)
    return view.model_copy(update=update) if update else view


def _made_from_months(mine: pd.DataFrame, periods: list[Period]) -> dict[str, str]:
    """Period label -> the rule, for the figures on show that were made from months."""
    if "derived" not in mine:
        return {}
    shown = {p.label for p in periods}
    made = mine[(mine["derived"] != "") & mine["period"].isin(shown)]
    return dict(sorted(zip(made["period"], made["derived"], strict=True)))


def _float(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].iloc[0]) if len(frame) else math.nan


def _spc_chart(measure: Measure, spc: _Spc, *, area_name: str, chart_id: str, target) -> Chart:
    """The XmR chart of every quarter (or month) with a value, limits broken at a change
    point."""
    kept = TrendSeries(
        labels=spc.labels,
        area=list(spc.values),
        area_text=spc.texts,
        peer=[],
        national=[],
        area_name=area_name,
        peer_label="",
        national_label="",
    )
    chart = spc.chart
    alt = spc_alt(measure, area_name, chart, spc.labels, spc.variation)
    overlay = SPCOverlay(chart.mean, chart.lower, chart.upper, chart.special, target)
    return spc_chart(measure, kept, overlay, alt=alt, chart_id=chart_id)


@dataclass(frozen=True)
class _Funnel:
    """Where the area lies among all areas, in words, and what the funnel plot draws."""

    sentence: str
    others: list[tuple[float, float]]  # (base, value) of every other area
    mine: tuple[float, float]
    limits: FunnelLimits
    position: str = ""  # within | beyond 95% | beyond 99.8%, for the board summary


MIN_FUNNEL_AREAS = 5


def _funnel(measure: Measure, frames: SheetFrames, period: str, code: str) -> _Funnel | str | None:
    """The funnel plot, or why there is none in words; None when the area has no value.
    A statistic never stops a sheet: a pool the limits cannot be computed for is said."""
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
) -> _Funnel | str | None:
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
    return _Funnel(sentence, points, (n, value), limits, position)


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


@dataclass(frozen=True)
class _Spc:
    """SPC over the area's whole quarterly or monthly series: the chart, its words and its
    icons."""

    labels: list[str]
    values: list[float]
    texts: list[str]
    chart: XmR
    sentence: str
    variation: str
    assurance: str


MIN_SPC_POINTS = 6  # fewer: no SPC chart at all; 6 to 12: trial limits; icons from 13


def _spc(measure: Measure, history: pd.DataFrame, settings: SPCSettings) -> _Spc | None:
    """SPC in words, codes and chart data over every quarter (or month) with a value
    (withheld and missing ones are left out), or None with too few points (or a series the
    limits cannot be computed for: a statistic never stops a sheet)."""
    if not len(history):
        return None
    rows = history.dropna(subset=["value"]).sort_values("period")
    if len(rows) < MIN_SPC_POINTS:
        return None
    labels = [str(p) for p in rows["period"]]
    values = [float(v) for v in rows["value"]]
    # limits recalculated from the first point on or after the declared change (a change
    # declared as a quarter applies to a monthly series from the quarter's first month)
    change = parse_period(settings.change_point).start_date if settings.change_point else None
    cut = next(
        (
            n
            for n, label in enumerate(labels)
            if change and parse_period(label).start_date >= change
        ),
        None,
    )
    cuts = [cut] if cut else []
    try:
        chart = xmr(values, cuts, settings.baseline)
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
    return _Spc(labels, values, texts, chart, sentence, variation, assurance)


def _count(row: pd.DataFrame, column: str) -> str:
    if not len(row):
        return ""
    value = float(row[column].iloc[0])
    if math.isnan(value):
        return str(row["marker"].iloc[0]) if row["marker"].iloc[0] else ""
    return format_count(value)
