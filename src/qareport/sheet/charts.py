"""Charts for the sheets: seaborn/matplotlib, accessible palette, alt text from the data.

Colours come from the Government Analysis Function's accessible categorical
palette; each line also differs in dash style and marker, and the legend is
black text, so colour never carries meaning alone. Images are PNG at the
size used on the page, with no timestamp in their metadata, so the same data
always give the same bytes.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import seaborn as sns

from qareport.config.catalogue import Measure, Unit
from qareport.sheet.formatting import format_value
from qareport.sheet.model import Chart
from qareport.sheet.stats import FunnelLimits

__all__ = [
    "PALETTE",
    "SPCOverlay",
    "TrendSeries",
    "agency_chart",
    "funnel_chart",
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
TEXT = "#0b0c0c"
DPI = 150
SIZE_IN = (5.2, 3.0)

sns.set_theme(style="whitegrid", context="paper", font="DejaVu Sans")
plt.rcParams.update(
    {
        "axes.edgecolor": "#505a5f",
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "grid.color": "#dddddd",
        "svg.hashsalt": "qareport",
        "font.size": 9,
    }
)


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


def trend_chart(measure: Measure, series: TrendSeries, alt: str, chart_id: str) -> Chart:
    """A line chart of the area against its peer group and the national figure."""
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    x = list(range(len(series.labels)))
    lines = [
        ("area", series.area, series.area_name, "-", "o", 2.2),
        ("peer", series.peer, series.peer_label, "--", "s", 1.6),
        ("national", series.national, series.national_label, ":", "^", 1.6),
    ]
    top = 0.0
    for key, values, label, style, marker, width in lines:
        if not _has(values):
            continue
        ys = _clean(values)
        ax.plot(
            x,
            ys,
            linestyle=style,
            marker=marker,
            color=PALETTE[key],
            linewidth=width,
            markersize=4,
            label=label,
        )
        top = max(top, *[v for v in ys if not math.isnan(v)])
    shown = _labelled(len(series.area_text))
    for i, text in enumerate(series.area_text):
        value = series.area[i]
        if i not in shown:
            continue
        if value is None or math.isnan(value):
            ax.annotate(
                text,
                (i, 0),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=TEXT,
            )
        else:
            ax.annotate(
                text,
                (i, value),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=PALETTE["area"],
            )
    _axes(ax, measure, x=x, labels=series.labels, top=top)
    _rate_label(ax, measure)
    return _save(fig, alt, chart_id)


def agency_chart(
    measure: Measure,
    labels: list[str],
    lines: list[tuple[str, list[float | None]]],
    *,
    alt: str,
    chart_id: str,
) -> Chart:
    """One line per member agency, the latest value of each labelled at its end."""
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    x = list(range(len(labels)))
    top = 0.0
    for n, (name, values) in enumerate(lines):
        if not _has(values):
            continue
        ys = _clean(values)
        k = n % len(CATEGORICAL)
        ax.plot(x, ys, linestyle=DASHES[k], marker=MARKERS[k], color=CATEGORICAL[k],
                linewidth=1.8, markersize=4, label=name)  # fmt: skip
        last = max(i for i, v in enumerate(ys) if not math.isnan(v))
        ax.annotate(
            format_value(measure, ys[last], short=True),
            (last, ys[last]),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=7,
            color=CATEGORICAL[k],
            va="center",
        )
        top = max(top, *[v for v in ys if not math.isnan(v)])
    _axes(ax, measure, x=x, labels=labels, top=top, legend_columns=2)
    _rate_label(ax, measure)
    return _save(fig, alt, chart_id)


@dataclass(frozen=True)
class SPCOverlay:
    """Process mean and limits per point, and which points are special cause."""

    mean: list[float]
    lower: list[float]
    upper: list[float]
    special: list[bool]


def spc_chart(
    measure: Measure, series: TrendSeries, spc: SPCOverlay, *, alt: str, chart_id: str
) -> Chart:
    """An XmR chart: the area's values with mean and process limits; special causes marked."""
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    x = list(range(len(series.labels)))
    ys = _clean(series.area)
    ax.plot(x, spc.mean, color="#505a5f", linewidth=1.2, label="Mean")
    ax.plot(x, spc.upper, color="#505a5f", linewidth=1, linestyle="--", label="Process limits")
    ax.plot(x, spc.lower, color="#505a5f", linewidth=1, linestyle="--")
    ax.plot(
        x, ys, color=PALETTE["area"], linewidth=2, marker="o", markersize=4, label=series.area_name
    )
    special = [(i, v) for i, v in enumerate(ys) if spc.special[i] and not math.isnan(v)]
    if special:
        ax.scatter(
            [i for i, _ in special],
            [v for _, v in special],
            s=70,
            marker="D",
            color=PALETTE["peer"],
            zorder=5,
            label="Special cause",
        )
    for i, text in enumerate(series.area_text):
        ax.annotate(
            text,
            (i, 0 if math.isnan(ys[i]) else ys[i]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
            color=TEXT,
        )
    top = max([*spc.upper, *(v for v in ys if not math.isnan(v))])
    _axes(ax, measure, x=x, labels=series.labels, top=top)
    return _save(fig, alt, chart_id)


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
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    ax.scatter(
        [p[0] for p in points], [p[1] for p in points], s=14, color="#8a8f93", label="Other areas"
    )
    bands = [
        (limits.lower95, limits.upper95, "--", 1.0, "95% limits"),
        (limits.lower998, limits.upper998, ":", 1.2, "99.8% limits"),
    ]
    for lower, upper, style, width, label in bands:
        for edge, name in ((upper, label), (lower, None)):
            ax.plot(
                limits.sizes,
                [v * scale for v in edge],
                color="#505a5f",
                linestyle=style,
                linewidth=width,
                label=name,
            )
    ax.axhline(limits.centre * scale, color="#505a5f", linewidth=1, label="Overall")
    ax.scatter(
        [mine[0]], [mine[1]], s=80, marker="D", color=PALETTE["area"], zorder=5, label=area_name
    )
    ax.set_xscale("log")
    ax.set_xlabel("Size of base (log scale)", fontsize=8)
    if measure.unit is Unit.PERCENT:
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}%")
    sns.despine(ax=ax, left=True)
    _legend(ax, columns=3, below=0.2, fontsize=7)
    return _save(fig, alt, chart_id)


def _labelled(count: int, most: int = 8) -> set[int]:
    """Which points carry a label: all of a short series; of a long one, every k-th,
    counted back from the latest so the latest is always labelled."""
    step = max(1, math.ceil(count / most))
    return {i for i in range(count) if (count - 1 - i) % step == 0}


def _legend(ax, columns: int, below: float = 0.14, fontsize: float = 7.5) -> None:
    """The legend under the plot, in the book's text colour."""
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -below),
        ncol=columns,
        frameon=False,
        fontsize=fontsize,
        handlelength=2.6,
        labelcolor=TEXT,
    )


def _rate_label(ax, measure: Measure) -> None:
    if measure.unit is Unit.RATE and measure.per != 1:  # an average needs no "per 1"
        ax.set_ylabel(f"per {measure.per:,}", fontsize=8)


def _axes(
    ax, measure: Measure, *, x: list[int], labels: list[str], top: float, legend_columns: int = 4
) -> None:
    if measure.unit is Unit.PERCENT:
        ax.set_ylim(0, min(100, max(top * 1.2, 10)))
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}%")
    else:
        ax.set_ylim(0, max(top * 1.2, 5))
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    shown = _labelled(len(labels))
    ax.set_xticks(x, [t if i in shown else "" for i, t in enumerate(labels)], fontsize=8)
    ax.set_xlim(-0.4, len(x) - 0.6)
    sns.despine(ax=ax, left=True)
    _legend(ax, legend_columns)


def _save(fig, alt: str, chart_id: str) -> Chart:
    fig.tight_layout(pad=0.4)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    width, height = (round(d * DPI) for d in SIZE_IN)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Chart(id=chart_id, png_base64=encoded, alt=alt, width_px=width, height_px=height)
