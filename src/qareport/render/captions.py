"""The words under every measure's chart, made once for both renderers.

A caption is a few lines of spans; each span is plain text or carries a style
(strong, a judgement, a missing return). The HTML template and the Typst
writer only lay the spans out, so the web page and the A3 sheet say exactly
the same words about every measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from qareport.config.catalogue import Unit
from qareport.sheet.icons import icon_label, icon_text
from qareport.sheet.model import MeasureView, SheetData

__all__ = [
    "Caption",
    "DataTable",
    "GroupTable",
    "Icon",
    "Line",
    "Span",
    "data_tables",
    "group_table",
    "measure_caption",
    "team_caption",
]

MISSING_RETURN = "return missing"


@dataclass(frozen=True)
class Span:
    """A run of caption text: `style` is "", "strong", "better", "worse" or "missing"."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Line:
    """One line of a caption. `box` groups it for styling: None for none, "" for a plain
    group, or a class name ("low-base", "agencies")."""

    spans: tuple[Span, ...]
    box: str | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon on a measure: its kind (variation or assurance), its code,
    its few visible words and its full words (the icon's text alternative)."""

    kind: str
    code: str
    label: str
    text: str


@dataclass(frozen=True)
class Caption:
    """A measure's title, its type and source, its icons, and the lines said under its
    chart."""

    title: str
    type: str
    source: str
    lines: tuple[Line, ...]
    icons: tuple[Icon, ...] = ()

    @property
    def text(self) -> str:
        """Every word of the caption as plain text, lines joined by a space."""
        icons = [f"{i.kind.capitalize()}: {i.label}." for i in self.icons]
        return " ".join(
            [self.title, self.type, self.source, *icons, *(line.text for line in self.lines)]
        )


def _latest(m: MeasureView) -> Line:
    spans = [Span(f"{m.latest_period}: "), Span(m.latest, "strong")]
    if m.denominator:  # a share is "9 of 41"; a rate or average "700 over 41.3"
        word = "of" if m.unit == "percent" else "over"
        spans.append(Span(f" ({m.numerator} {word} {m.denominator})"))
    spans.append(Span(f", {m.change}"))
    if m.judgement in ("better", "worse"):
        spans += [Span(" "), Span(f"({m.judgement})", m.judgement)]
    spans.append(Span("."))
    return Line(tuple(spans))


def _agencies(m: MeasureView) -> Line:
    spans = [Span(f"By agency, {m.latest_period}: ")]
    for n, agency in enumerate(m.agencies):
        spans.append(Span(f"{agency.name} "))
        spans.append(Span(MISSING_RETURN, "missing") if agency.missing else Span(agency.latest))
        if n < len(m.agencies) - 1:
            spans.append(Span("; "))
    return Line(tuple(spans), box="agencies")


def measure_caption(m: MeasureView, sheet: SheetData) -> Caption:
    """What the sheet says under a measure's chart, in the order it says it."""
    lines = [_latest(m)]
    compared = []
    if m.peer:
        compared.append(f"{sheet.peer_label} mean {m.peer}")
    if m.national:
        compared.append(f"{sheet.national_label} {m.national}")
    if m.region:
        compared.append(m.region)
    if m.rank:
        compared.append(m.rank)
    if m.quartile:
        compared.append(f"quartile band {m.quartile} among all areas (A the best, D the worst)")
    if compared:
        lines.append(Line((Span("; ".join(compared)),)))
    if m.interval:
        lines.append(Line((Span(m.interval),), box="low-base" if m.low_base else ""))
    for sentence in (m.joint, m.notes, m.derived, m.yearly_national, m.spc, m.funnel):
        if sentence:
            lines.append(Line((Span(sentence),)))
    if m.agencies:
        lines.append(_agencies(m))
    icons = tuple(
        Icon(kind, code, icon_label(code), icon_text(kind, code))
        for kind, code in (("variation", m.variation), ("assurance", m.assurance))
        if code
    )
    return Caption(m.title, m.type, m.source_label, tuple(lines), icons)


def team_caption(m: MeasureView) -> str:
    """The caption of a measure's table of teams or localities."""
    return f"{m.title} by team or locality: {m.team_summary}"


@dataclass(frozen=True)
class GroupTable:
    """A measure's figure for the period by group of children: a row per breakdown, each
    cell a group and its figure ("82.4% of 55"), as both renderers lay it out."""

    caption: str
    rows: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    width: int  # the most groups in a row: the table's columns after the breakdown's


def group_table(m: MeasureView) -> GroupTable | None:
    """The table of a measure's breakdowns, or None where the returns give none."""
    if not m.groups:
        return None
    joined = " and ".join(", ".join(r.by.lower() for r in m.groups).rsplit(", ", 1))
    of = "of" if m.unit is Unit.PERCENT else "base"
    rows = tuple(
        (
            r.by,
            tuple((c.group, c.value + (f" ({of} {c.base})" if c.base else "")) for c in r.cells),
        )
        for r in m.groups
    )
    said = {
        Unit.PERCENT: "; in brackets, the number each share is of",
        Unit.RATE: "; in brackets, each figure's base",
    }
    caption = f"{m.title} by {joined}, {m.latest_period}{said.get(m.unit, '')}"
    return GroupTable(caption, rows, max(len(cells) for _, cells in rows))


@dataclass(frozen=True)
class DataTable:
    """The figures behind a chart, as both renderers print them: each row headed by its
    period; `numeric` says which columns are figures (set right-aligned)."""

    id: str  # unique within the sheet: "<measure>-data", "<measure>-spc"
    caption: str
    header: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]


def data_tables(m: MeasureView, sheet: SheetData) -> list[DataTable]:
    """The tables behind a measure's charts: every period the trend shows, with its
    comparators; and, for an SPC chart, every point it draws with its mean and limits."""
    if not m.series:
        return []
    tables = [_trend_table(m, sheet)]
    if m.limits:
        tables.append(_spc_table(m))
    return tables


def _trend_table(m: MeasureView, sheet: SheetData) -> DataTable:
    ratio = bool(m.denominator) or m.unit != "count"
    columns: list[tuple[str, bool, object]] = [(sheet.area_name, True, lambda p, i: p.area)]
    if ratio:
        columns += [("Numerator", True, lambda p, i: p.numerator)]
        columns += [("Denominator", True, lambda p, i: p.denominator)]
    if m.unit != "count":
        columns += [(f"{sheet.peer_label} mean", True, lambda p, i: p.peer)]
        columns += [(sheet.national_label, True, lambda p, i: p.national)]
    if m.region_label:
        columns += [(m.region_label, True, lambda p, i: p.region)]
    for a in m.agencies:
        columns += [(a.name, True, lambda p, i, a=a: a.series[i] if i < len(a.series) else "")]
    if m.joint or m.notes:
        columns += [("Note", False, lambda p, i: p.note)]
    rows = tuple(
        (point.period, *(str(cell(point, i)) for _, _, cell in columns))  # type: ignore[operator]
        for i, point in enumerate(m.series)
    )
    return DataTable(
        id=f"{m.id}-data",
        caption=f"{m.title}, {sheet.area_name}",
        header=("Period", *(name for name, _, _ in columns)),
        numeric=(False, *(num for _, num, _ in columns)),
        rows=rows,
    )


def _spc_figure(unit: str, value: float) -> str:
    return f"{value:.1f}%" if unit == "percent" else f"{value:,.1f}"


def _spc_table(m: MeasureView) -> DataTable:
    rows = tuple(
        (
            x.period,
            *(_spc_figure(m.unit, v) for v in (x.value, x.mean, x.lower, x.upper)),
            "yes" if x.special else "no",
        )
        for x in m.limits
    )
    return DataTable(
        id=f"{m.id}-spc",
        caption=f"{m.title}: every point on the SPC chart, with its mean and process limits",
        header=("Period", "Value", "Mean", "Lower limit", "Upper limit", "Special cause"),
        numeric=(False, True, True, True, True, False),
        rows=rows,
    )
