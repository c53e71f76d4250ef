"""Turning the Curve: a deep dive into one measure of concern, and whether it turned.

    narrative/<area>/<period>/<measure>.curve.md

Started by `qareport narrative curve --measure ID` from the period's built book: the file
holds the baseline (the measure's figures to that period) and the forecast of where it
goes if nothing changes, frozen in its front matter when it is made, so every later
book compares what happened with the same forecast. The reviewers write the story behind
the baseline, the partners with a role, what works (with sources) and the action plan,
whose actions (`actions: [id, ...]`) are the actions register's.

The book prints the sheet after the measure's own sheet: the book of the baseline period
shows the baseline and forecast; a later book of the same kind (a later year for a year)
shows what happened against the forecast, period by period, in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import Field, ValidationError

from qareport.book.actions import load_actions
from qareport.book.model import NotePage, NotePanel, NoteTable, SheetPage
from qareport.book.narrative import CURVE_PARTS, Narrative, read_narrative
from qareport.book.review import latest_decisions, with_decision
from qareport.config.catalogue import ID_PATTERN, Measure
from qareport.config.models import StrictModel
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period, is_period, parse_period
from qareport.config.project import Project
from qareport.errors import NarrativeError, ParameterError
from qareport.sheet.forecast import METHODS, Method, forecast, method_sentence
from qareport.sheet.model import Chart, MeasureView
from qareport.sheet.payload import read_sheet

__all__ = [
    "CURVE_SUFFIX",
    "CurveFront",
    "Frozen",
    "attach_curves",
    "curve_files",
    "curve_stub",
    "frozen_ahead",
    "start_curve",
]

CURVE_SUFFIX = ".curve.md"
AHEAD = 3  # periods the forecast looks ahead


class Ahead(StrictModel):
    period: str
    value: float
    lower: float
    upper: float


class Frozen(StrictModel):
    """The forecast as made: the figures it was fitted to and each period ahead."""

    made_from: dict[str, float] = Field(min_length=2)
    ahead: list[Ahead] = Field(min_length=1)


class CurveFront(StrictModel):
    measure: str = Field(pattern=ID_PATTERN)
    method: Method = "linear"
    fitted: int = Field(default=5, ge=2, le=60)
    forecast: Frozen | None = None
    actions: list[str] = Field(default_factory=list)
    # review keys, as on every narrative file
    status: str = "draft"
    reviewer: str = ""
    reviewed_on: str = ""
    approved_figures: str = ""


@dataclass(frozen=True)
class Curve:
    baseline: Period  # the period whose book it was started from
    front: CurveFront
    narrative: Narrative


def _front(narrative: Narrative) -> CurveFront:
    try:
        return CurveFront.model_validate(narrative.front)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NarrativeError(f"{narrative.path}: {where}: {first['msg']}") from None


def curve_files(folder: Path) -> list[Path]:
    """The Turning the Curve files in one period's narrative folder."""
    return sorted(folder.glob(f"*{CURVE_SUFFIX}")) if folder.is_dir() else []


def _curves(project: Project, area: AreaParameters, period: Period) -> dict[str, Curve]:
    """Each measure's latest curve made at or before this period, in periods of its kind."""
    found: dict[str, Curve] = {}
    root = project.narrative_area_dir(area.id)
    folders = (
        [p for p in root.iterdir() if p.is_dir() and is_period(p.name)] if root.is_dir() else []
    )
    for folder in sorted(folders, key=lambda p: parse_period(p.name).start_date):
        when = parse_period(folder.name)
        if when.kind != period.kind or when.start_date > period.start_date:
            continue
        decisions = latest_decisions(folder)
        for path in curve_files(folder):
            measure = path.name.removesuffix(CURVE_SUFFIX)
            narrative = with_decision(read_narrative(path), decisions.get(f"{measure}.curve"))
            front = _front(narrative)
            if front.measure != measure:
                raise NarrativeError(
                    f"{path}: measure {front.measure!r} is not the file's own ({measure!r}); "
                    f"name the file {front.measure}{CURVE_SUFFIX} or correct `measure:`"
                )
            found[measure] = Curve(when, front, narrative)
    return found


def _series(m: MeasureView) -> dict[str, float | None]:
    """The measure's figures as the book shows them (withheld and missing: None)."""
    if len(m.spark) != len(m.series):
        return {}
    return {p.period: v for p, v in zip(m.series, m.spark, strict=True)}


def _history(values: dict[str, float | None], upto: Period, fitted: int) -> dict[str, float]:
    """The last `fitted` periods to `upto` with figures, unbroken (a gap ends the run)."""
    run: dict[str, float] = {}
    for p in reversed(upto.history(fitted)):
        value = values.get(p.label)
        if value is None or math.isnan(value):
            break
        run[p.label] = value
    return dict(reversed(list(run.items())))


def frozen_ahead(
    made_from: dict[str, float], front: CurveFront, baseline: Period, unit: str
) -> list[Ahead]:
    """The periods after the baseline, forecast from `made_from` by the file's method."""
    try:
        made = forecast(list(made_from.values()), AHEAD, method=front.method, unit=unit)
    except ValueError as exc:
        raise ParameterError(f"{front.measure}, {baseline.label}: {exc}") from None
    return [
        Ahead(
            period=baseline.shift(h + 1).label,
            value=round(v, 4),
            lower=round(lo, 4),
            upper=round(hi, 4),
        )
        for h, (v, lo, hi) in enumerate(zip(made.values, made.lower, made.upper, strict=True))
    ]


def frozen_forecast(m: MeasureView, front: CurveFront, baseline: Period) -> Frozen:
    """The forecast from the baseline period's figures, as `narrative curve` freezes it."""
    made_from = {k: round(v, 4) for k, v in _history(_series(m), baseline, front.fitted).items()}
    return Frozen(made_from=made_from, ahead=frozen_ahead(made_from, front, baseline, m.unit))


def _text(m: MeasureView, value: float, *, counted: bool = False) -> str:
    """A figure as the sheet says it; `counted`: a figure as counted (a baseline or what
    happened), so a count is whole, where a forecast keeps its decimal."""
    if m.unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if counted and m.unit == "count" else f"{value:,.1f}"


def _judged(m: MeasureView, actual: float, row: Ahead) -> str:
    """What happened against the forecast, in words and by the measure's direction."""
    said = f"{row.period}: {_text(m, actual, counted=True)} against a forecast of "
    said += f"{_text(m, row.value)} "
    said += f"({_text(m, row.lower)} to {_text(m, row.upper)})"
    if row.lower <= actual <= row.upper:
        return said + ": within the interval, so not yet distinguishable from no change."
    above = actual > row.upper
    if m.polarity == "no-direction":
        return said + f": {'above' if above else 'below'} the interval."
    better = above == (m.polarity == "higher-is-better")
    turned = "better than forecast: the curve has turned" if better else "worse than forecast"
    return said + f": {'above' if above else 'below'} the interval, {turned}."


def _chart_and_table(
    measure: Measure, m: MeasureView, curve: Curve, frozen: Frozen, shown: dict[str, float | None]
) -> tuple[Chart, NoteTable, list[str]]:
    """The chart (baseline, forecast band, what happened) and its data table."""
    ahead = {row.period: row for row in frozen.ahead}
    after = [
        label
        for label, v in shown.items()
        if v is not None and parse_period(label).start_date > curve.baseline.start_date
    ]
    labels = sorted({*frozen.made_from, *ahead, *after}, key=lambda x: parse_period(x).start_date)
    base = [frozen.made_from.get(x) for x in labels]
    band = (
        [ahead[x].value if x in ahead else None for x in labels],
        [ahead[x].lower if x in ahead else None for x in labels],
        [ahead[x].upper if x in ahead else None for x in labels],
    )
    actual = [shown.get(x) if x in after else None for x in labels]
    alt = (
        f"Turning the Curve chart of {m.title.lower()}: the baseline {labels[0]} to "
        f"{curve.baseline.label}, the forecast if nothing changes for "
        f"{', '.join(ahead)} with its 95% interval"
        + (f", and what happened in {', '.join(after)}." if after else ".")
    )
    from qareport.sheet.charts import curve_chart  # matplotlib: only for a book with a curve

    chart = curve_chart(measure, labels, base, band, actual, alt=alt, chart_id=f"curve-{m.id}")
    rows = tuple(
        (
            x,
            _text(m, frozen.made_from[x], counted=True) if x in frozen.made_from else "",
            _text(m, ahead[x].value) if x in ahead else "",
            f"{_text(m, ahead[x].lower)} to {_text(m, ahead[x].upper)}" if x in ahead else "",
            _text(m, shown[x], counted=True) if x in after and shown.get(x) is not None else "",  # type: ignore[arg-type]
        )
        for x in labels
    )
    table = NoteTable(
        f"{m.title}: baseline, forecast and what happened",
        ("Period", "Baseline", "Forecast", "95% interval", "What happened"),
        rows,
    )
    return chart, table, after


def _plan(curve: Curve, folder: Path) -> NoteTable | None:
    """The curve's actions, as this period's actions register has them."""
    if not curve.front.actions:
        return None
    register = {a.id: a for a in load_actions(folder / "actions.yml").actions}
    rows = []
    for ident in curve.front.actions:
        a = register.get(ident)
        rows.append(
            (ident, a.text, a.owner, a.due, a.status)
            if a
            else (ident, "Not in this period's actions register", "", "", "")
        )
    return NoteTable("The action plan", ("Action", "What", "Owner", "Due", "Status"), tuple(rows))


def curve_page(
    project: Project, curve: Curve, m: MeasureView, period: Period, folder: Path
) -> NotePage:
    """The Turning the Curve sheet for one measure, as this book shows it."""
    shown = _series(m)
    frozen = curve.front.forecast
    made_here = frozen is None
    if frozen is None:  # a file written by hand: the forecast is made from this book's figures
        frozen = frozen_forecast(m, curve.front, curve.baseline)
    measure = project.catalogue.measures[m.id]
    chart, table, after = _chart_and_table(measure, m, curve, frozen, shown)
    first, last = next(iter(frozen.made_from)), list(frozen.made_from)[-1]
    words = [method_sentence(curve.front.method, len(frozen.made_from), first, last)]
    if made_here:
        words.append(
            "The file holds no frozen forecast, so this book made it from the figures it "
            "shows; start the sheet with qareport narrative curve to keep one forecast."
        )
    ahead = {row.period: row for row in frozen.ahead}
    judged = [
        _judged(m, shown[x], ahead[x])  # type: ignore[arg-type]
        for x in after
        if x in ahead and shown.get(x) is not None
    ]
    if judged:
        words += [f"- {line}" for line in judged]
    elif period.label == curve.baseline.label:
        words.append(
            f"Later books of this kind show what happened against this forecast, period by "
            f"period, to {frozen.ahead[-1].period}."
        )
    narrative = curve.narrative
    panels = [NotePanel("Baseline and forecast", "\n\n".join(words), chart=chart, table=table)]
    for name in CURVE_PARTS:
        text = narrative.part(name)
        panels.append(
            NotePanel(
                name.capitalize(),
                text or f"Not yet written: add it in {_label(project, narrative.path)}",
            )
        )
    plan = _plan(curve, folder)
    if plan is not None:
        panels[-1] = replace(panels[-1], table=plan)
    status = narrative.status.capitalize() + (
        f" by {narrative.reviewer}" if narrative.reviewer else ""
    )
    return NotePage(
        anchor=f"curve-{m.id}",
        title=f"Turning the Curve: {m.title}",
        lead=f"A deep dive started in {curve.baseline.label}: the baseline, where it goes if "
        "nothing changes, the story behind it, the partners with a role, what works, and "
        "the action plan.",
        panels=tuple(panels),
        status_text=status,
    )


def _label(project: Project, path: Path) -> str:
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)


def attach_curves(
    project: Project, area: AreaParameters, period: Period, pages: list[SheetPage]
) -> list[SheetPage]:
    """Each sheet with the Turning the Curve sheets of its measures after it. A curve for
    a measure on no sheet of this book is left out (a themed book may not hold it)."""
    curves = _curves(project, area, period)
    if not curves:
        return pages
    folder = project.narrative_area_dir(area.id) / period.label
    out = []
    for page in pages:
        made = tuple(
            curve_page(project, curves[m.id], m, period, folder)
            for m in page.data.measures
            if m.id in curves
        )
        out.append(replace(page, curves=made) if made else page)
    return out


def curve_stub(front: CurveFront, title: str) -> str:
    """A new Turning the Curve file: the frozen forecast and the parts to write."""
    from qareport.book.narrative import new_file

    notes = {
        "the story behind the baseline": "why the figures are where they are: causes, "
        "forces at work, what the data and the people closest to it say.",
        "partners with a role": "the agencies and people who have a part to play in "
        "turning the curve.",
        "what works": "what could work, with its sources (research, practice elsewhere, "
        "what children and families say).",
        "action plan": "what will be done, by whom and when. List the actions' ids from "
        "actions.yml under `actions:` in the front matter, and they are shown here.",
    }
    body = "".join(
        f"## {name.capitalize()}\n\n> **Note for the writer (not printed):** {notes[name]}\n\n"
        for name in CURVE_PARTS
    )
    data = front.model_dump(
        exclude_defaults=False, exclude={"status", "reviewer", "reviewed_on", "approved_figures"}
    )
    return new_file(data, f"Turning the Curve: {title}", body)


def start_curve(
    project: Project,
    area: str,
    period: str,
    measure: str,
    *,
    method: str = "linear",
    fitted: int = 5,
) -> Path:
    """narrative/<area>/<period>/<measure>.curve.md, its forecast frozen from the period's
    built book; an existing file is never written over."""
    params = project.area(area)
    when = parse_period(period)
    if method not in METHODS:
        raise ParameterError(f"--method {method!r}: give one of {', '.join(METHODS)}")
    sections = [
        s
        for s in project.book_sections(params, when)
        if measure in project.catalogue.area(s).measures
    ]
    if not sections:
        raise ParameterError(
            f"--measure {measure}: on no sheet of {params.id}'s {when.label} book; "
            "qareport catalogue list shows the measures of each content area"
        )
    notebook = project.book_dir(params.id, when) / "notebooks" / f"{sections[0]}.ipynb"
    if not notebook.is_file():
        raise ParameterError(
            f"the {when.label} book of {params.id} is not built yet; build it first: "
            f"qareport build --area {params.id} --period {when.label}"
        )
    view = next(m for m in read_sheet(notebook).measures if m.id == measure)
    front = CurveFront(measure=measure, method=method, fitted=fitted)
    front = front.replace(forecast=frozen_forecast(view, front, when))
    path = project.narrative_area_dir(params.id) / when.label / f"{measure}{CURVE_SUFFIX}"
    if path.exists():
        raise ParameterError(f"{path} exists already; edit it, or remove it to start again")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(curve_stub(front, view.title), encoding="utf-8")
    return path
