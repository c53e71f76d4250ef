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

__all__ = ["comparators", "compute_values", "display", "series_periods"]


def series_periods(period: Period, years: int, quarters: int) -> list[Period]:
    """The trend window: `years` financial years, or `quarters` quarters, ending at `period`."""
    return period.history(quarters if period.is_quarter else years)


def compute_values(
    returns: pd.DataFrame, measures: dict[str, Measure], settings: Suppression
) -> pd.DataFrame:
    """One row per area, period and measure with `value` computed and small numbers suppressed.

    Returns from several agencies for the same area are pooled (numerators and
    denominators summed); a marker on any of them withholds the pooled value.
    """
    if returns.empty:
        return returns.assign(value=[])
    keys = ["area_code", "period", "measure_id"]
    marked = returns["marker"].fillna("").astype(str).replace("", np.nan)
    groups = returns.assign(marker=marked).groupby(keys, sort=True)
    grouped = groups.size().rename("rows").reset_index()
    grouped["numerator"] = groups["numerator"].sum(min_count=1).to_numpy()
    grouped["denominator"] = groups["denominator"].sum(min_count=1).to_numpy()
    # a published figure stands only for a single return; pooled returns are recomputed
    published = groups["value"].first().to_numpy(dtype=float, copy=True)
    published[grouped["rows"].to_numpy() != 1] = np.nan
    # the first marker any return carries (empty is none) withholds the pooled value
    grouped["marker"] = groups["marker"].first().fillna("").to_numpy()
    grouped["value"] = _values(grouped, measures, published)
    grouped = grouped.drop(columns="rows")
    zero_base = grouped["value"].isna() & (grouped["marker"] == "") & (grouped["denominator"] == 0)
    grouped.loc[zero_base, "marker"] = NOT_APPLICABLE
    grouped.loc[grouped["marker"] != "", "value"] = np.nan
    return suppress(grouped, settings)


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


def comparators(
    measure: Measure, values: pd.DataFrame, raw: pd.DataFrame, period: str, peers: list[str]
) -> tuple[float, float, list[float]]:
    """Peer mean (of suppressed-safe values), pooled national value, and the peers' values."""
    if measure.unit is Unit.COUNT:
        return math.nan, math.nan, []
    here = values[(values["measure_id"] == measure.id) & (values["period"] == period)]
    peer_values = here[here["area_code"].isin(peers)]["value"].dropna().tolist()
    peer_mean = float(np.mean(peer_values)) if peer_values else math.nan
    pool = raw[(raw["measure_id"] == measure.id) & (raw["period"] == period)]
    pool = pool[pool["marker"] == ""].dropna(subset=["numerator", "denominator"])
    national = math.nan
    if len(pool) and pool["denominator"].sum() > 0:
        scale = measure.scale
        national = pool["numerator"].sum() / pool["denominator"].sum() * scale
    return peer_mean, national, peer_values


def display(measure: Measure, value: float, marker: str = "", short: bool = False) -> str:
    return format_value(measure, None if math.isnan(value) else value, marker, short)
