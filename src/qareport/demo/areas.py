"""The synthetic demo: fictitious areas with five years of measure returns.

Deterministic (fixed seed, stable ordering, no timestamps), so regenerating it
gives byte-identical files; `qareport demo` writes it into a project. Every
area is flagged `synthetic: true`, which puts a synthetic-data banner on every
rendered page. A few small counts and missing returns are there on purpose, to
exercise suppression and the 'not available' markers.

Beyond the core sheets the demo covers the whole framework catalogue (one
area, Brindlemoor, shows all of it) and the police catalogue (six fictitious
forces; the child's journey audit comes as a case-level file scored 1-5 and
yes/no). A few measures are deliberately left without data so that the
information-balance view has gaps to show.
"""

from __future__ import annotations

import numpy as np

from qareport.config.catalogue import Catalogue, Measure, Source, Unit, load_catalogue
from qareport.config.yamlio import dump_yaml
from qareport.demo.common import AGENCY_FIELDS, DEMO_YEARS, SEED, csv_text, generic_level
from qareport.demo.monthly import monthly_rows

__all__ = [
    "DEMO_AREAS",
    "DEMO_FORCES",
    "DEMO_YEARS",
    "FULL_FRAMEWORK_AREA",
    "MISSING_ON_PURPOSE",
    "demo_areas",
    "demo_files",
]


# Invented place names; none is a real local authority or police force.
DEMO_AREAS: list[tuple[str, str, str]] = [
    ("amberleigh", "Amberleigh", "North"),
    ("brindlemoor", "Brindlemoor", "North"),
    ("corriefield", "Corriefield", "North"),
    ("dunholt", "Dunholt", "North"),
    ("elmsworth", "Elmsworth", "Midlands"),
    ("fernhallow", "Fernhallow", "Midlands"),
    ("glenbrook-vale", "Glenbrook Vale", "Midlands"),
    ("harrowmere", "Harrowmere", "Midlands"),
    ("ivelford", "Ivelford", "South"),
    ("juniper-coast", "Juniper Coast", "South"),
    ("kestlemoor", "Kestlemoor", "South"),
    ("larkhaven", "Larkhaven", "South"),
]

# Invented police forces, each covering a number of children aged 0-17.
DEMO_FORCES: list[tuple[str, str, int]] = [
    ("northmarch-police", "Northmarch Police", 310_000),
    ("eastwold-constabulary", "Eastwold Constabulary", 420_000),
    ("southfell-police", "Southfell Police", 260_000),
    ("westmere-constabulary", "Westmere Constabulary", 380_000),
    ("highcombe-police", "Highcombe Police", 210_000),
    ("lowdale-constabulary", "Lowdale Constabulary", 520_000),
]
# The partnership whose book uses every content area of the full framework.
FULL_FRAMEWORK_AREA = "brindlemoor"
# Measures no demo area or force returns, so the balance view has gaps to show.
# Each sits in a content area with another measure of the same type that has data.
MISSING_ON_PURPOSE = (
    "workforce-agency-rate",
    "psm-staff-confident",
    "pmh-children-know-help",
    "ld-multiagency-places",
    "police-cse-victims-supported",
    "police-da-child-seen",
)

# Measures counted at the end of a period (a stock), not over it (a flow).
_STOCK = {"cp-cin-children", "lac-rate"}
# Survey and audit measures are collected once a year in the demo.
_ANNUAL_ONLY = {"cp-cin-children-feel-safer", "parents-contact-helpful", "lac-feel-safe"}
# Typical level and yearly drift per measure: (percent or rate or count per 10k, drift).
_LEVELS = {
    "cp-cin-children": (75.0, 1.0),
    "cp-cin-visits-timely": (82.0, 1.2),
    "cp-cin-outcomes-specified": (68.0, 2.5),
    "cp-repeat-plans": (22.0, -0.6),
    "cp-cin-children-feel-safer": (64.0, 1.5),
    "referrals-rate": (540.0, 6.0),
    "assessments-timely": (84.0, 0.8),
    "referrals-appropriate": (71.0, 1.8),
    "re-referrals-12m": (21.0, -0.5),
    "parents-contact-helpful": (61.0, 1.2),
    "da-incidents-children": (11.0, 0.3),
    "da-victims-taken-seriously": (70.0, 1.4),
    "da-repeat-referrals": (27.0, -0.7),
    "da-concern-ceased": (58.0, 1.6),
    "lac-rate": (70.0, 0.8),
    "lac-visits-timely": (88.0, 0.6),
    "lac-seen-alone": (74.0, 1.1),
    "lac-feel-safe": (80.0, 0.9),
}


def _sample_size(measure_id: str, source: str, population: int, rng) -> int:
    if source in ("case-records", "children-parents-carers"):
        return int(rng.integers(14, 40))
    if measure_id in ("referrals-rate", "lac-rate"):
        return population
    if measure_id.startswith("cp-"):
        return int(population * rng.uniform(0.006, 0.009))
    if measure_id.startswith("re-referrals") or measure_id.startswith("assessments"):
        return int(population * rng.uniform(0.012, 0.016))
    return int(population * rng.uniform(0.002, 0.004))


# Targets the first demo area has set: a hit-and-miss, a failed and a met one, chosen
# against its synthetic series so the demo shows every kind of assurance.
DEMO_TARGETS = {"assessments-timely": 90.0, "lac-visits-timely": 95.0, "re-referrals-12m": 45.0}


def demo_areas(count: int = len(DEMO_AREAS)) -> list[tuple[str, str, str]]:
    """The named demo areas, then numbered ones ('Demo Area 13', ...) for larger demos."""
    regions = ["North", "Midlands", "South"]
    extra = [
        (f"demo-area-{n:02d}", f"Demo Area {n:02d}", regions[n % 3])
        for n in range(len(DEMO_AREAS) + 1, count + 1)
    ]
    return [*DEMO_AREAS, *extra][:count]


def _rows(catalogue: Catalogue, areas: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    rng = np.random.default_rng(SEED)
    rows: list[dict[str, object]] = []
    for index, (_area_id, _name, _region) in enumerate(areas):
        code = f"DM{index + 1:02d}"
        # the smallest area makes the small numbers that suppression must hide
        population = 9_000 if index == 11 else int(rng.integers(30_000, 140_000))
        tilt = rng.normal(0, 1)
        for measure_id, (level, drift) in _LEVELS.items():
            measure = catalogue.measures[measure_id]
            area_level = level * (1 + 0.08 * tilt + rng.normal(0, 0.05))
            for year_index, year in enumerate(DEMO_YEARS):
                mean = area_level + drift * year_index
                periods = [year] if measure_id in _ANNUAL_ONLY else [*year.quarters(), year]
                quarter_values: list[tuple[int, int]] = []
                for period in periods:
                    if period.is_quarter:
                        numerator, denominator = _draw(measure, measure_id, mean, population, rng)
                        quarter_values.append((numerator, denominator))
                    elif quarter_values:
                        numerator, denominator = _annual(measure_id, quarter_values)
                    else:
                        numerator, denominator = _draw(measure, measure_id, mean, population, rng)
                    rows.append(
                        {
                            "area_code": code,
                            "period": period.label,
                            "measure_id": measure_id,
                            "numerator": numerator,
                            "denominator": denominator if measure.needs_denominator else "",
                            "note": "",
                        }
                    )
    # Deliberate gaps: a survey not run, and a return not made.
    gaps = {("DM03", "2023-24", "lac-feel-safe"), ("DM07", "2025-26-Q2", "da-concern-ceased")}
    return [r for r in rows if (r["area_code"], r["period"], r["measure_id"]) not in gaps]


def _draw(measure, measure_id: str, mean: float, population: int, rng) -> tuple[int, int]:
    if measure.unit is Unit.COUNT:
        per_period = 1.0 if measure_id in _STOCK else 0.25
        return int(rng.poisson(max(mean * per_period * population / 10_000, 0.5))), 0
    if measure.unit is Unit.RATE:
        scale = 1 if measure_id in _STOCK else 0.25
        per = measure.per or 10_000
        # a rate per 100 is of a small group (young people held), not the child population
        base = population if per >= 1_000 else max(population // 1_000, 20)
        return int(rng.poisson(mean * scale * base / per)), base
    denominator = _sample_size(measure_id, measure.source.value, population, rng)
    share = float(np.clip(rng.normal(mean, 4.0) / 100, 0.01, 0.99))
    return int(rng.binomial(denominator, share)), denominator


def _annual(measure_id: str, quarters: list[tuple[int, int]]) -> tuple[int, int]:
    if measure_id in _STOCK:
        return quarters[-1]
    numerator = sum(q[0] for q in quarters)
    denominators = [q[1] for q in quarters]
    denominator = denominators[-1] if measure_id == "referrals-rate" else sum(denominators)
    return numerator, denominator


def _generic_rows(
    measures: list[Measure], units: list[tuple[str, int]], seed: int
) -> list[dict[str, object]]:
    """Returns for catalogue measures without hand-set levels: surveys and audits yearly,
    management information quarterly with the year's total."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for code, population in units:
        tilt = rng.normal(0, 1)
        for measure in measures:
            level, drift = generic_level(measure)
            area_level = level * (1 + 0.08 * tilt + rng.normal(0, 0.05))
            annual_only = measure.source is not Source.MANAGEMENT_INFORMATION
            for year_index, year in enumerate(DEMO_YEARS):
                mean = area_level + drift * year_index
                periods = [year] if annual_only else [*year.quarters(), year]
                quarters: list[tuple[int, int]] = []
                for period in periods:
                    if period.is_quarter or not quarters:
                        numerator, denominator = _draw(measure, measure.id, mean, population, rng)
                        if measure.unit is Unit.COUNT and not period.is_quarter:
                            numerator *= 4  # a year's worth, drawn at the quarterly rate
                        quarters.append((numerator, denominator))
                    elif measure.counted == "at-end":  # a stock: the year's last quarter
                        numerator, denominator = quarters[-1]
                    else:
                        numerator = sum(q[0] for q in quarters)
                        denominator = (
                            quarters[-1][1]
                            if measure.unit is Unit.RATE
                            else sum(q[1] for q in quarters)
                        )
                    rows.append(
                        {
                            "area_code": code,
                            "period": period.label,
                            "measure_id": measure.id,
                            "numerator": numerator,
                            "denominator": denominator if measure.needs_denominator else "",
                            "note": "",
                        }
                    )
    return rows


def _audit_cases(
    catalogue: Catalogue, units: list[tuple[str, int]], seed: int
) -> list[dict[str, object]]:
    """Child's journey audits: 12 to 30 cases a force a year, each criterion that feeds
    a measure scored 1-5 or yes/no as the framework says."""
    rng = np.random.default_rng(seed)
    audit = catalogue.audits["childs-journey"]
    criteria = [c for step in audit.steps for c in step.criteria if c.measure]
    rows: list[dict[str, object]] = []
    for code, _population in units:
        skill = rng.normal(0, 0.4)
        for year_index, year in enumerate(DEMO_YEARS):
            for case in range(int(rng.integers(12, 31))):
                case_id = f"{code}-{year.label}-{case + 1:03d}"
                for criterion in criteria:
                    centre = 3.4 + skill + 0.12 * year_index
                    score = int(np.clip(round(rng.normal(centre, 1.0)), 1, 5))
                    if criterion.scoring.value == "yes-no":
                        score_text = "yes" if score >= 4 else "no"
                    else:
                        score_text = str(score)
                    rows.append(
                        {
                            "area_code": code,
                            "period": year.label,
                            "measure_id": criterion.measure,
                            "case_id": case_id,
                            "score": score_text,
                        }
                    )
    return rows


def _peer_groups(count: int) -> dict[int, list[int]]:
    rng = np.random.default_rng(SEED + 1)
    score = rng.normal(0, 1, count)
    groups = {}
    for i in range(count):
        order = sorted((abs(score[i] - score[j]), j) for j in range(count) if j != i)
        groups[i] = sorted(j for _, j in order[:5])
    return groups


RETURN_FIELDS = ["area_code", "period", "measure_id", "numerator", "denominator", "note"]


def demo_files(catalogue: Catalogue, count: int = len(DEMO_AREAS)) -> dict[str, str]:
    """Every demo file as relative path -> text."""
    areas = demo_areas(count)
    rng = np.random.default_rng(SEED + 2)
    populations = [9_000 if i == 11 else int(rng.integers(30_000, 140_000)) for i in range(count)]
    partnership_units = [(f"DM{i + 1:02d}", populations[i]) for i in range(count)]
    force_units = [(f"DF{i + 1:02d}", children) for i, (_, _, children) in enumerate(DEMO_FORCES)]
    return {
        "data/demo/measure-returns.csv": csv_text(_rows(catalogue, areas), RETURN_FIELDS),
        **_framework_returns(partnership_units),
        **_police_returns(force_units),
        **_area_files(areas),
        **_force_files(force_units),
        "parameters/defaults.yml": _defaults_file(),
    }


def _framework_returns(units: list[tuple[str, int]]) -> dict[str, str]:
    """The framework's measures beyond the core, for every demo partnership."""
    core = set(load_catalogue(["core"]).measures)
    framework = load_catalogue(["framework"])
    extra = [
        m
        for m in framework.measures.values()
        if m.id not in core and m.id not in MISSING_ON_PURPOSE
    ]
    rows = _generic_rows(extra, units, SEED + 3)
    return {"data/demo/framework-returns.csv": csv_text(rows, RETURN_FIELDS)}


def _police_returns(units: list[tuple[str, int]]) -> dict[str, str]:
    """The forces' quarterly and monthly returns, and their child's journey audit."""
    police = load_catalogue(["police"])
    audited = {c.measure for a in police.audits.values() for s in a.steps for c in s.criteria}
    measures = [
        m
        for m in police.measures.values()
        if m.id not in audited and m.id not in MISSING_ON_PURPOSE
    ]
    quarters, months = monthly_rows(
        _generic_rows(measures, units, SEED + 4), police, {code for code, _ in units}
    )
    return {
        "data/demo/police-returns.csv": csv_text(quarters, RETURN_FIELDS),
        "data/demo/police-monthly-returns.csv": csv_text(months, AGENCY_FIELDS),
        "data/demo/childs-journey-audit.cases.csv": csv_text(
            _audit_cases(police, units, SEED + 5),
            ["area_code", "period", "measure_id", "case_id", "score"],
        ),
    }


HEADER = "# Synthetic demo area generated by `qareport demo`; not a real place.\n"


def _area_files(areas: list[tuple[str, str, str]]) -> dict[str, str]:
    """A parameters file for each demo partnership: the core sheets (the full framework
    for one), its peers, and targets for the first."""
    framework = load_catalogue(["framework"])
    peers = _peer_groups(len(areas))
    core_sections = list(load_catalogue(["core"]).content_areas)
    files = {}
    for index, (area_id, name, region) in enumerate(areas):
        params = {
            "code": f"DM{index + 1:02d}",
            "name": f"{name} (fictitious)",
            "kind": "partnership",
            "region": f"{region} (demo region)",
            "peer_group_label": "Demo peer group",
            "peer_group": [f"DM{j + 1:02d}" for j in peers[index]],
            "sections": list(framework.content_areas)
            if area_id == FULL_FRAMEWORK_AREA
            else core_sections,
            "synthetic": True,
        }
        if index == 0:  # the first demo area sets targets, so its books show assurance
            params["targets"] = DEMO_TARGETS
        files[f"parameters/{area_id}.yml"] = HEADER + dump_yaml(params)
    return files


def _force_files(units: list[tuple[str, int]]) -> dict[str, str]:
    """A parameters file for each demo force, the other forces its peers."""
    sections = list(load_catalogue(["police"]).content_areas)
    files = {}
    for index, (force_id, name, _) in enumerate(DEMO_FORCES):
        code = f"DF{index + 1:02d}"
        params = {
            "code": code,
            "name": f"{name} (fictitious)",
            "kind": "force",
            "peer_group_label": "Other demo forces",
            "peer_group": [c for c, _ in units if c != code],
            "sections": sections,
            "synthetic": True,
        }
        files[f"parameters/{force_id}.yml"] = HEADER.replace("area", "force") + dump_yaml(params)
    return files


def _defaults_file() -> str:
    return "# Settings shared by every area. See README: Parameters.\n" + dump_yaml(
        {
            "title": "Safeguarding Children Report Book",
            "catalogues": ["framework", "police"],
            "data": ["data/demo"],
            "national_label": "All demo areas",
            "suppression": {"enabled": True, "threshold": 5},
            "trend_years": 5,
            "trend_quarters": 8,
        }
    )
