"""Which charts a measure gets, and the one function that draws each kind.

`chart_kinds` is the only place that decides; each kind's drawing function is
registered with `@draws(kind)`. The renderers lay out whatever `MeasureView.charts`
holds, in order, two to a row, so a new kind is a `ChartKind` member, one registered
function and a line in `chart_kinds`: nothing in `render/` changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qareport.config.catalogue import Measure
from qareport.config.periods import Period
from qareport.sheet.charts import (
    SPCOverlay,
    TrendSeries,
    agency_chart,
    funnel_chart,
    spc_chart,
    trend_chart,
)
from qareport.sheet.context import SheetContext
from qareport.sheet.model import Chart, ChartKind, MeasureView
from qareport.sheet.variation import Funnel, Spc
from qareport.sheet.wording import agency_alt, funnel_alt, spc_alt, trend_alt

__all__ = ["MeasureFigures", "chart_kinds", "draw_charts", "draws"]


@dataclass(frozen=True)
class MeasureFigures:
    """What a measure's charts are drawn from: its view (figures and words, no charts yet),
    the trend on show, and its SPC or funnel where it has one."""

    measure: Measure
    context: SheetContext
    periods: list[Period]
    view: MeasureView
    trend: TrendSeries
    spc: Spc | None = None
    funnel: Funnel | None = None

    @property
    def chart_id(self) -> str:
        return self.context.chart_id(self.measure)

    @property
    def agencies_drawn(self) -> int:
        """Member agencies with a value to draw."""
        return sum(any(v is not None for v in line.values) for line in self.view.agencies)


Drawer = Callable[[MeasureFigures], Chart]
_DRAWERS: dict[ChartKind, Drawer] = {}


def draws(kind: ChartKind) -> Callable[[Drawer], Drawer]:
    """Register the function that draws charts of `kind`."""

    def register(drawer: Drawer) -> Drawer:
        _DRAWERS[kind] = drawer
        return drawer

    return register


def chart_kinds(figures: MeasureFigures) -> list[ChartKind]:
    """The charts a measure gets, in the order they are laid out: its trend (one line per
    member agency where two or more agencies have figures), then its SPC chart (quarterly
    and monthly books) or its funnel plot (annual books)."""
    if not figures.context.draw:
        return []
    has_data = figures.view.has_data
    kinds = []
    if figures.agencies_drawn >= 2:
        kinds.append(ChartKind.AGENCIES)
    elif has_data:
        kinds.append(ChartKind.TREND)
    if has_data and figures.spc:
        kinds.append(ChartKind.SPC)
    elif has_data and figures.funnel:
        kinds.append(ChartKind.FUNNEL)
    return kinds


def draw_charts(figures: MeasureFigures) -> list[Chart]:
    """Every chart the measure gets, each drawn by its kind's registered function."""
    return [_DRAWERS[kind](figures) for kind in chart_kinds(figures)]


@draws(ChartKind.TREND)
def _trend(figures: MeasureFigures) -> Chart:
    compared = figures.context.comparators
    alt = trend_alt(
        figures.measure,
        figures.view,
        area=figures.context.area.name,
        peer_label=compared.peer_label,
        national_label=compared.national_label,
        periods=figures.periods,
    )
    return trend_chart(figures.measure, figures.trend, alt, figures.chart_id)


@draws(ChartKind.AGENCIES)
def _agencies(figures: MeasureFigures) -> Chart:
    lines = figures.view.agencies
    latest = "; ".join(f"{line.name} {line.latest}" for line in lines)
    area = figures.context.area.name
    return agency_chart(
        figures.measure,
        [p.label for p in figures.periods],
        [(line.name, line.values) for line in lines],
        alt=agency_alt(figures.measure, area, figures.periods, latest),
        chart_id=figures.chart_id,
    )


@draws(ChartKind.SPC)
def _spc(figures: MeasureFigures) -> Chart:
    """The XmR chart of every quarter (or month) with a value, limits broken at a change
    point."""
    spc = figures.spc
    assert spc is not None  # chart_kinds gives SPC only to a measure with SPC
    area = figures.context.area.name
    kept = TrendSeries(
        labels=spc.labels,
        area=list(spc.values),
        area_text=spc.texts,
        peer=[],
        national=[],
        area_name=area,
        peer_label="",
        national_label="",
    )
    chart = spc.chart
    alt = spc_alt(figures.measure, area, chart, spc.labels, spc.variation)
    overlay = SPCOverlay(chart.mean, chart.lower, chart.upper, chart.special, spc.target)
    return spc_chart(figures.measure, kept, overlay, alt=alt, chart_id=f"{figures.chart_id}-spc")


@draws(ChartKind.FUNNEL)
def _funnel(figures: MeasureFigures) -> Chart:
    funnel = figures.funnel
    assert funnel is not None  # chart_kinds gives a funnel only to a measure with one
    period = figures.periods[-1].label
    alt = funnel_alt(figures.measure, period, len(funnel.others) + 1, funnel.sentence)
    return funnel_chart(
        figures.measure,
        funnel.others,
        funnel.mine,
        funnel.limits,
        area_name=figures.context.area.name,
        alt=alt,
        chart_id=f"{figures.chart_id}-funnel",
    )
