"""Honest statistics: Wilson intervals, XmR (SPC) charts, funnel-plot limits.

Plain functions over plain numbers, so each is tested against worked values and
used the same way by every sheet.

- Wilson score interval for a proportion (Wilson 1927; Newcombe 1998 method 3):
  good at small n and at 0% or 100%, where the simple normal interval fails.
- XmR charts as NHS England's *Making Data Count* draws them, over the whole
  series: centre line the mean, process limits at mean ± 2.66 × mean moving
  range, both fixed from the first 12 points (fewer gives trial limits) and
  recalculated only from a change point the area declares. The four rules as
  MDC states them today and NHSRplotthedots (0.2) implements them: a point
  beyond a limit; two of three consecutive points beyond 2 sigma on the same
  side; a shift of 7 points on one side of the mean; a trend of 7 points each
  rising or each falling (the 2019 guidance said 6). Icons only from 13 points.
- Funnel limits around an overall proportion at 95% and 99.8%, Wilson-based,
  for plotting every area's value against the size of its base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "ASSURANCE_CODES",
    "MIN_POINTS",
    "VARIATION_CODES",
    "Z95",
    "Z998",
    "FunnelLimits",
    "XmR",
    "assurance_code",
    "funnel_limits",
    "funnel_position",
    "variation_code",
    "wilson_interval",
    "xmr",
]

Z95 = 1.959963984540054
Z998 = 3.090232306167813
BASELINE = 12  # fix_after_n_points: limits from the first 12 points of a segment
RUN = 7  # a shift: 7 points in a row on one side of the mean
TREND = 7  # a trend: 7 points in a row each higher (or each lower) than the one before


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
    trial: bool  # the current limits come from fewer than the baseline's points
    beyond: list[bool]  # rule 1: beyond a process limit
    near: list[bool]  # rule 2: two of three beyond 2 sigma, same side
    run: list[bool]  # rule 3: a run of 7 on one side of the mean
    trend: list[bool]  # rule 4: 7 points each rising (or each falling)
    segment_start: int = 0  # where the current limits begin (the last change point)

    @property
    def special(self) -> list[bool]:
        return [any(t) for t in zip(self.beyond, self.near, self.run, self.trend, strict=True)]

    @property
    def points_in_segment(self) -> int:
        return len(self.values) - self.segment_start

    def direction(self, index: int) -> int:
        """+1 if point `index` is special cause on the high side, -1 low, 0 common cause.
        The side of the mean decides, as in NHSRplotthedots; a trend point on the mean
        itself takes the trend's direction."""
        if not self.special[index]:
            return 0
        side = (self.values[index] > self.mean[index]) - (self.values[index] < self.mean[index])
        if side == 0 and self.trend[index]:
            before = self.values[max(0, index - 1)]
            side = 1 if self.values[index] > before else -1
        return side or 1


def _limits(segment: list[float], baseline: int) -> tuple[float, float, bool]:
    """Mean and 2.66 x mean moving range of the first `baseline` points (all of them, and
    trial limits, when the segment is shorter)."""
    base = segment[:baseline]
    mean = sum(base) / len(base)
    ranges = [abs(b - a) for a, b in pairwise(base)]
    mr = sum(ranges) / len(ranges) if ranges else 0.0
    return mean, 2.66 * mr, len(segment) < baseline


def xmr(
    values: list[float], change_points: list[int] | None = None, baseline: int = BASELINE
) -> XmR:
    """Compute an XmR chart over the whole series.

    Limits are fixed from the first `baseline` points of each segment (Making Data
    Count's default of 12; fewer gives trial limits) and recalculated only at a
    `change_points` index the area declared. Each rule is tested within a segment."""
    if len(values) < 2:
        raise ValueError("an XmR chart needs at least two points")
    if baseline < 2:
        raise ValueError("the baseline needs at least two points")
    cuts = [0, *sorted(c for c in set(change_points or []) if 0 < c < len(values)), len(values)]
    mean: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    trial = False
    for start, end in pairwise(cuts):
        centre, width, trial = _limits(values[start:end], baseline)  # the last segment's counts
        mean += [centre] * (end - start)
        lower += [centre - width] * (end - start)
        upper += [centre + width] * (end - start)
    n = len(values)
    beyond = [values[i] > upper[i] or values[i] < lower[i] for i in range(n)]
    side = [(v > m) - (v < m) for v, m in zip(values, mean, strict=True)]
    near, run, trend = [False] * n, [False] * n, [False] * n
    for start, end in pairwise(cuts):
        _mark_two_of_three(values, (mean, lower, upper), (beyond, side), near, (start, end))
        _mark_sequences(side, run, RUN, start, end)
        steps = [0] + [(b > a) - (b < a) for a, b in pairwise(values[start:end])]
        # a trend of 7 points is 6 steps the same way; the first point of it has no step
        rising = [0] * start + steps + [0] * (n - end)
        marked = [False] * n
        _mark_sequences(rising, marked, TREND - 1, start + 1, end)
        for i in range(start + 1, end):
            if marked[i]:
                trend[i] = trend[i - 1] = True
    return XmR(
        list(values), mean, lower, upper, trial, beyond, near, run, trend, segment_start=cuts[-2]
    )


def _mark_sequences(signs: list[int], marks: list[bool], length: int, start: int, end: int) -> None:
    """Mark every member of each unbroken stretch of at least `length` equal, non-zero signs."""
    i = start
    while i < end:
        j = i
        while j + 1 < end and signs[j + 1] == signs[i]:
            j += 1
        if signs[i] != 0 and j - i + 1 >= length:
            for k in range(i, j + 1):
                marks[k] = True
        i = j + 1


def _mark_two_of_three(
    values: list[float],
    lines: tuple[list[float], list[float], list[float]],
    found: tuple[list[bool], list[int]],
    near: list[bool],
    span: tuple[int, int],
) -> None:
    """Two of three consecutive points beyond two sigma (two-thirds of the way from the mean
    to a limit) but not beyond the limit, with all three on the same side of the mean: the
    points that are close are marked."""
    mean, lower, upper = lines
    beyond, side = found  # rule 1's points, and each point's side of the mean
    start, end = span
    close = [
        not beyond[k]
        and (
            values[k] > mean[k] + (upper[k] - mean[k]) * 2 / 3
            or values[k] < mean[k] - (mean[k] - lower[k]) * 2 / 3
        )
        for k in range(len(values))
    ]
    for i in range(start, end - 2):
        window = range(i, i + 3)
        if abs(sum(side[k] for k in window)) == 3 and sum(close[k] for k in window) >= 2:
            for k in window:
                near[k] = near[k] or close[k]


# The Making Data Count icons, by code: what the latest point says, and whether the process
# can be relied on to meet the target. Fewer than MIN_POINTS points: no icon but "few".
MIN_POINTS = 13
VARIATION_CODES = (
    "common",
    "improvement-high",
    "improvement-low",
    "concern-high",
    "concern-low",
    "neither-high",
    "neither-low",
)
ASSURANCE_CODES = ("pass", "fail", "hit-and-miss", "none")


def variation_code(chart: XmR, higher_is_better: bool | None) -> str:
    """The variation icon of the latest point: one of VARIATION_CODES, or "few" when the
    current limits (since the last declared change point) rest on fewer than 13 points:
    a change point starts a new process, judged afresh."""
    if chart.points_in_segment < MIN_POINTS:
        return "few"
    direction = chart.direction(len(chart.values) - 1)
    if direction == 0:
        return "common"
    side = "high" if direction > 0 else "low"
    if higher_is_better is None:
        return f"neither-{side}"
    return f"{'improvement' if (direction > 0) == higher_is_better else 'concern'}-{side}"


def assurance_code(chart: XmR, target: float | None, higher_is_better: bool | None) -> str:
    """The assurance icon: the target against the current limits (one of ASSURANCE_CODES,
    or "few", as for variation); "none" without a target or for a measure with no better
    direction."""
    if chart.points_in_segment < MIN_POINTS:
        return "few"
    if target is None or higher_is_better is None:
        return "none"
    low, high = chart.lower[-1], chart.upper[-1]
    if low <= target <= high:
        return "hit-and-miss"
    passes = (low > target) if higher_is_better else (high < target)
    return "pass" if passes else "fail"


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
