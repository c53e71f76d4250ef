"""Working days in England: weekdays that are not bank holidays.

Statutory timescales (an assessment within 45 working days, an initial conference within
15 working days of the strategy discussion) count working days. England's bank holidays
come from the `holidays` package (offline, kept up to date by its maintainers), never a
hand-kept list; the arithmetic is numpy's business-day count over whole columns, not a
loop over rows.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import numpy as np
import pandas as pd

__all__ = ["bank_holidays", "working_days_between"]


@cache
def bank_holidays(first_year: int, last_year: int) -> tuple[date, ...]:
    """England's bank holidays from `first_year` to `last_year`, in order."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted(found))


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from each start to its end: the start day not counted, the end day
    counted (a Monday start and the next day's end is 1). Missing dates give missing."""
    both = start.notna() & end.notna()
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if not both.any():
        return out
    first = pd.to_datetime(start[both]).dt.date.to_numpy(dtype="datetime64[D]")
    last = pd.to_datetime(end[both]).dt.date.to_numpy(dtype="datetime64[D]")
    years = pd.to_datetime(pd.concat([start[both], end[both]])).dt.year
    days = np.array(bank_holidays(int(years.min()) - 1, int(years.max()) + 1), "datetime64[D]")
    # busday_count counts [first, last): shifted a day, it counts (first, last]
    counted = np.busday_count(first + 1, last + 1, holidays=days)
    out[both] = counted
    return out
