"""The information balance: which kinds of evidence a sheet or book rests on, and what is missing.

The framework asks two questions before any figure is read: what do we
collect, and what is missing? Most organisations have plenty of management
information and little on outcomes or on what children, parents and staff
experience. This module counts the measures with data by type and by source,
lists the catalogue measures with none, and names gaps in outcome and
experience evidence in words, so that the renderers show them rather than
leave them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qareport.config.catalogue import MeasureType, Source
from qareport.sheet.model import MeasureView

__all__ = ["Balance", "Missing", "information_balance"]

EXPERIENCE = (Source.CHILDREN_PARENTS.value, Source.FRONTLINE_STAFF.value)


@dataclass(frozen=True)
class Missing:
    """A catalogue measure chosen for a sheet that has no data yet."""

    sheet: str
    title: str
    type: str
    source_label: str


@dataclass(frozen=True)
class Balance:
    """Counts as (with data, chosen) by type and by source, the missing measures, and gaps."""

    by_type: list[tuple[str, int, int]]  # (label, with data, chosen)
    by_source: list[tuple[str, int, int]]
    missing: list[Missing]
    gaps: list[str]

    @property
    def with_data(self) -> int:
        return sum(n for _, n, _ in self.by_type)

    @property
    def chosen(self) -> int:
        return sum(total for _, _, total in self.by_type)


def information_balance(sheets: Iterable[tuple[str, list[MeasureView]]]) -> Balance:
    """The balance over one or more sheets, each given as (sheet title, its measures).

    A measure chosen for several sheets is counted once, with data if any
    sheet has data for it.
    """
    seen: dict[str, MeasureView] = {}
    missing: list[Missing] = []
    for title, measures in sheets:
        for m in measures:
            if not m.has_data:
                missing.append(Missing(title, m.title, m.type, m.source_label))
            if m.id not in seen or m.has_data:
                seen[m.id] = m
    views = list(seen.values())
    by_type = [
        (t.value.capitalize(), *_count(views, lambda m, t=t: m.type == t.value))
        for t in MeasureType
    ]
    by_source = [(s.label, *_count(views, lambda m, s=s: m.source == s.value)) for s in Source]
    return Balance(by_type, by_source, missing, _gaps(views))


def _count(views: list[MeasureView], keep) -> tuple[int, int]:
    chosen = [m for m in views if keep(m)]
    return sum(m.has_data for m in chosen), len(chosen)


def _gaps(views: list[MeasureView]) -> list[str]:
    gaps = []
    outcome = [m for m in views if m.type == MeasureType.OUTCOME.value]
    if not outcome:
        gaps.append("No outcome measure is chosen: nothing can show children are better off.")
    elif not any(m.has_data for m in outcome):
        gaps.append("No outcome measure has data yet: nothing shows children are better off.")
    experience = [m for m in views if m.source in EXPERIENCE]
    if not experience:
        gaps.append(
            "No measure draws on children's, parents' or staff's experience: "
            "the figures say nothing of how help felt to those who gave or received it."
        )
    elif not any(m.has_data for m in experience):
        gaps.append("No experience measure (children, parents, carers or staff) has data yet.")
    with_data = [m for m in views if m.has_data]
    if with_data and all(m.source == Source.MANAGEMENT_INFORMATION.value for m in with_data):
        gaps.append("Every measure with data is management information: no audit or survey yet.")
    return gaps
