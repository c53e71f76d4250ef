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

__all__ = ["SUPPRESSED", "suppress"]


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
    """Rows to withhold so that no withheld quarter can be worked out from its year's total.

    Where a year's published figure is exactly the sum of its four quarters and only
    one quarter is withheld, the smallest other quarter (the earliest, on a tie) is
    withheld too. The choice depends only on the data, so every book agrees.
    """
    key = ["area_code", "measure_id", "year"]
    data = frame.assign(
        original=original,
        year=frame["period"].str.slice(0, 7),
        is_withheld=frame["marker"] == SUPPRESSED,
        is_shown=frame["marker"] == "",
    )
    quarters = data[data["period"].str.len() > 7]
    if quarters.empty:
        return []
    totals = data[data["period"].str.len() == 7].set_index(key)
    groups = quarters.groupby(key).agg(
        count=("period", "size"),
        summed=("original", "sum"),
        withheld=("is_withheld", "sum"),
        shown=("is_shown", "sum"),
    )
    groups = groups.join(totals[["original", "marker"]], how="inner")
    exposed = groups[
        (groups["count"] == 4)
        & (groups["marker"] == "")
        & (groups["summed"] == groups["original"])
        & (groups["withheld"] == 1)
        & (groups["shown"] >= 1)
    ]
    if exposed.empty:
        return []
    candidates = quarters[quarters["marker"] == ""].join(exposed[[]], on=key, how="inner")
    smallest = candidates.sort_values([*key, "original", "period"]).groupby(key).head(1)
    return list(smallest.index)
