"""Registering a local catalogue: one step puts a new publication's sheets in the books.

`qareport catalogue add FILE.yml` checks the file against the catalogues the workbook
already uses, names it under `catalogues:` in parameters/defaults.yml, and puts its new
content areas under the defaults' `sections:` (for every kind of area the defaults list
sheets for, or the kinds asked), so every area that takes the defaults' sheets gains
them. Areas that list their own sheets are named, never edited. The defaults file is
changed in place, comments kept, through a temporary file and a rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qareport.config.boundary import inside
from qareport.config.catalogue import Catalogue, declared_content_areas, load_catalogue
from qareport.config.parameters import AREA_KINDS, inherits_sections
from qareport.config.project import Project
from qareport.config.yamlio import edit_yaml_file
from qareport.errors import CatalogueError, ParameterError

__all__ = ["CatalogueAdded", "add_catalogue"]


@dataclass
class CatalogueAdded:
    """What registering a catalogue changed, in the words the command prints."""

    ref: str
    registered: bool  # False: it was already under `catalogues:`
    new_sheets: dict[str, list[str]] = field(default_factory=dict)  # sheet -> its measures
    changed_sheets: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)  # its sheets put under the defaults' sections
    kinds: list[str] = field(default_factory=list)  # kinds of area whose defaults gained sheets
    own_lists: list[str] = field(default_factory=list)  # areas listing their own sheets

    def lines(self, defaults: Path) -> list[str]:
        said = [
            f"registered {self.ref} under `catalogues:` in {defaults}"
            if self.registered
            else f"{self.ref} was already under `catalogues:` in {defaults}"
        ]
        for sheet, measures in self.new_sheets.items():
            said.append(f"new sheet {sheet}: {', '.join(measures) or 'no measures yet'}")
        for sheet, (gained, lost) in self.changed_sheets.items():
            change = [f"gains {', '.join(gained)}" if gained else ""]
            change += [f"loses {', '.join(lost)}" if lost else ""]
            said.append(f"sheet {sheet} {' and '.join(c for c in change if c)}")
        if self.added and self.kinds:
            said.append(
                f"added {', '.join(self.added)} to the defaults' sheets for "
                + ", ".join(f"{k} areas" for k in self.kinds)
            )
        elif self.new_sheets and not self.kinds:
            said.append(
                "no area gains the new sheets: parameters/defaults.yml lists no default "
                "sheets (`sections:`); add them there, or `+id` under an area's `sections:`"
            )
        if self.own_lists and self.added:
            shown = ", ".join(self.own_lists[:5]) + (" ..." if len(self.own_lists) > 5 else "")
            said.append(
                f"{len(self.own_lists)} areas list their own sheets and do not gain them "
                f"({shown}): add `+{self.added[0]}` there, or drop their list"
            )
        return said


def add_catalogue(project: Project, file: Path, kinds: list[str] | None = None) -> CatalogueAdded:
    """Register `file` (inside the workbook) as a catalogue of the workbook and put its new
    sheets under the defaults' sections; returns what changed."""
    path = inside(project.root, file, "the catalogue", CatalogueError)
    if not path.is_file():
        raise CatalogueError(f"{file}: no such file; give the catalogue's .yml path")
    ref = path.relative_to(project.root).as_posix()
    before = project.catalogue
    refs = list(project.defaults.catalogues)
    registered = ref not in refs and not any(
        r.endswith((".yml", ".yaml")) and (project.root / r).resolve() == path for r in refs
    )
    after = load_catalogue([*refs, ref] if registered else refs, project.root)
    done = CatalogueAdded(ref, registered)
    own = declared_content_areas(path)  # checked by load_catalogue above
    _describe_sheets(done, own, before, after)
    wanted = _kinds(project, kinds)
    defaults = project.parameters_dir / "defaults.yml"

    def register(data) -> bool:
        if registered:
            data.setdefault("catalogues", list(project.defaults.catalogues)).append(ref)
        done.added, done.kinds = _add_sections(data, own, wanted)
        return registered or bool(done.added)

    edit_yaml_file(defaults, register)
    done.own_lists = [
        p.stem
        for p in sorted(project.parameters_dir.glob("*.yml"))
        if p.stem != "defaults" and not inherits_sections(p)
    ]
    return done


def _describe_sheets(
    done: CatalogueAdded, own: list[str], before: Catalogue, after: Catalogue
) -> None:
    for sheet in own:
        area = after.content_areas[sheet]
        if sheet not in before.content_areas:
            done.new_sheets[sheet] = list(area.measures)
            continue
        old = before.content_areas[sheet].measures
        gained = [m for m in area.measures if m not in old]
        lost = [m for m in old if m not in area.measures]
        if gained or lost:
            done.changed_sheets[sheet] = (gained, lost)


def _kinds(project: Project, kinds: list[str] | None) -> list[str]:
    """The kinds of area asked for, checked; by default every kind the workbook has areas
    of (a workbook of authorities gives its forces no children's social care sheet only
    where it has no forces: --kind chooses)."""
    for kind in kinds or []:
        if kind not in AREA_KINDS:
            raise ParameterError(f"--kind {kind!r}: choose {', '.join(AREA_KINDS)}")
    if kinds and not isinstance(project.defaults.sections, dict):
        raise ParameterError(
            "--kind: parameters/defaults.yml lists one set of sheets for every area "
            "(`sections:` is a list), so there is no kind to choose; leave --kind out"
        )
    if kinds:
        return kinds
    return sorted({area.kind for area in project.register.areas.values()})


def _add_sections(data, sheets: list[str], kinds: list[str]) -> tuple[list[str], list[str]]:
    """Append the file's sheets the defaults' sections lack (one list, or the lists by
    kind); returns the sheets added and the kinds of area that gained them ('every' for a
    single list)."""
    sections = data.get("sections")
    if not sheets or not sections:
        return [], []
    if isinstance(sections, list):
        added = [s for s in sheets if s not in sections]
        sections.extend(added)
        return added, ["every"] if added else []
    added, gained = [], []
    for kind in (k for k in kinds if k in sections):
        listed = sections[kind]
        new = [s for s in sheets if s not in listed]
        listed.extend(new)
        added += [s for s in new if s not in added]
        gained += [kind] if new else []
    return added, gained
