"""The synthetic demo: fictitious areas with five years of measure returns.

Deterministic (fixed seed, stable ordering, no timestamps), so regenerating it
gives byte-identical files; `qareport demo` writes it into a project. Every
area is flagged `synthetic: true`, which puts a synthetic-data banner on every
rendered page. A few small counts and missing returns are there on purpose, to
exercise suppression and the 'not available' markers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from .catalogue import Catalogue, Unit, load_catalogue
from .periods import Period
from .yamlio import dump_yaml

__all__ = ["DEMO_AREAS", "DEMO_YEARS", "demo_areas", "write_demo"]

SEED = 20251
DEMO_YEARS = [Period(y) for y in range(2021, 2026)]

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
        return int(rng.poisson(mean * scale * population / 10_000)), population
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


def _peer_groups(count: int) -> dict[int, list[int]]:
    rng = np.random.default_rng(SEED + 1)
    score = rng.normal(0, 1, count)
    groups = {}
    for i in range(count):
        order = sorted((abs(score[i] - score[j]), j) for j in range(count) if j != i)
        groups[i] = sorted(j for _, j in order[:5])
    return groups


def demo_files(catalogue: Catalogue, count: int = len(DEMO_AREAS)) -> dict[str, str]:
    """Every demo file as relative path -> text."""
    areas = demo_areas(count)
    files: dict[str, str] = {}
    buffer = io.StringIO()
    fields = ["area_code", "period", "measure_id", "numerator", "denominator", "note"]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(catalogue, areas))
    files["data/demo/measure-returns.csv"] = buffer.getvalue()
    peers = _peer_groups(len(areas))
    sections = list(catalogue.content_areas)
    for index, (area_id, name, region) in enumerate(areas):
        params = {
            "code": f"DM{index + 1:02d}",
            "name": f"{name} (fictitious)",
            "kind": "partnership",
            "region": f"{region} (demo region)",
            "peer_group_label": "Demo peer group",
            "peer_group": [f"DM{j + 1:02d}" for j in peers[index]],
            "sections": sections,
            "synthetic": True,
        }
        header = "# Synthetic demo area generated by `qareport demo`; not a real place.\n"
        files[f"parameters/{area_id}.yml"] = header + dump_yaml(params)
    files["parameters/defaults.yml"] = (
        "# Settings shared by every area. See README: Parameters.\n"
        + dump_yaml(
            {
                "title": "Safeguarding Children Report Book",
                "catalogues": ["core"],
                "data": ["data/demo"],
                "national_label": "All demo areas",
                "suppression": {"enabled": True, "threshold": 5},
                "trend_years": 5,
                "trend_quarters": 8,
            }
        )
    )
    return files


def write_demo(project_dir: Path, count: int = len(DEMO_AREAS)) -> list[Path]:
    """Write (or rewrite identically) the demo data and parameters into a project."""
    written = []
    for relative, text in demo_files(load_catalogue(["core"]), count).items():
        path = project_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
