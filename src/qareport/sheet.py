"""One content-area sheet: what the section notebook calls.

`build_sheet` computes everything the sheet shows (already suppressed and
formatted) and draws its charts; `show` displays it in the notebook, including
the JSON payload the book renderers read back. Narrative is deliberately not
part of this: it is merged at render time, so editing words never re-executes
a notebook.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .breakdown import agency_lines, team_variation
from .catalogue import Measure, Polarity, Source, Unit
from .charts import SPCOverlay, TrendSeries, agency_chart, funnel_chart, spc_chart, trend_chart
from .formatting import format_value
from .measures import (
    change_text,
    comparators,
    compute_values,
    display,
    judge,
    rank_text,
    series_periods,
)
from .parameters import AreaParameters, Defaults
from .periods import Period, parse_period
from .project import Project
from .sheetdata import SHEET_MIMETYPE, Chart, MeasureView, Point, SheetData
from .stats import assurance, funnel_limits, funnel_position, variation, wilson_interval, xmr
from .store import Store

__all__ = ["build_sheet", "show"]


@dataclass(frozen=True)
class Published:
    """Published comparator rows (national, regional), used as published, not recomputed."""

    values: pd.DataFrame | None = None
    national_code: str | None = None
    region_code: str | None = None

    def value(self, code: str | None, measure_id: str, period: str, fallback: float) -> float:
        if self.values is None or not code or not len(self.values):
            return fallback
        v = self.values
        row = v[
            (v["area_code"] == code) & (v["measure_id"] == measure_id) & (v["period"] == period)
        ]
        if not len(row):
            return fallback
        return float(row["value"].iloc[0])  # NaN when the publisher withheld it


@dataclass(frozen=True)
class SPCSettings:
    """An area's target for a measure, and the period from which its limits are recalculated."""

    target: float | None = None
    change_point: str | None = None


def _open_built_store(project: Project) -> Store:
    """The store the build already made; a notebook never rebuilds it."""
    from .store import _load_issues  # local: keeps the notebook import path small

    return Store(project.store_path, _load_issues(project.store_path), ())


def build_sheet(
    project_dir: str | Path, area_id: str, period: str, section_id: str, *, charts: bool = True
) -> SheetData:
    """Compute one sheet: measures with comparators and trends, charts with alt text."""
    project = Project.open(project_dir)
    area = project.area(area_id)
    when = parse_period(period)
    catalogue = project.catalogue
    content = catalogue.area(section_id)
    defaults = project.defaults
    measures = catalogue.measures_of(section_id)
    if when.is_quarter and area.priority_measures:  # the quarterly edition: priorities only
        measures = [m for m in measures if m.id in area.priority_measures]
    store = _open_built_store(project)
    years = area.trend_years or defaults.trend_years
    quarters = area.trend_quarters or defaults.trend_quarters
    window = series_periods(when, years, quarters)
    annual_window = series_periods(when.year, years, quarters)
    if when.is_quarter and when.quarter != 4:
        annual_window = series_periods(when.year.shift(-1), years, 0)
    # every year's quarters and total together, so secondary suppression sees both
    years = {p.year for p in window + annual_window}
    wanted = sorted({p.label for y in years for p in (y, *y.quarters())})
    raw = store.returns([m.id for m in measures], wanted)
    values = compute_values(raw, catalogue.measures, defaults.suppression)
    # published national and regional rows are comparators, never part of a pool or funnel
    everyone = project.areas()
    comparator_codes = project.comparator_codes(everyone)
    published = values[values["area_code"].isin(comparator_codes)]
    values = values[~values["area_code"].isin(comparator_codes)]
    raw = raw[~raw["area_code"].isin(comparator_codes)]
    region_codes = [
        a.code for a in everyone if area.region and a.region == area.region and a.code != area.code
    ]
    region = (f"{area.region} mean" if region_codes else "", region_codes)
    if area.region_code and (published["area_code"] == area.region_code).any():
        region = (area.region or area.region_code, [area.region_code])
    official = Published(published, defaults.national_code, area.region_code)
    national_label = area.national_label or defaults.national_label
    views = []
    for measure in measures:
        here = values[values["measure_id"] == measure.id]
        quarterly = when.is_quarter and here["period"].str.contains("-Q").any()
        periods = window if (quarterly or not when.is_quarter) else annual_window
        view = _measure_view(
            measure,
            values,
            raw,
            periods,
            area.code,
            area.peer_group,
            area.name,
            area.peer_group_label,
            national_label,
            charts,
            f"{area.id}-{when.label}-{measure.id}",
            "quarterly" if quarterly else "annual",
            defaults.low_base,
            region,
            SPCSettings(area.targets.get(measure.id), area.spc_change_points.get(measure.id)),
            official,
        )
        views.append(_breakdowns(view, measure, raw, area, periods, when, charts, defaults))
    digest_rows = raw[raw["area_code"] == area.code].drop(columns=["source_file", "source_row"])
    suppression = defaults.suppression
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
        national_label=national_label,
        synthetic=area.synthetic,
        suppression=(
            f"on: counts of 1 to {suppression.threshold - 1} shown as [c]"
            if suppression.enabled
            else "off"
        ),
        measures=views,
        data_digest=hashlib.sha256(digest_rows.to_csv(index=False).encode()).hexdigest(),
    )


def _breakdowns(
    view: MeasureView,
    measure: Measure,
    raw: pd.DataFrame,
    area: AreaParameters,
    periods: list[Period],
    when: Period,
    draw: bool,
    defaults: Defaults,
) -> MeasureView:
    """A partnership's figures by member agency, and a quarter's by team, where data carry them."""
    update: dict = {}
    if area.members:
        lines = agency_lines(measure, raw, area, periods, defaults.suppression)
        update["agencies"] = lines
        drawn = [line for line in lines if any(v is not None for v in line.values)]
        if draw and len(drawn) >= 2:
            latest = "; ".join(f"{line.name} {line.latest}" for line in lines)
            alt = (
                f"Line chart of {measure.title.lower()} by member agency, {area.name}, "
                f"{periods[0].label} to {periods[-1].label}, one line per agency. "
                f"Latest ({periods[-1].label}): {latest}."
            )
            labels = [p.label.replace("-Q", "\nQ") for p in periods]
            chart_id = f"{area.id}-{when.label}-{measure.id}"
            update["chart"] = agency_chart(
                measure, labels, [(line.name, line.values) for line in lines], alt, chart_id
            )
    if when.is_quarter:
        teams, summary = team_variation(measure, raw, area, when.label, defaults.suppression)
        if teams:
            update.update(teams=teams, team_summary=summary)
    return view.model_copy(update=update) if update else view


def _float(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].iloc[0]) if len(frame) else math.nan


def _measure_view(
    measure: Measure,
    values: pd.DataFrame,
    raw: pd.DataFrame,
    periods: list[Period],
    code: str,
    peers: list[str],
    area_name: str,
    peer_label: str,
    national_label: str,
    draw: bool,
    chart_id: str,
    frequency: str,
    low_base_n: int = 30,
    region: tuple[str, list[str]] = ("", []),
    spc_settings: SPCSettings = SPCSettings(),
    official: Published = Published(),
) -> MeasureView:
    mine = values[(values["measure_id"] == measure.id) & (values["area_code"] == code)]
    points, area_values, area_texts, peer_values, national_values = [], [], [], [], []
    for period in periods:
        row = mine[mine["period"] == period.label]
        value = _float(row, "value")
        marker = str(row["marker"].iloc[0]) if len(row) else "[x]"
        peer, national, _ = comparators(measure, values, raw, period.label, peers)
        if measure.unit is not Unit.COUNT:
            national = official.value(official.national_code, measure.id, period.label, national)
        points.append(
            Point(
                period=period.label,
                area=display(measure, value, marker if math.isnan(value) else ""),
                peer=display(measure, peer) if not math.isnan(peer) else "",
                national=display(measure, national) if not math.isnan(national) else "",
                numerator=_count(row, "numerator"),
                denominator=_count(row, "denominator") if measure.needs_denominator else "",
            )
        )
        area_values.append(None if math.isnan(value) else value)
        area_texts.append(
            points[-1].area if math.isnan(value) else display(measure, value, short=True)
        )
        peer_values.append(None if math.isnan(peer) else peer)
        national_values.append(None if math.isnan(national) else national)
    latest_period = periods[-1]
    previous = latest_period.shift(-4 if latest_period.is_quarter else -1)
    latest_value = area_values[-1] if area_values[-1] is not None else math.nan
    previous_row = mine[mine["period"] == previous.label]
    previous_value = _float(previous_row, "value")
    peer, national, peer_list = comparators(measure, values, raw, latest_period.label, peers)
    region_mean = math.nan
    if region[1] == [official.region_code] and measure.unit is not Unit.COUNT:
        region_mean = official.value(
            official.region_code, measure.id, latest_period.label, math.nan
        )
    elif region[1]:
        region_mean = comparators(measure, values, raw, latest_period.label, region[1])[0]
    change = change_text(measure, latest_value, previous_value, previous.label)
    judgement = judge(measure, latest_value - previous_value)
    latest = points[-1]
    has_data = any(v is not None for v in area_values) or any(
        p.area.startswith("[c]") for p in points
    )
    interval, low_base = _interval(measure, mine, latest_period.label, low_base_n)
    labels = [p.label for p in periods]
    spc = _spc(measure, area_values, labels, spc_settings) if latest_period.is_quarter else ""
    funnel = None
    if not latest_period.is_quarter and measure.unit is not Unit.COUNT:
        funnel = _funnel(measure, values, raw, latest_period.label, code)
    view = dict(
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
        region=f"{region[0]} {display(measure, region_mean)}"
        if not math.isnan(region_mean)
        else "",
        national=latest.national,
        rank=rank_text(measure, latest_value, peer_list),
        change=change,
        judgement=judgement,
        frequency=frequency,
        has_data=has_data,
        series=points,
        interval=interval,
        low_base=low_base,
        spc=spc,
        funnel=funnel[0] if funnel else "",
    )
    chart = None
    if draw and has_data:
        series = TrendSeries(
            labels=[p.label.replace("-Q", "\nQ") for p in periods],
            area=area_values,
            area_text=area_texts,
            peer=peer_values,
            national=national_values,
            area_name=area_name,
            peer_label=f"{peer_label} mean",
            national_label=national_label,
        )
        chart = trend_chart(
            measure,
            series,
            _alt_text(measure, view, area_name, peer_label, national_label, periods),
            chart_id,
        )
    extra, kind = None, ""
    if chart is not None and spc:
        extra = _spc_chart(measure, series, view["latest_period"], chart_id, labels, spc_settings)
        kind = "SPC chart"
    elif chart is not None and funnel:
        text, points, mine_point, limits = funnel
        alt = (
            f"Funnel plot of {measure.title.lower()}, {latest_period.label}: "
            f"{len(points) + 1} areas by the size of their base. {text}"
        )
        extra = funnel_chart(
            measure, points, mine_point, limits, area_name, alt, f"{chart_id}-funnel"
        )
        kind = "Funnel plot"
    return MeasureView(**view, chart=chart, extra=extra, extra_kind=kind)


def _spc_chart(
    measure: Measure,
    series: TrendSeries,
    latest: str,
    chart_id: str,
    labels: list[str],
    settings: SPCSettings,
) -> Chart:
    """The XmR chart of the points that have values; withheld points are left out."""
    keep, values, chart = _xmr_of(series.area, labels, settings)
    higher = _higher_is_better(measure)
    kept = TrendSeries(
        labels=[series.labels[i] for i in keep],
        area=values,
        area_text=[series.area_text[i] for i in keep],
        peer=[],
        national=[],
        area_name=series.area_name,
        peer_label="",
        national_label="",
    )
    limits = "trial limits" if chart.trial else "limits"
    alt = (
        f"SPC chart (XmR) of {measure.title.lower()} for {series.area_name}, {len(values)} "
        f"quarters to {latest}, with the mean and process {limits}. "
        f"{variation(chart, higher)}; {sum(chart.special)} points show special cause."
    )
    overlay = SPCOverlay(chart.mean, chart.lower, chart.upper, chart.special)
    return spc_chart(measure, kept, overlay, alt, f"{chart_id}-spc")


def _funnel(measure: Measure, values: pd.DataFrame, raw: pd.DataFrame, period: str, code: str):
    """Where the area lies among all areas, as text, plus what the funnel plot needs."""
    scale = 100.0 if measure.unit is Unit.PERCENT else float(measure.per or 1)
    here = values[(values["measure_id"] == measure.id) & (values["period"] == period)]
    shown = here.dropna(subset=["value", "denominator"])
    shown = shown[shown["denominator"] > 0]
    pool = raw[(raw["measure_id"] == measure.id) & (raw["period"] == period)]
    pool = pool[pool["marker"] == ""].dropna(subset=["numerator", "denominator"])
    pool = pool[pool["denominator"] > 0]
    mine = shown[shown["area_code"] == code]
    if len(pool) < 3 or not len(mine):
        return None
    others = shown[shown["area_code"] != code]
    points = list(zip(others["denominator"], others["value"], strict=True))
    n, value = float(mine["denominator"].iloc[0]), float(mine["value"].iloc[0])
    sizes = [float(d) for d in pool["denominator"]]
    low, high = min([*sizes, n]) * 0.8, max([*sizes, n]) * 1.25
    grid = [low * (high / low) ** (k / 60) for k in range(61)]
    limits = funnel_limits(list(pool["numerator"]), sizes, grid)
    side, level = funnel_position(list(pool["numerator"]), sizes, n, value / scale)
    where = [
        "within the 95% limits",
        f"{side} the 95% limits, within the 99.8%",
        f"{side} the 99.8% limits",
    ][level]
    centre = format_value(measure, limits.centre * scale)
    text = f"Against all {len(pool)} areas (overall {centre}), {where}."
    return text, points, (n, value), limits


def _higher_is_better(measure: Measure) -> bool | None:
    return {Polarity.HIGHER_BETTER: True, Polarity.LOWER_BETTER: False}.get(measure.polarity)


SAMPLED = (Source.CASE_RECORDS, Source.CHILDREN_PARENTS, Source.FRONTLINE_STAFF)


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
    text = f"95% interval {low * 100:.1f}% to {high * 100:.1f}% (n = {n:,.0f})"
    if n < low_base_n:
        text += f"; low base: fewer than {low_base_n} cases, read with care"
    return text, n < low_base_n


def _xmr_of(values: list[float | None], labels: list[str], settings: SPCSettings):
    """The XmR chart of the points that have values, limits recalculated at a change point."""
    keep = [i for i, v in enumerate(values) if v is not None]
    points = [values[i] for i in keep]
    cuts = [n for n, i in enumerate(keep) if labels[i] == settings.change_point and n > 0]
    return keep, points, xmr(points, cuts) if len(points) >= 2 else None


def _spc(
    measure: Measure, values: list[float | None], labels: list[str], settings: SPCSettings
) -> str:
    """SPC in words for a quarterly series (Making Data Count rules)."""
    _, points, chart = _xmr_of(values, labels, settings)
    if len(points) < 6 or chart is None:
        return ""
    higher = _higher_is_better(measure)
    limits = "trial limits" if chart.trial else "limits"
    if settings.change_point in labels:
        limits += f", recalculated from {settings.change_point}"
    return (
        f"SPC over {len(points)} quarters ({limits}): {variation(chart, higher)}. "
        f"{assurance(chart, settings.target, higher)}."
    )


def _count(row: pd.DataFrame, column: str) -> str:
    if not len(row):
        return ""
    value = float(row[column].iloc[0])
    if math.isnan(value):
        return str(row["marker"].iloc[0]) if row["marker"].iloc[0] else ""
    return f"{value:,.0f}"


def _alt_text(
    measure: Measure,
    view: dict,
    area: str,
    peer_label: str,
    national_label: str,
    periods: list[Period],
) -> str:
    """One or two sentences: what is shown, the latest value, its direction and comparison."""
    kind = "Line chart" if len(periods) > 1 else "Chart"
    parts = [
        f"{kind} of {measure.title.lower()} for {area}, {periods[0].label} to {periods[-1].label}.",
        f"Latest ({view['latest_period']}): {view['latest']}, {view['change']}"
        + (f" ({view['judgement']})." if view["judgement"] not in ("not comparable",) else "."),
    ]
    if measure.unit is not Unit.COUNT and (view["peer"] or view["national"]):
        comparison = []
        if view["peer"]:
            comparison.append(f"{peer_label} mean {view['peer']}")
        if view.get("region"):
            comparison.append(view["region"])
        if view["national"]:
            comparison.append(f"{national_label} {view['national']}")
        parts.append("Compared with " + " and ".join(comparison) + ".")
    if view.get("interval"):
        parts.append(view["interval"][0].upper() + view["interval"][1:] + ".")
    if view.get("spc"):
        parts.append(view["spc"])
    return " ".join(parts)


def show(sheet: SheetData) -> None:
    """Display the sheet in the notebook: a readable summary, the charts, and the payload."""
    from IPython.display import HTML, Image, display  # imported here: not needed outside Jupyter

    rows = "".join(
        f"<tr><td>{m.title}</td><td>{m.type}</td><td>{m.latest}</td><td>{m.change}</td></tr>"
        for m in sheet.measures
    )
    display(
        HTML(
            f"<h2>{sheet.section_title}</h2><p>{sheet.area_name}, {sheet.period_title}</p>"
            f"<table><tr><th>Measure</th><th>Type</th><th>Latest</th><th>Change</th></tr>"
            f"{rows}</table>"
        )
    )
    for measure in sheet.measures:
        for chart in (measure.chart, measure.extra):
            if chart is not None:
                display(
                    Image(data=base64.b64decode(chart.png_base64), format="png"),
                    metadata={"alt": chart.alt, "qareport_chart": chart.id},
                )
    # the payload refers to the chart images above by id instead of holding them twice
    payload = json.loads(sheet.model_dump_json())
    for measure in payload["measures"]:
        for key in ("chart", "extra"):
            if measure.get(key):
                measure[key]["png_base64"] = ""
    display({SHEET_MIMETYPE: payload}, raw=True)
