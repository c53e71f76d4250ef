"""The data a sheet shows, as plain models that travel from the notebook to the renderers.

The section notebook computes a `SheetData` and displays it as JSON (mimetype
`SHEET_MIMETYPE`); the HTML and PDF renderers read it back from the executed
notebook. Everything in it is already suppressed and formatted, so no renderer
can show a number the disclosure rules withheld.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from qareport.config.catalogue import MeasureType, Polarity, Source, Unit
from qareport.config.models import StrictModel

# A chart's printed size: half of a measure's cell on the A3 sheet (two charts side by
# side), so the PDF prints each chart at 100% and its 7 pt text stays 7 pt. Here, not in
# chart_layout, so the renderers can lay out pages without importing matplotlib.
WIDTH_IN, HEIGHT_IN = 2.65, 1.75

__all__ = [
    "SHEET_MIMETYPE",
    "AgencyLine",
    "Chart",
    "ChartKind",
    "FurtherItem",
    "Limits",
    "MeasureView",
    "Point",
    "SheetData",
    "TeamRow",
]

SHEET_MIMETYPE = "application/vnd.qareport.sheet+json"


class Point(StrictModel):
    """One period of a measure: the area's value and its comparators, as display text."""

    period: str
    area: str
    peer: str = ""
    national: str = ""
    numerator: str = ""
    denominator: str = ""
    note: str = ""  # e.g. "joint return with West Northamptonshire"
    region: str = ""  # the regional comparator, where the book has one


class ChartKind(StrEnum):
    """What a chart shows; `sheet.chart_kinds` decides which a measure gets and draws each."""

    TREND = "trend"
    AGENCIES = "agencies"
    SPC = "spc"
    FUNNEL = "funnel"

    @property
    def label(self) -> str:
        """The words above the chart on the page."""
        return _CHART_LABELS[self]


_CHART_LABELS = {
    ChartKind.TREND: "Trend",
    ChartKind.AGENCIES: "By member agency",
    ChartKind.SPC: "SPC chart",
    ChartKind.FUNNEL: "Funnel plot",
}


class Chart(StrictModel):
    """A chart (an SVG drawing) with the text alternative that must accompany it everywhere."""

    id: str
    kind: ChartKind
    svg: str
    alt: str
    width_px: int
    height_px: int


class AgencyLine(StrictModel):
    """One member agency's figures for a measure, aligned with the measure's periods."""

    agency: str
    name: str
    latest: str
    missing: bool  # expected to return the measure, and made no return for the latest period
    series: list[str]
    values: list[float | None] = Field(default_factory=list)


class TeamRow(StrictModel):
    """A team's or locality's figure for the period, and where it lies against the limits."""

    team: str
    value: str
    base: str
    position: str


class GroupCell(StrictModel):
    """One group's figure for the period (a count, or a share with its base)."""

    group: str
    value: str
    base: str


class GroupRow(StrictModel):
    """One breakdown ("Gender", "Age band") of a measure's figure for the period."""

    by: str
    cells: list[GroupCell]


class Limits(StrictModel):
    """One SPC point's process mean and limits (for the spreadsheet beside the book)."""

    period: str
    value: float
    lower: float
    mean: float
    upper: float
    special: bool


class MeasureView(StrictModel):
    id: str
    title: str
    type: MeasureType
    source: Source
    source_label: str
    unit: Unit
    polarity: Polarity
    latest_period: str
    latest: str
    numerator: str
    denominator: str
    peer: str
    national: str
    rank: str
    region: str = ""  # "<region> mean <value>"
    region_label: str = ""  # what the data table's regional column is called, if it has one
    change: str
    judgement: str
    frequency: str
    has_data: bool
    series: list[Point]
    interval: str = ""  # Wilson 95% interval and sample size, for audits and surveys
    low_base: bool = False
    spc: str = ""  # variation and assurance in words, for quarterly measures
    variation: str = ""  # Making Data Count variation icon code (stats.VARIATION_CODES, few)
    assurance: str = ""  # Making Data Count assurance icon code (stats.ASSURANCE_CODES, few)
    funnel_position: str = ""  # annual: within | beyond 95% | beyond 99.8%
    quartile: str = ""  # A (best quarter of all areas) to D, by polarity; "" if none
    spark: list[float | None] = Field(default_factory=list)  # the values on show, in order
    limits: list[Limits] = Field(default_factory=list)  # SPC over the whole series
    funnel: str = ""  # where the area lies against all areas' funnel limits, in words
    joint: str = ""  # which periods' figures are a joint return with another area, in words
    notes: str = ""  # the notes the returns on show carry, by period, in words
    derived: str = ""  # which periods' figures were made from monthly returns, and how
    yearly_national: str = ""  # a year's national figure beside a month's or quarter's, said
    # in the order they are laid out: the trend (or by member agency), then the SPC chart
    # (quarterly, monthly) or the funnel plot (annual); none without data
    charts: list[Chart] = Field(default_factory=list)
    # partnership books: each member agency's figures
    agencies: list[AgencyLine] = Field(default_factory=list)
    # quarterly and monthly editions: variation between teams or localities
    teams: list[TeamRow] = Field(default_factory=list)
    team_summary: str = ""
    # the period's figure by age band, gender, ethnicity, disability, where returns give it
    groups: list[GroupRow] = Field(default_factory=list)

    def chart(self, kind: ChartKind) -> Chart | None:
        """The measure's chart of that kind, if it has one."""
        return next((c for c in self.charts if c.kind is kind), None)


class FurtherItem(StrictModel):
    """One output of an analyst's own cell (tagged `book`): a figure, a table or text."""

    kind: str  # figure | table | text
    svg: str = ""
    alt: str = ""
    caption: str = ""
    columns: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    markdown: str = ""
    source: str = ""  # "<notebook>, cell N": where it came from


class SheetData(StrictModel):
    area_id: str
    area_name: str
    area_code: str
    period: str
    period_title: str
    section_id: str
    section_title: str
    group: str
    why: str
    good_outcome: list[str]
    good_quality: list[str]
    questions: list[str]
    # (source label, how information of that kind is gathered)
    methods: list[tuple[str, str]] = Field(default_factory=list)
    peer_label: str
    national_label: str
    synthetic: bool
    suppression: str
    measures: list[MeasureView]
    data_digest: str
    further: list[FurtherItem] = Field(default_factory=list)  # the analyst's own outputs
