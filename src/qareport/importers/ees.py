"""Explore Education Statistics (EES) tidy CSVs, mapped to catalogue measures by YAML.

Every DfE publication on EES shares one layout: `time_period`,
`time_identifier`, `geographic_level`, the geography codes, then one column
per figure. A mapping file says which columns are a measure's numerator,
denominator and published value, and which rows to keep; adding a new
publication means writing a mapping, not code.

Markers (c, x, z, u, low) stay markers. A local authority whose code changed
(Buckinghamshire became a unitary in 2020: E10000002 to E06000060) is followed
through its old 3-digit code, so its trend is one series under today's code.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qareport.config.catalogue import ID_PATTERN, Catalogue
from qareport.config.markers import MARKER_PATTERN, marker_token
from qareport.config.periods import Period
from qareport.config.yamlio import load_model
from qareport.errors import CatalogueError, ExtractError
from qareport.importers.common import ImportSummary, read_csv_rows, write_extract

__all__ = ["EesMapping", "import_ees", "load_mapping", "newest_by_old_code"]

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


def _period(text: str, rule: str) -> Period:
    text = text.strip()
    if re.fullmatch(r"\d{6}", text):  # EES financial and academic years: 202425
        return Period(int(text[:4]))
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"time_period {text!r} is not a year")
    year = int(text)
    return Period.from_year_ending_march(year) if rule == "year-ending-march" else Period(year)


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


def newest_by_old_code(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Old 3-digit code -> the authority's row from the newest year it appears in.

    The old code survives a change of the 9-character code (Buckinghamshire kept 825
    when E10000002 became E06000060), so it is what ties an authority's years together."""
    newest: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.get("geographic_level") != LA_LEVEL or not row.get("old_la_code"):
            continue
        old = row["old_la_code"]
        if old not in newest or row["time_period"] > newest[old]["time_period"]:
            newest[old] = row
    return newest


def _area_code(row: dict[str, str], current: dict[str, str]) -> tuple[str, str]:
    level = row.get("geographic_level", "")
    if level in LEVEL_CODES:
        return row.get(LEVEL_CODES[level], ""), ""
    code = current.get(row.get("old_la_code", ""), row.get("new_la_code", ""))
    published = row.get("new_la_code", "")
    note = f"published under code {published}" if published and published != code else ""
    return code, note


def _imported_counts(folder: Path, measure_id: str) -> dict[tuple[str, str], str]:
    """(area code, period) -> numerator of a measure already imported into `folder`."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.csv")):
        _, rows = read_csv_rows(path)
        for row in rows:
            if row.get("measure_id") == measure_id:
                found[(row["area_code"], row["period"])] = row["numerator"]
    return found


def import_ees(
    source: Path, mapping: EesMapping, catalogue: Catalogue, out_dir: Path
) -> ImportSummary:
    """Read one EES CSV through a mapping and write `out_dir/<mapping>.csv`."""
    header, rows = read_csv_rows(source)
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
    summary = ImportSummary(source=str(source), rows_read=len(rows))
    current = {old: row["new_la_code"] for old, row in newest_by_old_code(rows).items()}
    lookups = {
        m.denominator_from: _imported_counts(out_dir, m.denominator_from)
        for m in mapping.measures
        if m.denominator_from
    }
    written: dict[tuple[str, str, str], dict[str, object]] = {}
    for row in rows:
        level = row.get("geographic_level", "")
        if level not in mapping.levels:
            summary.reject(f"geographic level {level!r} not mapped")
            continue
        if not _keep(row, mapping.where):
            summary.reject("outside the mapping's `where` filter")
            continue
        try:
            period = _period(row.get("time_period", ""), mapping.time_period).label
        except ValueError as exc:
            summary.reject(str(exc))
            continue
        code, note = _area_code(row, current)
        if not code:
            summary.reject(f"{level} row without an area code")
            continue
        for item in mapping.measures:
            if not _keep(row, item.where):
                continue
            measure = catalogue.measures[item.measure]
            try:
                numerator = _cell(row, item.numerator)
                denominator = _cell(row, item.denominator) if item.denominator else ""
                value = _cell(row, item.value) if item.value else ""
            except _NotANumber as exc:
                summary.reject(f"{item.measure}: {exc}")
                continue
            if numerator == "":
                summary.reject(f"{item.measure}: empty numerator cell")
                continue
            if item.denominator_from:
                denominator = lookups[item.denominator_from].get((code, period), "")
                if denominator == "":
                    summary.reject(
                        f"{item.measure}: no {item.denominator_from} for the area and year "
                        "(import its mapping first)"
                    )
                    continue
            if MARKER_PATTERN.match(numerator) or (
                measure.needs_denominator and MARKER_PATTERN.match(denominator)
            ):
                marker = numerator if MARKER_PATTERN.match(numerator) else denominator
                numerator, denominator, value = marker, "", marker
                summary.markers[f"[{marker}]"] += 1
            elif MARKER_PATTERN.match(value):
                value = ""  # the counts are published; the percentage is computed from them
            elif measure.needs_denominator and denominator == "" and value == "":
                summary.reject(f"{item.measure}: empty denominator cell")
                continue
            written[(item.measure, code, period)] = {
                "area_code": code,
                "period": period,
                "measure_id": item.measure,
                "numerator": numerator,
                "denominator": denominator if measure.needs_denominator else "",
                "value": value,
                "note": note,
            }
            summary.measures[item.measure] += 1
            (summary.comparators if level in LEVEL_CODES else summary.areas).add(code)
    output = out_dir / f"{mapping.mapping}.csv"
    write_extract(list(written.values()), output)
    summary.output = output
    summary.rows_written = len(written)
    return summary
