"""The chart functions, called directly: PNG of the stated size, same bytes for the same data."""

import base64

from qareport.config.catalogue import load_catalogue
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


def _png_size(chart) -> tuple[int, int]:
    png = base64.b64decode(chart.png_base64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_trend_chart_is_a_png_of_its_stated_size_and_the_same_every_time():
    first = trend_chart(MEASURE, SERIES, "alt words", "c1")
    again = trend_chart(MEASURE, SERIES, "alt words", "c1")
    assert _png_size(first) == (first.width_px, first.height_px)
    assert first.png_base64 == again.png_base64
    assert (first.id, first.alt) == ("c1", "alt words")


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
        assert _png_size(chart) == (chart.width_px, chart.height_px)
