"""Which area a published code means: the workbook's register of areas, as one lookup.

An authority's code changes (Barnsley E08000016 became E08000038) and a
publisher keeps older keys (DfE's 3-digit `old_la_code`), so a figure can
arrive under any of them. Every reader of figures, the importers and the
extract validator alike, asks this lookup; a figure then lands in the one
series the area keeps under its current code, whichever code it came under.

Two or more authorities that run one children's service report together, as
one row for both ("E06000061 / E06000062"). That row is a joint return: kept
once, under the members' codes sorted and joined by " / ", and never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qareport.config.parameters import AreaParameters

__all__ = ["JOINT_SEPARATOR", "Geography", "is_joint", "joint_code", "joint_members"]

JOINT_SEPARATOR = " / "
_JOINT_SPLIT = re.compile(r"\s*[/&,;+]\s*")


def is_joint(code: str) -> bool:
    """A code naming two or more areas together, as publishers write joint returns."""
    return len(joint_members(code)) > 1


def joint_members(code: str) -> list[str]:
    """The codes a joint code joins, in its order; a single code is its own only member."""
    return [part for part in _JOINT_SPLIT.split(code.strip()) if part]


def joint_code(members: list[str]) -> str:
    """The one code a return for these areas is kept under: an area's own code when all
    are the same area, else the codes sorted and joined by " / "."""
    unique = sorted(set(members))
    return unique[0] if len(unique) == 1 else JOINT_SEPARATOR.join(unique)


@dataclass(frozen=True)
class Geography:
    """Every code the workbook knows, mapped to the code its figures are kept under."""

    area_codes: frozenset[str]  # current codes of the areas with books
    comparator_codes: frozenset[str]  # the nation and regions: published rows, not areas
    _lookup: dict[str, str] = field(repr=False)  # folded code, former or old code -> area code
    names: dict[str, str] = field(default_factory=dict, repr=False)  # area code -> name

    @classmethod
    def of(cls, areas: list[AreaParameters], claimed: list[list[str]], comparators: set[str]):
        """From loaded areas, codes claimed by files with a problem (their rows still
        belong to them), and comparator codes."""
        lookup: dict[str, str] = {}
        for codes in claimed:
            for code in codes:
                lookup.setdefault(code.casefold(), codes[0])
        for area in areas:  # a loaded area's own keys win over a broken file's
            for code in area.keys:
                lookup[code.casefold()] = area.code
        for code in comparators:
            lookup.setdefault(code.casefold(), code)
        return cls(
            area_codes=frozenset(lookup[c.casefold()] for cs in claimed for c in cs[:1])
            | frozenset(a.code for a in areas),
            comparator_codes=frozenset(comparators),
            _lookup=lookup,
            names={a.code: a.name for a in areas},
        )

    @property
    def codes(self) -> set[str]:
        """Every code a figure may be kept under: the areas' and the comparators'."""
        return set(self.area_codes | self.comparator_codes)

    def resolve(self, code: str) -> str | None:
        """The area (or comparator) code a single published code means, if any."""
        return self._lookup.get(code.strip().casefold())

    def area_of(self, *codes: str) -> str | None:
        """The first of several keys for one authority (its code, then an older key)
        that the register knows as an area's."""
        for code in codes:
            found = self.resolve(code) if code else None
            if found in self.area_codes:
                return found
        return None

    def canonical(self, code: str) -> str:
        """The code a figure published under `code` is kept under: an area's current code,
        a joint code of current codes, or `code` unchanged when the register has no such
        area (then the row is for no area, and said to be)."""
        if not is_joint(code):
            return self.resolve(code) or code
        found = [self.area_of(part) for part in joint_members(code)]
        members = [m for m in found if m is not None]
        if len(found) < 2 or len(members) < len(found):
            return code
        return joint_code(members)

    def accepts(self, code: str) -> bool:
        """A code the store keeps: known, or a joint code whose members are all areas."""
        return code in self.codes or (
            is_joint(code) and all(m in self.area_codes for m in joint_members(code))
        )

    def joint_with(self, joint: str, area_code: str) -> str:
        """'joint return with West Northamptonshire': how a sheet names a joint figure."""
        others = [self.names.get(m, m) for m in joint_members(joint) if m != area_code]
        return "joint return with " + _and_list(others)


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
