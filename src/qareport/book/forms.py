"""The full book reshaped into the forms a board's forward plan asks for (config.forms).

Each form is made from the book's executed sheets and its reviewers' files: a themed book
keeps its sheets and adds a cross-cutting page; a partner's (or sector's) book keeps the
sheets and measures those agencies return, draws each against the pooled figure, and
prints their part of the analysis and their actions; the event pack has one page per
agency, the cross-cutting themes and the programme's findings for the year.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from qareport.book.agency_words import agency_parts, first_paragraph
from qareport.book.model import Book, NotePage, NotePanel, NoteTable, SheetPage
from qareport.config.forms import BookForm, form_agencies
from qareport.config.parameters import AreaParameters, Member
from qareport.config.periods import Period
from qareport.config.project import Project
from qareport.sheet.model import AgencyLine, MeasureView

__all__ = ["shape_book"]

OPEN = ("open", "in progress")


def shape_book(
    project: Project, area: AreaParameters, period: Period, book: Book, form: BookForm
) -> Book:
    """The book in the form asked for (the full book as it is)."""
    if form.themes:
        return _themed(book, area)
    if form.agency or form.sector:
        return _partner(project, area, book, form_agencies(form, area), form)
    if form.event:
        return _event(book, area, period)
    return book


# --- figures ----------------------------------------------------------------------------


def _number(m: MeasureView, value: float) -> str:
    return f"{value:.1f}%" if m.unit == "percent" else f"{value:,.1f}".removesuffix(".0")


def _gap(m: MeasureView, value: float) -> str:
    return f"{abs(value):.1f} percentage points" if m.unit == "percent" else _number(m, abs(value))


def _last_two(line: AgencyLine) -> tuple[float | None, float | None]:
    """The line's value at the latest period and at the one before (None where none)."""
    values = line.values
    latest = values[-1] if values else None
    before = values[-2] if len(values) > 1 else None
    return latest, before


def _worse(m: MeasureView, change: float) -> bool:
    if m.polarity == "higher-is-better":
        return change < 0
    if m.polarity == "lower-is-better":
        return change > 0
    return False


def _apart(m: MeasureView) -> tuple[str, ...] | None:
    """One measure's row of the 'moving apart' table: each agency's latest figure, the gap
    between the highest and lowest now and a period before, and what that means in words."""
    drawn = [(line, *_last_two(line)) for line in m.agencies]
    now = [(line, a, b) for line, a, b in drawn if a is not None]
    if len(now) < 2:
        return None
    gap_now = max(a for _, a, _ in now) - min(a for _, a, _ in now)
    both = [(line, a, b) for line, a, b in now if b is not None]
    words = "The only period with two agencies' figures."
    if len(both) >= 2:
        gap_before = max(b for _, _, b in both) - min(b for _, _, b in both)
        ups = [line.name for line, a, b in both if a - b > 0]
        downs = [line.name for line, a, b in both if a - b < 0]
        if ups and downs:
            words = f"Moving in opposite directions: up for {', '.join(ups)}; down for "
            words += f"{', '.join(downs)}."
        elif gap_now > gap_before:
            words = f"Moving apart: the gap widened by {_gap(m, gap_now - gap_before)}."
        elif gap_now < gap_before:
            words = f"Moving together: the gap narrowed by {_gap(m, gap_before - gap_now)}."
        else:
            words = "The gap is as it was."
    figures = "; ".join(f"{line.name} {line.latest}" for line, _, _ in now)
    return (m.title, figures, _gap(m, gap_now), words)


# --- a themed book ----------------------------------------------------------------------


def _action_rows(pages: list[SheetPage], owners: set[str] | None = None) -> list[tuple[str, ...]]:
    rows = []
    for page in pages:
        for a in page.actions:
            if a.status in OPEN and (owners is None or a.owner in owners):
                rows.append(
                    (a.owner, f"{a.id}: {a.text}", page.data.section_title, a.due, a.status_text)
                )
    return sorted(rows, key=lambda r: (not r[4].startswith("Overdue"), r[0], r[3]))


def _themed(book: Book, area: AreaParameters) -> Book:
    titles = [p.data.section_title for p in book.sheets]
    apart = [row for p in book.sheets for m in p.data.measures if (row := _apart(m))]
    panels = [
        NotePanel(
            "Where agencies' figures move apart",
            "Each measure two or more agencies return: their latest figures, the gap between "
            "the highest and the lowest, and how it moved since the period before."
            if apart
            else "No measure here has figures from two or more agencies for the latest period.",
            table=NoteTable(
                "Agencies' latest figures and the gap between them",
                ("Measure", "Latest, by agency", "Gap", "How it moved"),
                tuple(apart),
            )
            if apart
            else None,
        ),
        _analysis_panel(book.sheets, list(area.members)),
        _actions_panel("Open actions of every agency", _action_rows(book.sheets), "Every agency's"),
        _informed_panel(book.sheets),
    ]
    cross = NotePage(
        anchor="cross-cutting",
        title=f"Across the partnership: {', '.join(titles)}",
        lead=f"For the board: where {book.area_name}'s member agencies' figures on "
        f"{', '.join(titles)} differ, every agency's open actions, and the quality "
        f"assurance work that informed them, {book.period_title}.",
        panels=tuple(panels),
    )
    return replace(
        book,
        title=f"{book.title}: {', '.join(titles)}",
        scope=f"A themed book on {', '.join(titles)}: each member agency's figures side by "
        "side with the partnership's pooled figure, each agency's analysis and actions, and a "
        "cross-cutting page for the board.",
        pages=(cross,),
        themes=[
            t for t in book.themes if {s for s, _ in t.sheets} & {p.anchor for p in book.sheets}
        ],
    )


def _analysis_panel(pages: list[SheetPage], members: list[Member]) -> NotePanel:
    """Which agencies wrote their own part of each sheet's analysis (on the sheet itself)."""
    rows = []
    for page in pages:
        _, parts = agency_parts(page.analysis, members)
        for member in members:
            if any(line.agency == member.id for m in page.data.measures for line in m.agencies):
                said = "Written, on the sheet" if member.id in parts else "Not yet written"
                rows.append((member.name, page.data.section_title, said))
    return NotePanel(
        "Each agency's analysis",
        "An agency writes its part of a sheet's analysis under a heading with its name, in "
        "the sheet's narrative file; the sheet prints it.",
        table=NoteTable("Agencies' analysis", ("Agency", "Sheet", "Analysis"), tuple(rows))
        if rows
        else None,
    )


def _actions_panel(heading: str, rows: list[tuple[str, ...]], whose: str) -> NotePanel:
    return NotePanel(
        heading,
        "" if rows else "No open actions.",
        table=NoteTable(
            f"{whose} open actions, overdue first",
            ("Owner", "Action", "Sheet", "Due", "Status"),
            tuple(rows),
        )
        if rows
        else None,
    )


def _informed_panel(pages: list[SheetPage]) -> NotePanel:
    seen: dict[str, tuple[str, ...]] = {}
    for page in pages:
        for a in page.informed_by:
            seen.setdefault(a.title, (a.title, a.kind, a.lead, a.done or "", a.findings))
    heading = "Quality assurance that informed it"
    return NotePanel(
        heading,
        ""
        if seen
        else "No audit, survey or deep dive was done in the twelve months to the period's end.",
        table=NoteTable(
            heading, ("Activity", "Kind", "Lead", "Done", "Findings"), tuple(seen.values())
        )
        if seen
        else None,
    )


# --- a partner's or a sector's book --------------------------------------------------


def _partner(
    project: Project, area: AreaParameters, book: Book, agencies: list[Member], form: BookForm
) -> Book:
    ids = {m.id for m in agencies}
    owners = {m.id for m in agencies} | {m.name for m in agencies}
    names = ", ".join(m.name for m in agencies)
    kept, left_out = [], []
    for page in book.sheets:
        measures = [
            _against_pooled(project, m, ids, page.data.section_id)
            for m in page.data.measures
            if any(line.agency in ids for line in m.agencies)
        ]
        if not measures:
            left_out.append(page.data.section_title)
            continue
        shared, parts = agency_parts(page.analysis, list(area.members))
        own = "\n\n".join(filter(None, [shared, *(parts.get(i, "") for i in ids)]))
        kept.append(
            replace(
                page,
                data=page.data.replace(measures=measures),
                curves=tuple(
                    c for c in page.curves if c.anchor in {f"curve-{m.id}" for m in measures}
                ),
                analysis=own,
                actions=[a for a in page.actions if a.owner in owners],
            )
        )
    whose = "one partner" if form.agency else f"the {form.sector} sector"
    scope = (
        f"A book for {whose}: {names}. Its figures against {book.area_name}'s pooled figure, "
        "its analysis and its actions, on every sheet it returns measures for."
    )
    if left_out:
        scope += f" Left out, because {names} returns none of their measures: "
        scope += f"{'; '.join(left_out)}."
    return replace(
        book,
        title=f"{book.title}: {names}",
        scope=scope,
        sheets=kept,
        themes=[
            t for t in book.themes if not t.agencies or set(t.agencies) & {m.name for m in agencies}
        ],
    )


def _against_pooled(project: Project, m: MeasureView, ids: set[str], section: str) -> MeasureView:
    """The measure with the chosen agencies' lines and the pooled figure's, on one chart."""
    from qareport.sheet.charts import agency_chart  # matplotlib: only for a partner's book

    lines = [line for line in m.agencies if line.agency in ids]
    pooled = "All agencies (pooled)"
    drawn = [(line.name, line.values) for line in lines]
    others = [line for line in m.agencies if line.agency not in ids]
    if others and len(m.spark) == len(m.series):  # returned by others too: the pooled line
        drawn.append((pooled, m.spark))
    labels = [p.period for p in m.series]
    charts = []
    if labels and any(v is not None for _, values in drawn for v in values):
        chart = agency_chart(
            project.catalogue.measures[m.id],
            labels,
            drawn,
            alt=(
                f"Line chart of {m.title.lower()}, {labels[0]} to {labels[-1]}: "
                + "; ".join(f"{line.name}, latest {line.latest}" for line in lines)
                + (f"; against {pooled}, latest {m.latest}." if others else ".")
            ),
            chart_id=f"{section}-{m.id}-{'-'.join(sorted(ids))}",
        )
        charts = [chart]
    return m.replace(agencies=lines, charts=charts)


# --- the annual quality assurance event ----------------------------------------------


def _attention(m: MeasureView, line: AgencyLine) -> str:
    """Why an agency's figure needs the board's attention, in words ('' if it does not)."""
    if line.missing:
        return "No return for the latest period"
    latest, before = _last_two(line)
    why = []
    if latest is not None and before is not None and _worse(m, latest - before):
        why.append(f"worse than the period before ({_number(m, before)})")
    pooled = m.spark[-1] if m.spark else None
    if latest is not None and pooled is not None and _worse(m, latest - pooled):
        why.append(f"worse than the partnership's pooled figure ({m.latest})")
    return "; ".join(why).capitalize()


def _agency_page(book: Book, member: Member, members: list[Member]) -> NotePage:
    messages, attention = [], []
    for page in book.sheets:
        _, parts = agency_parts(page.analysis, members)
        said = first_paragraph(parts.get(member.id, ""))
        if said:
            messages.append(f"**{page.data.section_title}.** {said}")
        for m in page.data.measures:
            for line in m.agencies:
                if line.agency == member.id and (why := _attention(m, line)):
                    attention.append((m.title, page.data.section_title, line.latest, m.latest, why))
    owners = {member.id, member.name}
    actions = _action_rows(book.sheets, owners)
    overdue = sum(r[4].startswith("Overdue") for r in actions)
    return NotePage(
        anchor=f"event-{member.id}",
        title=f"{member.name}: main messages",
        lead=f"{member.name}'s main messages for {book.period_title}: the first paragraph of "
        f"its analysis on each sheet, its measures needing attention, and its "
        f"{len(actions)} open actions ({overdue} overdue).",
        panels=(
            NotePanel(
                "Main messages",
                "\n\n".join(messages)
                or f"{member.name} wrote no analysis of its own under a heading with its name.",
            ),
            NotePanel(
                "Measures needing attention",
                ""
                if attention
                else "None: every figure is as good as or better than the "
                "period before and the pooled figure.",
                table=NoteTable(
                    f"{member.name}: measures needing attention",
                    ("Measure", "Sheet", member.name, "Pooled", "Why"),
                    tuple(attention),
                )
                if attention
                else None,
            ),
            _actions_panel("Open and overdue actions", actions, f"{member.name}'s"),
        ),
    )


def _event(book: Book, area: AreaParameters, period: Period) -> Book:
    pages = [_agency_page(book, member, list(area.members)) for member in area.members]
    rows = tuple(
        (t.theme, t.risk.capitalize(), "; ".join(t.agencies), t.summary) for t in book.themes
    )
    pages.append(
        NotePage(
            anchor="event-themes",
            title="Cross-cutting themes and risks",
            lead="Themes and risks the partnership has flagged across its member agencies, "
            "highest risk first.",
            panels=(
                NotePanel(
                    "Themes",
                    "" if rows else "No themes were flagged this year.",
                    table=NoteTable(
                        "Themes flagged this year", ("Theme", "Risk", "Agencies", "Summary"), rows
                    )
                    if rows
                    else None,
                ),
            ),
        )
    )
    found = tuple(
        (a.title, a.kind, a.lead, a.done or "", a.findings or "None recorded")
        for a in book.programme
        if a.status == "done"
        and a.done
        and period.start_date <= date.fromisoformat(a.done) <= period.end_date
    )
    pages.append(
        NotePage(
            anchor="event-findings",
            title=f"The programme's findings, {book.period_title}",
            lead="The audits, surveys, deep dives and reviews done in the year, with what each "
            "found.",
            panels=(
                NotePanel(
                    "Findings",
                    "" if found else "No activity of the programme was done in the year.",
                    table=NoteTable(
                        "Findings of the year",
                        ("Activity", "Kind", "Lead", "Done", "Findings"),
                        found,
                    )
                    if found
                    else None,
                ),
            ),
        )
    )
    return replace(
        book,
        title=f"Quality assurance event: {book.area_name}",
        scope="The annual quality assurance event: each member agency's main messages, the "
        "partnership's cross-cutting themes, and the programme's findings for the year.",
        sheets=[],
        pages=tuple(pages),
        summary=False,
        themes=[],
        programme=[],
    )
