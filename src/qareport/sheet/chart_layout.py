"""How every chart is laid out, labelled and saved: fixed size, no colliding text, SVG.

Charts are drawn at the size they are printed on the A3 sheet, with every text at
7 pt or more, so paper shows them as drawn. The layout is computed once from the
measured text (legend rows, tick-label widths) instead of matplotlib's
`tight_layout`, which re-lays every chart out several times. Text that would
collide is left out rather than drawn over other text: axis labels are thinned,
data labels are placed latest first and skipped where they would overlap, end
labels are moved apart. `text_overlaps` is the check the tests (and anyone
adding a chart) run on a drawn figure.
"""

from __future__ import annotations

import calendar
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform

from qareport.sheet.model import HEIGHT_IN, WIDTH_IN

__all__ = [
    "FONT",
    "FONT_PT",
    "HEIGHT_IN",
    "LEGEND_SPACING",
    "WIDTH_IN",
    "finish",
    "legend_width",
    "new_figure",
    "observe_figures",
    "place_labels",
    "renderer_of",
    "spread",
    "text_overlaps",
    "text_width",
    "thin_x_labels",
]

TEXT = "#0b0c0c"
FONT_PT = 7.0  # the smallest text on the A3 sheet
LEGEND_WRAP = 26  # characters: a longer legend label is wrapped
LEGEND_LINES = 2  # and cut after this many lines
# a legend's spacing, in font sizes (one place: `layout` makes legends and estimates them)
LEGEND_SPACING = {
    "handlelength": 1.8,
    "columnspacing": 0.8,
    "handletextpad": 0.4,
    "borderpad": 0.1,
    "labelspacing": 0.5,
}
LINE_SPACING = 1.2  # a two-line legend label's lines apart, in font sizes
LEGEND_AXES_PAD = 0.1  # font sizes between the legend and the chart's foot

matplotlib.rcParams.update(
    {
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": FONT_PT,
        "axes.edgecolor": "#505a5f",
        "axes.labelcolor": TEXT,
        "axes.facecolor": "white",
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "xtick.labelsize": FONT_PT,
        "ytick.labelsize": FONT_PT,
        "ytick.left": False,
        "legend.fontsize": FONT_PT,
        "legend.frameon": False,
        "svg.fonttype": "none",  # text stays text: selectable, searchable, sharp
        "svg.hashsalt": "qareport",  # the same data always give the same bytes
        "axes.formatter.use_mathtext": False,
    }
)

FONT = FontProperties(family="sans-serif", size=FONT_PT)  # the tick labels' font

_observers: list[Callable[[Figure, str], None]] = []


@contextmanager
def observe_figures(callback: Callable[[Figure, str], None]) -> Iterator[None]:
    """Call `callback(figure, chart_id)` on every chart just before it is saved."""
    _observers.append(callback)
    try:
        yield
    finally:
        _observers.remove(callback)


def new_figure():
    """A figure of the printed size with one axes."""
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    FigureCanvasAgg(fig)  # measures text; no pyplot, so nothing to close afterwards
    ax = fig.add_subplot()
    return fig, ax


def renderer_of(fig: Figure):
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # new_figure gives every chart one
    return canvas.get_renderer()


def layout(fig: Figure, ax, *, legend_entries: int, right_in: float = 0.08) -> None:
    """Place the axes and the legend below it, from the measured size of their text."""
    renderer = renderer_of(fig)
    width_px = fig.bbox.width
    handles, labels = ax.get_legend_handles_labels()
    # long names on two lines at most, cut with an ellipsis (a web address for an area name
    # has no spaces to wrap at); the full name is in the chart's alt text and data table
    labels = [
        "\n".join(textwrap.wrap(label, LEGEND_WRAP, max_lines=LEGEND_LINES, placeholder="…"))
        for label in labels
    ]
    rows_in = 0.0
    if handles:
        columns = min(legend_entries or len(handles), len(handles))
        while columns > 1 and legend_width(renderer, labels, columns) > width_px - 4:
            columns -= 1
        rows_in = _draw_legend(fig, handles, labels, columns) / fig.dpi
    y_width = max((text_width(renderer, t) for t in _y_tick_texts(ax)), default=0.0)
    left_in = y_width / fig.dpi + 0.1
    if ax.get_ylabel():
        left_in += FONT_PT / 72 + 0.06
    x_lines = max((t.get_text().count("\n") + 1 for t in ax.get_xticklabels()), default=1)
    x_label = 1 if ax.get_xlabel() else 0
    bottom_in = rows_in + 0.06 + (x_lines + x_label) * FONT_PT * 1.25 / 72 + 0.08
    w, h = fig.get_size_inches()
    fig.subplots_adjust(
        left=left_in / w,
        right=1 - right_in / w,
        bottom=bottom_in / h,
        top=1 - 0.14 / h,
    )


def _draw_legend(fig: Figure, handles: list, labels: list[str], columns: int) -> float:
    """The legend under the chart, centred, as plain figure artists: per entry a sample of
    the line (or the marker) and its label, in `columns` columns filled in order and spaced
    as matplotlib spaces a legend (LEGEND_SPACING). Drawn this way, not as a matplotlib
    Legend, whose nested boxes were laid out again for every save and cost a quarter of a
    chart's drawing time. Returns the legend's height in pixels."""
    renderer = renderer_of(fig)
    pixels = renderer.points_to_pixels(FONT_PT)  # one font size, in pixels
    _, line_height, descent = renderer.get_text_width_height_descent("lp", FONT, ismath=False)
    handle_px = LEGEND_SPACING["handlelength"] * pixels
    label_px = handle_px + LEGEND_SPACING["handletextpad"] * pixels
    pad = LEGEND_SPACING["borderpad"] * pixels
    gap_below = LEGEND_SPACING["labelspacing"] * pixels
    chunks = _legend_columns(labels, columns)
    heights = [line_height + label.count("\n") * LINE_SPACING * pixels for label in labels]
    tall = max(sum(heights[i] for i in c) + gap_below * (len(c) - 1) for c in chunks)
    total = tall + 2 * pad
    bottom = LEGEND_AXES_PAD * pixels
    left = (fig.bbox.width - legend_width(renderer, labels, columns)) / 2 + pad
    to_figure = fig.transFigure.inverted().transform
    for chunk in chunks:
        top = bottom + total - pad
        for i in chunk:
            handle, label = handles[i], labels[i]
            middle = top - (line_height - descent) + 0.35 * pixels  # mid x-height, line one
            _sample(fig, handle, to_figure((left, middle)), to_figure((left + handle_px, middle)))
            x, y = to_figure((left + label_px, top))
            fig.text(
                x,
                y,
                label,
                va="top",
                ha="left",
                fontsize=FONT_PT,
                color=TEXT,
                linespacing=LINE_SPACING,
            )
            top -= heights[i] + gap_below
        left += label_px + max(text_width(renderer, labels[i]) for i in chunk)
        left += LEGEND_SPACING["columnspacing"] * pixels
    return total


def _sample(fig: Figure, handle, start, end) -> None:
    """A legend entry's sample: a short stretch of the line with its marker in the middle,
    or the marker alone for points (a scatter)."""
    middle = ((start[0] + end[0]) / 2, start[1])
    if isinstance(handle, Line2D):
        fig.add_artist(
            Line2D(
                [start[0], middle[0], end[0]],
                [start[1]] * 3,
                transform=fig.transFigure,
                color=handle.get_color(),
                linestyle=handle.get_linestyle(),
                linewidth=handle.get_linewidth(),
                marker=handle.get_marker(),
                markersize=handle.get_markersize(),
                markevery=[1],
            )
        )
        return
    sizes = handle.get_sizes()
    fig.add_artist(
        PathCollection(
            handle.get_paths(),
            sizes=sizes[:1] if len(sizes) else None,
            offsets=[middle],
            offset_transform=fig.transFigure,
            facecolors=handle.get_facecolor()[:1],
            edgecolors=handle.get_edgecolor()[:1],
            transform=IdentityTransform(),
        )
    )


def legend_width(renderer, labels: list[str], columns: int) -> float:
    """The width in pixels of a legend in `columns` columns, as matplotlib lays it out:
    entries split into columns in order (numpy's array_split), each a handle, a gap and its
    label, the columns apart by the column spacing, all inside the border padding."""
    chunks = _legend_columns(labels, columns)
    gaps = LEGEND_SPACING["handlelength"] + LEGEND_SPACING["handletextpad"]
    font_sizes = (
        2 * LEGEND_SPACING["borderpad"]
        + LEGEND_SPACING["columnspacing"] * (len(chunks) - 1)
        + gaps * len(chunks)
    )
    widest = sum(max(text_width(renderer, labels[i]) for i in chunk) for chunk in chunks)
    return renderer.points_to_pixels(FONT_PT * font_sizes) + widest


def _legend_columns(labels: list[str], columns: int) -> list[list[int]]:
    """The entries of each column, filled in order as matplotlib fills a legend's columns
    (numpy's array_split: the first columns take one more where they do not divide)."""
    split = np.array_split(np.arange(len(labels)), columns)
    return [[int(i) for i in part] for part in split if len(part)]


def text_width(renderer, text: str) -> float:
    """The drawn width in pixels of (the widest line of) a tick label at 7 pt."""
    return max(_line_width(renderer, line) for line in text.split("\n"))


_widths: dict[tuple[str, float], float] = {}


def _line_width(renderer, line: str) -> float:
    """One line's width at 7 pt, measured once per resolution: every chart of a book
    measures the same period labels, legend labels and tick values again."""
    key = (line, renderer.dpi)
    if key not in _widths:
        if len(_widths) > 20_000:  # a batch worker's many books: kept small
            _widths.clear()
        _widths[key] = renderer.get_text_width_height_descent(line, FONT, ismath=False)[0]
    return _widths[key]


def _y_tick_texts(ax) -> list[str]:
    """The y tick labels as they will be drawn (tick label artists are only updated on a
    draw, so they are formatted here from the locator and formatter)."""
    low, high = ax.get_ylim()
    locs = [v for v in ax.yaxis.get_major_locator()() if low - 1e-9 <= v <= high + 1e-9]
    formatter = ax.yaxis.get_major_formatter()
    formatter.set_locs(locs)
    return [formatter(v, i) for i, v in enumerate(locs)]


def _box(text: Text, renderer) -> Bbox:
    return text.get_window_extent(renderer)


def thin_x_labels(fig: Figure, ax) -> None:
    """Blank the x tick labels that would touch a neighbour or run off the chart, keeping
    the latest first, then labels of two lines (a quarter or month that starts a year)."""
    renderer = renderer_of(fig)
    ticks = list(ax.get_xticks())
    labels = [t.get_text() for t in ax.get_xticklabels()]
    to_screen = ax.transData.transform
    spans = []
    for tick, text in zip(ticks, labels, strict=True):
        half = (text_width(renderer, text) if text else 0.0) / 2 + 2
        centre = to_screen((tick, 0))[0]
        spans.append((centre - half, centre + half))
    last = len(ticks) - 1
    # months: every third back from the latest next, so the kept ones fall evenly
    months = set(calendar.month_abbr[1:])
    step = 3 if labels and all(t.split("\n")[0] in months for t in labels if t) else 1
    order = sorted(
        range(len(ticks)),
        key=lambda i: (i != last, "\n" not in labels[i], (last - i) % step != 0, -i),
    )
    kept: list[int] = []
    for i in order:
        a, b = spans[i]
        inside = a >= fig.bbox.x0 and b <= fig.bbox.x1
        if inside and all(b <= spans[k][0] or a >= spans[k][1] for k in kept):
            kept.append(i)
    ax.set_xticks(ticks, [text if i in kept else "" for i, text in enumerate(labels)])


def _inside(fig: Figure, box: Bbox) -> bool:
    whole = fig.bbox
    return (
        box.x0 >= whole.x0 - 0.5
        and box.x1 <= whole.x1 + 0.5
        and box.y0 >= whole.y0 - 0.5
        and box.y1 <= whole.y1 + 0.5
    )


def place_labels(
    fig: Figure, ax, candidates: Sequence[tuple[float, float, str]], *, colour: str
) -> None:
    """Data labels above their points, in the order given (latest first): each is drawn
    only where it collides with no label already placed and stays inside the chart."""
    renderer = renderer_of(fig)
    placed: list[Bbox] = [
        _box(t, renderer).padded(1) for t in fig.texts if _shown(t)
    ]  # the legend's labels (figure texts: walking the whole figure cost more)
    markers = _marker_boxes(ax)  # a label may cross a line, but not cover a plotted point
    for n, (x, y, text) in enumerate(candidates):
        # one label, tried in turn: centred above the point, else below it; near the right
        # edge (the latest point of a long series) ending at the point instead
        label = _annotate(ax, x, y, text, colour)
        for ha, dy in _LABEL_PLACES:
            _move(label, dy, ha)
            box = _box(label, renderer)
            if _inside_axes(ax, box) and not any(box.overlaps(p) for p in placed + markers):
                placed.append(box.padded(1))
                break
        else:
            if n == 0:  # the latest value is always said: at its point, whatever is there
                _move(label, 5, "right")
                placed.append(_box(label, renderer).padded(1))
            else:
                label.remove()


_LABEL_PLACES = (("center", 5), ("center", -11), ("right", 5), ("right", -11))


def _annotate(ax, x: float, y: float, text: str, colour: str):
    """A data label for the point (x, y), not yet placed (see `_move`)."""
    return ax.annotate(
        text,
        (x, y),
        xytext=(0, 0),
        textcoords="offset points",
        fontsize=FONT_PT,
        color=colour,
        annotation_clip=False,
    )


def _move(label, dy: float, ha: str) -> None:
    """Put a data label `dy` points above its point, centred or ending just past it."""
    label.xyann = (3 if ha == "right" else 0, dy)  # a right-aligned label ends past its point
    label.set_horizontalalignment(ha)


def _marker_boxes(ax) -> list[Bbox]:
    """A small box around every plotted point of every line with markers."""
    boxes = []
    for line in ax.get_lines():
        if line.get_marker() in (None, "None", "", " "):
            continue
        xs, ys = line.get_xdata(), line.get_ydata()
        for x, y in zip(xs, ys, strict=False):
            if y == y:  # not NaN
                px, py = ax.transData.transform((x, y))
                boxes.append(Bbox.from_extents(px - 3, py - 3, px + 3, py + 3))
    return boxes


def _inside_axes(ax, box: Bbox) -> bool:
    area = ax.bbox
    return (
        box.x0 >= area.x0 - 2
        and box.x1 <= area.x1 + 2
        and box.y1 <= area.y1 + 2
        and box.y0 >= area.y0 - 2
    )


def spread(
    positions: list[float], gap: float, low: float = -math.inf, high: float = math.inf
) -> list[float]:
    """Move label positions apart so that neighbours are at least `gap` apart, keeping their
    order (a one-dimensional repel), then shift them all to lie within [low, high]."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [positions[i] for i in order]
    for _ in range(50):
        moved = False
        for k in range(1, len(ys)):
            if ys[k] - ys[k - 1] < gap - 1e-9:
                push = (gap - (ys[k] - ys[k - 1])) / 2
                ys[k - 1] -= push
                ys[k] += push
                moved = True
        if not moved:
            break
    if ys[-1] > high:
        ys = [y - (ys[-1] - high) for y in ys]
    if ys[0] < low:
        ys = [y + (low - ys[0]) for y in ys]
    out = [0.0] * len(ys)
    for i, y in zip(order, ys, strict=True):
        out[i] = y
    return out


def _shown(text: Text) -> bool:
    return bool(text.get_visible() and text.get_text().strip())


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Every pair of drawn texts in the figure whose boxes overlap, and every text that
    runs off the figure (paired with ""): empty for a legible chart."""
    fig.canvas.draw()  # ticks and their labels take their final places on a draw
    renderer = renderer_of(fig)
    texts = [t for t in fig.findobj(Text) if _shown(t) and t is not getattr(fig, "_suptitle", 0)]
    boxes = [(t.get_text(), _box(t, renderer)) for t in texts]
    found = [(name, "") for name, box in boxes if not _inside(fig, box)]
    for i, (first, one) in enumerate(boxes):
        for second, other in boxes[i + 1 :]:
            if one.overlaps(other) and _area(one, other) > 1.0:
                found.append((first, second))
    return found


def _area(one: Bbox, other: Bbox) -> float:
    """The overlapping area in square pixels (edges that only touch are not a collision)."""
    w = min(one.x1, other.x1) - max(one.x0, other.x0)
    h = min(one.y1, other.y1) - max(one.y0, other.y0)
    return max(w, 0.0) * max(h, 0.0)


_ID = re.compile(r'id="([^"]+)"')


def finish(fig: Figure, chart_id: str) -> str:
    """The figure as an SVG string that can be inlined in a page beside other charts: no
    XML prologue or metadata, and every id prefixed with the chart's own id."""
    for observe in _observers:
        observe(fig, chart_id)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(
        r"(url\(#|href=\"#)([^)\"]+)",
        lambda m: m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2)),
        svg,
    )
    return svg.strip() + "\n"
