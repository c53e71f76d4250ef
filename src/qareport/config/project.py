"""A workbook project on disk: where parameters, data, narrative and output live.

Every path the library reads or writes is derived here, so nothing is ever
written outside `output/` and human-authored files stay outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from qareport.config.boundary import inside
from qareport.config.cache import file_stamps, kept
from qareport.config.catalogue import Catalogue, load_catalogue, resolve_catalogue
from qareport.config.geography import Geography
from qareport.config.parameters import AreaParameters, Defaults, load_defaults
from qareport.config.periods import Period
from qareport.config.register import AreaRegister
from qareport.errors import ParameterError

__all__ = ["Project"]

MANIFEST_NAME = "manifest.json"


def _stamp(refs: tuple[str, ...], root: Path) -> tuple:
    """What a catalogue cached in this process depends on: each named file and every
    built-in one (a file they include is checked by the cache folder's copy, below)."""
    files = [resolve_catalogue(ref, root) for ref in refs]
    files += sorted(resolve_catalogue("core", None).parent.glob("*.yml"))
    return file_stamps(files)


@lru_cache(maxsize=8)
def _cached_catalogue(refs: tuple[str, ...], root: Path, stamp: tuple) -> Catalogue:
    """Parsing and cross-checking a catalogue once per process for the same files, and
    once across processes while none of the files it read changes (the cache folder's
    copy is checked against every file, includes too): parsing took a rebuild 0.1 s."""
    del stamp  # part of the cache key only
    return kept(
        "catalogues",
        f"{refs}\0{root}",
        lambda: load_catalogue(list(refs), root),
        lambda catalogue: catalogue.sources,
    )


@lru_cache(maxsize=8)
def _cached_register(project: Project, stamp: tuple, catalogue_id: int) -> AreaRegister:
    """Reading and cross-checking the area files once per process while none changes (the
    CLI and the build both open the project); the catalogue they are checked against is
    part of the key."""
    del stamp, catalogue_id  # parts of the cache key only
    return AreaRegister.load(project, project.area_ids())


@dataclass(frozen=True)
class Project:
    """The workbook folder: parameters/, data/, narrative/, notebooks/, output/."""

    root: Path

    @classmethod
    def open(cls, root: str | Path = ".") -> Project:
        path = Path(root).resolve()
        if not (path / "parameters").is_dir():
            raise ParameterError(
                f"{path} has no parameters/ folder; run qareport from the workbook folder "
                "or pass --project"
            )
        return cls(path)

    # --- folders -------------------------------------------------------
    @property
    def parameters_dir(self) -> Path:
        return self.root / "parameters"

    @property
    def narrative_dir(self) -> Path:
        return self.root / "narrative"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def store_path(self) -> Path:
        return self.output_dir / "store.duckdb"

    @property
    def section_notebook(self) -> Path:
        return self.root / "notebooks" / "section.ipynb"

    def notebook_for(self, area_id: str, section_id: str) -> Path:
        """The notebook a sheet runs: the area's own for the section, else the project's own
        for the section, else the standard section notebook."""
        for own in (
            self.root / "notebooks" / area_id / f"{section_id}.ipynb",
            self.root / "notebooks" / f"{section_id}.ipynb",
        ):
            if own.is_file():
                return own
        return self.section_notebook

    def book_dir(self, area_id: str, period: Period, form: str = "") -> Path:
        """output/<area>/<period>/, or for a form of the book (config.forms) beside it:
        output/<area>/<period>-<form>/."""
        return self.output_dir / area_id / (f"{period.label}-{form}" if form else period.label)

    def manifest_path(self, area_id: str, period: Period) -> Path:
        return self.book_dir(area_id, period) / MANIFEST_NAME

    def programme_path(self, area_id: str) -> Path:
        return self.root / "programme" / f"{area_id}.yml"

    def narrative_area_dir(self, area_id: str) -> Path:
        return self.narrative_dir / area_id

    # --- configuration -------------------------------------------------
    @cached_property
    def defaults(self) -> Defaults:
        return load_defaults(self.parameters_dir / "defaults.yml")

    @cached_property
    def catalogue(self) -> Catalogue:
        refs = tuple(self.defaults.catalogues)
        return _cached_catalogue(refs, self.root, _stamp(refs, self.root))

    def data_paths(self) -> list[Path]:
        """The data folders and files the defaults name, each inside the workbook (`/`, a
        folder above it, or a link out of it is refused, naming the entry)."""
        where = "parameters/defaults.yml: data:"
        return [inside(self.root, Path(entry), where) for entry in self.defaults.data]

    def area_ids(self) -> list[str]:
        return sorted(p.stem for p in self.parameters_dir.glob("*.yml") if p.stem != "defaults")

    @cached_property
    def register(self) -> AreaRegister:
        """Every area file, loaded once: the good ones, and the problem of each bad one."""
        files = sorted(self.parameters_dir.glob("*.yml"))
        stamp = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
        return _cached_register(self, stamp, id(self.catalogue))

    def area(self, area_id: str) -> AreaParameters:
        """Load an area by id (file name), code, former code or name; a problem in its own
        file (or a code it shares with another file) is an error, others' problems are not."""
        return self.register.get(area_id)

    def areas(self) -> list[AreaParameters]:
        """Every area; the first problem in any parameters file is raised."""
        if self.register.problems:
            raise next(iter(self.register.problems.values()))
        return list(self.register.areas.values())

    def loaded_areas(self) -> list[AreaParameters]:
        """The areas whose files load; a broken file only fails its own area's book."""
        return list(self.register.areas.values())

    def comparator_codes(self, areas: list[AreaParameters] | None = None) -> set[str]:
        """Codes of published comparator rows (the nation, regions): not areas with books.
        Pass `areas` when already loaded, to read the parameter files once."""
        areas = self.loaded_areas() if areas is None else areas
        codes = {a.region_code for a in areas if a.region_code}
        codes |= set(self.defaults.comparator_codes)
        if self.defaults.national_code:
            codes.add(self.defaults.national_code)
        return codes

    def book_sections(self, area: AreaParameters, period: Period) -> list[str]:
        """The sheets of an area's book for a period. The quarterly and monthly editions of
        an area with priority measures have only the sheets holding them; the annual has all."""
        if period.is_year or not area.priority_measures:
            return list(area.sections)
        wanted = set(area.priority_measures)
        return [s for s in area.sections if wanted & set(self.catalogue.area(s).measures)]

    def member_agencies(self) -> dict[str, set[str]]:
        """Area code -> the ids of its member agencies, for areas that list members."""
        return {a.code: {m.id for m in a.members} for a in self.loaded_areas() if a.members}

    def known_codes(self) -> set[str]:
        """Every code a figure is kept under: the areas' own and the comparators'."""
        return self.geography.codes

    @cached_property
    def geography(self) -> Geography:
        """Which area each code means: codes, former codes and publishers' older keys."""
        areas = self.loaded_areas()
        return Geography.of(
            areas, list(self.register.claimed.values()), self.comparator_codes(areas)
        )
