"""How far an authority's own figures can be trusted, written by its import: what the
import of case-level records read, used and rejected, and how complete each column a
measure reads was (read back by `ingest.quality` into the book's provenance appendix).
Counts and shares only: no record, identifier or value leaves the import this way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from qareport.config.boundary import write_atomically
from qareport.importers.common import ImportSummary
from qareport.ingest.quality import QUALITY_SUFFIX

__all__ = ["write_quality"]


def write_quality(summary: ImportSummary, tables: dict[str, pd.DataFrame]) -> Path | None:
    """The import's counts and each table's column completeness, beside its returns; only
    when the returns were written (else the last import's record stays with its figures)."""
    if summary.output is None or not summary.rows_written:
        return None
    record = {
        "source": summary.source,
        "records": summary.records,
        "read": summary.rows_read,
        "used": summary.rows_used,
        "not_in_scope": summary.not_in_scope.total(),
        "rejected": {why.words: n for why, n in summary.rejected.counts.items()},
        "tables": [
            {"name": name, "records": len(frame), "complete": _completeness(frame)}
            for name, frame in tables.items()
            if len(frame)
        ],
    }
    path = summary.output.with_name(summary.output.stem + QUALITY_SUFFIX)
    write_atomically(path, json.dumps(record, indent=1) + "\n")
    return path


def _completeness(frame: pd.DataFrame) -> dict[str, float]:
    """Each column's share of records with a value: the columns the file has, by the
    names the reader gives them (`found`), else every column but the line and the child."""
    found = frame.attrs.get("found") or {
        c: c.replace("_", " ") for c in frame.columns if c not in ("line", "child", "episode")
    }
    return {words: round(float(frame[c].notna().mean()), 4) for c, words in found.items()}
