"""The periods a statutory return's figures are made for, and the one way they are made:
a return's year (April to March), its quarters and its months, each a window of dates;
every measure one DuckDB query over the record tables and the windows.

A measure's query gives, per window it has records in, `label, numerator, denominator,
episodes` (the records that went into the figure), so each record can be accounted for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from qareport.config.periods import Period

__all__ = ["PeriodWindow", "window_returns", "year_windows"]


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
) -> tuple[list[dict[str, object]], set[int]]:
    """Each measure's query run over the tables (and `windows`): one return per measure and
    window with records in it, and the records that gave at least one figure."""
    con = duckdb.connect()
    try:
        for name, frame in tables.items():
            con.register(name, frame)
        con.register("windows", pd.DataFrame([asdict(w) for w in windows]))
        returns: list[dict[str, object]] = []
        used: set[int] = set()
        for measure, sql in queries.items():
            for label, numerator, denominator, records in con.execute(sql).fetchall():
                returns.append(
                    {"period": label, "measure_id": measure,
                     "numerator": int(numerator), "denominator": int(denominator)}
                )  # fmt: skip
                used.update(int(r) for r in records)
    finally:
        con.close()
    return returns, used
