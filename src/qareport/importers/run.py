"""Imports into a project: where imported extracts go, and what the project needs to use them."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from qareport.config.project import Project
from qareport.config.yamlio import dump_yaml, load_yaml
from qareport.importers.areas import la_parameters, write_area_files
from qareport.importers.common import ImportSummary, finish_import
from qareport.importers.ees import import_ees, load_mapping, published_comparators
from qareport.importers.police import force_parameters, read_police_outcomes

__all__ = ["IMPORTED", "import_dfe_ees", "import_la_areas", "import_police", "setup_hint"]

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
}


GENERATED = "# Settings for books from published statistics (written by `qareport import`)."


def _ensure_defaults(project: Project, comparators: AbstractSet[str] = frozenset()) -> str | None:
    """A project with no defaults gets ones for published data. Defaults written that way
    gain the comparator codes (regions) each import finds, with every other setting kept
    as the user left it; defaults someone wrote themselves are never edited."""
    path = project.parameters_dir / "defaults.yml"
    if path.is_file() and not path.read_text(encoding="utf-8").startswith(GENERATED):
        return setup_hint(project, comparators)
    settings: dict[str, Any] = load_yaml(path) if path.is_file() else dict(REAL_DEFAULTS)
    known = set(settings.get("comparator_codes", []))
    wanted = sorted((known | set(comparators)) - {settings.get("national_code")})
    if path.is_file() and wanted == sorted(known):
        return None
    settings["comparator_codes"] = wanted
    path.parent.mkdir(parents=True, exist_ok=True)
    text = GENERATED + " Delete this line to stop imports adding to it.\n" + dump_yaml(settings)
    path.write_text(text, encoding="utf-8", newline="\n")
    return f"updated {path}: comparator codes {', '.join(wanted) or 'none'}"


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


def import_dfe_ees(
    project: Project, source: Path, mapping_ref: str
) -> tuple[ImportSummary, str | None]:
    """Rows are placed by the workbook's register of areas, so areas come first
    (`import la-areas`); national and regional rows need their codes as comparators."""
    _ensure_defaults(project)
    project = Project.open(project.root)  # defaults may be new
    mapping, _ = load_mapping(mapping_ref, project.root, project.catalogue)
    hint = _ensure_defaults(project, published_comparators(source, mapping))
    project = Project.open(project.root)  # comparator codes may be new
    summary = import_ees(
        source, mapping, project.catalogue, project.root / IMPORTED, project.geography
    )
    return summary, hint


def import_police(project: Project, source: Path, lad_pfa: Path) -> tuple[ImportSummary, str]:
    hint = _ensure_defaults(project)
    summary, candidates = read_police_outcomes(source, lad_pfa)
    codes = {c.fields["area_code"] for c in candidates}
    written, kept, _ = write_area_files(
        project.parameters_dir, force_parameters(codes, summary.years, lad_pfa), source.name
    )
    project = Project.open(project.root)  # the forces are areas now
    finish_import(
        summary,
        candidates,
        [],
        geography=project.geography,
        catalogue=project.catalogue,
        output=project.root / IMPORTED / "police-outcomes.csv",
    )
    note = f"{written} force parameter files written, {kept} edited ones kept"
    return summary, "\n".join(x for x in (hint, note) if x)


def import_la_areas(
    project: Project, ees: list[Path], *, neighbours: Path, districts: Path, lad_pfa: Path
) -> str:
    hint = _ensure_defaults(project)
    areas = la_parameters(ees, neighbours, districts, lad_pfa)
    names = ", ".join(p.name for p in ees)
    written, kept, recoded = write_area_files(project.parameters_dir, areas, names)
    note = (
        f"{len(areas)} local authorities: {written} parameter files written, {kept} edited kept"
        + (f" ({recoded} given the code the newest file uses)" if recoded else "")
    )
    return "\n".join(x for x in (hint, note) if x)
