"""The quality assurance programme: a timetable of activities, as data.

    programme/<area>.yml

Case-file audits, family and staff surveys, deep dives into a content area,
turning-the-curve exercises, external peer reviews and inspections, each with
the content areas it looks at, the lead agency, planned and done dates, and
findings. The book shows three financial years of it (the last, this and the
next) with each activity done, due, overdue or planned *as at the end of the
period reported on* (never today's date, so the same inputs give the same
book), and each sheet lists the activities that informed it: those done in the
twelve months to the period's end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from qareport.config.catalogue import ID_PATTERN, Catalogue
from qareport.config.forms import BookForm, check_form
from qareport.config.models import StrictModel
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period, parse_period
from qareport.config.yamlio import load_model
from qareport.errors import ParameterError

__all__ = [
    "Activity",
    "Meeting",
    "ProgrammeRow",
    "load_meetings",
    "load_programme",
    "programme_rows",
]

KINDS = {
    "case-file-audit": "Case-file audit",
    "family-survey": "Children and families' experience survey",
    "staff-survey": "Staff experience survey",
    "deep-dive": "Deep-dive review",
    "turning-the-curve": "Turning-the-curve exercise",
    "peer-review": "External peer review",
    "inspection": "Inspection",
}
Kind = Literal[
    "case-file-audit",
    "family-survey",
    "staff-survey",
    "deep-dive",
    "turning-the-curve",
    "peer-review",
    "inspection",
]


class Activity(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    kind: Kind
    title: str = Field(min_length=1, max_length=200)
    content_areas: list[str] = Field(min_length=1)
    lead: str = Field(min_length=1)
    planned: str
    done: str | None = None
    findings: str = ""

    @field_validator("planned", "done")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise ValueError("write dates as YYYY-MM-DD")
        date.fromisoformat(str(value))
        return str(value)


class Meeting(StrictModel):
    """A planned board meeting and the book it considers: the full book (nothing else
    given), a themed book (`theme`), one partner's (`agency`) or a sector's (`sector`), or
    the annual quality assurance event (`event: true`), for `period`."""

    date: str
    title: str = Field(min_length=1, max_length=200)
    period: str
    theme: list[str] = Field(default_factory=list)
    agency: str | None = None
    sector: str | None = None
    event: bool = False

    @field_validator("date")
    @classmethod
    def _day(cls, value: str) -> str:
        return str(Activity._date(value))

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        try:
            return parse_period(value).label
        except ParameterError as exc:
            raise ValueError(str(exc)) from None

    @property
    def form(self) -> BookForm:
        return BookForm(tuple(self.theme), self.agency, self.sector, self.event)


class _File(StrictModel):
    activities: list[Activity] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)


def load_meetings(path: Path, area: AreaParameters) -> list[Meeting]:
    """The board's forward plan in the programme file (none if it has none), each meeting's
    book checked against the area, in date order."""
    if not path.is_file():
        return []
    meetings = load_model(path, _File, ParameterError).meetings
    for n, meeting in enumerate(meetings):
        try:
            check_form(meeting.form, area, parse_period(meeting.period))
        except ParameterError as exc:
            raise ParameterError(f"{path}: meetings.{n} ({meeting.date}): {exc}") from None
    return sorted(meetings, key=lambda m: m.date)


def load_programme(path: Path, catalogue: Catalogue, area: AreaParameters) -> list[Activity]:
    """The area's programme (empty if it has none), every reference checked."""
    if not path.is_file():
        return []
    parsed = load_model(path, _File, ParameterError)
    members = {m.id for m in area.members}
    seen: set[str] = set()
    for n, activity in enumerate(parsed.activities):
        where = f"{path}: activities.{n} ({activity.id})"
        if activity.id in seen:
            raise ParameterError(f"{where}: duplicate id")
        seen.add(activity.id)
        for section in activity.content_areas:
            if section not in catalogue.content_areas:
                raise ParameterError(f"{where}.content_areas: {section!r} is not a content area")
        if members and activity.lead not in members:
            raise ParameterError(
                f"{where}.lead: {activity.lead!r} is not a member agency "
                f"({', '.join(sorted(members))})"
            )
    return parsed.activities


@dataclass(frozen=True)
class ProgrammeRow:
    id: str
    kind: str
    title: str
    content_areas: list[str]  # ids
    lead: str  # display name
    planned: str
    done: str
    status: str  # done, overdue, due, planned
    findings: str


def status(activity: Activity, as_of: date) -> str:
    """Done, overdue, due (within the next three months) or planned, as at `as_of`."""
    if activity.done and date.fromisoformat(activity.done) <= as_of:
        return "done"
    planned = date.fromisoformat(activity.planned)
    if planned <= as_of:
        return "overdue"
    return "due" if planned <= as_of + timedelta(days=92) else "planned"


def programme_rows(
    activities: list[Activity], area: AreaParameters, period: Period
) -> list[ProgrammeRow]:
    """Three financial years (last, this, next) of the timetable, in date order."""
    as_of = period.end_date
    first = period.year.shift(-1)
    start = date(first.start_year, 4, 1)
    end = period.year.shift(1).end_date
    names = {m.id: m.name for m in area.members}
    rows = []
    for a in sorted(activities, key=lambda a: (a.planned, a.id)):
        if not start <= date.fromisoformat(a.planned) <= end:
            continue
        state = status(a, as_of)
        rows.append(
            ProgrammeRow(
                id=a.id,
                kind=KINDS[a.kind],
                title=a.title,
                content_areas=a.content_areas,
                lead=names.get(a.lead, a.lead),
                planned=a.planned,
                done=a.done if state == "done" and a.done else "",
                status=state,
                findings=a.findings if state == "done" else "",
            )
        )
    return rows


def informed(rows: list[ProgrammeRow], section: str, period: Period) -> list[ProgrammeRow]:
    """Activities on this content area done in the twelve months to the period's end."""
    since = period.end_date - timedelta(days=365)
    return [
        r
        for r in rows
        if section in r.content_areas and r.done and date.fromisoformat(r.done) > since
    ]
