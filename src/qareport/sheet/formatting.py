"""How numbers read on the page: one place, so tables, charts, alt text and narrative agree."""

from __future__ import annotations

import math

from qareport.config.catalogue import Measure, Unit
from qareport.config.markers import NOT_AVAILABLE

__all__ = ["format_change", "format_count", "format_value"]


def format_count(value: float | None) -> str:
    """A published count as the publisher wrote it: whole numbers whole, and decimals (such
    as full-time equivalents, 57.8) kept, never rounded to a whole number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def format_value(
    measure: Measure, value: float | None, marker: str = "", short=False, places: int = 1
) -> str:
    """A measure value as text; a GSS marker where the value is withheld or missing.
    Percentages and rates to one decimal place, or to `places` (0 for a figure published
    in whole numbers: 85, not 85.0)."""
    if marker:
        return marker
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_AVAILABLE
    if measure.unit is Unit.PERCENT:
        return f"{value:.{places}f}%"
    if measure.unit is Unit.RATE:
        text = f"{value:,.{places}f}"
        # an average (per 1: cases per social worker) reads as the number itself
        return text if short or measure.per == 1 else f"{text} per {measure.per:,}"
    return format_count(value)


def format_change(measure: Measure, change: float) -> str:
    """'up 2.3 percentage points', 'down 14', 'no change' (also for a change too small to
    show: never 'up 0.0')."""
    shown = 1 if measure.unit in (Unit.PERCENT, Unit.RATE) else 3
    if abs(change) < 1e-9 or round(abs(change), shown) == 0:
        return "no change"
    direction = "up" if change > 0 else "down"
    size = abs(change)
    if measure.unit is Unit.PERCENT:
        return f"{direction} {size:.1f} percentage points"
    if measure.unit is Unit.RATE:
        return f"{direction} {size:,.1f}" + (f" per {measure.per:,}" if measure.per != 1 else "")
    return f"{direction} {format_count(size)}"
