"""Reporting periods: financial years (`2025-26`), their quarters (`2025-26-Q3`) and
calendar months (`2025-10`, ISO year and month).

Periods are parsed deliberately from strings, never guessed from dates, so that
`2025-26` can never be mistaken for a calendar date by a YAML or CSV reader.
Q1 is April-June, as in every UK public-sector financial year; a month belongs
to the financial year and quarter it falls in (October 2025: 2025-26, Q3).

`2025-10` is a month because 10 cannot follow 2025 as a financial year's second
year. A label that reads both ways (`2011-12`, only for the years 2000 to 2011)
is the financial year, as it always was.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from qareport.errors import ParameterError

__all__ = ["Period", "is_period", "parse_period", "parse_periods", "period_kind"]

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})(?:-Q([1-4]))?$")
_FORMS = (
    "YYYY-YY (financial year, e.g. 2025-26), YYYY-YY-QN (quarter, e.g. 2025-26-Q3) "
    "or YYYY-MM (month, e.g. 2025-10)"
)


@dataclass(frozen=True, order=True)
class Period:
    """A financial year; one quarter of it when `quarter` is set; one calendar month
    (1-12) of that quarter when `month` is set too. Make a month with `Period.of_month`."""

    start_year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and self.quarter != _quarter_of(self.month):
            raise ValueError(f"month {self.month} is not in quarter {self.quarter}")

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        """Calendar month `month` of calendar year `year` (October 2025: of_month(2025, 10))."""
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1 to 12")
        return cls(year if month >= 4 else year - 1, _quarter_of(month), month)

    @property
    def kind(self) -> str:
        """ "year", "quarter" or "month"."""
        if self.month is not None:
            return "month"
        return "year" if self.quarter is None else "quarter"

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None and self.month is None

    @property
    def is_month(self) -> bool:
        return self.month is not None

    @property
    def edition(self) -> str:
        """The book a period makes: annual, quarterly or monthly."""
        return {"year": "annual", "quarter": "quarterly", "month": "monthly"}[self.kind]

    @property
    def year(self) -> Period:
        """The financial year this period belongs to."""
        return Period(self.start_year)

    @property
    def quarter_period(self) -> Period:
        """The quarter a month (or a quarter) belongs to."""
        if self.quarter is None:
            raise ValueError("a financial year belongs to no quarter")
        return Period(self.start_year, self.quarter)

    def within(self, kind: str) -> Period:
        """The year or quarter ("year", "quarter") this period is part of."""
        return self.year if kind == "year" else self.quarter_period

    @property
    def calendar_year(self) -> int:
        """The calendar year a month falls in (January 2026 is in financial year 2025-26)."""
        if self.month is None:
            raise ValueError("calendar_year is for a month")
        return self.start_year + (1 if self.month < 4 else 0)

    @property
    def label(self) -> str:
        if self.month is not None:
            return f"{self.calendar_year}-{self.month:02d}"
        base = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        return f"{base}-Q{self.quarter}" if self.quarter else base

    @property
    def title(self) -> str:
        """Human wording: 'financial year 2025-26', '2025-26 quarter 3 (Oct-Dec)',
        'October 2025'."""
        if self.month is not None:
            return f"{calendar.month_name[self.month]} {self.calendar_year}"
        if self.quarter is None:
            return f"financial year {self.label}"
        months = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}[self.quarter]
        return f"{self.year.label} quarter {self.quarter} ({months})"

    @property
    def start_date(self) -> date:
        """The first day of the period (a financial year starts on 1 April)."""
        if self.month is None:
            return self.months()[0].start_date
        return date(self.calendar_year, self.month, 1)

    @property
    def end_date(self) -> date:
        """The last day of the period (a financial year ends on 31 March)."""
        if self.month is not None:
            year = self.calendar_year
            return date(year, self.month, calendar.monthrange(year, self.month)[1])
        if self.quarter is None or self.quarter == 4:
            return date(self.start_year + 1, 3, 31)
        month = {1: 6, 2: 9, 3: 12}[self.quarter]
        return date(self.start_year, month, 30 if month in (6, 9) else 31)

    def shift(self, steps: int) -> Period:
        """The period `steps` years, quarters or months later (as the period is); negative
        for earlier."""
        if self.month is not None:
            index = self.calendar_year * 12 + (self.month - 1) + steps
            return Period.of_month(index // 12, index % 12 + 1)
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

    def months(self) -> list[Period]:
        """The months of a financial year (April to March) or of a quarter."""
        if self.month is not None:
            raise ValueError("months() is for a financial year or a quarter")
        first = Period.of_month(self.start_year, 4)
        if self.quarter is None:
            return [first.shift(k) for k in range(12)]
        return [first.shift(3 * (self.quarter - 1) + k) for k in range(3)]

    def parts(self) -> list[Period]:
        """The quarters and months a period holds: a year's four quarters and twelve
        months, a quarter's three months, none for a month."""
        if self.month is not None:
            return []
        return [*(self.quarters() if self.quarter is None else []), *self.months()]

    @classmethod
    def from_year_ending_march(cls, year: int) -> Period:
        """DfE 'year ending 31 March' (time_period 2025) is financial year 2024-25."""
        return cls(year - 1)

    def __str__(self) -> str:
        return self.label


def _quarter_of(month: int) -> int:
    """The financial quarter of a calendar month: April-June is Q1, January-March Q4."""
    return (month - 4) % 12 // 3 + 1


def parse_period(text: object) -> Period:
    """Parse `2025-26`, `2025-26-Q3` or `2025-10`; anything else is a ParameterError that
    shows the forms."""
    raw = str(text).strip()
    match = _PERIOD_RE.match(raw)
    if match is None:
        raise ParameterError(f"period {raw!r} is not in the form {_FORMS}")
    start, end, quarter = int(match[1]), int(match[2]), match[3]
    if (start + 1) % 100 == end:
        return Period(start, int(quarter) if quarter else None)
    if quarter is None and 1 <= end <= 12:
        return Period.of_month(start, end)
    raise ParameterError(
        f"period {raw!r}: a financial year runs over two consecutive years, "
        f"so {start} must be followed by {(start + 1) % 100:02d}"
        + ("" if quarter else "; a month is 01 to 12")
    )


@lru_cache(maxsize=4096)
def period_kind(label: str) -> str:
    """ "year", "quarter" or "month" for a period label (a stored one, so well formed)."""
    return parse_period(label).kind


MAX_PERIODS = 400  # a range this long is a typo (a back-run of 100 years of quarters)


def parse_periods(text: object) -> list[Period]:
    """Several periods for one run: `2024-25,2025-26`, a range `2021-22..2025-26`, or both.

    A range runs from its first to its last period inclusive, in years, quarters or
    months (its two ends must be of one kind). Each period is kept once, in the order given."""
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
        if first.kind != last.kind:
            raise ParameterError(
                f"period range {item!r} mixes a {first.kind} and a {last.kind}; give two years "
                "(2021-22..2025-26), two quarters (2024-25-Q1..2025-26-Q4) "
                "or two months (2025-04..2026-03)"
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
    """True for a well-formed year, quarter or month (not `2025-25`, not `2025-13`)."""
    if _PERIOD_RE.match(text) is None:
        return False
    try:
        parse_period(text)
    except ParameterError:
        return False
    return True


EDITIONS = ("annual", "quarterly", "monthly")


def check_edition(period: Period, edition: str | None) -> str:
    """The edition a period makes, checked against the one asked for (if any)."""
    made = period.edition
    if edition is None or edition == made:
        return made
    if edition not in EDITIONS:
        raise ParameterError(f"edition {edition!r} is not one of: {', '.join(EDITIONS)}")
    example = {
        "quarterly": f"{period.year.label}-Q3",
        "monthly": Period.of_month(period.start_year, 10).label,
        "annual": period.year.label,
    }[edition]
    raise ParameterError(
        f"the {edition} edition needs a period like {example}, not {period.label}; "
        f"give --period {example} or --edition {made}"
    )
