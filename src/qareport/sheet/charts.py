"""The sheet's charts as SVG: trends, member agencies, XmR (SPC) charts and funnel plots.

Colours come from the Government Analysis Function's accessible categorical
palette; each line also differs in dash style and marker, special-cause points
differ in shape as well as colour, and every legend is black text, so colour
never carries meaning alone. Layout, labelling and saving are shared
(`chart_layout`), so every chart is the printed size with 7 pt text and no
text drawn over other text.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from dataclasses import dataclass

from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from qareport.config.catalogue import Measure, Unit
from qareport.config.periods import is_period, period_kind
from qareport.sheet.chart_layout import (
    FONT_PT,
    HEIGHT_IN,
    WIDTH_IN,
    finish,
    layout,
    new_figure,
    place_labels,
    spread,
    thin_x_labels,
)
from qareport.sheet.formatting import format_value
from qareport.sheet.model import Chart, ChartKind
from qareport.sheet.stats import FunnelLimits

__all__ = [
    "PALETTE",
    "SPCOverlay",
    "TrendSeries",
    "agency_chart",
    "curve_chart",
    "funnel_chart",
    "renamed",
    "spc_chart",
    "trend_chart",
]

# Analysis Function accessible palette: dark blue, orange, turquoise, dark pink.
PALETTE = {"area": "#12436D", "peer": "#F46A25", "national": "#28A197", "extra": "#801650"}
# The Analysis Function's categorical palette, in its order, for one line per agency;
# each line also has its own marker and dash pattern, so colour is never the only cue.
CATEGORICAL = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
DASHES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (1, 1))]
GREY = "#505a5f"
# Making Data Count's colours for special cause: improvement, concern, neither; each
# with its own marker shape too.
SPECIAL = {
    "improvement": ("#1f77b4", "o", "Special cause: improvement"),
    "concern": ("#d95f02", "D", "Special cause: concern"),
    "neither": ("#5e3c99", "s", "Special cause: neither"),
}


@dataclass(frozen=True)
class TrendSeries:
    """What a trend chart shows: labels, the area's values (None where withheld), comparators."""

    labels: list[str]
    area: list[float | None]
    area_text: list[str]
    peer: list[float | None]
    national: list[float | None]
    area_name: str
    peer_label: str
    national_label: str


def _clean(values: list[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _has(values: list[float | None]) -> bool:
    return any(v is not None and not math.isnan(v) for v in values)


def _top(*series: list[float]) -> float:
    return max((v for s in series for v in s if not math.isnan(v)), default=0.0)


def trend_chart(measure: Measure, series: TrendSeries, alt: str, chart_id: str) -> Chart:
    """A line chart of the area against its peer group and the national figure."""
    fig, ax = new_figure()
    x = list(range(len(series.labels)))
    lines = [
        ("area", series.area, series.area_name, "-", "o", 1.8),
        ("peer", series.peer, series.peer_label, "--", "s", 1.2),
        ("national", series.national, series.national_label, ":", "^", 1.2),
    ]
    drawn = []
    for key, values, label, style, marker, width in lines:
        if _has(values):
            ys = _clean(values)
            ax.plot(
                x,
                ys,
                linestyle=style,
                marker=marker,
                color=PALETTE[key],
                linewidth=width,
                markersize=3,
                label=label,
            )
            drawn.append(ys)
    _frame(fig, ax, measure, series.labels, top=_top(*drawn), legend_entries=3)
    _data_labels(fig, ax, series.area, series.area_text, colour=PALETTE["area"])
    return _chart(fig, ChartKind.TREND, alt, chart_id)


def agency_chart(
    measure: Measure,
    labels: list[str],
    lines: list[tuple[str, list[float | None]]],
    *,
    alt: str,
    chart_id: str,
) -> Chart:
    """One line per member agency, the latest value of each labelled at its end (the labels
    moved apart where values are close)."""
    fig, ax = new_figure()
    x = list(range(len(labels)))
    drawn, ends = [], []
    for n, (name, values) in enumerate(lines):
        if not _has(values):
            continue
        ys = _clean(values)
        k = n % len(CATEGORICAL)
        ax.plot(
            x,
            ys,
            linestyle=DASHES[k],
            marker=MARKERS[k],
            color=CATEGORICAL[k],
            linewidth=1.4,
            markersize=3,
            label=name,
        )
        last = max(i for i, v in enumerate(ys) if not math.isnan(v))
        ends.append((last, ys[last], format_value(measure, ys[last], short=True), CATEGORICAL[k]))
        drawn.append(ys)
    _frame(fig, ax, measure, labels, top=_top(*drawn), legend_entries=3, right_in=0.42)
    _end_labels(fig, ax, ends)
    return _chart(fig, ChartKind.AGENCIES, alt, chart_id)


def renamed(chart: Chart, chart_id: str) -> Chart:
    """The chart under another id, its SVG's own ids (prefixed with the chart's id by
    `finish`) renamed with it, so the same measure's chart for two areas can share a page."""
    old = re.sub(r"[^A-Za-z0-9_-]", "-", chart.id)
    new = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    svg = chart.svg.replace(f'id="{old}-', f'id="{new}-').replace(f"#{old}-", f"#{new}-")
    return chart.replace(id=chart_id, svg=svg)


def curve_chart(
    measure: Measure,
    labels: list[str],
    baseline: list[float | None],
    band: tuple[list[float | None], list[float | None], list[float | None]],
    actual: list[float | None],
    *,
    alt: str,
    chart_id: str,
) -> Chart:
    """A Turning the Curve chart: the baseline (solid), the forecast if nothing changes
    (dashed, in its shaded 95% interval) and, in a later book, what happened (a bolder line
    with its own marker), so the board sees whether the curve turned."""
    forecast, lower, upper = band
    fig, ax = new_figure()
    x = list(range(len(labels)))
    ahead = [i for i, v in enumerate(forecast) if v is not None]
    if ahead:
        ax.fill_between(
            ahead,
            [lower[i] for i in ahead],
            [upper[i] for i in ahead],
            color=PALETTE["peer"],
            alpha=0.18,
            linewidth=0,
        )
    styles = [
        ("Baseline", baseline, PALETTE["area"], "-", "o"),
        (
            "Forecast (band: 95%)",
            forecast,
            PALETTE["peer"],
            "--",
            "s",
        ),
        ("What happened", actual, PALETTE["national"], "-", "D"),
    ]
    drawn = []
    for name, values, colour, dash, marker in styles:
        if _has(values):
            ys = _clean(values)
            ax.plot(x, ys, linestyle=dash, marker=marker, color=colour, linewidth=1.6,
                    markersize=3.5, label=name)  # fmt: skip
            drawn.append(ys)
    drawn.append(_clean(upper))
    _frame(fig, ax, measure, labels, top=_top(*drawn), legend_entries=3)
    return _chart(fig, ChartKind.TREND, alt, chart_id)


def _end_labels(fig, ax, ends: list[tuple[int, float, str, str]]) -> None:
    """Each agency's latest value to the right of its line's end, spread apart vertically."""
    to_screen = ax.transData.transform
    heights = [to_screen((x, y))[1] for x, y, _, _ in ends]
    gap = FONT_PT * 1.15 * fig.dpi / 72
    moved = spread(heights, gap, ax.bbox.y0 + gap / 2, ax.bbox.y1 - gap / 2)
    for (x, y, text, colour), before, after in zip(ends, heights, moved, strict=True):
        ax.annotate(
            text,
            (x, y),
            xytext=(4, (after - before) * 72 / fig.dpi),
            textcoords="offset points",
            fontsize=FONT_PT,
            color=colour,
            va="center",
            annotation_clip=False,
        )


@dataclass(frozen=True)
class SPCOverlay:
    """Process mean and limits per point, which points are special cause, and the target."""

    mean: list[float]
    lower: list[float]
    upper: list[float]
    special: list[bool]
    target: float | None = None


def spc_chart(
    measure: Measure, series: TrendSeries, spc: SPCOverlay, *, alt: str, chart_id: str
) -> Chart:
    """An XmR chart: the area's values with mean and process limits (broken where they are
    recalculated), the target where set, and special-cause points marked by direction."""
    fig, ax = new_figure()
    x = list(range(len(series.labels)))
    ys = _clean(series.area)
    for n, (start, end) in enumerate(_segments(spc.mean)):
        part = x[start:end]
        ax.plot(
            part, spc.mean[start:end], color=GREY, linewidth=1.0, label="Mean" if n == 0 else None
        )
        for edge, label in ((spc.upper, "Process limits"), (spc.lower, None)):
            ax.plot(
                part,
                edge[start:end],
                color=GREY,
                linewidth=0.9,
                linestyle="--",
                label=label if n == 0 else None,
            )
    if spc.target is not None:
        ax.axhline(
            spc.target, color=PALETTE["extra"], linewidth=1.1, linestyle="-.", label="Target"
        )
    ax.plot(
        x,
        ys,
        color=PALETTE["area"],
        linewidth=1.6,
        marker="o",
        markersize=2.5,
        label=series.area_name,
    )
    for kind, (colour, marker, label) in SPECIAL.items():
        found = [
            (i, v)
            for i, v in enumerate(ys)
            if spc.special[i] and not math.isnan(v) and _direction(measure, v, spc.mean[i]) == kind
        ]
        if found:
            ax.scatter(
                [i for i, _ in found],
                [v for _, v in found],
                s=22,
                marker=marker,
                color=colour,
                zorder=5,
                label=label,
            )
    targets = [spc.target] if spc.target is not None else []
    top = _top(ys, spc.upper, targets)
    # the axis spans the process, not zero to the top: limits and points fill the chart
    low = min([v for v in [*ys, *spc.lower, *targets] if not math.isnan(v)], default=0.0)
    bottom = max(0.0, low - (top - low) * 0.1)
    # three intervals at most: the SPC legend can take three rows and leave a short axis
    _frame(fig, ax, measure, series.labels, top=top, bottom=bottom, legend_entries=3, bins=3)
    # a long series: only the latest value is said (the data table has every one)
    texts = ["" for _ in series.area_text[:-1]] + series.area_text[-1:]
    _data_labels(fig, ax, series.area, texts, colour=PALETTE["area"])
    return _chart(fig, ChartKind.SPC, alt, chart_id)


def _segments(mean: list[float]) -> list[tuple[int, int]]:
    """Index ranges over which the mean (and so the limits) is one value."""
    starts = [0, *(i for i in range(1, len(mean)) if mean[i] != mean[i - 1]), len(mean)]
    return list(itertools.pairwise(starts))


def _direction(measure: Measure, value: float, mean: float) -> str:
    better = measure.higher_is_better
    if better is None or value == mean:
        return "neither"
    return "improvement" if (value > mean) == better else "concern"


def funnel_chart(
    measure: Measure,
    points: list[tuple[float, float]],
    mine: tuple[float, float],
    limits: FunnelLimits,
    *,
    area_name: str,
    alt: str,
    chart_id: str,
) -> Chart:
    """Every area's value against the size of its base, with 95% and 99.8% limits."""
    scale = measure.scale
    fig, ax = new_figure()
    ax.scatter(
        [p[0] for p in points], [p[1] for p in points], s=6, color="#8a8f93", label="Other areas"
    )
    bands = [
        (limits.lower95, limits.upper95, "--", 0.9, "95% limits"),
        (limits.lower998, limits.upper998, ":", 1.1, "99.8% limits"),
    ]
    for lower, upper, style, width, label in bands:
        for edge, name in ((upper, label), (lower, None)):
            ax.plot(
                limits.sizes,
                [v * scale for v in edge],
                color=GREY,
                linestyle=style,
                linewidth=width,
                label=name,
            )
    ax.axhline(limits.centre * scale, color=GREY, linewidth=0.9, label="Overall")
    ax.scatter(
        [mine[0]], [mine[1]], s=30, marker="D", color=PALETTE["area"], zorder=5, label=area_name
    )
    ax.set_xscale("log")
    low, high = min(limits.sizes), max(limits.sizes)
    ax.set_xlim(low, high)
    ax.xaxis.set_minor_locator(NullLocator())
    ticks = _plain_log_ticks(low, high)
    ax.set_xticks(ticks, [f"{t:,.0f}" for t in ticks])
    ax.set_xlabel("Size of base (log scale)", fontsize=FONT_PT)
    shown = [v for v in (*(p[1] for p in points), mine[1]) if not math.isnan(v)]
    centre = limits.centre * scale
    spread_ = max([abs(v - centre) for v in shown] + [centre * 0.1])
    _y_axis(ax, measure, centre + spread_ * 1.3, bottom=max(0.0, centre - spread_ * 1.3))
    layout(fig, ax, legend_entries=3)
    thin_x_labels(fig, ax)
    return _chart(fig, ChartKind.FUNNEL, alt, chart_id)


def _plain_log_ticks(low: float, high: float) -> list[float]:
    """1, 2, 5, 10, 20, 50 ... within the range: plain numbers on a log axis."""
    for steps in ((1, 2, 5), (1, 2, 3, 5, 7)):
        ticks: list[float] = []
        power = 10 ** math.floor(math.log10(max(low, 1e-9)))
        while power <= high:
            ticks += [m * power for m in steps if low <= m * power <= high]
            power *= 10
        if len(ticks) >= 3:
            break
    return ticks or [low, high]


def _frame(
    fig,
    ax,
    measure: Measure,
    labels: list[str],
    *,
    top: float,
    legend_entries: int,
    right_in: float = 0.08,
    bottom: float = 0.0,
    bins: int = 4,
) -> None:
    """Axes, period labels, legend and layout shared by the trend-like charts."""
    x = list(range(len(labels)))
    _y_axis(ax, measure, top, bottom, bins)
    ax.set_xticks(x, _period_labels(labels))
    ax.set_xlim(-0.4, len(x) - 0.6)
    if measure.unit is Unit.RATE and measure.per != 1:  # an average needs no "per 1"
        ax.set_ylabel(f"per {measure.per:,}", fontsize=FONT_PT)
    layout(fig, ax, legend_entries=legend_entries, right_in=right_in)
    thin_x_labels(fig, ax)


def _period_labels(labels: list[str]) -> list[str]:
    """Quarters as 'Q1' with the year under the first quarter of each year (and under the
    first point); months as 'Oct' with the calendar year under January (and the first
    point); years as they are."""
    out = []
    for n, label in enumerate(labels):
        if is_period(label) and period_kind(label) == "month":
            year, month = label.split("-")
            name = calendar.month_abbr[int(month)]
            out.append(f"{name}\n{year}" if month == "01" or n == 0 else name)
            continue
        year, _, quarter = label.replace("\n", "").replace("-Q", "Q").partition("Q")
        if quarter:
            out.append(f"Q{quarter}\n{year}" if quarter == "1" or n == 0 else f"Q{quarter}")
        else:
            out.append(label)
    return out


def _y_axis(ax, measure: Measure, top: float, bottom: float = 0.0, bins: int = 4) -> None:
    """A y axis from `bottom` (zero unless asked) to a labelled tick at or above the highest
    value, with 3 to 5 ticks labelled with just enough decimals to tell them apart."""
    wanted = top if bottom else top * 1.15  # headroom above the highest point
    if measure.unit is Unit.PERCENT:
        wanted = min(100.0, max(wanted, 10.0))
    elif measure.unit is Unit.COUNT:
        wanted = max(wanted, 5.0)
    wanted = wanted or 1.0
    ticks = [float(t) for t in MaxNLocator(nbins=bins, min_n_ticks=3).tick_values(bottom, wanted)]
    ticks = [t for t in ticks if t >= 0]
    while len(ticks) > 1 and ticks[-2] >= wanted:
        ticks.pop()
    while len(ticks) > 2 and ticks[1] <= bottom:
        ticks.pop(0)
    if measure.unit is Unit.PERCENT:
        ticks = [t for t in ticks if t <= 100] or [0.0, 100.0]
    if len(ticks) > bins + 1:  # MaxNLocator's 3-tick minimum gave more than fit
        ticks = _every_other(ticks, measure)
    ax.set_ylim(ticks[0], ticks[-1])
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    suffix = "%" if measure.unit is Unit.PERCENT else ""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{decimals}f}{suffix}"))


def _every_other(ticks: list[float], measure: Measure) -> list[float]:
    """Every other tick, keeping both ends: an even count is first made odd by one more
    step above (or, for a percentage already at 100%, below, if not under zero)."""
    if len(ticks) % 2 == 0:
        step = ticks[1] - ticks[0]
        above = ticks[-1] + step
        if measure.unit is not Unit.PERCENT or above <= 100:
            ticks = [*ticks, above]
        elif ticks[0] - step >= 0:
            ticks = [ticks[0] - step, *ticks]
        else:  # 0% to 100%: halves (or the nearest round steps) between the same ends
            found = MaxNLocator(nbins=2).tick_values(ticks[0], ticks[-1])
            return [float(t) for t in found if ticks[0] <= t <= ticks[-1]]
    return ticks[::2]


def _data_labels(fig, ax, values: list[float | None], texts: list[str], *, colour: str) -> None:
    """The area's values said at their points, latest first, where they do not collide; a
    withheld value's marker ([c]) sits on the bottom of the plot, never on the axis labels."""
    bottom = ax.get_ylim()[0]
    candidates: list[tuple[float, float, str]] = []
    for i in reversed(range(len(texts))):
        value = values[i]
        if texts[i]:
            candidates.append((float(i), bottom if value is None else value, texts[i]))
    place_labels(fig, ax, candidates, colour=colour)


def _chart(fig, kind: ChartKind, alt: str, chart_id: str) -> Chart:
    svg = finish(fig, chart_id)
    return Chart(
        id=chart_id,
        kind=kind,
        svg=svg,
        alt=alt,
        width_px=round(WIDTH_IN * 96),
        height_px=round(HEIGHT_IN * 96),
    )
