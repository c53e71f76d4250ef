"""Typed parameters: `parameters/defaults.yml` plus one `parameters/<area>.yml` per area.

Unknown keys are rejected so a typo in a parameters file is an error naming the
key, never a silently ignored setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from qareport.config.catalogue import ID_PATTERN
from qareport.config.models import StrictModel
from qareport.config.yamlio import load_yaml
from qareport.errors import ParameterError, one_line

__all__ = [
    "AREA_KINDS",
    "AreaParameters",
    "Defaults",
    "Member",
    "Suppression",
    "inherits_sections",
    "load_area",
    "load_defaults",
]

AREA_KINDS = ("partnership", "force", "organisation")


class Suppression(StrictModel):
    """Disclosure control: counts below `threshold` are shown as [c]."""

    enabled: bool = True
    threshold: int = Field(default=5, ge=1, le=100)


class Defaults(StrictModel):
    """Settings shared by every area's book."""

    title: str = "Safeguarding Children Report Book"
    catalogues: list[str] = Field(default_factory=lambda: ["core"], min_length=1)
    data: list[str] = Field(default_factory=lambda: ["data"], min_length=1)
    national_label: str = "England"
    national_code: str | None = Field(
        default=None, description="code of published national rows (E92000001), if imported"
    )
    comparator_codes: list[str] = Field(
        default_factory=list, description="codes of other published rows (regions), not areas"
    )
    suppression: Suppression = Suppression()
    trend_years: int = Field(default=5, ge=2, le=15)
    trend_quarters: int = Field(default=8, ge=4, le=40)
    trend_months: int = Field(
        default=13, ge=6, le=60, description="a monthly book's trend (13: the same month last year)"
    )
    low_base: int = Field(default=30, ge=1, le=10_000)
    sections: list[str] | dict[Literal["partnership", "force", "organisation"], list[str]] = Field(
        default_factory=list,
        description="the sheets every area's book has unless its own file says otherwise: "
        "one list, or a list for each kind of area",
    )

    def sections_for(self, kind: str) -> list[str]:
        """The default sheets of an area of this kind (none: the area must list its own)."""
        if isinstance(self.sections, dict):
            return list(self.sections.get(kind, []))  # type: ignore[call-overload]
        return list(self.sections)


class Member(StrictModel):
    """A member agency of a partnership: the agency column of its returns holds `id`."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field(
        pattern=r"^(police|social-care|health|education|probation|youth-justice|other)$"
    )
    force_area: str | None = None  # for police: the force area the partnership sits in
    returns: list[str] = Field(
        default_factory=list, description="measure ids this agency is expected to return"
    )


class AreaParameters(StrictModel):
    """One area: a police force, a safeguarding partnership or a single organisation."""

    id: str = Field(pattern=ID_PATTERN)
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field(default="partnership", pattern=r"^(partnership|force|organisation)$")
    region: str | None = None
    region_code: str | None = None  # code of the region's published rows, if imported
    former_codes: list[str] = Field(default_factory=list)  # codes the area used to have
    old_la_code: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,20}$",
        description="the publisher's older key for the area (DfE's 3-digit LA code)",
    )
    police_force_area: str | None = None
    members: list[Member] = Field(default_factory=list)
    priority_measures: list[str] = Field(
        default_factory=list,
        description="the quarterly and monthly editions' measures (default: all)",
    )
    national_label: str | None = None  # overrides the defaults' label (forces: England and Wales)
    trend_years: int | None = Field(default=None, ge=1, le=15)  # overrides the defaults'
    trend_quarters: int | None = Field(default=None, ge=1, le=40)
    trend_months: int | None = Field(default=None, ge=6, le=60)
    peer_group: list[str] = Field(default_factory=list)
    peer_group_label: str = "Peer group"
    sections: list[str] = Field(min_length=1)
    synthetic: bool = False
    targets: dict[str, float] = Field(default_factory=dict)  # measure id -> target value
    spc_change_points: dict[str, str] = Field(default_factory=dict)  # measure id -> period

    @property
    def keys(self) -> list[str]:
        """Every code a figure for this area may come under: current first, then former
        codes and the publisher's older key."""
        return [self.code, *self.former_codes, *([self.old_la_code] if self.old_la_code else [])]


PATTERN_WORDS = {
    "id": "the area id is its file name: lower-case letters, digits and hyphens, starting "
    "with a letter or digit (rename the file)",
    "code": "an area code is letters, digits, _ and - only, up to 20 characters",
    "old_la_code": "an older code is letters, digits, _ and - only, up to 20 characters",
}


def _first_error(exc: ValidationError, path: Path) -> ParameterError:
    """The first problem in plain words, naming the file and the key."""
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    message = first["msg"]
    given = first.get("input")
    if first["type"] == "extra_forbidden":
        message = "unknown key; check its spelling against the README's parameters table"
    elif first["type"] == "string_type" and isinstance(given, int | float):
        message = (
            "this is read as a number, not text; put the value in quotes "
            f'({key.split(".")[-1]}: "0123") so it is kept exactly as written '
            "(a number loses a leading 0)"
        )
    elif first["type"] == "string_pattern_mismatch":
        field = str(first["loc"][-1]) if first["loc"] else ""
        message = PATTERN_WORDS.get(field, "the value has characters this setting does not take")
        message = f"{one_line(given)} is not valid: {message}"
    return ParameterError(f"{one_line(str(path))}: {key}: {message}")


def _read_mapping(path: Path) -> dict:
    try:
        raw = load_yaml(path)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of settings (key: value lines)")
    return raw


def load_defaults(path: Path) -> Defaults:
    """Read defaults; a missing file means every default applies."""
    if not path.is_file():
        return Defaults()
    try:
        return Defaults.model_validate(_read_mapping(path))
    except ValidationError as exc:
        raise _first_error(exc, path) from None


def load_area(path: Path, defaults: Defaults | None = None) -> AreaParameters:
    """Read one area's parameters; its id is the file name without `.yml`. Its sheets are
    its own list, the defaults' (no `sections:`), or the defaults' changed by `+id` and
    `-id` entries."""
    raw = _read_mapping(path)
    if "id" in raw:
        raise ParameterError(f"{path}: id: do not set it; the area id is the file name")
    kind = raw.get("kind", "partnership")
    inherited = (defaults or Defaults()).sections_for(str(kind))
    raw = {**raw, "sections": _sections(raw.get("sections"), inherited, path, str(kind))}
    try:
        return AreaParameters.model_validate({"id": path.stem, **raw})
    except ValidationError as exc:
        raise _first_error(exc, path) from None


def inherits_sections(path: Path) -> bool:
    """Whether an area file takes the defaults' sheets (no `sections:`, or only `+id` and
    `-id` changes to them) rather than listing its own."""
    try:
        given = _read_mapping(path).get("sections")
    except ParameterError:
        return False
    return given is None or (
        isinstance(given, list) and all(isinstance(s, str) and s[:1] in "+-" for s in given)
    )


def _sections(given: object, inherited: list[str], path: Path, kind: str) -> object:
    """An area's sheets from what its file says and the defaults' sheets for its kind."""
    where = f"{one_line(path)}: sections:"
    if given is None:
        if not inherited:
            raise ParameterError(
                f"{where} not given, and parameters/defaults.yml has no `sections:` for a "
                f"{kind}; list the sheets (content area ids, `qareport catalogue list`) in "
                "one of them",
                file=str(path),
            )
        return inherited
    if not isinstance(given, list) or not all(isinstance(s, str) for s in given):
        return given  # the model says what is wrong
    changes = [s for s in given if s[:1] in "+-"]
    if not changes:
        return given
    if len(changes) < len(given):
        raise ParameterError(
            f"{where} mixes sheet ids with changes ({', '.join(changes)}); give either the "
            "area's own full list, or only changes to the defaults' list (+id adds a sheet, "
            "-id removes one)",
            file=str(path),
        )
    sheets = list(inherited)
    for change in changes:
        sheet = change[1:].strip()
        if change[0] == "+" and sheet in sheets:
            raise ParameterError(
                f"{where} {change}: {sheet!r} is already one of the defaults' sheets; remove "
                "this line",
                file=str(path),
            )
        if change[0] == "-" and sheet not in sheets:
            raise ParameterError(
                f"{where} {change}: {sheet!r} is not one of the defaults' sheets "
                f"({', '.join(sheets) or 'none'}); remove this line",
                file=str(path),
            )
        if change[0] == "+":
            sheets.append(sheet)
        else:
            sheets.remove(sheet)
    return sheets
