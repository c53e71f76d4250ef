"""The board's forward plan: the coming meetings in each programme file and the book each
needs, listed, and built on request (`qareport plan [--build]`).

A meeting is "coming" from a given day on (today unless told), so a secretary sees what
the next meetings need, and a test can fix the day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from qareport.book.programme import Meeting, load_meetings
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.pipeline.build import BookResult, build_book
from qareport.pipeline.options import BuildOptions

__all__ = ["PlannedBook", "build_planned", "coming_books"]


@dataclass(frozen=True)
class PlannedBook:
    """One meeting's book: where it is written and the command that builds it."""

    area_id: str
    meeting: Meeting
    folder: Path

    @property
    def what(self) -> str:
        """The book in words: 'themed book: domestic-abuse', 'event pack', 'full book'."""
        kind, what = self.meeting.form.part
        named = {"theme": "themed book", "agency": "partner's book", "sector": "sector's book"}
        if kind in named:
            return f"{named[kind]}: {what.replace(',', ', ')}"
        return "quality assurance event pack" if kind else "full book"

    @property
    def command(self) -> str:
        flags = self.meeting.form.flags
        return f"qareport build --area {self.area_id} --period {self.meeting.period}" + (
            f" {flags}" if flags else ""
        )


def coming_books(project: Project, area: str | None, since: date) -> list[PlannedBook]:
    """The books of meetings on or after `since`, by date, for one area or every area with
    a forward plan."""
    areas = [project.area(area)] if area else project.loaded_areas()
    found = []
    for params in areas:
        for meeting in load_meetings(project.programme_path(params.id), params):
            if date.fromisoformat(meeting.date) >= since:
                folder = project.book_dir(
                    params.id, parse_period(meeting.period), meeting.form.slug
                )
                found.append(PlannedBook(params.id, meeting, folder))
    return sorted(found, key=lambda b: (b.meeting.date, b.area_id))


def build_planned(
    project: Project,
    books: list[PlannedBook],
    options: BuildOptions,
    done: Callable[[PlannedBook, BookResult], None] = lambda *_: None,
) -> list[BookResult]:
    """Build each planned book in turn (a book two meetings share is built once)."""
    results, built = [], set()
    for book in books:
        key = (book.area_id, book.meeting.period, book.meeting.form)
        if key in built:
            continue
        built.add(key)
        result = build_book(
            project.root,
            book.area_id,
            book.meeting.period,
            replace(options, form=book.meeting.form),
        )
        done(book, result)
        results.append(result)
    return results
