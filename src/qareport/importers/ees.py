"""Explore Education Statistics (EES) tidy CSVs, mapped to catalogue measures by YAML.

Every DfE publication on EES shares one layout: `time_period`,
`time_identifier`, `geographic_level`, the geography codes, then one column
per figure. A mapping file says which columns are a measure's numerator,
denominator and published value, and which rows to keep; adding a new
publication means writing a mapping, not code.

Rows are years, quarters or months as their `time_identifier` says (a week or a
term is refused, said so). Markers (c, x, z, u, low) stay markers. A local
authority whose code changed
(Buckinghamshire became a unitary in 2020: E10000002 to E06000060) is followed
through its old 3-digit code, so its trend is one series under today's code.
"""

from __future__ import annotations

import calendar
import math
import re
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qareport.config.catalogue import ID_PATTERN, Catalogue
from qareport.config.geography import Geography, is_joint, joint_code, joint_members
from qareport.config.markers import MARKER_PATTERN, marker_token
from qareport.config.periods import Period
from qareport.config.yamlio import load_model
from qareport.errors import CatalogueError, ExtractError
from qareport.importers.common import (
    Candidate,
    ImportSummary,
    Reason,
    Refusal,
    Row,
    finish_import,
    imported_counts,
    read_csv_rows,
)

__all__ = [
    "EesMapping",
    "import_ees",
    "load_mapping",
    "newest_by_old_code",
    "published_comparators",
]

LEVEL_CODES = {"National": "country_code", "Regional": "region_code"}
LA_LEVEL = "Local authority"

Columns = str | list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureMap(_Strict):
    """Which columns make one measure; a list of columns is summed."""

    measure: str = Field(pattern=ID_PATTERN)
    numerator: Columns
    denominator: Columns | None = None
    value: str | None = Field(default=None, description="the publisher's own figure")
    denominator_from: str | None = Field(
        default=None, description="a measure imported earlier whose count is the denominator"
    )
    denominator_where: dict[str, str | list[str]] | None = Field(
        default=None,
        description="the denominator is in another row of the same area and period: the row "
        "these columns pick (a total row), read from `denominator` or the numerator's column",
    )
    where: dict[str, str | list[str]] = Field(default_factory=dict)

    @property
    def denominator_columns(self) -> Columns:
        """Where the denominator is read: its own columns, or for a total row the
        numerator's column unless `denominator` names another."""
        return self.denominator or self.numerator


class EesMapping(_Strict):
    mapping: str = Field(pattern=ID_PATTERN)
    title: str
    publication: str = ""
    time_period: Literal["year-ending-march", "year-starting"] = "year-ending-march"
    levels: list[Literal["National", "Regional", "Local authority"]] = [
        "National",
        "Regional",
        "Local authority",
    ]
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    measures: list[MeasureMap] = Field(min_length=1)


def _builtin(name: str) -> Path:
    return Path(str(resources.files("qareport.importers") / "mappings" / f"{name}.yml"))


def load_mapping(ref: str, project_dir: Path, catalogue: Catalogue) -> tuple[EesMapping, Path]:
    """A mapping by built-in name (`dfe-cin-c1`) or path; its measures must be in the catalogue."""
    path = Path(ref) if ref.endswith((".yml", ".yaml")) else _builtin(ref)
    if not path.is_absolute() and ref.endswith((".yml", ".yaml")):
        path = project_dir / path
    if not path.is_file():
        shipped = sorted(p.stem for p in _builtin("x").parent.glob("*.yml"))
        raise CatalogueError(
            f"no mapping {ref!r}; give a .yml path or one of: {', '.join(shipped)}"
        )
    mapping = load_model(path, EesMapping, CatalogueError)
    for index, item in enumerate(mapping.measures):
        for key, measure_id in (
            ("measure", item.measure),
            ("denominator_from", item.denominator_from),
        ):
            if measure_id and measure_id not in catalogue.measures:
                raise CatalogueError(
                    f"{path}: measures.{index}.{key}: {measure_id!r} is not a measure in the "
                    "catalogue (`qareport catalogue list` lists them); if it is in a local "
                    "catalogue, register that with `qareport catalogue add FILE.yml`"
                )
        _check_denominator(item, catalogue.measures[item.measure], f"{path}: measures.{index}")
    return mapping, path


def _check_denominator(item: MeasureMap, measure, where: str) -> None:
    """A percentage or rate needs one source of its denominator; a count none."""
    given = [
        k
        for k, v in (
            ("denominator_from", item.denominator_from),
            ("denominator_where", item.denominator_where),
        )
        if v
    ]
    if len(given) > 1:
        raise CatalogueError(f"{where}: give either denominator_from or denominator_where")
    if measure.needs_denominator and not (item.denominator or given):
        raise CatalogueError(
            f"{where}: {item.measure} is a {measure.unit.value}; give its denominator (a "
            "column, `denominator_from` a measure imported earlier, or `denominator_where` "
            "the rows that hold it) so its figures can be checked, withheld and compared"
        )


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_YEARLY = ("year",)  # Reporting year, Financial year, Calendar year, Academic year, ...


def _period(text: str, rule: str, identifier: str = "") -> Period:
    """The period of an EES row from `time_period` and `time_identifier`.

    A year (`Reporting year`, `Financial year`, ...) follows the mapping's rule; a
    month (`January` ...) of a calendar year `2025` is that month; a quarter is a
    financial quarter (`Financial year Q3` of 202526) or a calendar one (`Calendar
    year Q1` of 2026 is January-March 2026: 2025-26 Q4). Anything else (weeks,
    terms) has no place in a financial-year book and is said so."""
    text, kind = text.strip(), identifier.strip().lower()
    if kind in _MONTHS:
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"time_period {text!r} is not a calendar year for month {identifier}")
        return Period.of_month(int(text), _MONTHS[kind])
    quarter = re.fullmatch(r"(financial|calendar) year q([1-4])", kind)
    if quarter and quarter[1] == "financial":  # 202526 (or 2025): the year it starts
        return Period(_period(text, "year-starting").start_year, int(quarter[2]))
    if quarter:  # a calendar quarter: Q1 of 2026 is January-March 2026
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"time_period {text!r} is not a calendar year for {identifier}")
        return Period.of_month(int(text), 3 * int(quarter[2]) - 2).quarter_period
    if kind and not kind.endswith(_YEARLY):
        raise ValueError(
            f"time_identifier {identifier!r} is not a year, quarter or month; the book "
            "reports by financial year, quarter or month"
        )
    if re.fullmatch(r"\d{6}", text):  # EES financial and academic years: 202425
        return Period(int(text[:4]))
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"time_period {text!r} is not a year")
    start = int(text)
    return Period.from_year_ending_march(start) if rule == "year-ending-march" else Period(start)


def _keep(row: dict[str, str], where: dict[str, str | list[str]]) -> bool:
    for column, wanted in where.items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if row.get(column, "") not in allowed:
            return False
    return True


def _cell(row: dict[str, str], columns: Columns) -> str:
    """The figure as text: a number, a sum of numbers, or the first marker; '' if empty."""
    names = [columns] if isinstance(columns, str) else columns
    total = 0.0
    for name in names:
        cell = row.get(name, "").replace(",", "").strip()
        marker = marker_token(cell)
        if marker:
            return marker
        if cell == "":
            return ""
        try:
            total += float(cell)
        except ValueError:
            raise _NotANumber(
                f"column {name} holds {cell[:40]!r}, not a number or a marker"
            ) from None
        if not math.isfinite(total):
            raise _NotANumber(f"column {name} holds {cell[:40]!r}, not a finite number")
    return f"{total:.12g}"


class _NotANumber(ValueError):
    """A figure cell the publisher filled with something that is neither number nor marker."""


def newest_by_old_code(rows: list[Row]) -> dict[str, Row]:
    """Old 3-digit code -> the authority's row from the newest year it appears in.

    The old code survives a change of the 9-character code (Buckinghamshire kept 825
    when E10000002 became E06000060), so it is what ties an authority's years together."""
    newest: dict[str, Row] = {}
    for row in rows:
        if row.get("geographic_level") != LA_LEVEL or not row.get("old_la_code"):
            continue
        if is_joint(row["old_la_code"]) or is_joint(row.get("new_la_code", "")):
            continue  # a joint return is no single authority's row
        old = row["old_la_code"]
        if old not in newest or row["time_period"] > newest[old]["time_period"]:
            newest[old] = row
    return newest


def _codes_by_old_code(rows: list[Row]) -> dict[str, set[str]]:
    """Old 3-digit code -> every 9-character code the file gives it, in any year."""
    found: dict[str, set[str]] = {}
    for row in rows:
        old, new = row.get("old_la_code", ""), row.get("new_la_code", "")
        if old and new and not is_joint(old) and not is_joint(new):
            found.setdefault(old, set()).add(new)
    return found


NO_AREA = (
    "no area in parameters/ has the code (run `qareport import la-areas` with this file "
    "to add its authorities)"
)


def _area_code(
    row: Row, level: str, geography: Geography, siblings: dict[str, set[str]]
) -> tuple[str, Refusal | None]:
    """(the code the row's figures are kept under, None) or ('', why the row is refused).

    An authority is found by its code, its old 3-digit code, or another code the file
    gives the same old code in another year, whichever the workbook's register knows; a
    joint return ("E06000061 / E06000062") by each member's, kept once under both."""
    if level in LEVEL_CODES:
        code = row.get(LEVEL_CODES[level], "")
        if not code:
            return "", Refusal(Reason.NO_AREA_CODE, f"{level} row without an area code")
        found = geography.resolve(code)
        if found not in geography.comparator_codes:
            return "", Refusal(
                Reason.NOT_A_COMPARATOR,
                f"{level.lower()} code not under `comparator_codes` (or `national_code`) in "
                "parameters/defaults.yml; add it there to compare with it",
            )
        return found, None
    news = joint_members(row.get("new_la_code", ""))
    olds = joint_members(row.get("old_la_code", ""))
    if not news and not olds:
        return "", Refusal(Reason.NO_AREA_CODE, "local authority row without an area code")
    if len(news) == len(olds):
        pairs = list(zip(news, olds, strict=True))
    else:
        pairs = [(new, "") for new in news] or [("", old) for old in olds]
    keys = [(new, old, *sorted(siblings.get(old, ()))) for new, old in pairs]
    members = [m for k in keys if (m := geography.area_of(*k)) is not None]
    if len(members) < len(keys):
        return "", Refusal(Reason.UNKNOWN_AREA, NO_AREA)
    return joint_code(members), None


def _example(row: Row) -> str:
    """A row as the analyst would find it: its line, year and who it is for."""
    who = [row.get(k, "") for k in ("new_la_code", "la_name")] if row.get("la_name") else []
    if not who:
        who = [row.get("region_code") or row.get("country_code", ""), row.get("region_name", "")]
    return " ".join(x for x in (f"line {row.line}:", row.get("time_period", ""), *who) if x)[:120]


def published_comparators(source: Path, mapping: EesMapping) -> set[str]:
    """Codes of the national and regional rows the mapping would import."""
    _, rows = read_csv_rows(source)
    return {
        row.get(LEVEL_CODES[level], "")
        for row in rows
        if (level := row.get("geographic_level", "")) in LEVEL_CODES
        and level in mapping.levels
        and row.get(LEVEL_CODES[level], "")
    }


def _check_columns(source: Path, header: list[str], mapping: EesMapping) -> None:
    missing = [c for c in ("time_period", "geographic_level") if c not in header]
    if missing:
        raise ExtractError(
            f"{source}: no {', '.join(missing)} column; this is not an EES tidy CSV "
            "(its first line should start time_period,time_identifier,geographic_level)"
        )
    for item in mapping.measures:
        for columns in (item.numerator, item.denominator, item.value):
            names = [] if columns is None else [columns] if isinstance(columns, str) else columns
            absent = [n for n in names if n not in header]
            if absent:
                raise ExtractError(
                    f"{source}: column {absent[0]!r} named by mapping {mapping.mapping!r} "
                    f"(measure {item.measure}) is not in the file; its columns are: "
                    f"{', '.join(header)}"
                )


def _figures(
    row: Row, item: MeasureMap, measure, elsewhere: str | Refusal | None
) -> tuple[dict[str, str], Refusal | None]:
    """(numerator, denominator, value) of one measure in a row, or why there are none.
    `elsewhere` is the denominator found outside the row (another measure, a total row),
    or why it is missing; None reads it from the row's own columns."""
    try:
        numerator = _cell(row, item.numerator)
        denominator = _cell(row, item.denominator) if item.denominator else ""
        value = _cell(row, item.value) if item.value else ""
    except _NotANumber as exc:
        return {}, Refusal(Reason.NOT_A_NUMBER, f"{item.measure}: {exc}")
    if numerator == "":
        return {}, Refusal(Reason.EMPTY_CELL, f"{item.measure}: empty numerator cell")
    if isinstance(elsewhere, Refusal):
        return {}, elsewhere
    if elsewhere is not None:
        denominator = elsewhere
    if MARKER_PATTERN.match(numerator):
        numerator, denominator, value = numerator, "", numerator
    elif measure.needs_denominator and MARKER_PATTERN.match(denominator):
        if _is_zero(numerator):  # a published 0 stays 0 whatever became of its base
            numerator, denominator, value = (
                "0",
                "",
                value if value and not MARKER_PATTERN.match(value) else "0",
            )
        else:
            numerator, denominator, value = denominator, "", denominator
    elif MARKER_PATTERN.match(value):
        value = ""  # the counts are published; the percentage is computed from them
    elif measure.needs_denominator and denominator == "" and value == "":
        return {}, Refusal(Reason.EMPTY_CELL, f"{item.measure}: empty denominator cell")
    return {
        "numerator": numerator,
        "denominator": denominator if measure.needs_denominator else "",
        "value": value,
    }, None


def _is_zero(cell: str) -> bool:
    try:
        return float(cell) == 0
    except ValueError:
        return False


_PLACE = ("geographic_level", "country_code", "region_code", "new_la_code", "old_la_code")


def _place(row: Row) -> tuple[str, ...]:
    """Which area and period a row is for, as the publisher keys it."""
    return tuple(row.get(k, "") for k in (*_PLACE, "time_period", "time_identifier"))


def _total_rows(rows: list[Row], mapping: EesMapping) -> dict[str, dict[tuple, Row]]:
    """For each measure whose denominator is another row: place -> that row."""
    found: dict[str, dict[tuple, Row]] = {}
    for item in mapping.measures:
        if item.denominator_where is None:
            continue
        wanted = {**mapping.where, **item.where, **item.denominator_where}
        found[item.measure] = {_place(r): r for r in rows if _keep(r, wanted)}
    return found


def _check_where(source: Path, header: list[str], rows: list[Row], mapping: EesMapping) -> None:
    """Every `where:` value must pick some row: a typo would drop a measure in silence."""
    filters = [("where", mapping.where)]
    for item in mapping.measures:
        filters += [(f"{item.measure}: where", item.where)]
        filters += [(f"{item.measure}: denominator_where", item.denominator_where or {})]
    held: dict[str, set[str]] = {}
    for label, chosen in filters:
        for column, wanted in chosen.items():
            if column not in header:
                raise ExtractError(
                    f"{source}: mapping {mapping.mapping!r} {label}: no column {column!r} in "
                    f"the file; its columns are: {', '.join(header)}"
                )
            if column not in held:
                held[column] = {r.get(column, "") for r in rows}
            for value in [wanted] if isinstance(wanted, str) else wanted:
                if value not in held[column]:
                    values = sorted(held[column])
                    shown = ", ".join(map(repr, values[:12])) + (" ..." if len(values) > 12 else "")
                    raise ExtractError(
                        f"{source}: mapping {mapping.mapping!r} {label}: {column} {value!r} is "
                        f"in no row; the column holds: {shown}"
                    )


def import_ees(
    source: Path,
    mapping: EesMapping,
    catalogue: Catalogue,
    out_dir: Path,
    geography: Geography,
    *,
    allow_rejects: bool = False,
) -> ImportSummary:
    """Read one EES CSV through a mapping and write `out_dir/<mapping>.csv`: only returns
    the build accepts, every other row counted by reason. The result depends on the
    source and the mapping alone: a denominator from another measure comes from this
    import when the mapping makes it, else from other extracts, never from its own last
    output."""
    header, rows = read_csv_rows(source)
    _check_columns(source, header, mapping)
    _check_where(source, header, rows, mapping)
    output = out_dir / f"{mapping.mapping}.csv"
    summary = ImportSummary(source=str(source), rows_read=len(rows))
    made_here = {m.measure for m in mapping.measures}
    earlier = {
        m.denominator_from: imported_counts(out_dir, m.denominator_from, output)
        for m in mapping.measures
        if m.denominator_from and m.denominator_from not in made_here
    }
    totals = _total_rows(rows, mapping)
    candidates: list[Candidate] = []
    refused: list[tuple[Candidate, Refusal]] = []
    waiting: list[tuple[Row, MeasureMap, dict[str, str]]] = []  # on a measure made here
    taken: list[tuple] = []
    for row, item, fields in _mapped(rows, mapping, geography, summary):
        if item.denominator_from in made_here:
            waiting.append((row, item, fields))
            continue
        taken.append((row, item, fields, _elsewhere(row, item, fields, earlier, totals)))
    for late in (False, True):
        if late:  # the measures this import makes are known now
            made = _counts_made(candidates)
            taken = [(r, i, f, _elsewhere(r, i, f, made, totals)) for r, i, f in waiting]
        for row, item, fields, elsewhere in taken:
            measure = catalogue.measures[item.measure]
            candidate, problem = _take(row, item, fields, measure, elsewhere)
            if problem:
                refused.append((candidate, problem))
            else:
                candidates.append(candidate)
    return finish_import(
        summary,
        candidates,
        refused,
        geography=geography,
        catalogue=catalogue,
        output=output,
        expected=[m.measure for m in mapping.measures],
        allow_rejects=allow_rejects,
    )


def _mapped(rows: list[Row], mapping: EesMapping, geography: Geography, summary: ImportSummary):
    """(row, measure map, the return's keys) for every row and measure the mapping takes;
    rows it does not take are counted in the summary by reason."""
    siblings = _codes_by_old_code(rows)
    for row in rows:
        level = row.get("geographic_level", "")
        example = _example(row)
        if level not in mapping.levels:
            summary.skip(
                Refusal(Reason.OTHER_LEVEL, f"geographic level {level!r} not mapped"), example
            )
            continue
        if not _keep(row, mapping.where):
            summary.skip(
                Refusal(Reason.FILTERED_OUT, "outside the mapping's `where` filter"), example
            )
            continue
        items = [item for item in mapping.measures if _keep(row, item.where)]
        if not items:
            summary.skip(
                Refusal(Reason.FILTERED_OUT, "no mapped measure's `where` filter takes the row"),
                example,
            )
            continue
        try:
            period = _period(
                row.get("time_period", ""), mapping.time_period, row.get("time_identifier", "")
            ).label
        except ValueError as exc:
            summary.reject(Refusal(Reason.BAD_PERIOD, str(exc)), example)
            continue
        code, problem = _area_code(row, level, geography, siblings)
        if problem:
            summary.reject(problem, example)
            continue
        published = row.get("new_la_code", "") if level == LA_LEVEL else ""
        note = f"published under code {published}" if published and published != code else ""
        summary.use(row.line, example)
        for item in items:
            yield row, item, {"area_code": code, "period": period, "note": note}


def _elsewhere(
    row: Row,
    item: MeasureMap,
    fields: dict[str, str],
    counts: dict[str, dict[tuple[str, str], str]],
    totals: dict[str, dict[tuple, Row]],
) -> str | Refusal | None:
    """The denominator from outside the row (None: the row's own columns)."""
    if item.denominator_from:
        found = counts.get(item.denominator_from, {}).get((fields["area_code"], fields["period"]))
        return found or Refusal(
            Reason.NO_DENOMINATOR,
            f"{item.measure}: no {item.denominator_from} for the area and year "
            "(import its mapping first, or map it in this one)",
        )
    if item.denominator_where is not None:
        total = totals[item.measure].get(_place(row))
        if total is None:
            return Refusal(
                Reason.NO_DENOMINATOR,
                f"{item.measure}: no row for the area and period that `denominator_where` picks",
            )
        try:
            return _cell(total, item.denominator_columns) or Refusal(
                Reason.EMPTY_CELL, f"{item.measure}: empty denominator cell in the total row"
            )
        except _NotANumber as exc:
            return Refusal(Reason.NOT_A_NUMBER, f"{item.measure}: {exc}")
    return None


def _take(row: Row, item: MeasureMap, fields: dict[str, str], measure, elsewhere) -> tuple:
    """One measure's return from a row: (the candidate, None) or (it, why it is refused)."""
    figures, problem = _figures(row, item, measure, elsewhere)
    return Candidate({**fields, "measure_id": item.measure, **figures}, row.line), problem


def _counts_made(candidates: list[Candidate]) -> dict[str, dict[tuple[str, str], str]]:
    """Measure -> (area code, period) -> its numerator, as this import makes them."""
    made: dict[str, dict[tuple[str, str], str]] = {}
    for c in candidates:
        made.setdefault(c.fields["measure_id"], {})[(c.fields["area_code"], c.fields["period"])] = (
            c.fields["numerator"]
        )
    return made
