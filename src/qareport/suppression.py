"""Disclosure control, applied once to the values frame before anything is drawn or written.

A count of 1 to threshold-1 becomes [c]; so does a percentage or rate whose
numerator is such a count (it could be recovered from the percentage and the
denominator) or whose denominator is below the threshold. Zero stays zero.
Markers already in the data ([x], [z], [u], [low]) are kept as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .parameters import Suppression

__all__ = ["SUPPRESSED", "suppress"]

SUPPRESSED = "[c]"


def _small(series: pd.Series, threshold: int) -> pd.Series:
    return series.notna() & (series >= 1) & (series < threshold)


def suppress(values: pd.DataFrame, settings: Suppression) -> pd.DataFrame:
    """Return a copy with small numbers replaced: value/numerator/denominator NaN, marker [c]."""
    frame = values.copy()
    if not settings.enabled or frame.empty:
        return frame
    threshold = settings.threshold
    small_num = _small(frame["numerator"], threshold)
    small_den = _small(frame["denominator"], threshold)
    hide = (frame["marker"] == "") & (small_num | small_den)
    frame.loc[hide, "marker"] = SUPPRESSED
    frame.loc[hide, ["value", "numerator"]] = np.nan
    frame.loc[hide & small_den, "denominator"] = np.nan
    return frame
