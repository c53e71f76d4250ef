"""Imports into a project: where imported extracts go, and what the project needs to use them."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from pydantic import Field

from qareport.config.models import StrictModel
from qareport.config.project import Project
from qareport.config.yamlio import dump_yaml, load_yaml
from qareport.importers.areas import LA_SECTIONS, la_parameters, write_area_files
from qareport.importers.common import ImportSummary, finish_import
from qareport.importers.ees import import_ees, load_mapping, published_comparators
from qareport.importers.police import FORCE_SECTIONS, force_parameters, read_police_outcomes
from qareport.importers.registry import Importer, Sources

__all__ = [
    "DFE_EES",
    "IMPORTED",
    "LA_AREAS",
    "POLICE_OUTCOMES",
    "import_dfe_ees",
    "import_la_areas",
    "import_police",
    "setup_hint",
]

IMPORTED = "data/imported"
REAL_DEFAULTS = {
    "title": "Safeguarding Children Report Book",
    "catalogues": ["dfe", "police"],
    "data": [IMPORTED],
    "national_label": "England",
    "national_code": "E92000001",
    # published statistics are already disclosure-controlled by their publisher (cells
    # marked c); suppressing again would show figures that differ from the publication
    "suppression": {"enabled": False, "threshold": 5},
    "trend_years": 13,
    "trend_quarters": 8,
    # the sheets every authority's and every force's book has: one edit here (or
    # `qareport catalogue add`) reaches them all; an area file may add or drop one
    "sections": {"partnership": LA_SECTIONS, "force": FORCE_SECTIONS},
}


GENERATED = "# Settings for books from published statistics (written by `qareport import`)."


def _ensure_defaults(
    project: Project, comparators: AbstractSet[str] = frozenset()
) -> tuple[Project, str | None]:
    """A project with no defaults gets ones for published data. Defaults written that way
    gain the comparator codes (regions) each import finds, with every other setting kept
    as the user left it; defaults someone wrote themselves are never edited. Returns the
    project (opened again only when its defaults changed) and a note for the user."""
    path = project.parameters_dir / "defaults.yml"
    if path.is_file() and not path.read_text(encoding="utf-8").startswith(GENERATED):
        return project, setup_hint(project, comparators)
    settings: dict[str, Any] = load_yaml(path) if path.is_file() else dict(REAL_DEFAULTS)
    known = set(settings.get("comparator_codes", []))
    wanted = sorted((known | set(comparators)) - {settings.get("national_code")})
    if path.is_file() and wanted == sorted(known) and "sections" in settings:
        return project, None
    settings["comparator_codes"] = wanted
    settings.setdefault("sections", REAL_DEFAULTS["sections"])
    path.parent.mkdir(parents=True, exist_ok=True)
    text = GENERATED + " Delete this line to stop imports adding to it.\n" + dump_yaml(settings)
    path.write_text(text, encoding="utf-8", newline="\n")
    note = f"updated {path}: comparator codes {', '.join(wanted) or 'none'}, default sheets"
    return Project.open(project.root), note


def setup_hint(project: Project, comparators: AbstractSet[str] = frozenset()) -> str | None:
    defaults = project.defaults
    if IMPORTED not in defaults.data:
        return f"note: add `{IMPORTED}` under `data:` in parameters/defaults.yml to use the import"
    missing = sorted(set(comparators) - set(defaults.comparator_codes) - {defaults.national_code})
    if missing:
        return (
            f"note: add {', '.join(missing)} under `comparator_codes:` in parameters/defaults.yml"
        )
    return None


def _inheriting(project: Project, areas: dict[str, dict]) -> dict[str, dict]:
    """Area files without their own `sections:` where the defaults list sheets for their
    kind, so a new content area reaches every book by one edit of the defaults."""
    return {
        area_id: (
            {k: v for k, v in params.items() if k != "sections"}
            if project.defaults.sections_for(params.get("kind", "partnership"))
            else params
        )
        for area_id, params in areas.items()
    }


ALLOW_REJECTS = (
    "Write the returns that are fine even when rows are rejected or a measure gets none "
    "(what was left out is still said); without it such an import writes nothing."
)


class DfeEesOptions(StrictModel):
    mapping: str = Field(description="Mapping name (e.g. dfe-cin-c1) or .yml path.")
    allow_rejects: bool = Field(default=False, description=ALLOW_REJECTS)


def import_dfe_ees(project: Project, sources: list[Path], options: DfeEesOptions) -> ImportSummary:
    """Rows are placed by the workbook's register of areas, so areas come first
    (`import la-areas`); national and regional rows need their codes as comparators."""
    (source,) = sources
    project, _ = _ensure_defaults(project)
    mapping, _ = load_mapping(options.mapping, project.root, project.catalogue)
    project, hint = _ensure_defaults(project, published_comparators(source, mapping))
    summary = import_ees(
        source,
        mapping,
        project.catalogue,
        project.root / IMPORTED,
        project.geography,
        allow_rejects=options.allow_rejects,
    )
    summary.notes += [hint] if hint else []
    return summary


class PoliceOptions(StrictModel):
    forces: Path = Field(description="ONS district to police force area lookup (CSV).")
    allow_rejects: bool = Field(default=False, description=ALLOW_REJECTS)


def import_police(project: Project, sources: list[Path], options: PoliceOptions) -> ImportSummary:
    (source,) = sources
    project, hint = _ensure_defaults(project)
    summary, candidates = read_police_outcomes(source, options.forces)
    codes = {c.fields["area_code"] for c in candidates}
    forces = _inheriting(project, force_parameters(codes, summary.years, options.forces))
    written, kept, _ = write_area_files(project.parameters_dir, forces, source.name)
    project = Project.open(project.root)  # the forces are areas now
    finish_import(
        summary,
        candidates,
        [],
        geography=project.geography,
        catalogue=project.catalogue,
        output=project.root / IMPORTED / "police-outcomes.csv",
        allow_rejects=options.allow_rejects,
    )
    summary.notes += [
        x for x in (hint, f"{written} force parameter files written, {kept} edited ones kept") if x
    ]
    return summary


class LaAreasOptions(StrictModel):
    neighbours: Path = Field(description="DfE statistical neighbours CSV.")
    districts: Path = Field(description="ONS LTLA to UTLA lookup CSV.")
    forces: Path = Field(description="ONS district to police force area lookup CSV.")


def import_la_areas(
    project: Project, sources: list[Path], options: LaAreasOptions
) -> ImportSummary:
    project, hint = _ensure_defaults(project)
    areas = _inheriting(
        project, la_parameters(sources, options.neighbours, options.districts, options.forces)
    )
    names = ", ".join(p.name for p in sources)
    written, kept, recoded = write_area_files(project.parameters_dir, areas, names)
    summary = ImportSummary(
        source=names,
        output=project.parameters_dir,
        rows_read=len(areas),
        rows_used=len(areas),
        rows_written=written,
        records="local authorities",
        written="parameter files",
    )
    summary.notes += [hint] if hint else []
    summary.notes.append(
        f"{len(areas)} local authorities: {written} parameter files written, {kept} edited kept"
        + (f" ({recoded} given the code the newest file uses)" if recoded else "")
    )
    return summary


DFE_EES = Importer(
    "dfe-ees",
    "An Explore Education Statistics tidy CSV, through a mapping to catalogue measures.",
    Sources("The EES CSV file."),
    DfeEesOptions,
    import_dfe_ees,
)
POLICE_OUTCOMES = Importer(
    "police-outcomes",
    "Home Office crime outcomes by force and quarter: offences against children.",
    Sources("The crime outcomes CSV (or .csv.gz)."),
    PoliceOptions,
    import_police,
)
LA_AREAS = Importer(
    "la-areas",
    "Every local authority in EES files as an area, with statistical neighbours.",
    Sources("EES CSV files.", many=True),
    LaAreasOptions,
    import_la_areas,
)
