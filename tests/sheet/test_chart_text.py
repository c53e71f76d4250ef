"""No text drawn over other text: every chart of the demo books, and hand-made hard cases.

`text_overlaps` measures every drawn text of a chart (tick labels, axis labels,
legend, data labels, end labels) with matplotlib's own renderer and names any
two whose boxes overlap, or any that runs off the chart.
"""

from __future__ import annotations

import pytest

from qareport import Project
from qareport.config.catalogue import load_catalogue
from qareport.config.periods import parse_period
from qareport.sheet.build import build_sheet
from qareport.sheet.chart_layout import (
    LEGEND_SPACING,
    legend_width,
    new_figure,
    observe_figures,
    renderer_of,
    spread,
    text_overlaps,
)
from qareport.sheet.charts import TrendSeries, agency_chart, trend_chart

CATALOGUE = load_catalogue(["core"]).measures
PERCENT = CATALOGUE["cp-repeat-plans"]
QUARTERS = [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)]


def _texts(fig) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_visible()]


def _drawn(draw) -> tuple[list, list[str]]:
    """Draw a chart, and return what overlaps and which texts were drawn."""
    seen: dict = {}

    def look(fig, _):
        seen["overlaps"] = text_overlaps(fig)
        seen["texts"] = _texts(fig)

    with observe_figures(look):
        draw()
    return seen["overlaps"], seen["texts"]


def test_close_values_keep_only_the_labels_that_fit_and_always_the_latest():
    values = [87.2, 87.6, 87.4, 87.5, 87.3, 87.6, 87.2, 87.5]
    texts = [f"{v}%" for v in values]
    names = ("Amberleigh (fictitious)", "Statistical neighbours mean", "England")
    series = TrendSeries(QUARTERS, values, texts, [87.0] * 8, [86.9] * 8, *names)
    overlaps, drawn = _drawn(lambda: trend_chart(PERCENT, series, "alt", "close"))
    assert overlaps == []
    assert "87.5%" in drawn  # the latest value is always said
    assert sum(t in texts for t in drawn) < len(values)  # and not all of them fit


def test_many_agencies_ending_on_the_same_value_have_their_end_labels_moved_apart():
    lines = [(f"Agency {n}", [50.0, 51.0, 52.0, 50.0 + n * 0.1]) for n in range(6)]
    overlaps, drawn = _drawn(
        lambda: agency_chart(PERCENT, QUARTERS[:4], lines, alt="alt", chart_id="agencies")
    )
    assert overlaps == []
    assert sum(t.startswith("50.") for t in drawn) == 6  # every end label is still drawn


def test_spread_moves_close_positions_apart_keeping_their_order():
    assert spread([10.0, 10.5, 30.0], gap=4.0) == pytest.approx([8.25, 12.25, 30.0])
    assert spread([5.0, 1.0], gap=1.0) == [5.0, 1.0]  # already apart: unchanged


DEMO_BOOKS = [
    ("brindlemoor", "2025-26"),  # every sheet of the framework, annual: funnels
    ("northmarch-police", "2025-26-Q4"),  # a police force's quarterly book: XmR charts
    ("ashcombe-partnership", "2025-26"),  # a partnership: one line per member agency
    ("amberleigh", "2025-26-Q4"),
    ("northmarch-police", "2025-11"),  # a monthly book: 13 months, SPC over 32
    ("ashcombe-partnership", "2025-11"),  # monthly, by member agency
]


@pytest.mark.slow
@pytest.mark.parametrize(("area", "period"), DEMO_BOOKS)
def test_no_chart_of_a_demo_book_has_overlapping_text(demo_store, area, period):
    project = Project.open(demo_store)
    sections = project.book_sections(project.area(area), parse_period(period))
    found: dict[str, list] = {}
    drawn = []

    def look(fig, chart_id):
        drawn.append(chart_id)
        overlaps = text_overlaps(fig)
        if overlaps:
            found[chart_id] = overlaps

    with observe_figures(look):
        for section in sections:
            build_sheet(demo_store, area, period, section)
    assert len(drawn) >= len(sections)
    assert found == {}


@pytest.mark.parametrize(
    ("labels", "columns"),
    [
        (["Amberleigh (fictitious)", "Statistical neighbours mean", "England"], 3),
        (["Amberleigh (fictitious)", "Statistical neighbours mean", "England"], 2),
        (["Mean", "Process limits", "Target", "Northmarch Police\n(fictitious)"], 2),
        ([f"Agency {n}" for n in range(6)], 3),
    ],
)
def test_the_legend_is_as_wide_as_matplotlib_would_make_it(labels, columns):
    """The legend is drawn as plain artists, laid out from `legend_width`: that width is
    the one matplotlib gives a Legend with the same labels, columns and spacing, so the
    legend keeps matplotlib's shape (a matplotlib that lays legends out otherwise fails
    here, not on paper)."""
    fig, ax = new_figure()
    lines = [ax.plot([0, 1], [n, n], label=label)[0] for n, label in enumerate(labels)]
    legend = fig.legend(lines, labels, ncol=columns, **LEGEND_SPACING)
    renderer = renderer_of(fig)
    assert legend_width(renderer, labels, columns) == pytest.approx(
        legend.get_window_extent(renderer).width, abs=0.5
    )


def test_every_legend_entry_has_its_sample_and_its_label_inside_the_chart():
    names = ("Amberleigh (fictitious)", "Statistical neighbours mean", "England")
    series = TrendSeries(QUARTERS, [50.0] * 8, ["50%"] * 8, [51.0] * 8, [49.0] * 8, *names)
    seen = {}

    def look(fig, _):
        seen["texts"] = [t.get_text().replace("\n", " ") for t in fig.texts]  # wrapped
        seen["samples"] = [(a.get_color(), a.get_linestyle()) for a in fig.artists]
        seen["overlaps"] = text_overlaps(fig)

    with observe_figures(look):
        trend_chart(PERCENT, series, "alt", "legend")
    assert seen["texts"] == list(names)  # one label per line, in the lines' order
    assert [colour for colour, _ in seen["samples"]] == ["#12436D", "#F46A25", "#28A197"]
    assert [style for _, style in seen["samples"]] == ["-", "--", ":"]  # not colour alone
    assert seen["overlaps"] == []
