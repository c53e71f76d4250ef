"""Imports of an authority's own case-level statutory returns: the importers' runs.

`qareport import cin-census FILE.xml` reads the DfE's census into the framework's
measures for every month, quarter and year it covers, for one authority (`--area`, or
the area whose `old_la_code` is the file's LEA number), and writes them as an extract
of returns beside the published ones: only figures leave the import, never a record.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from qareport.config.models import StrictModel
from qareport.config.project import Project
from qareport.errors import ParameterError
from qareport.importers.census_measures import CENSUS_MEASURES, census_periods, census_returns
from qareport.importers.cin_census import read_cin_census, schema_problems
from qareport.importers.common import Candidate, ImportSummary, Reason, Refusal, finish_import
from qareport.importers.pseudonym import workbook_salt
from qareport.importers.registry import Importer, Sources

__all__ = ["CIN_CENSUS", "CinCensusOptions", "import_cin_census"]

IMPORTED = "data/imported"
OUTSIDE = Refusal(Reason.OUTSIDE_PERIODS, "an episode with nothing in the census year")


class CinCensusOptions(StrictModel):
    area: str | None = Field(
        default=None, description="The area the census is for (default: the file's LEA)."
    )
    schemas: Path | None = Field(
        default=None,
        description="The DfE's CIN_schema_<year>.xsd (or its folder), to check the file.",
    )
    allow_rejects: bool = Field(
        default=False,
        description="Write the figures even when records are rejected (they are counted).",
    )


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
    returns, used = census_returns(records, census_periods(records.year))
    read = set(records.referrals["episode"])  # the episodes not rejected on reading
    for episode, line in records.lines.items():
        if episode in used:  # every return is made from many episodes: one group
            summary.use("census", f"line {line}")
        elif episode in read:
            summary.skip(OUTSIDE, f"line {line}")
    candidates = [
        Candidate({"area_code": code, **{k: str(v) for k, v in r.items()}}, "census")
        for r in returns
    ]
    summary.notes += [f"  not as the {records.year} XSD has it: {p}" for p in
                      schema_problems(source, options.schemas, records.year)]  # fmt: skip
    return finish_import(
        summary,
        candidates,
        [],
        geography=project.geography,
        catalogue=project.catalogue,
        output=project.root / IMPORTED / f"{code}-cin-census.csv",
        expected=CENSUS_MEASURES,
        allow_rejects=options.allow_rejects,
    )


CIN_CENSUS = Importer(
    "cin-census",
    "The DfE's Children in Need census XML: referrals, assessments and plans by month, "
    "quarter and year, for one authority.",
    Sources("The census XML file."),
    CinCensusOptions,
    import_cin_census,
)
