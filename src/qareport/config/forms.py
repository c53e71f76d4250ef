"""The forms a board's forward plan asks for besides the full book, checked against an area.

A board does not read every sheet at every meeting. Its forward plan takes, in turn:

- a **themed** book: one content area (or a few) across the partnership's member
  agencies, with a cross-cutting page (`--theme domestic-abuse`);
- a book for **one partner** (`--agency police`) or a **sector** (`--sector health`):
  every content area those agencies return measures for, against the pooled figure;
- the annual quality assurance **event** pack (`--edition event`): each agency's main
  messages, the cross-cutting themes and the programme's findings for the year.

Every form is made from the same executed sheets and the same reviewers' files as the
full book, so nothing is copied and a sheet executed for one form is reused by the others.
Each form has a folder of its own beside the full book: output/<area>/<period>-<slug>/.
"""

from __future__ import annotations

from dataclasses import dataclass

from qareport.config.parameters import AreaParameters, Member
from qareport.config.periods import Period
from qareport.errors import ParameterError

__all__ = ["FULL", "BookForm", "check_form", "form_agencies", "form_sections"]


@dataclass(frozen=True)
class BookForm:
    """Which book: the full book (nothing set), a themed one, one partner's or sector's, or
    the event pack. At most one of theme, agency, sector and event is set."""

    themes: tuple[str, ...] = ()
    agency: str | None = None
    sector: str | None = None
    event: bool = False

    @property
    def full(self) -> bool:
        return not (self.themes or self.agency or self.sector or self.event)

    @property
    def part(self) -> tuple[str, str]:
        """Which form and for what: ("theme", "domestic-abuse"), ("agency", "police"),
        ("sector", "health"), ("event", "") or, for the full book, ("", "")."""
        if self.themes:
            return "theme", ",".join(self.themes)
        if self.agency:
            return "agency", self.agency
        if self.sector:
            return "sector", self.sector
        return ("event", "") if self.event else ("", "")

    @property
    def slug(self) -> str:
        """The folder suffix: '' for the full book, 'theme-domestic-abuse', 'agency-police',
        'sector-health' or 'event'."""
        kind, what = self.part
        return f"{kind}-{what.replace(',', '+')}" if what else kind

    @property
    def flags(self) -> str:
        """The build command's options for this form, as a user types them."""
        kind, what = self.part
        return f"--{kind} {what}" if what else "--edition event" if kind else ""


FULL = BookForm()


def check_form(form: BookForm, area: AreaParameters, period: Period) -> BookForm:
    """The form asked for makes sense for this area and period, or a ParameterError that
    says what to give instead."""
    given = [bool(form.themes), bool(form.agency), bool(form.sector), form.event]
    if sum(given) > 1:
        raise ParameterError("give one of --theme, --agency, --sector or --edition event")
    for theme in form.themes:
        if theme not in area.sections:
            raise ParameterError(
                f"--theme {theme}: {area.id}'s book has no such sheet; give one of "
                f"{', '.join(area.sections)} (qareport catalogue list shows every content area)"
            )
    needs_members = form.agency or form.sector or form.event
    if needs_members and not area.members:
        raise ParameterError(
            f"{area.id} has no member agencies, so it has no partner, sector or event book; "
            "list its `members` in its parameters file"
        )
    if form.agency and form.agency not in {m.id for m in area.members}:
        raise ParameterError(
            f"--agency {form.agency}: not a member agency of {area.id}; give one of "
            f"{', '.join(m.id for m in area.members)}"
        )
    if form.sector and not form_agencies(form, area):
        kinds = sorted({m.kind for m in area.members})
        raise ParameterError(
            f"--sector {form.sector}: no member agency of {area.id} is of that kind; give one "
            f"of {', '.join(kinds)}"
        )
    if form.event and not period.is_year:
        raise ParameterError(
            f"the event pack is made once a year: give --period {period.year.label}, "
            f"not {period.label}"
        )
    return form


def form_agencies(form: BookForm, area: AreaParameters) -> list[Member]:
    """The member agencies a partner's or sector's book is for (every member otherwise)."""
    if form.agency:
        return [m for m in area.members if m.id == form.agency]
    if form.sector:
        return [m for m in area.members if m.kind == form.sector]
    return list(area.members)


def form_sections(form: BookForm, sections: list[str]) -> list[str]:
    """The sheets to execute for the form: a themed book's, in the book's order; every
    sheet for the others (a partner's book keeps those it returns for once they are made)."""
    return [s for s in sections if s in form.themes] if form.themes else list(sections)
