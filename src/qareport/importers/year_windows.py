"""The periods a statutory return's figures are made for, and the one way they are made:
a return's year (April to March), its quarters and its months, each a window of dates;
every measure one DuckDB query over the record tables and the windows.

A measure's query gives, per window it has records in, `label, numerator, denominator,
records` (the records that went into the figure), so each record can be accounted for;
with a `team` after the label (NULL for the whole authority), a figure for each team.
A count has no denominator (NULL).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import pandas as pd

from qareport.config.periods import Period

__all__ = ["PeriodWindow", "window_returns", "year_windows", "years_windows"]


@dataclass(frozen=True)
class PeriodWindow:
    label: str
    start: pd.Timestamp
    end: pd.Timestamp


def year_windows(year: int) -> list[PeriodWindow]:
    """The year ending 31 March `year`, its quarters and its months."""
    whole = Period.from_year_ending_march(year)
    periods = [whole, *whole.quarters(), *whole.months()]
    return [
        PeriodWindow(p.label, pd.Timestamp(p.start_date), pd.Timestamp(p.end_date)) for p in periods
    ]


def window_returns(
    tables: dict[str, pd.DataFrame], windows: list[PeriodWindow], queries: dict[str, str]
) -> tuple[list[dict[str, object]], set]:
    """Each measure's query run over the tables (and `windows`): one return per measure,
    window (and team) with records in it, and the records that gave at least one figure."""
    con = duckdb.connect()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        con.register("windows", pd.DataFrame([asdict(w) for w in windows]))
        returns: list[dict[str, object]] = []
        used: set = set()
        for measure, sql in queries.items():
            for row in con.execute(sql).fetchall():
                label, team, numerator, denominator, records = (
                    row if len(row) == 5 else (row[0], None, *row[1:])
                )
                made: dict[str, object] = {"period": label, "measure_id": measure,
                                           "numerator": int(numerator)}  # fmt: skip
                if denominator is not None:
                    made["denominator"] = int(denominator)
                if team is not None:
                    made["team"] = str(team)
                returns.append(made)
                used.update(records)
    finally:
        con.close()
    return returns, used


def years_windows(first: date, last: date) -> list[PeriodWindow]:
    """Every year (April to March) from the one holding `first` to the one holding
    `last`, with its quarters and months."""
    start = first.year + (1 if first.month >= 4 else 0)
    end = last.year + (1 if last.month >= 4 else 0)
    return [w for year in range(start, end + 1) for w in year_windows(year)]
