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
    where: dict[str, str | list[str]] = Field(default_factory=dict)


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
                    "catalogue; run `qareport catalogue list`"
                )
    return mapping, path


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


def _imported_counts(folder: Path, measure_id: str) -> dict[tuple[str, str], str]:
    """(area code, period) -> numerator of a measure already imported into `folder`."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.csv")):
        _, rows = read_csv_rows(path)
        for row in rows:
            if row.get("measure_id") == measure_id:
                found[(row["area_code"], row["period"])] = row["numerator"]
    return found


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
    row: Row, item: MeasureMap, measure, denominators: dict[tuple[str, str], str], key
) -> tuple[dict[str, str], Refusal | None]:
    """(numerator, denominator, value) of one measure in a row, or why there are none."""
    try:
        numerator = _cell(row, item.numerator)
        denominator = _cell(row, item.denominator) if item.denominator else ""
        value = _cell(row, item.value) if item.value else ""
    except _NotANumber as exc:
        return {}, Refusal(Reason.NOT_A_NUMBER, f"{item.measure}: {exc}")
    if numerator == "":
        return {}, Refusal(Reason.EMPTY_CELL, f"{item.measure}: empty numerator cell")
    if item.denominator_from:
        denominator = denominators.get(key, "")
        if denominator == "":
            return {}, Refusal(
                Reason.NO_DENOMINATOR,
                f"{item.measure}: no {item.denominator_from} for the area and year "
                "(import its mapping first)",
            )
    if MARKER_PATTERN.match(numerator) or (
        measure.needs_denominator and MARKER_PATTERN.match(denominator)
    ):
        marker = numerator if MARKER_PATTERN.match(numerator) else denominator
        numerator, denominator, value = marker, "", marker
    elif MARKER_PATTERN.match(value):
        value = ""  # the counts are published; the percentage is computed from them
    elif measure.needs_denominator and denominator == "" and value == "":
        return {}, Refusal(Reason.EMPTY_CELL, f"{item.measure}: empty denominator cell")
    return {
        "numerator": numerator,
        "denominator": denominator if measure.needs_denominator else "",
        "value": value,
    }, None


def import_ees(
    source: Path, mapping: EesMapping, catalogue: Catalogue, out_dir: Path, geography: Geography
) -> ImportSummary:
    """Read one EES CSV through a mapping and write `out_dir/<mapping>.csv`: only returns
    the build accepts, every other row counted by reason."""
    header, rows = read_csv_rows(source)
    _check_columns(source, header, mapping)
    summary = ImportSummary(source=str(source), rows_read=len(rows))
    siblings = _codes_by_old_code(rows)
    lookups = {
        m.denominator_from: _imported_counts(out_dir, m.denominator_from)
        for m in mapping.measures
        if m.denominator_from
    }
    candidates: list[Candidate] = []
    refused: list[tuple[Candidate, Refusal]] = []
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
            figures, problem = _figures(
                row,
                item,
                catalogue.measures[item.measure],
                lookups.get(item.denominator_from or "", {}),
                (code, period),
            )
            fields = {"area_code": code, "period": period, "measure_id": item.measure}
            candidate = Candidate({**fields, **figures, "note": note}, row.line)
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
        output=out_dir / f"{mapping.mapping}.csv",
    )
