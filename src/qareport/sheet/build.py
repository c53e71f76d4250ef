"""One content-area sheet: what the section notebook calls.

`build_sheet` computes everything the sheet shows (already suppressed and
formatted) and draws its charts. Narrative is deliberately not part of this:
it is merged at render time, so editing words never re-executes a notebook.
The notebook then shows the result with `qareport.sheet.payload.show`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd

from qareport.config.catalogue import ContentArea, Measure
from qareport.config.markers import SUPPRESSED
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period, parse_period, period_kind
from qareport.config.project import Project
from qareport.ingest.store import Store, open_built_store
from qareport.sheet.breakdown import whole_and_parts
from qareport.sheet.context import Comparators, Published, SheetContext, SheetFrames
from qareport.sheet.further import remember_sheet
from qareport.sheet.joint import joint_codes_among, take_joint_returns
from qareport.sheet.measures import compute_values, series_periods
from qareport.sheet.model import MeasureView, SheetData
from qareport.sheet.view import measure_view

__all__ = ["build_sheet", "sheet_context"]


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
    content = project.catalogue.area(section_id)
    measures = project.catalogue.measures_of(section_id)
    if not when.is_year and area.priority_measures:  # quarterly, monthly: priorities only
        measures = [m for m in measures if m.id in area.priority_measures]
    context = sheet_context(project, area, when, draw=charts)
    suppression = context.suppression
    remember_sheet(  # for the analyst's own cells after this one (sheet.figure, .table)
        project.root,
        f"{area.id}-{when.label}-{section_id}",
        suppression.threshold if suppression.enabled else None,
    )
    context, frames = _sheet_frames(project, context, measures)
    views = [measure_view(m, context=context, frames=frames.of(m.id)) for m in measures]
    mine = pd.concat([frames.raw[frames.raw["area_code"] == area.code], frames.parts])
    digest_rows = mine.drop(columns=["source_file", "source_row"])
    digest = hashlib.sha256(digest_rows.to_csv(index=False).encode()).hexdigest()
    return _sheet_data(content, area, when, context, views=views, digest=digest)


def _wanted_periods(context: SheetContext) -> list[str]:
    """Every year's quarters (and months, for a monthly book) and total together, so
    secondary suppression sees them all."""
    monthly = context.period.is_month
    years = {p.year for p in context.window + context.annual_window}
    return sorted(
        {p.label for y in years for p in (y, *y.quarters(), *(y.months() if monthly else []))}
    )


def _history(store: Store, project: Project, context: SheetContext, ids: list[str]) -> pd.DataFrame:
    """Every quarter (or month) the area returned up to this one, for SPC; none on an
    annual book."""
    when, code = context.period, context.area.code
    if when.is_year:
        return pd.DataFrame()
    mine, _ = take_joint_returns(store.area_history(ids, code), code, project.geography)
    mine, _ = whole_and_parts(mine)
    same_kind = mine["period"].map(period_kind) == when.kind
    mine = mine[(mine["area_code"] == code) & same_kind]
    mine = mine[mine["period"] <= when.label]
    return compute_values(mine, project.catalogue.measures, context.suppression)


def _sheet_frames(
    project: Project, context: SheetContext, measures: list[Measure]
) -> tuple[SheetContext, SheetFrames]:
    """The sheet's rows from the store, disclosure control applied, split into the areas
    compared and the published comparators; the context gains its peers and region."""
    area, ids = context.area, [m.id for m in measures]
    store = open_built_store(project)
    everything, joint_notes = take_joint_returns(
        store.returns(ids, _wanted_periods(context)), area.code, project.geography
    )
    raw, parts = whole_and_parts(everything)
    history = _history(store, project, context, ids)
    values = compute_values(raw, project.catalogue.measures, context.suppression)
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
    frames = SheetFrames(
        values=values[~values["area_code"].isin(comparator_codes)],
        raw=raw[~raw["area_code"].isin(comparator_codes)],
        history=history,
        parts=parts[parts["area_code"] == area.code],
    )
    context = _with_region(
        context,
        everyone=everyone,
        published=values[values["area_code"].isin(comparator_codes)],
        national_code=project.defaults.national_code,
        codes=codes,
    )
    return context, frames


def _sheet_data(
    content: ContentArea,
    area: AreaParameters,
    when: Period,
    context: SheetContext,
    *,
    views: list[MeasureView],
    digest: str,
) -> SheetData:
    """The sheet: who and when, why it matters, what good looks like, and its measures."""
    suppression = context.suppression
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
        data_digest=digest,
    )
