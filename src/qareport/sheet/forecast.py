"""Where a measure goes if nothing changes: the forecast of a Turning the Curve sheet.

Two stated methods, each with a 95% prediction interval (the range a single new period's
figure falls in 19 times out of 20 if the past pattern holds):

- `linear`: a straight line fitted by least squares to the last N periods, carried on.
  Interval: yhat +/- t(n-2) * s * sqrt(1 + 1/n + (x0 - xbar)^2 / Sxx), where s is the
  residual standard deviation.
- `mean`: the mean of the last N periods, for a process that is stable (SPC shows no
  special cause). Interval: mean +/- t(n-1) * sd * sqrt(1 + 1/n).

A percentage is kept within 0 to 100 and a count or rate at 0 or above; the interval is
cut there too. Student's t quantiles come from a table (scipy is not a dependency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["METHODS", "Forecast", "forecast", "method_sentence"]

Method = Literal["linear", "mean"]
METHODS: tuple[Method, ...] = ("linear", "mean")

# Student's t, 97.5th percentile (two-sided 95%), for 1 to 30 degrees of freedom
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t975(df: int) -> float:
    """The two-sided 95% critical value of Student's t; beyond 30 degrees of freedom, the
    value at the next tabulated step (40, 60, 120), then the normal's 1.96."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df <= 30:
        return _T975[df - 1]
    return 2.021 if df <= 40 else 2.000 if df <= 60 else 1.980 if df <= 120 else 1.960


@dataclass(frozen=True)
class Forecast:
    """The forecast for each period ahead (1, 2, ...), with its interval."""

    method: Method
    fitted: int  # how many past periods it was fitted to
    values: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]


def _bounded(value: float, unit: str) -> float:
    high = 100.0 if unit == "percent" else math.inf
    return min(max(value, 0.0), high)


def forecast(
    history: list[float], ahead: int, *, method: Method = "linear", unit: str = "count"
) -> Forecast:
    """The next `ahead` periods from `history` (oldest first, every value known)."""
    n = len(history)
    need = 3 if method == "linear" else 2
    if n < need:
        raise ValueError(
            f"a {method} forecast needs at least {need} past periods with figures; there are {n}"
        )
    xs = list(range(n))
    mean_y = sum(history) / n
    values, lower, upper = [], [], []
    if method == "linear":
        mean_x = sum(xs) / n
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, history, strict=True)) / sxx
        intercept = mean_y - slope * mean_x
        sse = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, history, strict=True))
        s = math.sqrt(sse / (n - 2))
        for h in range(1, ahead + 1):
            x0 = n - 1 + h
            centre = intercept + slope * x0
            half = t975(n - 2) * s * math.sqrt(1 + 1 / n + (x0 - mean_x) ** 2 / sxx)
            values.append(centre)
            lower.append(centre - half)
            upper.append(centre + half)
    else:
        sd = math.sqrt(sum((y - mean_y) ** 2 for y in history) / (n - 1))
        half = t975(n - 1) * sd * math.sqrt(1 + 1 / n)
        values = [mean_y] * ahead
        lower = [mean_y - half] * ahead
        upper = [mean_y + half] * ahead
    return Forecast(
        method,
        n,
        tuple(_bounded(v, unit) for v in values),
        tuple(_bounded(v, unit) for v in lower),
        tuple(_bounded(v, unit) for v in upper),
    )


def method_sentence(method: Method, fitted: int, first: str, last: str) -> str:
    """The method in words, as the sheet states it."""
    if method == "linear":
        return (
            f"Forecast if nothing changes: the straight-line trend of the {fitted} periods "
            f"{first} to {last}, carried on, with its 95% prediction interval (where a "
            "period's figure falls 19 times in 20 if the trend holds)."
        )
    return (
        f"Forecast if nothing changes: the mean of the {fitted} periods {first} to {last} "
        "(a stable process), with its 95% prediction interval (where a period's figure falls "
        "19 times in 20 if nothing changes)."
    )
