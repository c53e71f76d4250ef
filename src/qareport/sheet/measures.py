"""Measure values, comparators and trends for one area, computed from the store.

Values are computed for every area (comparators need them), disclosure control
is applied to the whole frame once, and only then are displays built.
Peer group figures are the simple mean of the peers' values (as in DfE's
statistical-neighbour averages); the national figure is pooled (sum of
numerators over sum of denominators). Counts are not compared across areas of
different sizes, so count measures carry no comparators.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qareport.config.catalogue import Measure, Unit
from qareport.config.markers import NOT_APPLICABLE
from qareport.config.parameters import Suppression
from qareport.config.periods import Period
from qareport.sheet.formatting import format_value
from qareport.sheet.suppression import suppress

__all__ = [
    "NO_COMPARISON",
    "comparator_table",
    "comparators",
    "compute_values",
    "display",
    "quartile_band",
    "series_periods",
]


def series_periods(period: Period, years: int, quarters: int, months: int = 13) -> list[Period]:
    """The trend window ending at `period`: `years` financial years, `quarters` quarters
    or `months` months, as the period is."""
    return period.history({"year": years, "quarter": quarters, "month": months}[period.kind])


def compute_values(
    returns: pd.DataFrame, measures: dict[str, Measure], settings: Suppression
) -> pd.DataFrame:
    """One row per area, period and measure with `value` computed and small numbers suppressed.

    Returns from several agencies for the same area are pooled (numerators and
    denominators summed); a marker on any of them withholds the pooled value.
    """
    if returns.empty:
        return returns.assign(value=[], places=[])
    keys = ["area_code", "period", "measure_id"]
    marked = returns["marker"].fillna("").astype(str).replace("", np.nan)
    made = returns.get("derived", pd.Series("", index=returns.index))
    # an empty string as NaN: first() then takes the first non-empty one, in C
    made = made.fillna("").astype(str).replace("", np.nan)
    groups = returns.assign(marker=marked, derived=made).groupby(keys, sort=True)
    grouped = groups.size().rename("rows").reset_index()
    grouped["numerator"] = groups["numerator"].sum(min_count=1).to_numpy()
    grouped["denominator"] = groups["denominator"].sum(min_count=1).to_numpy()
    # a published figure stands only for a single return; pooled returns are recomputed
    published = groups["value"].first().to_numpy(dtype=float, copy=True)
    published[grouped["rows"].to_numpy() != 1] = np.nan
    # the first marker any return carries (empty is none) withholds the pooled value
    grouped["marker"] = groups["marker"].first().fillna("").to_numpy()
    # made from monthly returns: the rule (ingest.months), said on the sheet
    grouped["derived"] = groups["derived"].first().fillna("").to_numpy()
    grouped["value"] = _values(grouped, measures, published)
    grouped["places"] = _published_places(grouped["measure_id"], published)
    grouped = grouped.drop(columns="rows")
    zero_base = grouped["value"].isna() & (grouped["marker"] == "") & (grouped["denominator"] == 0)
    grouped.loc[zero_base, "marker"] = NOT_APPLICABLE
    grouped.loc[grouped["marker"] != "", "value"] = np.nan
    return suppress(grouped, settings)


def _published_places(ids: pd.Series, published: np.ndarray) -> np.ndarray:
    """0 for a published figure of a measure published in whole numbers (every published
    figure of it whole: 85 per 10,000, 13%), so the page keeps the publisher's precision;
    NaN (one decimal place) otherwise."""
    given = ~np.isnan(published)
    fraction = np.zeros(len(published), dtype=bool)
    fraction[given] = published[given] != np.round(published[given])
    with_fraction = set(ids[fraction]) if fraction.any() else set()
    whole = given & ~ids.isin(with_fraction).to_numpy()
    return np.where(whole, 0.0, np.nan)


def _values(
    grouped: pd.DataFrame, measures: dict[str, Measure], published: np.ndarray
) -> np.ndarray:
    """The publisher's own figure where the return carries one, else computed from the counts:
    a count is its numerator; a rate or share needs a denominator above zero."""
    ids = grouped["measure_id"]
    used = [measures[m] for m in ids.unique()]
    counts = ids.map({m.id: m.unit is Unit.COUNT for m in used}).to_numpy(dtype=bool)
    scale = ids.map({m.id: float(m.scale) for m in used}).to_numpy(dtype=float)
    numerator = grouped["numerator"].to_numpy(dtype=float)
    denominator = grouped["denominator"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(denominator > 0, numerator / denominator * scale, np.nan)
    computed = np.where(counts, numerator, ratio)
    return np.where(np.isnan(published), computed, published)


Comparison = tuple[float, float, list[float]]  # peer mean, national, the peers' values
NO_COMPARISON: Comparison = (math.nan, math.nan, [])


def comparator_table(
    measure: Measure, values: pd.DataFrame, raw: pd.DataFrame, peers: list[str]
) -> dict[str, Comparison]:
    """Each period's peer mean (of suppressed-safe values), pooled national value and the
    peers' values, from one pass over the measure's rows; a period without any is absent."""
    if measure.unit is Unit.COUNT:
        return {}
    here = values[values["measure_id"] == measure.id]
    peer_rows = here[here["area_code"].isin(peers)].dropna(subset=["value"])
    peer_values = peer_rows.groupby("period", sort=False)["value"].agg(list).to_dict()
    pool = raw[(raw["measure_id"] == measure.id) & (raw["marker"] == "")]
    pool = pool.dropna(subset=["numerator", "denominator"])
    sums = pool.groupby("period", sort=False)[["numerator", "denominator"]].sum()
    table: dict[str, Comparison] = {}
    for period in peer_values.keys() | set(sums.index):
        listed = [float(v) for v in peer_values.get(period, [])]
        peer_mean = float(np.mean(listed)) if listed else math.nan
        national = math.nan
        if period in sums.index and sums.at[period, "denominator"] > 0:
            total = sums.loc[period]
            national = total["numerator"] / total["denominator"] * measure.scale
        table[period] = (peer_mean, float(national), listed)
    return table


def comparators(
    measure: Measure, values: pd.DataFrame, raw: pd.DataFrame, period: str, peers: list[str]
) -> Comparison:
    """Peer mean (of suppressed-safe values), pooled national value, and the peers' values."""
    return comparator_table(measure, values, raw, peers).get(period, NO_COMPARISON)


MIN_BAND_AREAS = 4


def quartile_band(measure: Measure, values: pd.DataFrame, period: str, code: str) -> str:
    """The area's quartile band among all areas with a value for the period, as DfE's LAIT
    bands them: A is always the best quarter by the measure's polarity, D the worst. Ties
    share the better band. None ("") for counts (not compared across areas of different
    sizes), for a measure with no better direction, or with fewer than 4 areas."""
    higher = measure.higher_is_better
    if measure.unit is Unit.COUNT or higher is None:
        return ""
    here = values[(values["measure_id"] == measure.id) & (values["period"] == period)]
    here = here.dropna(subset=["value"])
    mine = here[here["area_code"] == code]
    if len(here) < MIN_BAND_AREAS or not len(mine):
        return ""
    value = float(mine["value"].iloc[0])
    others = here["value"].to_numpy(dtype=float)
    better = int((others > value).sum() if higher else (others < value).sum())
    return "ABCD"[min(3, better * 4 // len(others))]


def display(
    measure: Measure, value: float, marker: str = "", short: bool = False, places: float = 1
) -> str:
    """A value as the page shows it; `places` NaN means the usual one decimal place."""
    shown = 1 if math.isnan(places) else int(places)
    return format_value(measure, None if math.isnan(value) else value, marker, short, shown)
