"""The chart functions, called directly: SVG of the printed size, same bytes for the same data,
and no two texts of a chart drawn over each other."""

import re
from xml.etree import ElementTree

import pytest

from qareport.config.catalogue import load_catalogue
from qareport.sheet.chart_layout import HEIGHT_IN, WIDTH_IN
from qareport.sheet.charts import (
    SPCOverlay,
    TrendSeries,
    agency_chart,
    funnel_chart,
    spc_chart,
    trend_chart,
)
from qareport.sheet.stats import funnel_limits, xmr

MEASURE = load_catalogue(["core"]).measures["cp-repeat-plans"]
SERIES = TrendSeries(
    labels=["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"],
    area=[20.0, 22.5, None, 18.0, 19.5],
    area_text=["20.0%", "22.5%", "[c]", "18.0%", "19.5%"],
    peer=[21.0, 21.5, 22.0, 21.0, 20.0],
    national=[22.0, 22.0, 21.5, 21.0, 21.0],
    area_name="Amberleigh",
    peer_label="Peer group mean",
    national_label="England",
)


def _svg_size(chart) -> tuple[str, str]:
    root = ElementTree.fromstring(chart.svg)
    assert "<image" not in chart.svg  # a vector drawing, no embedded raster
    return root.get("width"), root.get("height")


def test_a_trend_chart_is_an_svg_of_its_printed_size_and_the_same_every_time():
    first = trend_chart(MEASURE, SERIES, "alt words", "c1")
    again = trend_chart(MEASURE, SERIES, "alt words", "c1")
    assert _svg_size(first) == (f"{WIDTH_IN * 72:g}pt", f"{HEIGHT_IN * 72:g}pt")
    assert (first.width_px, first.height_px) == (round(WIDTH_IN * 96), round(HEIGHT_IN * 96))
    assert first.svg == again.svg
    assert (first.id, first.alt) == ("c1", "alt words")
    # every id is the chart's own, so many charts can share one HTML page
    ids = re.findall(r'id="([^"]+)"', first.svg)
    assert ids and all(i.startswith("c1-") for i in ids)


def test_spc_funnel_and_agency_charts_draw_with_their_alt_text():
    values = [20.0, 22.0, 21.0, 23.0, 35.0, 22.0, 21.0]
    chart = xmr(values)
    kept = TrendSeries([str(i) for i in range(7)], list(values), [f"{v}%" for v in values],
                       [], [], "Amberleigh", "", "")  # fmt: skip
    overlay = SPCOverlay(chart.mean, chart.lower, chart.upper, chart.special)
    drawn = [
        spc_chart(MEASURE, kept, overlay, alt="spc", chart_id="s"),
        funnel_chart(
            MEASURE,
            [(40.0, 20.0), (80.0, 25.0), (160.0, 22.0)],
            (100.0, 30.0),
            funnel_limits([8, 20, 35], [40, 80, 160], [30, 60, 120, 200]),
            area_name="Amberleigh",
            alt="funnel",
            chart_id="f",
        ),
        agency_chart(
            MEASURE,
            SERIES.labels,
            [
                ("Police", [20.0, 21.0, 22.0, None, 23.0]),
                ("Health", [30.0, 29.0, 28.0, 27.0, 26.0]),
            ],
            alt="agencies",
            chart_id="a",
        ),
    ]
    for chart, alt in zip(drawn, ("spc", "funnel", "agencies"), strict=True):
        assert chart.alt == alt
        assert _svg_size(chart) == (f"{WIDTH_IN * 72:g}pt", f"{HEIGHT_IN * 72:g}pt")


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [
        ([60, 66, 72, 78, 84, 90], [60, 72, 84, 96]),  # even: one more step above, then halved
        ([70, 76, 82, 88, 94, 100], [64, 76, 88, 100]),  # a percentage at 100%: one below
        ([0, 20, 40, 60, 80, 100], [0, 50, 100]),  # 0% to 100%: halves
        ([0, 2, 4, 6, 8], [0, 4, 8]),  # odd: every other, the same ends
    ],
)
def test_too_many_y_ticks_are_thinned_to_every_other_keeping_an_even_step(ticks, expected):
    """An SPC chart's y axis had six labels at 6-point steps, touching each other."""
    from qareport.sheet.charts import _every_other

    percent = load_catalogue(["core"]).measures["assessments-timely"]
    assert _every_other([float(t) for t in ticks], percent) == expected
