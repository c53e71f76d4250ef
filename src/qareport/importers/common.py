"""What every importer shares: reading awkward CSVs, writing the extract, and the summary."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from qareport.config.catalogue import Catalogue
from qareport.config.geography import Geography, is_joint
from qareport.config.markers import MARKER_PATTERN
from qareport.errors import ExtractError
from qareport.ingest.sources import COLUMNS, ExtractIssue

__all__ = [
    "Candidate",
    "ImportSummary",
    "Reason",
    "Refusal",
    "Row",
    "check_returns",
    "finish_import",
    "imported_counts",
    "iter_csv_rows",
    "read_csv_rows",
    "write_extract",
]

EXAMPLES = 5  # rows shown for each reason


class Reason(StrEnum):
    """Why a record is not used, as a code (counts are kept by code), beside the words
    that say it to a person, as pandera's SchemaErrorReason."""

    # not in scope: rows the import is not about
    OTHER_LEVEL = "other-level"  # a geographic level the mapping does not take
    FILTERED_OUT = "filtered-out"  # outside a filter (`where:`, offences against children)
    OUTSIDE_PERIODS = "outside-periods"  # records of no period the import makes
    # rejected: rows the import is about but cannot use
    NO_AREA_CODE = "no-area-code"
    UNKNOWN_AREA = "unknown-area"  # no area in parameters/ has the code
    NOT_A_COMPARATOR = "not-a-comparator"  # a national or regional code not set up as one
    BAD_PERIOD = "bad-period"
    NOT_A_NUMBER = "not-a-number"
    EMPTY_CELL = "empty-cell"
    NO_DENOMINATOR = "no-denominator"
    DUPLICATE = "duplicate"  # the same area, period and measure (or record) twice
    REFUSED = "refused"  # a value the build's checks refuse (a numerator over its denominator)
    NO_FIGURE = "no-figure"
    # case-level records (statutory returns)
    MISSING_DATE = "missing-date"
    END_BEFORE_START = "end-before-start"
    FUTURE_DATE = "future-date"
    CODE_NOT_ALLOWED = "code-not-allowed"


class Refusal(NamedTuple):
    """A reason's code and its words for this case (values are left to the examples)."""

    reason: Reason
    words: str


class Row(dict):
    """A published record as text, keyed by header, remembering the line it starts on."""

    line: int = 0


@dataclass
class Tally:
    """Records counted by reason, with the first few as examples to look at."""

    counts: Counter[Refusal] = field(default_factory=Counter)
    examples: dict[Refusal, list[str]] = field(default_factory=dict)

    def add(self, why: Refusal, example: str, n: int = 1) -> None:
        self.counts[why] += n
        shown = self.examples.setdefault(why, [])
        if len(shown) < EXAMPLES:
            shown.append(example)

    def total(self) -> int:
        return sum(self.counts.values())

    def by_reason(self) -> Counter[Reason]:
        """The counts by reason code, whatever the words."""
        codes: Counter[Reason] = Counter()
        for why, n in self.counts.items():
            codes[why.reason] += n
        return codes

    def lines(self, indent: str = "    ") -> list[str]:
        return [
            f"{indent}{n:,} {why.words}; e.g. {'; '.join(self.examples.get(why, []))}"
            for why, n in self.counts.most_common()
        ]


@dataclass
class Candidate:
    """A return an importer would write, and the group of source rows it comes from."""

    fields: dict[str, str]
    group: object
    example: str = ""  # for a return made from many rows: what it is


@dataclass
class ImportSummary:
    """What an import read, wrote and left out, counted so the numbers add up:
    records read = used + not in scope + rejected, each by reason. `records` names what
    is counted (rows of a published file; local authorities), `written` what is written
    (returns; parameter files); `notes` are said after the counts."""

    source: str
    output: Path | None = None
    rows_read: int = 0
    rows_used: int = 0
    rows_written: int = 0  # returns written (one row may give several, several one)
    records: str = "rows"
    written: str = "returns"
    measures: Counter = field(default_factory=Counter)
    areas: set[str] = field(default_factory=set)
    joint: set[str] = field(default_factory=set)  # joint returns' codes
    comparators: set[str] = field(default_factory=set)  # national and regional rows
    years: set[str] = field(default_factory=set)  # financial years with returns
    markers: Counter = field(default_factory=Counter)
    not_in_scope: Tally = field(default_factory=Tally)
    rejected: Tally = field(default_factory=Tally)  # rows: nothing of them written
    left_out: Tally = field(default_factory=Tally)  # returns refused from rows otherwise used
    notes: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)  # measures asked for, none written
    ready: int = 0  # returns that passed every check (written unless held back)
    held_back: str = ""  # why nothing was written (the previous extract kept), if so
    _groups: dict[object, list[str]] = field(default_factory=dict, repr=False)

    @property
    def clean(self) -> bool:
        """Every row the import is about was used, and every measure asked for written."""
        return not (self.rejected.counts or self.left_out.counts or self.vanished)

    def skip(self, why: Refusal, example: str) -> None:
        """A row the import is not about (another level, a filtered category)."""
        self.not_in_scope.add(why, example)

    def reject(self, why: Refusal, example: str) -> None:
        """A row the import is about but cannot use."""
        self.rejected.add(why, example)

    def use(self, group: object, example: str) -> None:
        """A row that gives returns, with the group of rows they are made from."""
        self._groups.setdefault(group, []).append(example)

    def settle(self, written: list[Candidate], refused: list[tuple[Candidate, Refusal]]) -> None:
        """Rows whose returns were all refused become rejected rows (with the first
        reason); returns refused from rows otherwise used are counted as left out."""
        kept = {c.group for c in written}
        first: dict[object, Refusal] = {}
        for candidate, why in refused:
            first.setdefault(candidate.group, why)
            if candidate.group in kept or candidate.group not in self._groups:
                rows = self._groups.get(candidate.group, [""])
                self.left_out.add(why, candidate.example or rows[0])
        for group, examples in self._groups.items():
            if group in kept:
                self.rows_used += len(examples)
            else:
                why = first.get(group, Refusal(Reason.NO_FIGURE, "no figure in the row"))
                for example in examples:
                    self.rejected.add(why, example)
        self._groups.clear()

    def lines(self) -> list[str]:
        scope, rejected = self.not_in_scope.total(), self.rejected.total()
        out = [
            f"{self.source}: {self.rows_read:,} {self.records} read = {self.rows_used:,} used + "
            f"{scope:,} not in scope + {rejected:,} rejected",
            (
                f"  none of the {self.ready:,} {self.written} that are fine written"
                if self.held_back
                else f"  {self.rows_written:,} {self.written} written"
            )
            + (f" to {self.output}" if self.output else ""),
        ]
        if self.written == "returns":
            out += self._returns_lines()
        for title, tally in (
            (f"{self.records} not in scope", self.not_in_scope),
            (f"{self.records} rejected", self.rejected),
            ("returns left out of rows used", self.left_out),
        ):
            out += [f"  {title}: {tally.total():,}", *tally.lines()] if tally.counts else []
        if not self.rejected.counts:
            out.append(f"  {self.records} rejected: none")
        if self.vanished:
            out.append(f"  measures with no return written: {', '.join(self.vanished)}")
        return out + self.notes

    def _returns_lines(self) -> list[str]:
        return [
            f"  measures: {', '.join(f'{m} ({n:,})' for m, n in sorted(self.measures.items()))}",
            f"  areas: {len(self.areas)}"
            + (f", plus {len(self.joint)} joint returns" if self.joint else "")
            + (f", plus {len(self.comparators)} national and regional" if self.comparators else ""),
            "  markers kept: "
            + (", ".join(f"{m} {n:,}" for m, n in sorted(self.markers.items())) or "none"),
        ]


def finish_import(
    summary: ImportSummary,
    candidates: list[Candidate],
    refused: list[tuple[Candidate, Refusal]],
    *,
    geography: Geography,
    catalogue: Catalogue,
    output: Path,
    expected: Iterable[str] = (),
    allow_rejects: bool = False,
) -> ImportSummary:
    """Check the returns as the build will, count every row's fate, and write what passed:
    all or nothing. Rows rejected, or a measure in `expected` left with no return, write
    nothing (the previous extract stays) unless `allow_rejects`; returns another extract
    beside it already gives are refused, naming both."""
    _refuse_overlap(candidates, output)
    written, refused_by_build = check_returns(candidates, geography, catalogue, summary.source)
    summary.settle(written, refused + refused_by_build)
    for candidate in written:
        fields = candidate.fields
        summary.measures[fields["measure_id"]] += 1
        marker = MARKER_PATTERN.match(str(fields.get("numerator", "")))
        if marker:
            summary.markers[f"[{fields['numerator']}]"] += 1
        code = fields["area_code"]
        if code in geography.comparator_codes:
            summary.comparators.add(code)
        else:
            (summary.joint if is_joint(code) else summary.areas).add(code)
    summary.vanished = [m for m in dict.fromkeys(expected) if not summary.measures[m]]
    summary.output, summary.ready = output, len(written)
    if not summary.clean and not allow_rejects:
        what = "rows were rejected" if not summary.vanished else "measures got no return"
        summary.held_back = (
            f"nothing written: {what} (above), so {output} is left as it was; fix the source "
            "or the mapping, or add --allow-rejects to write the returns that are fine"
        )
        return summary
    write_extract([c.fields for c in written], output)
    summary.rows_written = len(written)
    if not summary.clean:
        summary.notes.append("written with --allow-rejects: what was left out is counted above")
    return summary


def _refuse_overlap(candidates: list[Candidate], output: Path) -> None:
    """Two imports must not give the same figure: a return another extract in the same
    folder already holds (the same area, period and measure) is refused, naming both."""
    mine = {(c.fields["area_code"], c.fields["period"], c.fields["measure_id"]) for c in candidates}
    measures = {key[2] for key in mine}
    for other in sorted(output.parent.glob("*.csv")) if output.parent.is_dir() else []:
        if other.resolve() == output.resolve():
            continue
        _, rows = read_csv_rows(other)
        shared = [
            key
            for row in rows
            if row.get("measure_id") in measures
            and (key := (row.get("area_code", ""), row.get("period", ""), row["measure_id"]))
            in mine
        ]
        if shared:
            code, period, measure = shared[0]
            raise ExtractError(
                f"{output.name} would give {len(shared):,} returns that {other} already gives "
                f"({measure} for {code} {period}"
                + (f", and {len(shared) - 1:,} more" if len(shared) > 1 else "")
                + "); two imports must not give the same figure: take the measure out of one "
                f"mapping, or delete {other.name} if it is an old import"
            )


def check_returns(
    candidates: list[Candidate], geography: Geography, catalogue: Catalogue, label: str
) -> tuple[list[Candidate], list[tuple[Candidate, Refusal]]]:
    """Split returns into those the build accepts and those it would refuse (with why),
    by the build's own checks: an importer never writes a row the build refuses."""
    import pandas as pd

    from qareport.ingest.extracts import check_table

    if not candidates:
        return [], []
    frame = pd.DataFrame(
        [{c: str(x.fields.get(c, "")) for c in COLUMNS} for x in candidates], dtype=object
    )
    _, issues = check_table(frame, label, catalogue, geography)
    reasons: dict[int, Refusal] = {}
    for issue in (i for i in issues if not i.warning):  # a warning never refuses a return
        if issue.row is None:  # the whole table: every return refused for one reason
            return [], [(c, Refusal(Reason.REFUSED, issue.message)) for c in candidates]
        reasons.setdefault(issue.row - 2, _refusal(issue))
    written = [c for i, c in enumerate(candidates) if i not in reasons]
    return written, [(candidates[i], r) for i, r in sorted(reasons.items())]


def _refusal(issue: ExtractIssue) -> Refusal:
    """A validation issue as a reason shared by rows alike (values are in the examples)."""
    if issue.is_stray:
        return Refusal(Reason.UNKNOWN_AREA, "no area in parameters/ has the code")
    if issue.column is None:
        return Refusal(Reason.DUPLICATE, "the same area, year and measure twice")
    words = f"{issue.column}: " + re.sub(r"'[^']*'|-?\d[\d.]*", "…", issue.message)
    return Refusal(Reason.REFUSED, words)


def read_csv_rows(path: Path) -> tuple[list[str], list[Row]]:
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
            line = reader.line_num + 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    cells = [c.strip() for c in cells] + [""] * (width - len(cells))
                    row = Row(zip(header, cells[:width], strict=True))
                    row.line = line
                    yield row
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise ExtractError(f"{path}: not UTF-8 text; save it as 'CSV UTF-8'") from None


def write_extract(rows: list[dict[str, str]], path: Path) -> None:
    """The extract, sorted so that the same input always gives the same bytes."""
    ordered = sorted(rows, key=lambda r: (r["measure_id"], r["area_code"], r["period"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k, "") for k in COLUMNS} for r in ordered)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="\n")


def imported_counts(
    folder: Path, measure_id: str, own: Path | None = None
) -> dict[tuple[str, str], str]:
    """(area code, period) -> numerator of a measure already imported into `folder` by
    another import (never the `own` output an import is about to replace)."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        if own is not None and path.resolve() == own.resolve():
            continue
        _, rows = read_csv_rows(path)
        for row in rows:
            if row.get("measure_id") == measure_id:
                found[(row["area_code"], row["period"])] = row["numerator"]
    return found
