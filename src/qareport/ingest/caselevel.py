"""Case-level extracts: one row per case and measure, aggregated to returns by DuckDB.

Files named `*.cases.csv` or `*.cases.parquet` hold

    area_code, period, measure_id, case_id, met     (met: 1/0, yes/no, true/false)

plus, optionally, `agency` and `team` (which member agency and team the case
belongs to; each becomes its own return),

or, for audits scored against a criterion, `score` instead of `met`: 1 to 5 (4 or
5 meets the standard), yes/no, or empty for evidence only. Evidence-only cases
are left out of the percentage and counted in the return's note.

and become one return per area, period and measure: numerator = cases that met
the standard, denominator = cases. The file is validated and aggregated
inside DuckDB, never read into pandas row by row, so millions of rows load in
seconds within modest memory.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from qareport.config.catalogue import Catalogue, Unit
from qareport.config.periods import is_period
from qareport.ingest.sources import ExtractIssue, unknown_area_message

__all__ = ["CASE_COLUMNS", "aggregate_cases"]

CASE_COLUMNS = ("area_code", "period", "measure_id", "case_id", "met")
_TRUE = ("1", "yes", "y", "true")
_FALSE = ("0", "no", "n", "false")
ISSUE_LIMIT = 50


def _scores_to_met(con: duckdb.DuckDBPyConnection) -> None:
    """Audit criteria scored 1-5 (4 or 5 meets the standard), yes/no, or evidence only."""
    con.execute(
        "ALTER TABLE cases ADD COLUMN met VARCHAR; "
        "UPDATE cases SET met = CASE "
        "WHEN trim(coalesce(CAST(score AS VARCHAR), '')) = '' THEN 'evidence' "
        "WHEN lower(trim(CAST(score AS VARCHAR))) IN ('4', '5', 'yes', 'y', 'true') THEN 'yes' "
        "WHEN lower(trim(CAST(score AS VARCHAR))) IN ('1', '2', '3', 'no', 'n', 'false') "
        "THEN 'no' ELSE CAST(score AS VARCHAR) END"
    )


def _reader(path: Path) -> str:
    if path.suffix.lower() == ".parquet":
        return "read_parquet(?)"
    return "read_csv(?, header = true, all_varchar = true, encoding = 'utf-8')"


def aggregate_cases(
    path: Path, label: str, catalogue: Catalogue, area_codes: set[str]
) -> tuple[pd.DataFrame, list[ExtractIssue]]:
    """Validate and aggregate a case-level file; returns (returns rows, issues)."""
    percent = sorted(m.id for m in catalogue.measures.values() if m.unit is Unit.PERCENT)
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")  # never draw on the user's terminal
        try:
            con.execute(
                f"CREATE TEMP TABLE cases AS SELECT row_number() OVER () + 1 AS line, * "
                f"FROM {_reader(path)}",
                [str(path)],
            )
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            return pd.DataFrame(), [ExtractIssue(label, None, None, f"cannot be read ({first})")]
        columns = [c.lower() for c in con.execute("SELECT * FROM cases LIMIT 0").fetchdf().columns]
        scored = "score" in columns and "met" not in columns
        if scored:
            _scores_to_met(con)
            columns.append("met")
        missing = [c for c in CASE_COLUMNS if c not in columns]
        if missing:
            needs = ", ".join(CASE_COLUMNS) + " (or score instead of met)"
            return pd.DataFrame(), [
                ExtractIssue(
                    label, 1, missing[0], f"missing column; a case-level file needs {needs}"
                )
            ]
        _lookups(con, area_codes, percent)
        checks = _checks(scored)
        bad_lines = "SELECT line FROM cases WHERE " + " OR ".join(f"({c[1]})" for c in checks)
        issues = _row_issues(con, checks, label, area_codes)
        extra = [c for c in ("agency", "team") if c in columns]
        keys = ", ".join(["area_code", "period", "measure_id", *extra])
        issues += _duplicates(con, keys, bad_lines, label)
        frame = _returns(con, extra, keys, bad_lines)
    notes = [f"{int(e)} evidence-only cases" if e else "" for e in frame.pop("evidence")]
    for column in ("agency", "team", "breakdown"):
        if column not in frame.columns:
            frame[column] = ""
    frame = frame.assign(value=float("nan"), note=notes, marker="", source_file=label, source_row=0)
    return frame, sorted(issues, key=lambda i: (i.row or 0, i.column or ""))


def _lookups(con: duckdb.DuckDBPyConnection, area_codes: set[str], percent: list[str]) -> None:
    """The known area codes, percentage measures and the file's periods, as tables."""
    con.execute(
        "CREATE TEMP TABLE areas AS SELECT UNNEST(?::VARCHAR[]) AS code", [sorted(area_codes)]
    )
    con.execute("CREATE TEMP TABLE measures AS SELECT UNNEST(?::VARCHAR[]) AS id", [percent])
    # the periods written in the file that are periods, by the one rule every reader uses
    written = [p for (p,) in con.execute("SELECT DISTINCT period FROM cases").fetchall()]
    con.execute(
        "CREATE TEMP TABLE periods AS SELECT UNNEST(?::VARCHAR[]) AS label",
        [[p for p in written if isinstance(p, str) and is_period(p)]],
    )


def _checks(scored: bool) -> list[tuple[str, str, str]]:
    """(column, SQL condition of a bad row, message) for each check of a case's row; an
    empty message is worded by unknown_area_message."""
    return [
        ("area_code", "area_code NOT IN (SELECT code FROM areas) OR area_code IS NULL", ""),
        (
            "period",
            "period IS NULL OR period NOT IN (SELECT label FROM periods)",
            "'{v}' is not a period like 2025-26 or 2025-26-Q3 (the second year follows the first)",
        ),
        (
            "measure_id",
            "measure_id NOT IN (SELECT id FROM measures) OR measure_id IS NULL",
            "'{v}' is not a percentage measure id in the catalogue",
        ),
        (
            "score" if scored else "met",
            f"lower(coalesce(CAST(met AS VARCHAR), '')) NOT IN {_TRUE + _FALSE}"
            + (" AND CAST(met AS VARCHAR) != 'evidence'" if scored else ""),
            "'{v}' is not a score from 1 to 5, yes/no, or empty (evidence only)"
            if scored
            else "'{v}' is not 1/0 or yes/no",
        ),
        (
            "case_id",
            "case_id IS NULL OR CAST(case_id AS VARCHAR) = ''",
            "empty; every case needs an id",
        ),
    ]


def _row_issues(
    con: duckdb.DuckDBPyConnection,
    checks: list[tuple[str, str, str]],
    label: str,
    area_codes: set[str],
) -> list[ExtractIssue]:
    issues = []
    for column, condition, message in checks:
        rows = con.execute(
            f"SELECT line, CAST({column} AS VARCHAR), area_code FROM cases WHERE {condition} "
            f"ORDER BY line LIMIT {ISSUE_LIMIT}"
        ).fetchall()
        for line, value, area in rows:
            words = (
                message.format(v=value) if message else unknown_area_message(str(value), area_codes)
            )
            issues.append(ExtractIssue(label, int(line), column, words, area))
    return issues


def _duplicates(
    con: duckdb.DuckDBPyConnection, keys: str, bad_lines: str, label: str
) -> list[ExtractIssue]:
    """The same case listed twice for one measure and period (and agency and team)."""
    duplicates = con.execute(
        f"SELECT max(line), area_code FROM cases WHERE line NOT IN ({bad_lines}) "
        f"GROUP BY {keys}, case_id HAVING count(*) > 1 "
        f"ORDER BY 1 LIMIT {ISSUE_LIMIT}"
    ).fetchall()
    return [
        ExtractIssue(
            label,
            int(line),
            "case_id",
            "the same case is listed twice for this measure and period",
            area,
        )
        for line, area in duplicates
    ]


def _returns(
    con: duckdb.DuckDBPyConnection, extra: list[str], keys: str, bad_lines: str
) -> pd.DataFrame:
    """The good rows counted into returns: cases that met the standard over cases judged,
    with how many were evidence only."""
    labels = "".join(f"coalesce(CAST({c} AS VARCHAR), '') AS {c}, " for c in extra)
    return con.execute(
        f"SELECT area_code, period, measure_id, {labels}"
        f"sum(CASE WHEN lower(CAST(met AS VARCHAR)) IN {_TRUE} THEN 1 ELSE 0 END)::DOUBLE "
        f"AS numerator, "
        f"count(*) FILTER (WHERE CAST(met AS VARCHAR) != 'evidence')::DOUBLE AS denominator, "
        f"count(*) FILTER (WHERE CAST(met AS VARCHAR) = 'evidence') AS evidence "
        f"FROM cases WHERE line NOT IN ({bad_lines}) "
        f"GROUP BY {keys} ORDER BY {keys}"
    ).fetchdf()
