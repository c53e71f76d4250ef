"""The register of areas: every `parameters/<area>.yml`, read once and checked together.

Checks that need more than one file live here: two files with the same code
(a copied area file), a peer group naming the area itself or a code no area
has. A problem in one file is kept against that area only, so one typo fails
one book and never a batch of others; `qareport validate` lists them all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qareport.config.parameters import AreaParameters, load_area
from qareport.config.periods import parse_period
from qareport.errors import ParameterError, one_line

if TYPE_CHECKING:
    from qareport.config.project import Project

__all__ = ["AREA_ID", "AreaRegister"]

AREA_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass
class AreaRegister:
    """Loaded areas by id, and each unusable file's problem by its id."""

    areas: dict[str, AreaParameters] = field(default_factory=dict)
    problems: dict[str, ParameterError] = field(default_factory=dict)
    # codes a file with a problem still plainly claims: its rows are its own (kept for peers'
    # comparisons), never "no area's"; only its own book fails
    claimed: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project, area_ids: list[str]) -> AreaRegister:
        register = cls()
        _ = project.catalogue  # a catalogue problem concerns every area: raised, not kept
        _check_default_sections(project)  # so does a default sheet that does not exist
        for area_id in area_ids:
            path = project.parameters_dir / f"{area_id}.yml"
            try:
                if not AREA_ID.match(area_id):
                    suggestion = re.sub(r"[^a-z0-9-]+", "-", area_id.lower()).strip("-") or "area"
                    raise ParameterError(
                        f"{one_line(path)}: the file name is the area id and may hold only "
                        "lower-case letters, digits and hyphens; rename the file "
                        f"(e.g. {suggestion}.yml)",
                        file=str(path),
                    )
                area = load_area(path, project.defaults)
                _check_references(project, area, path)
            except ParameterError as exc:
                register.problems[area_id] = exc
                register.claimed[area_id] = _claimed_codes(path)
                continue
            register.areas[area_id] = area
            register.claimed[area_id] = area.keys
        register._refuse_shared_codes(project)
        register._check_peer_groups(project)
        return register

    def get(self, wanted: str) -> AreaParameters:
        """An area by id, code, former code or name (any case); its own problem is raised."""
        if wanted in self.problems:
            raise self.problems[wanted]
        if wanted in self.areas:
            return self.areas[wanted]
        folded = wanted.casefold()
        for area in self.areas.values():
            if folded in {c.casefold() for c in area.keys} or (folded == area.name.casefold()):
                return area
        raise ParameterError(
            f"unknown area {wanted!r}; run `qareport areas` to list the areas this project has"
        )

    def _fail(self, area_id: str, error: ParameterError) -> None:
        self.problems.setdefault(area_id, error)
        self.areas.pop(area_id, None)

    def _refuse_shared_codes(self, project: Project) -> None:
        claims: dict[str, list[str]] = defaultdict(list)
        for area_id, area in self.areas.items():
            for code in dict.fromkeys(c.casefold() for c in area.keys):
                claims[code].append(area_id)
        for code, owners in claims.items():
            if len(owners) < 2:
                continue
            files = [str(project.parameters_dir / f"{a}.yml") for a in owners]
            for area_id, path in zip(owners, files, strict=True):
                others = ", ".join(f for f in files if f != path)
                self._fail(
                    area_id,
                    ParameterError(
                        f"{path}: code: {code.upper()!r} is also a code of {others}; each area "
                        "needs its own code (a copied file keeps the old one: change it)",
                        file=path,
                        column="code",
                    ),
                )

    def _check_peer_groups(self, project: Project) -> None:
        canonical = {}
        for codes in self.claimed.values():
            for code in codes:
                canonical[code.casefold()] = codes[0]
        for area_id, area in list(self.areas.items()):
            path = project.parameters_dir / f"{area_id}.yml"
            peers = []
            for code in area.peer_group:
                found = canonical.get(code.casefold())
                problem = None
                if found == area.code:
                    problem = f"{code!r} is this area's own code; a peer group lists other areas"
                elif found is None:
                    problem = (
                        f"{code!r} is not the code of any area in parameters/; "
                        "correct it, or add that area"
                    )
                if problem:
                    self._fail(
                        area_id,
                        ParameterError(f"{path}: peer_group: {problem}", file=str(path)),
                    )
                    break
                peers.append(found)
            else:
                if peers != area.peer_group:
                    self.areas[area_id] = area.replace(peer_group=peers)


def _claimed_codes(path) -> list[str]:
    """The code (then former codes) a file with a problem states, if it plainly states one."""
    from qareport.config.yamlio import load_yaml

    try:
        raw = load_yaml(path)
    except (OSError, ValueError):
        return []
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        return []
    former = raw.get("former_codes")
    return (
        [raw["code"], *(c for c in former if isinstance(c, str))]
        if isinstance(former, list)
        else [raw["code"]]
    )


def _check_default_sections(project: Project) -> None:
    given = project.defaults.sections
    lists = given.values() if isinstance(given, dict) else [given]
    for section in (s for sheets in lists for s in sheets):
        if section not in project.catalogue.content_areas:
            known = ", ".join(sorted(project.catalogue.content_areas))
            raise ParameterError(
                f"{project.parameters_dir / 'defaults.yml'}: sections: {section!r} is not a "
                f"content area of the catalogue ({known})"
            )


def _check_references(project: Project, area: AreaParameters, path) -> None:
    """Measure ids, section ids and periods an area file names must exist."""
    catalogue = project.catalogue
    returned = [m for member in area.members for m in member.returns]
    for key in (*area.targets, *area.spc_change_points, *area.priority_measures, *returned):
        if key not in catalogue.measures:
            raise ParameterError(
                f"{path}: targets/spc_change_points/priority_measures/members.returns: "
                f"{key!r} is not a measure id; run `qareport catalogue list` for the ids",
                file=str(path),
            )
    for measure, period in area.spc_change_points.items():
        try:
            parse_period(period)
        except ParameterError as exc:
            raise ParameterError(
                f"{path}: spc_change_points: {measure}: {exc}", file=str(path)
            ) from None
    seen: set[str] = set()
    for section in area.sections:
        if section not in catalogue.content_areas:
            known = ", ".join(sorted(catalogue.content_areas))
            raise ParameterError(
                f"{path}: sections: {section!r} is not a content area of the catalogue ({known})",
                file=str(path),
            )
        if section in seen:
            raise ParameterError(
                f"{path}: sections: {section!r} is listed twice; list each sheet once",
                file=str(path),
            )
        seen.add(section)
