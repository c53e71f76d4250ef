"""Disclosure control, applied once to the values frame before anything is drawn or written.

A count of 1 to threshold-1 becomes [c]; so does a percentage or rate whose
numerator is such a count (it could be recovered from the percentage and the
denominator) or whose denominator is below the threshold. Zero stays zero.
Markers already in the data ([x], [z], [u], [low]) are kept as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qareport.config.markers import SUPPRESSED
from qareport.config.parameters import Suppression
from qareport.config.periods import parse_period, period_kind

__all__ = ["SUPPRESSED", "protect_parts", "suppress"]


def _small(series: pd.Series, threshold: int) -> pd.Series:
    return series.notna() & (series >= 1) & (series < threshold)


def suppress(values: pd.DataFrame, settings: Suppression) -> pd.DataFrame:
    """Return a copy with small numbers replaced: value/numerator/denominator NaN, marker [c]."""
    frame = values.copy()
    if not settings.enabled or frame.empty:
        return frame
    threshold = settings.threshold
    original = frame["numerator"].copy()
    small_num = _small(frame["numerator"], threshold)
    small_den = _small(frame["denominator"], threshold)
    hide = (frame["marker"] == "") & (small_num | small_den)
    frame.loc[hide, "marker"] = SUPPRESSED
    frame.loc[hide, ["value", "numerator"]] = np.nan
    frame.loc[hide & small_den, "denominator"] = np.nan
    for index in _secondary(frame, original):
        frame.loc[index, "marker"] = SUPPRESSED
        frame.loc[index, ["value", "numerator"]] = np.nan
    return frame


def _secondary(frame: pd.DataFrame, original: pd.Series) -> list:
    """Rows to withhold so that no withheld part can be worked out from its whole.

    A year's four quarters, a quarter's three months and a year's twelve months are
    each checked: where the whole's published figure is exactly the sum of its parts
    and only one part is withheld, the smallest other part (the earliest, on a tie)
    is withheld too. The choice depends only on the data, so every book agrees.
    """
    kinds = frame["period"].map(period_kind)
    if not (kinds != "year").any():
        return []
    data = frame.assign(
        original=original,
        kind=kinds,
        is_withheld=frame["marker"] == SUPPRESSED,
        is_shown=frame["marker"] == "",
    )
    chosen: list = []
    for part, whole, count in (
        ("quarter", "year", 4),
        ("month", "quarter", 3),
        ("month", "year", 12),
    ):
        parts = data[data["kind"] == part]
        if not (parts["is_withheld"].any() or parts.index.isin(chosen).any()):
            continue  # nothing withheld among these parts: nothing to give away
        wholes = {p: parse_period(p).within(whole).label for p in parts["period"].unique()}
        parts = parts.assign(whole=parts["period"].map(wholes))
        parts.loc[parts.index.isin(chosen), ["is_withheld", "is_shown"]] = [True, False]
        totals = data[data["kind"] == whole].rename(columns={"period": "whole"})
        chosen += _exposed(parts, totals, count)
    return chosen


def _exposed(parts: pd.DataFrame, totals: pd.DataFrame, count: int) -> list:
    """The smallest shown part of each whole that would otherwise give a lone withheld
    part away."""
    key = ["area_code", "measure_id", "whole"]
    groups = parts.groupby(key).agg(
        count=("period", "size"),
        summed=("original", "sum"),
        withheld=("is_withheld", "sum"),
        shown=("is_shown", "sum"),
    )
    groups = groups.join(totals.set_index(key)[["original", "marker"]], how="inner")
    exposed = groups[
        (groups["count"] == count)
        & (groups["marker"] == "")
        & (groups["summed"] == groups["original"])
        & (groups["withheld"] == 1)
        & (groups["shown"] >= 1)
    ]
    if exposed.empty:
        return []
    candidates = parts[parts["is_shown"]].join(exposed[[]], on=key, how="inner")
    smallest = candidates.sort_values([*key, "original", "period"]).groupby(key).head(1)
    return list(smallest.index)


def protect_parts(
    shown: pd.DataFrame, unsuppressed: pd.DataFrame, wholes: pd.Series
) -> pd.DataFrame:
    """Secondary suppression across the parts of a whole (teams, or member agencies, of
    an area whose own figure is on the sheet): where one part of a measure's period is
    withheld and the whole's numerator is exactly the sum of the parts, the withheld part
    could be worked out by subtraction, so the smallest shown part (the first by name, on
    a tie) is withheld too, with its denominator where the first one's was withheld.

    `shown`: the parts' values after primary suppression (area_code naming the part);
    `unsuppressed`: the same without suppression; `wholes`: (measure_id, period) -> the
    whole's numerator as the sheet counts it."""
    key = ["area_code", "measure_id", "period"]
    frame = shown.copy()
    original = (
        frame[key]
        .merge(unsuppressed[[*key, "numerator"]], on=key, how="left")["numerator"]
        .to_numpy()
    )
    frame["_original"] = original
    for (measure, period), group in frame.groupby(["measure_id", "period"], sort=True):
        withheld = group[group["marker"] == SUPPRESSED]
        visible = group[group["marker"] == ""]
        whole = wholes.get((measure, period))
        if len(withheld) != 1 or visible.empty or whole is None or pd.isna(whole):
            continue
        if group["_original"].sum(min_count=1) != whole:
            continue  # the whole holds more than these parts: nothing is given away
        smallest = visible.sort_values(["_original", "area_code"]).index[0]
        frame.loc[smallest, "marker"] = SUPPRESSED
        frame.loc[smallest, ["value", "numerator"]] = np.nan
        if withheld["denominator"].isna().all():
            frame.loc[smallest, "denominator"] = np.nan
    return frame.drop(columns="_original")
