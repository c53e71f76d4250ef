"""Framework catalogues: content areas, what good looks like, and their measures.

Catalogues are YAML data validated by pydantic with unknown keys rejected, so a
typo is an error that names the file and key. Measures are declared once and
referenced by id from content areas; a dangling reference is an error. Several
files can be layered: a later file adds content areas and measures, or
replaces fields of ones with the same id (a local override of good statements
or measures without editing the package). A file can `include:` others (the
full framework includes the core), which load first. Audit frameworks (such
as the child's journey) list steps whose criteria are scored yes/no, 1-5 or
by evidence only, and may feed a percentage measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from qareport.config.boundary import inside
from qareport.config.models import StrictModel
from qareport.config.yamlio import load_yaml
from qareport.errors import CatalogueError

__all__ = [
    "AuditFramework",
    "Catalogue",
    "ContentArea",
    "Measure",
    "MeasureType",
    "Polarity",
    "Scoring",
    "Source",
    "Unit",
    "catalogue_files",
    "declared_content_areas",
    "load_catalogue",
    "resolve_catalogue",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class MeasureType(StrEnum):
    QUANTITY = "quantity"
    QUALITY = "quality"
    OUTCOME = "outcome"


class Source(StrEnum):
    CHILDREN_PARENTS = "children-parents-carers"
    FRONTLINE_STAFF = "frontline-staff"
    CASE_RECORDS = "case-records"
    MANAGEMENT_INFORMATION = "management-information"

    @property
    def label(self) -> str:
        return {
            "children-parents-carers": "Children, parents and carers' experience",
            "frontline-staff": "Frontline staff experience",
            "case-records": "Case records audit",
            "management-information": "Management information",
        }[self.value]


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate"


class Polarity(StrEnum):
    HIGHER_BETTER = "higher-is-better"
    LOWER_BETTER = "lower-is-better"
    NEUTRAL = "no-direction"


class Scoring(StrEnum):
    """How an audit criterion is judged."""

    YES_NO = "yes-no"
    SCORE = "score-1-5"
    EVIDENCE = "evidence"


class Measure(StrictModel):
    """One quantity, quality or outcome measure."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    type: MeasureType
    source: Source
    unit: Unit
    polarity: Polarity
    numerator: str | None = None
    denominator: str | None = None
    per: int | None = Field(default=None, description="rate base, e.g. 10000")
    funnel: Literal["binomial", "poisson", "none"] | None = Field(
        default=None, description="funnel limits; by default from the unit (see funnel_method)"
    )
    counted: Literal["over-period", "at-end"] = Field(
        default="over-period",
        description="over the period (referrals made) or at its end (children on a plan): "
        "how a quarter or year is made from monthly returns (summed or pooled, or the last month)",
    )
    fix_after_n_points: int = Field(
        default=12,
        ge=2,
        description="SPC: process limits fixed from this many first points (Making Data Count)",
    )
    shown: bool = Field(
        default=True,
        description="false: a base for other measures (a population), on no sheet of its own",
    )
    published_differs: str = Field(
        default="",
        max_length=400,
        description="how the publisher's national figure is defined or counted otherwise, "
        "said beside it where a local figure of a month or quarter is compared with it",
    )

    @field_validator("per")
    @classmethod
    def _positive(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("per must be a positive whole number such as 10000")
        return value

    @property
    def needs_denominator(self) -> bool:
        return self.unit in (Unit.PERCENT, Unit.RATE)

    @property
    def scale(self) -> float:
        """What numerator / denominator is multiplied by: 100 for a percentage, `per` for a
        rate (1 when unset), 1 for a count."""
        if self.unit is Unit.PERCENT:
            return 100.0
        if self.unit is Unit.RATE:
            return float(self.per or 1)
        return 1.0

    @property
    def funnel_method(self) -> str:
        """How an annual sheet's funnel plot is drawn: binomial limits for a percentage,
        Poisson limits for a rate per N of a population (per above 1), none for counts and
        for averages or ratios (per 1: cases per worker), which have no funnel limits."""
        if self.funnel is not None:
            return self.funnel
        if self.unit is Unit.PERCENT:
            return "binomial"
        if self.unit is Unit.RATE and (self.per or 1) > 1:
            return "poisson"
        return "none"

    @property
    def higher_is_better(self) -> bool | None:
        """True or False by polarity; None for a measure with no better direction."""
        return {Polarity.HIGHER_BETTER: True, Polarity.LOWER_BETTER: False}.get(self.polarity)


class GoodStatements(StrictModel):
    outcome: list[str] = Field(default_factory=list)
    quality: list[str] = Field(default_factory=list)


class ContentArea(StrictModel):
    """A content area: one A3 sheet of the book."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    group: str = Field(min_length=1)
    why: str = Field(min_length=1)
    good: GoodStatements
    questions: list[str] = Field(default_factory=list)
    methods: dict[Source, str] = Field(
        default_factory=dict, description="where the information comes from, by source"
    )
    measures: list[str] = Field(min_length=1)


class Criterion(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    scoring: Scoring
    measure: str | None = Field(default=None, description="percentage measure it feeds")


class AuditStep(StrictModel):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)


class AuditFramework(StrictModel):
    """Steps of a case audit (e.g. the child's journey) and how each criterion is scored."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    steps: list[AuditStep] = Field(min_length=1)


class _CatalogueFile(StrictModel):
    catalogue: str = Field(pattern=ID_PATTERN)
    title: str | None = None
    include: list[str] = Field(default_factory=list)
    content_areas: list[dict[str, Any]] = Field(default_factory=list)
    measures: list[dict[str, Any]] = Field(default_factory=list)
    audits: list[dict[str, Any]] = Field(default_factory=list)


class Catalogue(StrictModel):
    """The merged, cross-checked catalogue a book is built from."""

    name: str
    sources: tuple[str, ...]
    content_areas: dict[str, ContentArea]
    measures: dict[str, Measure]
    audits: dict[str, AuditFramework] = Field(default_factory=dict)

    def area(self, area_id: str) -> ContentArea:
        try:
            return self.content_areas[area_id]
        except KeyError:
            known = ", ".join(sorted(self.content_areas))
            raise CatalogueError(
                f"content area {area_id!r} is not in catalogue {self.name!r}; known: {known}"
            ) from None

    def measures_of(self, area_id: str) -> list[Measure]:
        return [self.measures[m] for m in self.area(area_id).measures]

    def unplaced(self, measure_ids: Iterable[str], sections: Iterable[str]) -> str:
        """Of measures with figures, the ones on none of `sections` (a base such as a
        population excepted), said in one sentence with where each could go; '' if none."""
        placed = {m for s in sections if s in self.content_areas for m in self.area(s).measures}
        missing = sorted(
            m
            for m in set(measure_ids)
            if m in self.measures and m not in placed and self.measures[m].shown
        )
        if not missing:
            return ""
        homes = {
            m: [a for a, area in self.content_areas.items() if m in area.measures] for m in missing
        }
        said = [
            f"{m} (" + (f"sheet {', '.join(homes[m])}" if homes[m] else "in no content area") + ")"
            for m in missing
        ]
        return (
            (
                f"{len(missing)} measures with figures are"
                if len(missing) > 1
                else "1 measure with figures is"
            )
            + f" on no sheet: {'; '.join(said[:8])}"
            + (f" and {len(said) - 8} more" if len(said) > 8 else "")
            + "; add their sheet under `sections:` in parameters/defaults.yml (or `+id` in an "
            "area's file), or a content area for them to a local catalogue"
        )


def builtin_catalogue_dir() -> Path:
    """Where the catalogues shipped with qareport live."""
    return Path(str(resources.files("qareport.config") / "catalogues"))


def _builtin_path(name: str) -> Path:
    return builtin_catalogue_dir() / f"{name}.yml"


def _builtin_file(path: Path) -> bool:
    return path.resolve().is_relative_to(builtin_catalogue_dir().resolve())


def resolve_catalogue(ref: str, project_dir: Path | None, root: Path | None = None) -> Path:
    """A catalogue reference is a built-in name (`core`) or a path relative to
    `project_dir` (the workbook, or the file that includes it); a path must lie inside the
    workbook `root` (the project folder when not given)."""
    candidate = Path(ref)
    if candidate.suffix in (".yml", ".yaml"):
        path = candidate if candidate.is_absolute() or project_dir is None else project_dir / ref
        workbook = root or project_dir
        if workbook is not None and not _builtin_file(path):
            path = inside(workbook, path, f"catalogue {ref!r}", CatalogueError)
        if not path.is_file():
            raise CatalogueError(
                f"catalogue file {path} does not exist; check the name in parameters"
            )
        return path
    path = _builtin_path(ref)
    if not path.is_file():
        raise CatalogueError(
            f"no built-in catalogue called {ref!r}; give a .yml path for a local catalogue"
        )
    return path


def _describe(error: ValidationError, path: Path, prefix: str) -> str:
    first = error.errors()[0]
    key = ".".join(str(p) for p in (prefix, *first["loc"]) if p != "")
    return f"{path}: {key}: {first['msg']}"


def _merge(
    store: dict[str, dict[str, Any]],
    items: list[dict[str, Any]],
    path: Path,
    kind: str,
    origin: dict[str, Path],
) -> None:
    """Layer a file's entries over the earlier files'. An id an earlier file defines is
    changed only where the entry says `replaces: true` (the fields it gives replace that
    entry's), never silently."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            raise CatalogueError(f"{path}: {kind}[{index}]: every entry needs an id")
        if item_id in seen:
            raise CatalogueError(f"{path}: {kind}[{index}]: duplicate id {item_id!r}")
        seen.add(item_id)
        replaces = item.get("replaces", False)
        if not isinstance(replaces, bool):
            raise CatalogueError(f"{path}: {kind}.{item_id}.replaces: give true or false")
        earlier = origin.get(f"{kind}:{item_id}")
        if earlier is not None and not replaces:
            raise CatalogueError(_reused(path, kind, item_id, earlier, store[item_id]))
        if earlier is None and replaces:
            raise CatalogueError(
                f"{path}: {kind}.{item_id}.replaces: no earlier catalogue defines "
                f"{item_id!r}, so there is nothing to replace; check the id, or remove "
                "`replaces: true`"
            )
        fields = {k: v for k, v in item.items() if k != "replaces"}
        store[item_id] = {**store.get(item_id, {}), **fields}


def _reused(path: Path, kind: str, item_id: str, earlier: Path, entry: dict[str, Any]) -> str:
    """What to say of an id an earlier catalogue defines, reused without `replaces: true`."""
    where = "the built-in catalogue" if _builtin_file(earlier) else "the catalogue"
    held = entry.get("measures") if kind == "content_areas" else None
    keep = (
        f"; a `measures:` list replaces its measures, {', '.join(held)}"
        if isinstance(held, list) and held
        else ""
    )
    return (
        f"{path}: {kind}.{item_id}: {item_id!r} is already defined by {where} "
        f"{earlier.name}; to change it, add `replaces: true` to the entry (the fields you "
        f"give replace its fields{keep}), or give yours an id of its own"
    )


def _read_file(path: Path) -> _CatalogueFile:
    try:
        raw = load_yaml(path)
    except ValueError as exc:
        raise CatalogueError(str(exc)) from None
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: a catalogue is a mapping with `catalogue:` at the top")
    try:
        return _CatalogueFile.model_validate(raw)
    except ValidationError as exc:
        raise CatalogueError(_describe(exc, path, "")) from None


def _expand(refs, project_dir: Path | None, chain: tuple[Path, ...] = ()) -> list[Path]:
    """Catalogue files in load order: each file's includes come before it, once each."""
    ordered: list[Path] = []
    for ref in refs:
        base = chain[-1].parent if chain else project_dir
        path = resolve_catalogue(ref, base, project_dir).resolve()
        if path in chain:
            raise CatalogueError(f"{chain[-1]}: include: {ref!r} includes itself in a loop")
        for included in _expand(_read_file(path).include, project_dir, (*chain, path)):
            if included not in ordered:
                ordered.append(included)
        if path not in ordered:
            ordered.append(path)
    return ordered


def declared_content_areas(path: Path) -> list[str]:
    """The ids of the content areas a catalogue file itself declares (not its includes)."""
    return [str(item["id"]) for item in _read_file(path).content_areas]


def catalogue_files(refs: list[str] | tuple[str, ...], project_dir: Path | None) -> list[Path]:
    """Every file a catalogue reference list reads, includes first."""
    return _expand(list(refs), project_dir)


def load_catalogue(refs: list[str] | tuple[str, ...], project_dir: Path | None = None) -> Catalogue:
    """Load and layer catalogue files, then check every cross-reference."""
    if not refs:
        raise CatalogueError("no catalogue named; set `catalogues:` in parameters/defaults.yml")
    areas: dict[str, dict[str, Any]] = {}
    measures: dict[str, dict[str, Any]] = {}
    audits: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    names = []
    paths = catalogue_files(refs, project_dir)
    for path in paths:
        parsed = _read_file(path)
        names.append(parsed.catalogue)
        for kind, store, items in (
            ("content_areas", areas, parsed.content_areas),
            ("measures", measures, parsed.measures),
            ("audits", audits, parsed.audits),
        ):
            _merge(store, items, path, kind, origin)
            for item in items:
                origin[f"{kind}:{item['id']}"] = path
    built_measures: dict[str, Measure] = {}
    for measure_id, data in measures.items():
        path = origin[f"measures:{measure_id}"]
        try:
            built_measures[measure_id] = Measure.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(_describe(exc, path, f"measures.{measure_id}")) from None
        measure = built_measures[measure_id]
        if measure.unit is Unit.RATE and measure.per is None:
            raise CatalogueError(
                f"{path}: measures.{measure_id}.per: a rate needs `per`, e.g. 10000"
            )
    built_areas: dict[str, ContentArea] = {}
    for area_id, data in areas.items():
        path = origin[f"content_areas:{area_id}"]
        try:
            area = ContentArea.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(_describe(exc, path, f"content_areas.{area_id}")) from None
        for measure_id in area.measures:
            if measure_id not in built_measures:
                raise CatalogueError(
                    f"{path}: content_areas.{area_id}.measures: {measure_id!r} is not a declared "
                    "measure; add it under `measures:` or correct the id"
                )
        built_areas[area_id] = area
    built_audits = {
        audit_id: _build_audit(data, origin[f"audits:{audit_id}"], built_measures)
        for audit_id, data in audits.items()
    }
    return Catalogue(
        name="+".join(dict.fromkeys(names)),
        sources=tuple(str(p) for p in paths),
        content_areas=built_areas,
        measures=built_measures,
        audits=built_audits,
    )


def _build_audit(data: dict[str, Any], path: Path, measures: dict[str, Measure]) -> AuditFramework:
    audit_id = data["id"]
    try:
        audit = AuditFramework.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(_describe(exc, path, f"audits.{audit_id}")) from None
    seen: set[str] = set()
    for step in audit.steps:
        for criterion in step.criteria:
            key = f"{path}: audits.{audit_id}.{step.id}.{criterion.id}"
            if criterion.id in seen:
                raise CatalogueError(f"{key}: duplicate criterion id")
            seen.add(criterion.id)
            if criterion.measure is None:
                continue
            if criterion.scoring is Scoring.EVIDENCE:
                raise CatalogueError(
                    f"{key}.measure: an evidence-only criterion has no score to count; "
                    "remove `measure` or score it yes-no or 1-5"
                )
            measure = measures.get(criterion.measure)
            if measure is None:
                raise CatalogueError(
                    f"{key}.measure: {criterion.measure!r} is not a declared measure"
                )
            if measure.unit is not Unit.PERCENT:
                raise CatalogueError(
                    f"{key}.measure: {criterion.measure!r} must be a percent measure "
                    "(the share of audited cases meeting the criterion)"
                )
    return audit
