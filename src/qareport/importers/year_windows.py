"""The periods a statutory return's figures are made for, and the one way they are made:
a return's year (April to March), its quarters and its months, each a window of dates;
every measure one DuckDB query over the record tables and the windows.

A measure's query gives, per window it has records in, `label, numerator, denominator,
records` (the records that went into the figure), so each record can be accounted for;
with a `team` after the label (NULL for the whole authority), a figure for each team, and
with a `breakdown` after the team ("Gender: Female", NULL for none), a figure for each
group of children.
A count has no denominator (NULL).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import pandas as pd

from qareport.config.periods import Period
from qareport.importers.child_groups import BREAKDOWN_TITLES

__all__ = [
    "PeriodWindow",
    "breakdown_column",
    "breakdown_sets",
    "by_groups",
    "window_returns",
    "year_windows",
    "years_windows",
]


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
                label, team, group, numerator, denominator, records = _parts(row)
                made: dict[str, object] = {"period": label, "measure_id": measure,
                                           "numerator": int(numerator)}  # fmt: skip
                if denominator is not None:
                    made["denominator"] = int(denominator)
                if team is not None:
                    made["team"] = str(team)
                if group is not None:
                    made["breakdown"] = str(group)
                returns.append(made)
                used.update(records)
    finally:
        con.close()
    return returns, used


def _parts(row: tuple) -> tuple:
    """(label, team, breakdown, numerator, denominator, records) from a query's row, which
    may leave out the breakdown, or the team and the breakdown."""
    if len(row) == 6:
        return row
    if len(row) == 5:
        return (row[0], row[1], None, *row[2:])
    return (row[0], None, None, *row[1:])


def years_windows(first: date, last: date) -> list[PeriodWindow]:
    """Every year (April to March) from the one holding `first` to the one holding
    `last`, with its quarters and months."""
    start = first.year + (1 if first.month >= 4 else 0)
    end = last.year + (1 if last.month >= 4 else 0)
    return [w for year in range(start, end + 1) for w in year_windows(year)]


def breakdown_column(alias: str, keys: list[str]) -> str:
    """The `breakdown` a grouped row stands for ("Gender: Female"; NULL for none), from
    the breakdown columns `keys` of the table `alias`."""
    if not keys:
        return "NULL"
    named = " ".join(
        f"WHEN grouping({alias}.{key}) = 0 THEN '{BREAKDOWN_TITLES[key]}: ' || {alias}.{key}"
        for key in keys
    )
    return f"CASE {named} END"


def breakdown_sets(alias: str, keys: list[str]) -> str:
    """The grouping sets after the whole's: one per breakdown."""
    return "".join(f", (w.label, {alias}.{key})" for key in keys)


def by_groups(sql: str, alias: str, keys: list[str], *, team: bool = False) -> str:
    """A query giving `label, numerator, denominator, records` for each window (grouped
    `GROUP BY w.label`), made to give the same for each group of each breakdown of the
    table `alias` too, and with `team`, for each of its teams (a record with no team in
    none of them): each row with its team and its breakdown, NULL where it has none."""
    if not keys and not team:
        return sql
    column = f"{alias}.team" if team else "NULL"
    head = f"SELECT w.label, {column} AS team, {breakdown_column(alias, keys)} AS breakdown,"
    sql = sql.replace("SELECT w.label,", head, 1)
    teams = f", (w.label, {alias}.team)" if team else ""
    grouped = f"GROUP BY GROUPING SETS ((w.label){teams}{breakdown_sets(alias, keys)})"
    if team:
        grouped += f" HAVING {alias}.team IS NOT NULL OR grouping({alias}.team) = 1"
    return sql.replace("GROUP BY w.label", grouped, 1)
