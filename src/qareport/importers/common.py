"""What every importer shares: reading awkward CSVs, writing the extract, and the summary."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qareport.errors import ExtractError

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


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Rows of a published CSV as text, header names stripped.

    Handles a byte-order mark, quoted empty strings and quoted line breaks,
    stray spaces, blank lines and gzip. Nothing is converted to a number here.
    """
    rows = iter_csv_rows(path)
    header = next(rows)
    return header, list(rows)


def _text(path: Path):
    """A text handle: gzip streamed as UTF-8; a plain file read whole, as UTF-8 or, failing
    that, cp1252 (spreadsheets saved as 'CSV' on Windows)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    raw = path.read_bytes()
    try:
        return io.StringIO(raw.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        return io.StringIO(raw.decode("cp1252"), newline="")


def iter_csv_rows(path: Path):
    """Rows one at a time (the crime outcomes file is too large to hold); the first item
    is the stripped header."""
    if not path.is_file():
        raise ExtractError(f"{path}: file not found")
    with _text(path) as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise ExtractError(f"{path}: the file is empty")
            yield header
            width = len(header)
            for cells in reader:
                if any(c.strip() for c in cells):
                    cells = [c.strip() for c in cells] + [""] * (width - len(cells))
                    yield dict(zip(header, cells[:width], strict=True))
        except UnicodeDecodeError:
            raise ExtractError(f"{path}: not UTF-8 text; save it as 'CSV UTF-8'") from None


def write_extract(rows: list[dict[str, object]], path: Path) -> None:
    """The extract, sorted so that the same input always gives the same bytes."""
    ordered = sorted(rows, key=lambda r: (r["measure_id"], r["area_code"], r["period"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXTRACT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k, "") for k in EXTRACT_FIELDS} for r in ordered)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="\n")
