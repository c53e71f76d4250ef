"""The data-quality record a statutory import writes beside its returns
(`<code>-<name>.quality.json`; not an extract: only the `.csv` is read into the store),
read into the book's provenance appendix so the board sees, in the HTML and the PDF
alike, how far the authority's own figures can be trusted.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["QUALITY_SUFFIX", "quality_lines"]

QUALITY_SUFFIX = ".quality.json"


def quality_lines(extract: Path) -> list[tuple[str, str]]:
    """The provenance rows for one extract's data-quality record, if it has one."""
    path = extract.with_name(extract.stem + QUALITY_SUFFIX)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    rejected = record.get("rejected") or {}
    why = "; ".join(f"{n:,} {words}" for words, n in rejected.items())
    rows = [
        (
            f"Data quality: {record['source']}",
            f"{record['read']:,} {record['records']} read: {record['used']:,} used, "
            f"{record['not_in_scope']:,} in no period or measure of the book, "
            f"{sum(rejected.values()):,} rejected" + (f" ({why})" if why else ""),
        )
    ]
    for table in record.get("tables", []):
        complete = ", ".join(f"{column} {share:.0%}" for column, share in table["complete"].items())
        rows.append(
            (
                f"Data quality: {record['source']}, {table['name']}",
                f"{table['records']:,} records; share with a value: {complete}",
            )
        )
    return rows
