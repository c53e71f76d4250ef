"""Imports of an authority's own case-level statutory returns: the importers' runs.

`qareport import cin-census FILE.xml` reads the DfE's census into the framework's
measures for every month, quarter and year it covers, for one authority (`--area`, or
the area whose `old_la_code` is the file's LEA number), and writes them as an extract
of returns beside the published ones: only figures leave the import, never a record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import Field

from qareport.config.models import StrictModel
from qareport.config.project import Project
from qareport.errors import ParameterError
from qareport.importers.annex_a import BY_NUMBER, lists_read, read_annex_a
from qareport.importers.annex_a_measures import (
    ANNEX_A_MEASURES,
    PER_CHILD_MEASURES,
    annex_a_returns,
)
from qareport.importers.census_measures import CENSUS_MEASURES, census_returns
from qareport.importers.cin_census import read_cin_census, schema_problems
from qareport.importers.common import (
    Candidate,
    ImportSummary,
    Reason,
    Refusal,
    finish_import,
    imported_counts,
)
from qareport.importers.placement_measures import (
    LONG_TERM,
    PLACEMENT_MEASURES,
    placement_returns,
)
from qareport.importers.pseudonym import workbook_salt
from qareport.importers.quality import write_quality
from qareport.importers.registry import Importer, Sources
from qareport.importers.ssda903 import read_ssda903_episodes
from qareport.importers.ssda903_adoption import adoptions
from qareport.importers.ssda903_outcomes import (
    births,
    outcome_returns,
    read_header,
    read_outcome_tables,
)
from qareport.importers.ssda903_reviews import timely_reviews
from qareport.importers.year_windows import year_windows, years_windows

__all__ = [
    "ANNEX_A",
    "CIN_CENSUS",
    "SSDA903",
    "AnnexAOptions",
    "CinCensusOptions",
    "Ssda903Options",
    "import_annex_a",
    "import_cin_census",
    "import_ssda903",
]

IMPORTED = "data/imported"
ALLOW_REJECTED_RECORDS = "Write the figures even when records are rejected (they are counted)."
OUTSIDE = Refusal(Reason.OUTSIDE_PERIODS, "an episode with nothing in the census year")
OUTSIDE_LISTS = Refusal(
    Reason.OUTSIDE_PERIODS, "a record in no month the lists cover whole, or of no measure"
)
NOT_MADE = Refusal(
    Reason.FILTERED_OUT, "an OC2, OC3 or missing record of measures the catalogue lacks"
)
OUTSIDE_903 = Refusal(
    Reason.OUTSIDE_PERIODS,
    "a record in none of the return's periods or measures (an episode before the year, "
    "an absence rather than a missing episode, a care leaver who died)",
)


class CinCensusOptions(StrictModel):
    area: str | None = Field(
        default=None, description="The area the census is for (default: the file's LEA)."
    )
    schemas: Path | None = Field(
        default=None,
        description="The DfE's CIN_schema_<year>.xsd (or its folder), to check the file.",
    )
    allow_rejects: bool = Field(default=False, description=ALLOW_REJECTED_RECORDS)


def _finish(
    project: Project,
    summary: ImportSummary,
    figures: tuple[str, str, list[dict[str, object]]],
    expected: tuple[str, ...],
    allow_rejects: bool,
    *,
    tables: dict[str, pd.DataFrame],
) -> ImportSummary:
    """The returns (`figures`: the area's code, what they are from, the returns) checked as
    the build checks them and written, all or nothing, to data/imported/<code>-<from>.csv.
    Every return is made from many records: they are settled as one group. The records'
    counts and each table's completeness are written beside the returns."""
    code, name, returns = figures
    candidates = [
        Candidate({"area_code": code, **{k: str(v) for k, v in r.items()}}, name) for r in returns
    ]
    finish_import(
        summary,
        candidates,
        [],
        geography=project.geography,
        catalogue=project.catalogue,
        output=project.root / IMPORTED / f"{code}-{name}.csv",
        expected=expected,
        allow_rejects=allow_rejects,
    )
    write_quality(summary, tables)
    return summary


def _area_code(project: Project, wanted: str | None, lea: str) -> str:
    if wanted:
        return project.area(wanted).code
    matches = [a for a in project.areas() if lea and a.old_la_code == lea]
    if len(matches) != 1:
        raise ParameterError(
            f"the census is for LEA {lea or '(none given)'}, and "
            + ("no area has" if not matches else "more than one area has")
            + " it as its old_la_code: name the area with --area"
        )
    return matches[0].code


def import_cin_census(
    project: Project, sources: list[Path], options: CinCensusOptions
) -> ImportSummary:
    (source,) = sources
    summary = ImportSummary(source.name, records="census episodes (CINdetails)")
    records = read_cin_census(source, workbook_salt(project.root), summary)
    code = _area_code(project, options.area, records.la_code)
    returns, used = census_returns(records, year_windows(records.year))
    read = set(records.referrals["episode"])  # the episodes not rejected on reading
    for episode, line in records.lines.items():
        if episode in used:
            summary.use("cin-census", f"line {line}")
        elif episode in read:
            summary.skip(OUTSIDE, f"line {line}")
    summary.notes += [f"  not as the {records.year} XSD has it: {p}" for p in
                      schema_problems(source, options.schemas, records.year)]  # fmt: skip
    figures = (code, "cin-census", returns)
    tables = {"referrals": records.referrals, "assessments": records.assessments,
              "plans": records.plans}  # fmt: skip
    return _finish(project, summary, figures, CENSUS_MEASURES, options.allow_rejects, tables=tables)


class Ssda903Options(StrictModel):
    area: str = Field(description="The area the return is for (the CSV tables name none).")
    allow_rejects: bool = Field(default=False, description=ALLOW_REJECTED_RECORDS)


def import_ssda903(project: Project, sources: list[Path], options: Ssda903Options) -> ImportSummary:
    """The return's year is the financial year of its latest episode date; placement
    stability for it, its quarters and its months, and the outcomes of its OC2, OC3 and
    MISSING tables (see ssda903_outcomes)."""
    (source,) = sources
    summary = ImportSummary(source.name, records="SSDA903 records")
    code = project.area(options.area).code
    salt = workbook_salt(project.root)
    episodes = read_ssda903_episodes(source, salt, summary)
    header = read_header(source, salt)  # the children's ages and groups, read once
    outcomes = read_outcome_tables(source, salt, summary, header)
    outcomes["reviews"] = timely_reviews(outcomes["reviews"], episodes)
    returns: list[dict[str, object]] = []
    if len(episodes):
        latest = max(episodes["start"].max(), episodes["end"].max(skipna=True))
        year = latest.year + (1 if latest.month >= 4 else 0)  # the year ending 31 March
        windows = year_windows(year)
        returns, used = placement_returns(episodes, windows, births(header))
        adopted = {"adoptions": adoptions(episodes, outcomes["ad1"])}
        made, lines = outcome_returns({**outcomes, **adopted}, windows, windows[0].label)
        made += [r for r in returns if r["measure_id"] == LONG_TERM]  # casework's, like them
        returns = [r for r in returns if r["measure_id"] != LONG_TERM]
        placed = {episodes["line"][n] for n in used}
        _account(summary, episodes["line"], placed | (lines & set(episodes["line"])), OUTSIDE_903)
        unknown = sorted({str(r["measure_id"]) for r in made} - set(project.catalogue.measures))
        if unknown:  # the outcomes are the casework catalogue's
            summary.notes.append(
                f"  not made: {', '.join(unknown)} (add `casework` to `catalogues:` in "
                "parameters/defaults.yml for the OC2, OC3 and missing tables' outcomes)"
            )
        returns += [r for r in made if r["measure_id"] not in unknown]
        counted, why = (set(), NOT_MADE) if unknown else (lines, OUTSIDE_903)
        for frame in outcomes.values():
            _account(summary, frame["line"], counted, why)
        summary.notes.append(f"  the return's year: {windows[0].label}")
    figures = (code, "ssda903", returns)
    expected = tuple(sorted({str(r["measure_id"]) for r in returns} | set(PLACEMENT_MEASURES)))
    tables = {"episodes": episodes, **outcomes}
    return _finish(project, summary, figures, expected, options.allow_rejects, tables=tables)


def _account(summary: ImportSummary, lines: Iterable[str], used: set, why: Refusal) -> None:
    """Each record used, or not in scope for `why`."""
    for line in lines:
        summary.use("ssda903", line) if line in used else summary.skip(why, line)


class AnnexAOptions(StrictModel):
    area: str = Field(description="The area the lists are for (Annex A names none).")
    covers_from: date | None = Field(
        default=None,
        description="The first day the lists cover (default: each list's first date).",
    )
    covers_to: date | None = Field(
        default=None,
        description="The last day the lists cover (default: each list's last date).",
    )
    allow_rejects: bool = Field(default=False, description=ALLOW_REJECTED_RECORDS)


def _require_measures(project: Project, measures: tuple[str, ...], catalogue: str) -> None:
    unknown = [m for m in measures if m not in project.catalogue.measures]
    if unknown:
        raise ParameterError(
            f"the workbook's catalogue has no {', '.join(unknown)}: add `{catalogue}` to "
            "`catalogues:` in parameters/defaults.yml (it brings the measures an authority "
            "makes from its own case-level returns), then import again"
        )


def _per_10000(
    project: Project, code: str, returns: list[dict[str, object]], summary: ImportSummary
) -> list[dict[str, object]]:
    """Rates per 10,000 children: each count with its year's child population (imported
    from the ONS estimates) as the base; without one, the rate is not made and said so."""
    population = imported_counts(project.root / IMPORTED, "children-population")
    kept, lacking = [], set()
    for made in returns:
        if made["measure_id"] not in PER_CHILD_MEASURES:
            kept.append(made)
            continue
        year = _financial_year(str(made["period"]))  # a month or quarter's year
        base = population.get((code, year))
        if base is None:
            lacking.add(year)
            continue
        kept.append({**made, "denominator": base})
    if lacking:
        summary.notes.append(
            f"  rates per 10,000 children not made for {', '.join(sorted(lacking))}: no child "
            "population for the area and year; import the ONS estimates first "
            "(qareport import ons-population ...)"
        )
    return kept


def _financial_year(label: str) -> str:
    """The financial year a period label belongs to ('2025-10' -> '2025-26')."""
    from qareport.config.periods import parse_period

    period = parse_period(label)
    start = period.start_date
    first = start.year if start.month >= 4 else start.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def import_annex_a(project: Project, sources: list[Path], options: AnnexAOptions) -> ImportSummary:
    """Every list in the file read and checked, then each measure for every month, quarter
    and year the lists cover whole, for the authority and its teams."""
    (source,) = sources
    _require_measures(project, ANNEX_A_MEASURES, "casework")
    summary = ImportSummary(source.name, records="Annex A records")
    code = project.area(options.area).code
    annex = read_annex_a(source, workbook_salt(project.root), summary, today=date.today())
    returns: list[dict[str, object]] = []
    expected: tuple[str, ...] = ()
    if annex.earliest is not None and annex.latest is not None:
        windows = years_windows(annex.earliest, annex.latest)
        made = annex_a_returns(annex, windows, (options.covers_from, options.covers_to))
        for frame in annex.lists.values():
            for line in frame["line"]:
                (summary.use("annex-a", line) if line in made.used else
                 summary.skip(OUTSIDE_LISTS, line))  # fmt: skip
        summary.notes += [*lists_read(annex), *made.notes]
        returns = _per_10000(project, code, made.returns, summary)
        expected = tuple(sorted({str(r["measure_id"]) for r in returns}))
    figures = (code, "annex-a", returns)
    tables = {f"List {n} ({BY_NUMBER[n].name})": f for n, f in sorted(annex.lists.items())}
    return _finish(project, summary, figures, expected, options.allow_rejects, tables=tables)


ANNEX_A = Importer(
    "annex-a",
    "Ofsted's Annex A case lists (a workbook with a sheet per list, or a folder of one CSV "
    "per list; the 2019 or 2024 layout): contacts, referrals, assessments, enquiries, "
    "plans and children looked after by month, quarter, year and team, for one authority.",
    Sources("The Annex A workbook (.xlsx) or a folder of its lists as CSV.", folders=True),
    AnnexAOptions,
    import_annex_a,
)
SSDA903 = Importer(
    "ssda903",
    "The SSDA903 return on children looked after (a folder of its CSV tables, or its "
    "XML): placement stability by month, quarter and year, children's health and teeth "
    "checks, missing episodes and care leavers' outcomes, for one authority.",
    Sources("The folder of CSV tables, or the XML file.", folders=True),
    Ssda903Options,
    import_ssda903,
)
CIN_CENSUS = Importer(
    "cin-census",
    "The DfE's Children in Need census XML: referrals, assessments and plans by month, "
    "quarter and year, for one authority.",
    Sources("The census XML file."),
    CinCensusOptions,
    import_cin_census,
)
