"""What every part of the synthetic demo shares: the seed, the years and the levels."""

from __future__ import annotations

import csv
import hashlib
import io

from qareport.config.catalogue import Measure, Polarity, Unit
from qareport.config.periods import Period

__all__ = ["AGENCY_FIELDS", "DEMO_YEARS", "SEED", "csv_text", "generic_level"]

SEED = 20251
# the columns of a returns file whose rows name an agency and a team
AGENCY_FIELDS = [
    "area_code",
    "period",
    "measure_id",
    "agency",
    "team",
    "numerator",
    "denominator",
    "note",
]
DEMO_YEARS = [Period(y) for y in range(2021, 2026)]


def _hashed(measure_id: str, low: float, high: float) -> float:
    """A stable level for a measure without a hand-set one, from its id."""
    digest = int(hashlib.sha256(measure_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return low + (high - low) * digest


def generic_level(measure: Measure) -> tuple[float, float]:
    """(level, yearly drift) for a measure: percent, rate per `per`, or count per 10,000."""
    if measure.unit is Unit.PERCENT:
        level = _hashed(measure.id, 45.0, 85.0)
    elif measure.unit is Unit.RATE:
        level = _hashed(measure.id, 3.0, 30.0) * (measure.per or 10_000) / 100
    else:
        level = _hashed(measure.id, 2.0, 40.0)
    step = {Polarity.HIGHER_BETTER: 1.0, Polarity.LOWER_BETTER: -1.0}.get(measure.polarity, 0.3)
    return level, step * level * 0.012


def csv_text(rows: list[dict[str, object]], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
