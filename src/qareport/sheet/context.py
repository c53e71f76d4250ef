"""What every measure of a sheet is computed against, gathered once per sheet.

`build_sheet` works out the area, the period, the trend windows, who the area
is compared with and the settings, and hands this one frozen record to the
per-measure code instead of a long list of loose values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from qareport.config.catalogue import Measure
from qareport.config.parameters import AreaParameters, Suppression
from qareport.config.periods import Period, period_kind

__all__ = ["Comparators", "Published", "SPCSettings", "SheetContext", "SheetFrames"]


@dataclass(frozen=True)
class Published:
    """Published comparator rows (national, regional), used as published, not recomputed."""

    values: pd.DataFrame | None = None
    national_code: str | None = None
    region_code: str | None = None

    def value(self, code: str | None, measure_id: str, period: str, fallback: float) -> float:
        """The published figure for `code`, or `fallback` where there is no such row."""
        return self._cell(code, measure_id, period, "value", fallback)

    def places(self, code: str | None, measure_id: str, period: str) -> float:
        """The decimal places the publisher gave the figure (NaN: the usual one)."""
        return self._cell(code, measure_id, period, "places", math.nan)

    def latest_year(self, code: str | None, measure_id: str, period: Period) -> tuple[float, str]:
        """The published figure of the latest year at or before `period`'s year, and that
        year: the comparator a month's or quarter's local figure has where the publisher
        gives only years; (NaN, "") where it gives none."""
        if self.values is None or not code or not len(self.values):
            return math.nan, ""
        v = self.values
        rows = v[(v["area_code"] == code) & (v["measure_id"] == measure_id)]
        years = sorted(
            (
                p
                for p in rows["period"].unique()
                if period_kind(p) == "year" and p <= period.year.label
            ),
            reverse=True,
        )
        if not years:
            return math.nan, ""
        value = float(rows[rows["period"] == years[0]]["value"].iloc[0])
        return (value, years[0]) if not math.isnan(value) else (math.nan, "")

    def _cell(
        self, code: str | None, measure_id: str, period: str, column: str, fallback: float
    ) -> float:
        if self.values is None or not code or not len(self.values) or column not in self.values:
            return fallback
        v = self.values
        row = v[
            (v["area_code"] == code) & (v["measure_id"] == measure_id) & (v["period"] == period)
        ]
        if not len(row):
            return fallback
        return float(row[column].iloc[0])  # NaN when the publisher withheld it


@dataclass(frozen=True)
class Comparators:
    """Who an area is compared with, and what each comparator is called on the page."""

    peers: tuple[str, ...]
    peer_label: str
    national_label: str
    region_label: str = ""
    region_codes: tuple[str, ...] = ()
    region_published: bool = False  # the region's own published figure, not a mean of areas
    published: Published = field(default_factory=Published)


@dataclass(frozen=True)
class SPCSettings:
    """An area's target for a measure, and the period from which its limits are recalculated."""

    target: float | None = None
    change_point: str | None = None
    baseline: int = 12  # the measure's fix_after_n_points


@dataclass(frozen=True)
class SheetFrames:
    """Every area's figures for the sheet's measures: `values` after disclosure control
    (what may be shown), `raw` before it (the returns each area's figure is made of, what
    pooled national figures are made from)."""

    values: pd.DataFrame
    raw: pd.DataFrame
    # the area's own values for every quarter up to the period (after disclosure control):
    # SPC runs over the whole series, not only the quarters on show
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the area's returns that only break its figure down (breakdown groups, and teams
    # where the whole is given itself): never pooled into a figure
    parts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def of(self, measure_id: str) -> SheetFrames:
        """One measure's rows: every later filter then works on a frame a few times smaller."""
        history, parts = self.history, self.parts
        return SheetFrames(
            values=self.values[self.values["measure_id"] == measure_id],
            raw=self.raw[self.raw["measure_id"] == measure_id],
            history=history[history["measure_id"] == measure_id] if len(history) else history,
            parts=parts[parts["measure_id"] == measure_id] if len(parts) else parts,
        )


@dataclass(frozen=True)
class SheetContext:
    """One sheet's area, period, trend windows, comparators and settings."""

    area: AreaParameters
    period: Period
    window: tuple[Period, ...]  # the trend on show: years, or quarters on a quarterly book
    annual_window: tuple[Period, ...]  # the years on show for a measure returned only yearly
    comparators: Comparators
    suppression: Suppression
    low_base: int = 30
    draw: bool = True
    # (measure id, period) -> "joint return with ...", where the area's figure is joint
    joint_notes: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def chart_id(self, measure: Measure) -> str:
        return f"{self.area.id}-{self.period.label}-{measure.id}"

    def spc_settings(self, measure: Measure) -> SPCSettings:
        return SPCSettings(
            self.area.targets.get(measure.id),
            self.area.spc_change_points.get(measure.id),
            measure.fix_after_n_points,
        )
