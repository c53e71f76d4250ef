"""Honest statistics: Wilson intervals, XmR (SPC) charts, funnel-plot limits.

Plain functions over plain numbers, so each is tested against worked values and
used the same way by every sheet.

- Wilson score interval for a proportion (Wilson 1927; Newcombe 1998 method 3):
  good at small n and at 0% or 100%, where the simple normal interval fails.
- XmR charts as NHS England's *Making Data Count* draws them: centre line the
  mean, process limits at mean ± 2.66 × mean moving range; baseline from the
  first 12 points when there are at least 12 (fewer gives trial limits); limits
  recalculated from a declared change point. Special-cause rules: a point
  beyond a limit; a run of 7 on one side of the mean; a trend of 6 rising or
  falling; 2 of 3 beyond two-thirds of the way to a limit on the same side.
- Funnel limits around an overall proportion at 95% and 99.8%, Wilson-based,
  for plotting every area's value against the size of its base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "Z95",
    "Z998",
    "FunnelLimits",
    "XmR",
    "assurance",
    "funnel_limits",
    "funnel_position",
    "variation",
    "wilson_interval",
    "xmr",
]

Z95 = 1.959963984540054
Z998 = 3.090232306167813
BASELINE = 12
RUN = 7
TREND = 6


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `n`, as proportions."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


@dataclass(frozen=True)
class XmR:
    """An XmR chart: per-point centre line and limits, and which rules each point breaks."""

    values: list[float]
    mean: list[float]
    lower: list[float]
    upper: list[float]
    trial: bool  # limits from fewer than 12 points
    beyond: list[bool]
    run: list[bool]
    trend: list[bool]
    near: list[bool]

    @property
    def special(self) -> list[bool]:
        return [any(t) for t in zip(self.beyond, self.run, self.trend, self.near, strict=True)]

    def direction(self, index: int) -> int:
        """+1 if point `index` is special cause on the high side, -1 low, 0 common cause."""
        if not self.special[index]:
            return 0
        if self.trend[index]:
            return 1 if self.values[index] > self.values[max(0, index - 1)] else -1
        return 1 if self.values[index] > self.mean[index] else -1


def _limits(segment: list[float]) -> tuple[float, float, bool]:
    base = segment[:BASELINE] if len(segment) >= BASELINE else segment
    mean = sum(base) / len(base)
    ranges = [abs(b - a) for a, b in pairwise(base)]
    mr = sum(ranges) / len(ranges) if ranges else 0.0
    return mean, 2.66 * mr, len(segment) < BASELINE


def xmr(values: list[float], change_points: list[int] | None = None) -> XmR:
    """Compute an XmR chart; `change_points` are indexes where limits are recalculated."""
    if len(values) < 2:
        raise ValueError("an XmR chart needs at least two points")
    cuts = [0, *sorted(c for c in (change_points or []) if 0 < c < len(values)), len(values)]
    mean, lower, upper, trial = [], [], [], False
    for start, end in pairwise(cuts):
        centre, width, is_trial = _limits(values[start:end])
        trial = trial or is_trial
        mean += [centre] * (end - start)
        lower += [centre - width] * (end - start)
        upper += [centre + width] * (end - start)
    n = len(values)
    beyond = [values[i] > upper[i] or values[i] < lower[i] for i in range(n)]
    run = [False] * n
    trend = [False] * n
    near = [False] * n
    for start, end in pairwise(cuts):
        _mark_runs(values, mean, run, start=start, end=end)
        _mark_trends(values, trend, start=start, end=end)
        _mark_near(values, mean, (lower, upper), near, start=start, end=end)
    return XmR(list(values), mean, lower, upper, trial, beyond, run, trend, near)


def _mark_runs(
    values: list[float], mean: list[float], run: list[bool], *, start: int, end: int
) -> None:
    side = [(v > m) - (v < m) for v, m in zip(values[start:end], mean[start:end], strict=True)]
    i = 0
    while i < len(side):
        j = i
        while j + 1 < len(side) and side[j + 1] == side[i] and side[i] != 0:
            j += 1
        if side[i] != 0 and j - i + 1 >= RUN:
            for k in range(i, j + 1):
                run[start + k] = True
        i = j + 1


def _mark_trends(values: list[float], trend: list[bool], *, start: int, end: int) -> None:
    segment = values[start:end]
    steps = [(b > a) - (b < a) for a, b in pairwise(segment)]
    i = 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i] and steps[i] != 0:
            j += 1
        if steps[i] != 0 and j - i + 2 >= TREND:  # j - i + 1 steps join j - i + 2 points
            for k in range(i, j + 2):
                trend[start + k] = True
        i = j + 1


def _mark_near(
    values: list[float],
    mean: list[float],
    limits: tuple[list[float], list[float]],
    near: list[bool],
    *,
    start: int,
    end: int,
) -> None:
    lower, upper = limits
    for i in range(start, end - 2):
        window = range(i, i + 3)
        for sign in (1, -1):
            close = [
                k
                for k in window
                if sign * (values[k] - mean[k])
                > (2 / 3) * ((upper[k] - mean[k]) if sign > 0 else (mean[k] - lower[k]))
            ]
            if len(close) >= 2:
                for k in close:
                    near[k] = True


def variation(chart: XmR, higher_is_better: bool | None) -> str:
    """The Making Data Count variation icon for the latest point, in words."""
    direction = chart.direction(len(chart.values) - 1)
    if direction == 0:
        return "Common cause variation"
    if higher_is_better is None:
        return f"Special cause variation: {'higher' if direction > 0 else 'lower'}"
    improving = (direction > 0) == higher_is_better
    side = "higher" if direction > 0 else "lower"
    return f"Special cause variation: {'improvement' if improving else 'concern'} ({side})"


def assurance(chart: XmR, target: float | None, higher_is_better: bool | None) -> str:
    """The assurance icon in words: can the process be relied on to meet the target?"""
    if target is None or higher_is_better is None:
        return "No target set"
    low, high = chart.lower[-1], chart.upper[-1]
    if low <= target <= high:
        return "Hit and miss: the target lies within the process limits"
    passes = (low > target) if higher_is_better else (high < target)
    return "Consistently passing the target" if passes else "Consistently failing the target"


@dataclass(frozen=True)
class FunnelLimits:
    centre: float
    sizes: list[float]
    lower95: list[float]
    upper95: list[float]
    lower998: list[float]
    upper998: list[float]


def funnel_limits(
    successes: list[float], sizes: list[float], grid: list[float], method: str = "binomial"
) -> FunnelLimits:
    """Limits around the pooled figure of all areas (events over bases), at each base in
    `grid`. `binomial`: Wilson limits for a proportion, which stays within 0 and 1.
    `poisson`: for a rate of events in a population, the normal approximation to Poisson
    limits, centre +/- z * sqrt(centre / n) (Spiegelhalter 2005), never below 0."""
    total = sum(sizes)
    if total <= 0:
        raise ValueError("the areas' bases add up to nothing")
    centre = sum(successes) / total
    if method == "binomial" and not 0 <= centre <= 1:
        raise ValueError(f"a proportion must lie between 0 and 1, and the pool's is {centre:g}")
    if method not in ("binomial", "poisson"):
        raise ValueError(f"no funnel limits for method {method!r}")

    def band(z: float) -> tuple[list[float], list[float]]:
        lows, highs = [], []
        for n in grid:
            if method == "poisson":
                margin = z * math.sqrt(centre / n)
                lows.append(max(0.0, centre - margin))
                highs.append(centre + margin)
                continue
            z2 = z * z
            middle = centre + z2 / (2 * n)
            margin = z * math.sqrt(centre * (1 - centre) / n + z2 / (4 * n * n))
            lows.append(max(0.0, (middle - margin) / (1 + z2 / n)))
            highs.append(min(1.0, (middle + margin) / (1 + z2 / n)))
        return lows, highs

    lower95, upper95 = band(Z95)
    lower998, upper998 = band(Z998)
    return FunnelLimits(centre, list(grid), lower95, upper95, lower998, upper998)


def funnel_position(
    successes: list[float],
    sizes: list[float],
    size: float,
    proportion: float,
    method: str = "binomial",
) -> tuple[str, int]:
    """Where a proportion on a base of `size` lies against the pool's funnel limits:
    ("", 0) within the 95% limits; (side, 1) outside them but within the 99.8%;
    (side, 2) outside the 99.8%. `side` is "above" or "below"."""
    at = funnel_limits(successes, sizes, [size], method)
    if at.lower95[0] <= proportion <= at.upper95[0]:
        return "", 0
    side = "above" if proportion > at.upper95[0] else "below"
    return side, 1 if at.lower998[0] <= proportion <= at.upper998[0] else 2
