"""The board summary: one row per measure with data, said once for both renderers.

A governance board starts here. Each row carries what the Making Data Count
summary shows (variation and assurance icons, with their words), the LAIT-style
quartile band among all areas, the latest value with its change on the year and
its peer comparison, a sparkline of the values on show, and the sheet's review
status. Rows whose variation is a concern, whose target is failed, or (on an
annual book) whose value lies beyond the 99.8% funnel limit on the worse side
are listed first, under "Needs attention". The HTML template and the Typst
writer only lay these rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from qareport.book.model import Book, SheetPage
from qareport.sheet.icons import icon_text
from qareport.sheet.model import MeasureView

__all__ = [
    "BAND_TEXT",
    "BoardGroup",
    "BoardRow",
    "board_summary",
    "sparkline_svg",
]

BAND_TEXT = "A is the best quarter of all areas by the measure's polarity, D the worst"


@dataclass(frozen=True)
class BoardRow:
    sheet_anchor: str
    measure_anchor: str
    title: str
    latest: str
    latest_period: str
    change: str
    judgement: str  # better | worse | "" (for styling only: the words say it)
    comparison: str
    band: str  # A-D or ""
    variation: str  # icon code, or "" on an annual book
    variation_text: str
    assurance: str
    assurance_text: str
    funnel: str  # annual books: within | beyond 95% (above) ...
    review: str
    spark: tuple[float | None, ...]
    spark_text: str  # the sparkline's values in words: its text alternative
    attention: bool


@dataclass(frozen=True)
class BoardGroup:
    """A heading of the summary ("Needs attention", or a content area) and its rows."""

    title: str
    anchor: str
    note: str  # review and actions of the sheet, in words
    rows: tuple[BoardRow, ...]


def _attention(m: MeasureView) -> bool:
    if m.variation.startswith("concern") or m.assurance == "fail":
        return True
    if m.funnel_position.startswith("beyond 99.8%"):
        worse = {"higher-is-better": "below", "lower-is-better": "above"}.get(m.polarity)
        return worse is not None and worse in m.funnel_position
    return False


def _row(page: SheetPage, m: MeasureView, peer_label: str) -> BoardRow:
    return BoardRow(
        sheet_anchor=page.anchor,
        measure_anchor=f"{page.anchor}-{m.id}",
        title=m.title,
        latest=m.latest,
        latest_period=m.latest_period,
        # better or worse said in words, as on the sheets (bold type alone says nothing
        # to a screen reader or on a grey print)
        change=f"{m.change} ({m.judgement})" if m.judgement in ("better", "worse") else m.change,
        judgement=m.judgement if m.judgement in ("better", "worse") else "",
        comparison=f"{peer_label} mean {m.peer}" if m.peer else "",
        band=m.quartile,
        variation=m.variation,
        variation_text=icon_text("variation", m.variation) if m.variation else "",
        assurance=m.assurance,
        assurance_text=icon_text("assurance", m.assurance) if m.assurance else "",
        funnel=m.funnel_position,
        review=page.status_text,
        spark=tuple(m.spark),
        spark_text=(
            f"{m.title}, {m.series[0].period} to {m.series[-1].period}: "
            + ", ".join(p.area or "no value" for p in m.series)
            if m.series
            else ""
        ),
        attention=_attention(m),
    )


def board_summary(book: Book) -> list[BoardGroup]:
    """Needs attention first, then every content area's measures with data, in book order."""
    groups: list[BoardGroup] = []
    flagged: list[BoardRow] = []
    for page in book.sheets:
        rows = tuple(_row(page, m, page.data.peer_label) for m in page.data.measures if m.has_data)
        flagged += [r for r in rows if r.attention]
        actions = f"{page.open_count} open actions"
        if page.overdue_count:
            actions += f", {page.overdue_count} overdue"
        story = "Story sheet written." if page.story is not None else "No story sheet yet."
        note = f"Review: {page.status_text}. {actions}. {story}"
        groups.append(BoardGroup(page.data.section_title, page.anchor, note, rows))
    attention = BoardGroup(
        "Needs attention",
        "needs-attention",
        "Special-cause concern, a failing target or a value beyond the 99.8% funnel limit "
        "on the worse side."
        if flagged
        else "No measure shows a special-cause concern, a failing target or a value beyond "
        "the 99.8% funnel limit on the worse side.",
        tuple(flagged),
    )
    return [attention, *groups]


def sparkline_svg(values: tuple[float | None, ...], label: str) -> str:
    """A small line of the values on show (a gap where a value is withheld or missing),
    the latest point marked; `label` is its text alternative."""
    width, height, pad = 64.0, 16.0, 2.0
    known = [v for v in values if v is not None]
    body = ""
    if known and len(values) > 1:
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        step = (width - 2 * pad) / (len(values) - 1)

        def xy(i: int, v: float) -> tuple[float, float]:
            return pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)

        runs: list[list[tuple[float, float]]] = [[]]
        latest = (0.0, 0.0)
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                latest = xy(i, v)
                runs[-1].append(latest)
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body += (
                    f'<polyline points="{points}" fill="none" stroke="#505a5f" stroke-width="1.2"/>'
                )
        body += f'<circle cx="{latest[0]:.1f}" cy="{latest[1]:.1f}" r="1.8" fill="#1d70b8"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(label)}" '
        f'class="sparkline"><title>{escape(label)}</title>{body}</svg>'
    )
