"""The demo's monthly returns: 36 months for the demo partnership and the six forces.

Each quarter of the last three demo years is split into its three months, so the
months add up to the quarter exactly and every book agrees with every other:
a count over the period is shared out at random among the months, a percentage's
denominator likewise and its numerator drawn without replacement from it, a rate
keeps its population each month, and a measure counted at the end of the period
wanders around the quarter's figure and ends on it. One force (`MONTHS_ONLY`)
returns months only for those years, so its quarterly and annual books show
figures made from months, and say so.
"""

from __future__ import annotations

import numpy as np

from qareport.config.catalogue import Catalogue, Measure, Unit
from qareport.config.periods import parse_period
from qareport.demo.common import AGENCY_FIELDS, DEMO_YEARS, SEED

__all__ = ["MONTHLY_YEARS", "MONTHS_ONLY", "monthly_rows"]

MONTHLY_YEARS = DEMO_YEARS[-3:]  # 36 months, April 2023 to March 2026
MONTHS_ONLY = "DF06"  # lowdale-constabulary: months only in those years


def monthly_rows(
    rows: list[dict[str, object]], catalogue: Catalogue, codes: set[str], *, seed: int = SEED + 11
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(the rows kept as they were, the monthly rows): every quarter of `codes` in the
    monthly years split into months; for MONTHS_ONLY its quarters and years of the
    measures it returns monthly are taken out of the kept rows."""
    rng = np.random.default_rng(seed)
    years = {y.label for y in MONTHLY_YEARS}
    months: list[dict[str, object]] = []
    monthly: set[tuple[object, object]] = set()
    for row in rows:
        if row["area_code"] not in codes or row["numerator"] == "":
            continue
        period = parse_period(row["period"])
        if not period.is_quarter or period.year.label not in years:
            continue
        measure = catalogue.measures[str(row["measure_id"])]
        split = _split(measure, int(str(row["numerator"])), _base(row), rng)
        for month, (n, d) in zip(period.months(), split, strict=True):
            months.append(
                {
                    **{field: row.get(field, "") for field in AGENCY_FIELDS},
                    "period": month.label,
                    "numerator": n,
                    "denominator": d if measure.needs_denominator else "",
                }
            )
        monthly.add((row["area_code"], row["measure_id"]))
    kept = [
        row
        for row in rows
        if not (
            row["area_code"] == MONTHS_ONLY
            and (row["area_code"], row["measure_id"]) in monthly
            and parse_period(row["period"]).year.label in years
        )
    ]
    return kept, months


def _base(row: dict[str, object]) -> int:
    return int(str(row["denominator"])) if row.get("denominator") not in ("", None) else 0


def _split(measure: Measure, numerator: int, base: int, rng) -> list[tuple[int, int]]:
    """Three months whose quarter, made by the rules of ingest.months, is (numerator, base)."""
    if measure.counted == "at-end":
        wander = [round(numerator * float(rng.uniform(0.92, 1.08))) for _ in range(2)]
        if base:
            wander = [min(n, base) for n in wander]
        return [(wander[0], base), (wander[1], base), (numerator, base)]
    shares = rng.dirichlet([30.0, 30.0, 30.0])
    if measure.unit is Unit.PERCENT:
        bases = rng.multinomial(base, shares)
        parts = rng.multivariate_hypergeometric(bases, numerator)
        return [(int(n), int(d)) for n, d in zip(parts, bases, strict=True)]
    parts = rng.multinomial(numerator, shares)
    return [(int(n), base) for n in parts]  # a rate keeps its population; a count has none
