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

from .catalogue import Measure, Unit
from .sheetdata import Chart

__all__ = ["PALETTE", "TrendSeries", "trend_chart"]

# Analysis Function accessible palette: dark blue, orange, turquoise, dark pink.
PALETTE = {"area": "#12436D", "peer": "#F46A25", "national": "#28A197", "extra": "#801650"}
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
    for i, text in enumerate(series.area_text):
        value = series.area[i]
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
    if measure.unit is Unit.PERCENT:
        ax.set_ylim(0, min(100, max(top * 1.2, 10)))
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}%")
    else:
        ax.set_ylim(0, max(top * 1.2, 5))
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.set_xticks(x, series.labels, fontsize=8)
    ax.set_xlim(-0.4, len(x) - 0.6)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3,
        frameon=False,
        fontsize=7.5,
        handlelength=2.6,
        labelcolor=TEXT,
    )
    if measure.unit is Unit.RATE:
        ax.set_ylabel(f"per {measure.per:,}", fontsize=8)
    sns.despine(ax=ax, left=True)
    fig.tight_layout(pad=0.4)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    width, height = (round(d * DPI) for d in SIZE_IN)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Chart(id=chart_id, png_base64=encoded, alt=alt, width_px=width, height_px=height)
