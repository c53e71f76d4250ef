"""The words under every measure's chart, made once for both renderers.

A caption is a few lines of spans; each span is plain text or carries a style
(strong, a judgement, a missing return). The HTML template and the Typst
writer only lay the spans out, so the web page and the A3 sheet say exactly
the same words about every measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from qareport.sheet.icons import icon_label, icon_text
from qareport.sheet.model import MeasureView, SheetData

__all__ = ["Caption", "Icon", "Line", "Span", "measure_caption", "team_caption"]

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
    for sentence in (m.joint, m.notes, m.derived, m.spc, m.funnel):
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
