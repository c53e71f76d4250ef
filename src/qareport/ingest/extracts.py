"""Measure-return extracts: read CSV/XLSX/Parquet and validate them with pandera.

The extract format is tidy, one row per area, period and measure:

    area_code, period, measure_id, numerator, denominator, value, agency, team, note

`agency` is the member agency that made the return (a partnership's members are
listed in its parameters); `team` a team or locality within it, where the data
carry one.

`numerator` (or `value`) is required; `denominator` is required for percent and
rate measures. A number cell may instead hold a GSS marker (c, x, z, u, low,
with or without brackets) that is carried through and never read as zero.

Every problem becomes an `ExtractIssue` naming the file, the row as a
spreadsheet shows it (header = row 1), the column and what to do. Issues that
belong to one area block only that area's book; file-level issues block all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qareport.config.catalogue import Catalogue
from qareport.config.geography import Geography
from qareport.config.markers import MARKER_PATTERN, MARKERS
from qareport.config.periods import is_period
from qareport.errors import ExtractError
from qareport.ingest.readers import read_tables
from qareport.ingest.sources import (
    COLUMNS,
    REQUIRED,
    ExtractIssue,
    extract_files,
    is_case_file,
    unknown_area_message,
)

__all__ = [
    "COLUMNS",
    "ExtractIssue",
    "ValidatedExtracts",
    "check_table",
    "extract_files",
    "validate_extracts",
]

NUMBER_COLUMNS = ("numerator", "denominator", "value")
ROW_KEY = ("area_code", "period", "measure_id", "agency", "team", "breakdown")  # one row each
_NUMBER_RE = r"^-?\d+(\.\d+)?$"
MAX_VALUE = 1e12
MAX_CELL = 2_000


@dataclass(frozen=True)
class ValidatedExtracts:
    """Clean rows ready for the store, plus every issue found."""

    frame: pd.DataFrame
    files: tuple[Path, ...]
    issues: tuple[ExtractIssue, ...]

    def issues_for(self, area_code: str) -> list[ExtractIssue]:
        """The problems that block this area's book (warnings are said, never blocking)."""
        return [i for i in self.issues if i.area_code in (None, area_code) and not i.warning]

    def raise_for(self, area_code: str, *, strict: bool = False) -> None:
        """Raise an ExtractError if anything blocks this area's book (with `strict`, rows
        for an area code no area has block it too)."""
        found = self.issues_for(area_code)
        if strict:
            found += [i for i in self.issues if i.is_stray and i not in found]
        if found:
            raise found[0].error(len(found))


BREAKDOWN_RE = re.compile(r"^[^:]{1,40}: \S.{0,79}$")


def is_breakdown(cell: str) -> bool:
    """Empty (the whole), or 'what the children are grouped by: the group'."""
    return cell == "" or bool(BREAKDOWN_RE.match(cell))


def _is_number(cell: str) -> bool:
    return cell == "" or bool(re.match(_NUMBER_RE, cell)) or bool(MARKER_PATTERN.match(cell))


def _each_distinct(check):
    """A pandera check that calls `check` once per distinct cell, not once per row: an
    extract repeats its codes, periods and measure ids thousands of times."""

    def checked(column: pd.Series) -> pd.Series:
        return column.map({cell: check(cell) for cell in column.unique()})

    return checked


def _raw_schema(catalogue: Catalogue, geography: Geography):
    import pandera.pandas as pa  # imported here: only validation needs it

    number_check = pa.Check(
        _each_distinct(_is_number), name="number", error="not a number or a GSS marker"
    )
    return pa.DataFrameSchema(
        {
            "area_code": pa.Column(
                str,
                pa.Check(_each_distinct(geography.accepts), name="known_area"),
                nullable=False,
            ),
            "period": pa.Column(str, pa.Check(_each_distinct(is_period), name="period_form")),
            "measure_id": pa.Column(
                str, pa.Check.isin(sorted(catalogue.measures), name="known_measure")
            ),
            **{c: pa.Column(str, number_check, required=False) for c in NUMBER_COLUMNS},
            "agency": pa.Column(str, required=False),
            "team": pa.Column(str, required=False),
            "breakdown": pa.Column(
                str, pa.Check(_each_distinct(is_breakdown), name="breakdown_form"), required=False
            ),
            "note": pa.Column(
                str,
                pa.Check(lambda s: s.str.len() <= MAX_CELL, name="cell_length"),
                required=False,
            ),
        },
        strict=False,
    )


_ADVICE = {
    "area_code": "{value!r} is not an area code in parameters/; correct the code or add the area",
    "period": "{value!r} is not a period like 2025-26, 2025-26-Q3 or 2025-10 (a year's second "
    "year follows the first; a month is 01 to 12); write it as text in that form "
    "(a spreadsheet may have turned it into a date)",
    "measure_id": "{value!r} is not a measure id in the catalogue; "
    "run `qareport catalogue list` for the ids",
    "numerator": "{value!r} is not a number; use digits only (no commas, symbols or formulas), "
    "or a marker such as c or x",
    "note": "the cell is longer than 2,000 characters; shorten the note",
    "breakdown": "{value!r} is not a breakdown like 'Gender: Female' or 'Age band: 10 to 15' "
    "(what the children are grouped by, a colon, then the group), and a row with a team "
    "takes none",
}


def _schema_issues(
    exc, frame: pd.DataFrame, label: str, geography: Geography
) -> list[ExtractIssue]:
    issues = []
    cases = exc.failure_cases
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            continue
        index = int(index)
        column = str(case.column)
        advice = _ADVICE.get(column if column not in NUMBER_COLUMNS else "numerator")
        value = _short(str(case.failure_case))
        message = advice.format(value=value) if advice else f"{value!r} failed {case.check}"
        if column == "area_code":
            message = unknown_area_message(str(case.failure_case), geography.codes)
        # a row for an unknown code belongs to no area's book: it is left out of all of them
        issues.append(ExtractIssue(label, index + 2, column, message, frame.at[index, "area_code"]))
    return issues


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _numbers(column: pd.Series) -> pd.Series:
    """A checked number column as floats: empty cells and markers are NaN."""
    plain = (column != "") & ~column.str.match(MARKER_PATTERN)
    return pd.to_numeric(column.where(plain), errors="coerce").astype(float)


def _suspect_rows(
    frame: pd.DataFrame, catalogue: Catalogue, numbers: dict[str, pd.Series]
) -> pd.Series:
    """Rows that may break a rule `_row_issues` checks, found column by column: only these
    are then looked at one by one (every clean row of a large extract would cost 10x)."""
    ids = frame["measure_id"].unique()
    needs_base = frame["measure_id"].map({m: catalogue.measures[m].needs_denominator for m in ids})
    percent = frame["measure_id"].map(
        {m: catalogue.measures[m].unit.value == "percent" for m in ids}
    )
    suspect = frame.duplicated(list(ROW_KEY), keep="first")
    suspect |= (frame["team"] != "") & (frame["breakdown"] != "")
    suspect |= ~needs_base & (frame["denominator"] != "")
    for number in numbers.values():
        suspect |= (number < 0) | (number > MAX_VALUE)
    numerator, denominator, value = (numbers[c] for c in NUMBER_COLUMNS)
    unmarked = frame["marker"] == ""
    suspect |= unmarked & numerator.isna() & value.isna()
    rated = unmarked & needs_base & value.isna() & numerator.notna()
    suspect |= rated & (
        denominator.isna()
        | ((denominator < numerator) & percent)
        | ((denominator == 0) & (numerator > 0))
    )
    suspect |= unmarked & percent & (value > 100)
    return suspect


def _markers(frame: pd.DataFrame) -> pd.Series:
    """Each row's GSS marker, from the first number column holding one ('' if none)."""
    found = pd.Series("", index=frame.index, dtype=object)
    for column in reversed([c for c in NUMBER_COLUMNS if c in frame.columns]):
        token = frame[column].str.extract(MARKER_PATTERN, expand=False).str.lower()
        found = token.map(MARKERS).where(token.notna(), found)
    return found


_TEAM_AND_GROUP = (
    "{!r} with team {!r}: a row is the whole area, one team, or one group of the area's "
    "breakdown (a team's own breakdown is not shown); leave one of the two empty"
)


def _row_issues(frame: pd.DataFrame, catalogue: Catalogue, label: str) -> list[ExtractIssue]:
    """Checks across cells of a row, and duplicates, on rows already type-clean."""
    issues: list[ExtractIssue] = []
    parsed = {c: _numbers(frame[c]) for c in NUMBER_COLUMNS}
    suspect = _suspect_rows(frame, catalogue, parsed)
    if not suspect.any():
        return issues
    seen: dict[tuple[str, ...], int] = {}  # each key's first row, for a duplicate's message
    first = ~frame.duplicated(list(ROW_KEY), keep="first")
    keys = zip(*(frame.loc[first, c] for c in ROW_KEY), strict=True)
    for index, key in zip(frame.index[first], keys, strict=True):
        seen[key] = int(index) + 2
    looked_at = frame[suspect]
    # plain dicts: pandas' iterrows builds a Series per row, 10x slower for the same checks
    for index, row in zip(looked_at.index, looked_at.to_dict("records"), strict=True):
        line = int(index) + 2
        area = row["area_code"]

        def add(column: str | None, message: str, line=line, area=area) -> None:
            issues.append(ExtractIssue(label, line, column, message, area))

        key = tuple(row[c] for c in ROW_KEY)
        if seen[key] != line:
            named = "".join(f", {c}" for c in ROW_KEY[3:] if row.get(c))
            add(None, f"duplicate of row {seen[key]} (same area, period, measure{named}); "
                "keep one of them")  # fmt: skip
            continue
        if row["team"] and row["breakdown"]:
            add("breakdown", _TEAM_AND_GROUP.format(_short(row["breakdown"]), _short(row["team"])))
            continue
        measure = catalogue.measures[row["measure_id"]]
        if not measure.needs_denominator and row.get("denominator", ""):
            add(
                "denominator",
                f"{row['denominator']!r} given, but {measure.id} is a count and takes no "
                "denominator; a number written with a thousands comma (12,345) splits into "
                "two cells: write 12345",
            )
            continue
        numbers = {c: float(parsed[c][index]) for c in NUMBER_COLUMNS}
        for column, number in numbers.items():
            if number < 0:
                add(column, f"{row[column]} is negative; counts cannot be below zero")
            elif number > MAX_VALUE:
                add(column, f"{_short(row[column])} is implausibly large; check the extract")
        if row["marker"]:
            continue
        numerator, denominator = numbers["numerator"], numbers["denominator"]
        if measure.unit.value == "percent" and numbers["value"] > 100:
            add(
                "value",
                f"{row['value']} is over 100, but {measure.id} is a percentage (0 to 100); "
                "give the percentage itself (15.4 for 15.4%)",
            )
        elif math.isnan(numerator) and math.isnan(numbers["value"]):
            add("numerator", "empty; give the numerator (or a value, or a marker such as x)")
        elif measure.needs_denominator and math.isnan(numbers["value"]):
            if math.isnan(denominator):
                add(
                    "denominator",
                    f"empty, but {measure.id} is a {measure.unit.value}; give the denominator",
                )
            elif denominator < numerator and measure.unit.value == "percent":
                add(
                    "denominator",
                    f"{row['denominator']} is smaller than numerator {row['numerator']}; "
                    "fix the extract (a percentage cannot exceed 100)",
                )
            elif denominator == 0 and numerator > 0:
                add("denominator", "is 0 while the numerator is not; fix the extract")
    return issues


def _resolve_codes(frame: pd.DataFrame, geography: Geography) -> pd.DataFrame:
    """Each row under the code its area's figures are kept under (a former code, an older
    key or a joint return's codes in any order resolved), the code it came under noted."""
    codes = frame["area_code"]
    resolved = codes.map({code: geography.canonical(code) for code in codes.unique()})
    changed = resolved != frame["area_code"]
    if not changed.any():
        return frame
    frame = frame.copy()
    unnoted = changed & (frame["note"] == "")
    frame.loc[unnoted, "note"] = "published under code " + frame.loc[unnoted, "area_code"]
    frame["area_code"] = resolved
    return frame


def check_table(
    frame: pd.DataFrame, label: str, catalogue: Catalogue, geography: Geography
) -> tuple[pd.DataFrame, list[ExtractIssue]]:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if "numerator" not in frame.columns and "value" not in frame.columns:
        missing.append("numerator")
    if missing:
        names = ", ".join(f"`{c}`" for c in missing)
        return frame.iloc[0:0], [
            ExtractIssue(
                label,
                1,
                missing[0],
                f"missing column {names}; the header row needs "
                "area_code, period, measure_id, numerator (denominator, value, agency, note "
                "are optional)",
            )
        ]
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        return frame.iloc[0:0], [
            ExtractIssue(
                label,
                1,
                unknown[0],
                f"unknown column `{_short(unknown[0], 40)}`; allowed: {', '.join(COLUMNS)}",
            )
        ]
    if frame.empty:
        return frame, [ExtractIssue(label, None, None, "has a header but no data rows")]
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = _resolve_codes(frame.apply(lambda column: column.str.strip()), geography)
    from pandera.errors import SchemaErrors

    try:
        _raw_schema(catalogue, geography).validate(frame, lazy=True)
        issues: list[ExtractIssue] = []
    except SchemaErrors as exc:
        issues = _schema_issues(exc, frame, label, geography)
    bad_rows = {i.row - 2 for i in issues if i.row is not None}
    clean = frame.drop(index=list(bad_rows))
    clean = clean.assign(marker=_markers(clean))
    issues += _row_issues(clean, catalogue, label)
    bad_rows |= {i.row - 2 for i in issues if i.row is not None and not i.warning}
    clean = clean.drop(index=[i for i in bad_rows if i in clean.index])
    for column in NUMBER_COLUMNS:
        clean[column] = _numbers(clean[column])
    clean = clean.assign(source_file=label, source_row=clean.index + 2)
    return clean, issues + _implausible_percentages(clean, catalogue, label)


def _implausible_percentages(
    frame: pd.DataFrame, catalogue: Catalogue, label: str
) -> list[ExtractIssue]:
    """A published percentage under 1 where the area's other periods of the measure are
    all over 10 (0.154 written for 15.4%): a warning naming the row, never a silent 0.2%.
    A value its own numerator and denominator bear out is the publisher's, not a slip."""
    percent = [m.id for m in catalogue.measures.values() if m.unit.value == "percent"]
    shown = frame[frame["measure_id"].isin(percent) & frame["value"].notna()]
    warnings = []
    for (area, measure), rows in shown.groupby(["area_code", "measure_id"], sort=False):
        small = rows[(rows["value"] > 0) & (rows["value"] < 1) & ~_borne_out(rows)]
        others = rows[rows["value"] >= 1]["value"]
        if small.empty or len(others) < 2 or others.min() <= 10:
            continue
        for index, row in small.iterrows():
            warnings.append(
                ExtractIssue(
                    label,
                    int(index) + 2,
                    "value",
                    f"{row['value']:g} for {measure} {row['period']} reads as "
                    f"{row['value']:g}%, but the area's other periods are "
                    f"{others.min():g}% to {others.max():g}%; if it is a share (0.154 for "
                    "15.4%), write the percentage",
                    str(area),
                    warning=True,
                )
            )
    return warnings


def _borne_out(rows: pd.DataFrame) -> pd.Series:
    """Values within rounding of 100 x numerator / denominator on the same row."""
    share = rows["numerator"] / rows["denominator"].where(rows["denominator"] > 0)
    return (rows["value"] - 100 * share).abs() <= 0.051


def validate_extracts(
    paths: list[Path],
    catalogue: Catalogue,
    *,
    geography: Geography,
    root: Path | None = None,
    members: dict[str, set[str]] | None = None,
) -> ValidatedExtracts:
    """Read and validate every extract; never raises for row problems, only collects them."""
    frames, issues = [], []
    files = extract_files(paths, root)
    if not files:
        raise ExtractError(
            "no extracts found in "
            + ", ".join(str(p) for p in paths)
            + "; put CSV, XLSX or Parquet returns there"
        )
    for path in files:
        label = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        try:
            if is_case_file(path):
                from qareport.ingest.caselevel import aggregate_cases

                frame, found = aggregate_cases(path, label, catalogue, geography.codes)
                tables = [(label, frame, found)]
            else:
                tables = [
                    (name, *check_table(table, name, catalogue, geography))
                    for name, table in read_tables(path, label)
                ]
        except ExtractError as exc:
            issues.append(ExtractIssue(label, None, None, str(exc).removeprefix(f"{label}: ")))
            continue
        for _name, frame, found in tables:
            frames.append(frame)
            issues.extend(sorted(found, key=lambda i: (i.row or 0, i.column or "")))
    columns = [*COLUMNS, "marker", "source_file", "source_row"]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    frame, cross = _drop_cross_file_duplicates(frame[columns])
    frame, strangers = _unknown_agencies(frame, members or {})
    return ValidatedExtracts(frame, tuple(files), tuple(issues + cross + strangers))


def _unknown_agencies(
    frame: pd.DataFrame, members: dict[str, set[str]]
) -> tuple[pd.DataFrame, list[ExtractIssue]]:
    """A partnership's returns must come from its listed members (or carry no agency)."""
    if not members or frame.empty:
        return frame, []
    bad = [
        i
        for i, (code, agency) in enumerate(zip(frame["area_code"], frame["agency"], strict=True))
        if agency and code in members and agency not in members[code]
    ]
    issues = [
        ExtractIssue(
            frame.at[i, "source_file"],
            int(frame.at[i, "source_row"]) or None,
            "agency",
            f"{frame.at[i, 'agency']!r} is not a member agency of {frame.at[i, 'area_code']}; "
            f"members: {', '.join(sorted(members[frame.at[i, 'area_code']]))}",
            frame.at[i, "area_code"],
        )
        for i in bad[:50]
    ]
    return frame.drop(index=bad).reset_index(drop=True), issues


def _drop_cross_file_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[ExtractIssue]]:
    """The same return in two files is ambiguous: report it and keep neither."""
    key = list(ROW_KEY)
    dupes = frame[frame.duplicated(key, keep=False)]
    issues = []
    for _, group in dupes.groupby(key, sort=True):
        first, *others = group.itertuples(index=False)
        for other in others:
            issues.append(
                ExtractIssue(
                    other.source_file,
                    int(other.source_row),
                    None,
                    f"the same return is also in {first.source_file} row {first.source_row}"
                    + (
                        f" (one of them under a former code: {other.note})"
                        if other.note.startswith("published under code")
                        or first.note.startswith("published under code")
                        else ""
                    )
                    + "; keep one of them",
                    other.area_code,
                )
            )
    return frame.drop(index=dupes.index).reset_index(drop=True), issues
