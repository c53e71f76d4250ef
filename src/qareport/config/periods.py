"""Reporting periods: financial years (`2025-26`) and their quarters (`2025-26-Q3`).

Periods are parsed deliberately from strings, never guessed from dates, so that
`2025-26` can never be mistaken for a calendar date by a YAML or CSV reader.
Q1 is April-June, as in every UK public-sector financial year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from qareport.errors import ParameterError

__all__ = ["Period", "is_period", "parse_period", "parse_periods"]

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})(?:-Q([1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A financial year, or one quarter of it when `quarter` is set."""

    start_year: int
    quarter: int | None = None

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def year(self) -> Period:
        """The financial year this period belongs to."""
        return Period(self.start_year)

    @property
    def label(self) -> str:
        base = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        return f"{base}-Q{self.quarter}" if self.quarter else base

    @property
    def title(self) -> str:
        """Human wording, e.g. 'financial year 2025-26' or '2025-26 quarter 3 (Oct-Dec)'."""
        if self.quarter is None:
            return f"financial year {self.label}"
        months = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}[self.quarter]
        return f"{self.year.label} quarter {self.quarter} ({months})"

    @property
    def end_date(self) -> date:
        """The last day of the period (a financial year ends on 31 March)."""
        if self.quarter is None or self.quarter == 4:
            return date(self.start_year + 1, 3, 31)
        month = {1: 6, 2: 9, 3: 12}[self.quarter]
        return date(self.start_year, month, 30 if month in (6, 9) else 31)

    def shift(self, steps: int) -> Period:
        """The period `steps` years (or quarters, for a quarter) later; negative for earlier."""
        if self.quarter is None:
            return Period(self.start_year + steps)
        index = self.start_year * 4 + (self.quarter - 1) + steps
        return Period(index // 4, index % 4 + 1)

    def history(self, length: int) -> list[Period]:
        """This period and the `length - 1` before it, oldest first."""
        return [self.shift(-k) for k in range(length - 1, -1, -1)]

    def quarters(self) -> list[Period]:
        """The four quarters of a financial year."""
        if self.quarter is not None:
            raise ValueError("quarters() is for a financial year")
        return [Period(self.start_year, q) for q in (1, 2, 3, 4)]

    @classmethod
    def from_year_ending_march(cls, year: int) -> Period:
        """DfE 'year ending 31 March' (time_period 2025) is financial year 2024-25."""
        return cls(year - 1)

    def __str__(self) -> str:
        return self.label


def parse_period(text: object) -> Period:
    """Parse `2025-26` or `2025-26-Q3`; anything else is a ParameterError that shows the form."""
    raw = str(text).strip()
    match = _PERIOD_RE.match(raw)
    if match is None:
        raise ParameterError(
            f"period {raw!r} is not in the form YYYY-YY (financial year, e.g. 2025-26) "
            "or YYYY-YY-QN (quarter, e.g. 2025-26-Q3)"
        )
    start, end, quarter = int(match[1]), int(match[2]), match[3]
    if (start + 1) % 100 != end:
        raise ParameterError(
            f"period {raw!r}: a financial year runs over two consecutive years, "
            f"so {start} must be followed by {(start + 1) % 100:02d}"
        )
    return Period(start, int(quarter) if quarter else None)


MAX_PERIODS = 400  # a range this long is a typo (a back-run of 100 years of quarters)


def parse_periods(text: object) -> list[Period]:
    """Several periods for one run: `2024-25,2025-26`, a range `2021-22..2025-26`, or both.

    A range runs from its first to its last period inclusive, in years or in quarters
    (its two ends must be of one kind). Each period is kept once, in the order given."""
    found: list[Period] = []
    items = [item.strip() for item in str(text).split(",")]
    if not any(items):
        raise ParameterError("no period given; give one like 2025-26, or a list 2024-25,2025-26")
    for item in items:
        if not item:
            continue
        if ".." not in item:
            found.append(parse_period(item))
            continue
        first_text, _, last_text = item.partition("..")
        first, last = parse_period(first_text), parse_period(last_text)
        if first.is_quarter != last.is_quarter:
            raise ParameterError(
                f"period range {item!r} mixes a year and a quarter; give two years "
                "(2021-22..2025-26) or two quarters (2024-25-Q1..2025-26-Q4)"
            )
        if last < first:
            raise ParameterError(
                f"period range {item!r} runs backwards; give the earlier period first "
                f"({last.label}..{first.label})"
            )
        step = first
        while step <= last:
            found.append(step)
            if len(found) > MAX_PERIODS:
                break
            step = step.shift(1)
    if len(found) > MAX_PERIODS:
        raise ParameterError(
            f"{text!s} names more than {MAX_PERIODS} periods; check the range's two ends"
        )
    return list(dict.fromkeys(found))


def is_period(text: str) -> bool:
    """True for a well-formed period whose second year follows the first (not `2025-25`)."""
    match = _PERIOD_RE.match(text)
    return match is not None and (int(match[1]) + 1) % 100 == int(match[2])


EDITIONS = ("annual", "quarterly")


def check_edition(period: Period, edition: str | None) -> str:
    """The edition a period makes, checked against the one asked for (if any)."""
    made = "quarterly" if period.is_quarter else "annual"
    if edition is None or edition == made:
        return made
    if edition not in EDITIONS:
        raise ParameterError(f"edition {edition!r} is not one of: {', '.join(EDITIONS)}")
    example = f"{period.year.label}-Q3" if edition == "quarterly" else period.year.label
    raise ParameterError(
        f"the {edition} edition needs a period like {example}, not {period.label}; "
        f"give --period {example} or --edition {made}"
    )
