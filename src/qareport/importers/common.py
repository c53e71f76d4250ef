"""What every importer shares: reading awkward CSVs, writing the extract, and the summary."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractError

__all__ = ["ImportSummary", "iter_csv_rows", "read_csv_rows", "write_extract"]

EXTRACT_FIELDS = ["area_code", "period", "measure_id", "numerator", "denominator", "value", "note"]


@dataclass
class ImportSummary:
    """What an import read, kept and rejected, for the analyst to check."""

    source: str
    output: Path | None = None
    rows_read: int = 0
    rows_written: int = 0
    measures: Counter = field(default_factory=Counter)
    areas: set[str] = field(default_factory=set)
    comparators: set[str] = field(default_factory=set)  # national and regional rows
    years: set[str] = field(default_factory=set)  # financial years with returns
    markers: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)  # reason -> rows

    def reject(self, reason: str) -> None:
        self.rejected[reason] += 1

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {self.rows_read:,} rows read, {self.rows_written:,} returns written"
            + (f" to {self.output}" if self.output else ""),
            f"  measures: {', '.join(f'{m} ({n:,})' for m, n in sorted(self.measures.items()))}",
            f"  areas: {len(self.areas)}"
            + (f", plus {len(self.comparators)} national and regional" if self.comparators else ""),
            "  markers kept: "
            + (", ".join(f"{m} {n:,}" for m, n in sorted(self.markers.items())) or "none"),
        ]
        if self.rejected:
            out.append("  rows rejected:")
            out += [f"    {n:,} {reason}" for reason, n in self.rejected.most_common()]
        else:
            out.append("  rows rejected: none")
        return out


def read_csv_rows(path: Path, skip_lines: int = 0) -> tuple[list[str], list[dict[str, str]]]:
    """Rows of a published CSV as text, header names stripped.

    Handles a byte-order mark, quoted empty strings, stray spaces, blank last
    lines and gzip. Nothing is converted to a number here.
    """
    if not path.is_file():
        raise ExtractError(f"{path}: file not found")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # spreadsheets saved as 'CSV' on Windows
    lines = text.splitlines()[skip_lines:]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ExtractError(f"{path}: the file is empty") from None
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        rows.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)})
    return header, rows


def iter_csv_rows(path: Path):
    """Rows one at a time, for files too large to hold (the crime outcomes file); the first
    item is the stripped header. UTF-8 (with or without a byte-order mark), gzip allowed."""
    import gzip

    if not path.is_file():
        raise ExtractError(f"{path}: file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise ExtractError(f"{path}: the file is empty")
        yield header
        for cells in reader:
            if any(c.strip() for c in cells):
                yield {h: cells[i].strip() if i < len(cells) else "" for i, h in enumerate(header)}


def write_extract(rows: list[dict[str, object]], path: Path) -> None:
    """The extract, sorted so that the same input always gives the same bytes."""
    ordered = sorted(rows, key=lambda r: (r["measure_id"], r["area_code"], r["period"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXTRACT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k, "") for k in EXTRACT_FIELDS} for r in ordered)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="\n")
