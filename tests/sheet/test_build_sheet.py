"""build_sheet run in-process (no kernel): figures equal the extract's, charts carry alt text."""

from xml.etree import ElementTree

import pandas as pd
import pytest

from helpers import REPO
from qareport import Project
from qareport.config.markers import SUPPRESSED
from qareport.config.periods import parse_period
from qareport.sheet.build import build_sheet
from qareport.sheet.chart_layout import WIDTH_IN
from qareport.sheet.model import ChartKind, SheetData

RETURNS = REPO / "data" / "demo" / "measure-returns.csv"


@pytest.fixture(scope="module")
def front_door(demo_store) -> SheetData:
    return build_sheet(demo_store, "amberleigh", "2025-26", "front-door")


def _extract() -> pd.DataFrame:
    return pd.read_csv(RETURNS, dtype={"area_code": str, "period": str})


def test_every_measure_of_the_content_area_is_on_the_sheet(front_door, demo_store):
    catalogue = Project.open(demo_store).catalogue
    assert front_door.section_title == catalogue.area("front-door").title
    assert [m.id for m in front_door.measures] == catalogue.area("front-door").measures


def test_percentages_equal_the_extracts_numerator_over_denominator(front_door, demo_store):
    project = Project.open(demo_store)
    code = project.area("amberleigh").code
    rows = _extract()
    checked = 0
    for m in front_door.measures:
        if m.unit != "percent":
            continue
        for point in m.series:
            row = rows[(rows.area_code == code) & (rows.measure_id == m.id)]
            row = row[row.period == point.period]
            if row.empty or point.area.startswith("["):
                continue
            expected = float(row.numerator.iloc[0]) / float(row.denominator.iloc[0]) * 100
            assert point.area == f"{expected:.1f}%"
            checked += 1
    assert checked >= 5


def test_peer_mean_is_the_simple_mean_of_the_peers_values(front_door, demo_store):
    project = Project.open(demo_store)
    area = project.area("amberleigh")
    m = next(v for v in front_door.measures if v.unit == "percent" and v.peer)
    rows = _extract()
    rows = rows[(rows.measure_id == m.id) & (rows.period == m.latest_period)]
    peers = rows[rows.area_code.isin(area.peer_group)]
    expected = (peers.numerator / peers.denominator * 100).mean()
    assert m.peer == f"{expected:.1f}%"


def test_charts_are_vector_drawings_of_the_printed_size_with_alt_text_naming_the_area(front_door):
    charted = [m for m in front_door.measures if m.charts]
    assert charted
    for m in charted:
        for chart in m.charts:
            root = ElementTree.fromstring(chart.svg)
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            assert root.get("width") == f"{WIDTH_IN * 72:g}pt"
            assert "<image" not in chart.svg and "data:image" not in chart.svg  # no raster
            assert any(t.text for t in root.iter("{http://www.w3.org/2000/svg}text"))  # text
        main = m.charts[0]
        assert main.kind is ChartKind.TREND
        assert "Amberleigh" in main.alt and m.latest in main.alt


def test_annual_percentages_get_a_funnel_plot_and_its_sentence(front_door):
    funnels = [m for m in front_door.measures if m.funnel]
    assert funnels
    for m in funnels:
        assert m.funnel.startswith("Against all ") and "limits" in m.funnel
        funnel = m.chart(ChartKind.FUNNEL)
        assert funnel is not None and funnel.kind.label == "Funnel plot"
        assert [c.kind for c in m.charts] == [ChartKind.TREND, ChartKind.FUNNEL]
        assert m.funnel in funnel.alt


def test_without_charts_nothing_is_drawn_but_every_figure_is_there(demo_store, front_door):
    bare = build_sheet(demo_store, "amberleigh", "2025-26", "front-door", charts=False)
    assert all(not m.charts for m in bare.measures)
    assert [m.latest for m in bare.measures] == [m.latest for m in front_door.measures]


def test_a_quarterly_partnership_sheet_has_spc_agencies_and_teams(demo_store):
    from qareport.demo.partnership import PARTNERSHIP_ID

    project = Project.open(demo_store)
    area = project.area(PARTNERSHIP_ID)
    sheets = [
        build_sheet(demo_store, PARTNERSHIP_ID, "2025-26-Q4", s, charts=False)
        for s in project.book_sections(area, parse_period("2025-26-Q4"))
    ]
    measures = [m for s in sheets for m in s.measures]
    assert {m.id for m in measures} <= set(area.priority_measures)
    assert any(m.spc.startswith("SPC over ") for m in measures)
    assert any(m.agencies for m in measures)
    teams = [m for m in measures if m.teams]
    assert teams and all(t.position for m in teams for t in m.teams if t.value[0].isdigit())


def test_small_counts_are_withheld_on_the_sheet(demo_store):
    project = Project.open(demo_store)
    area = project.area("larkhaven")  # the smallest demo area: its quarters have small counts
    sheets = [
        build_sheet(demo_store, area.id, "2025-26-Q4", s, charts=False) for s in area.sections
    ]
    counts = [p.area for s in sheets for m in s.measures if m.unit == "count" for p in m.series]
    assert SUPPRESSED in counts
    shown = [float(c.replace(",", "")) for c in counts if c[0].isdigit()]
    assert shown and not [c for c in shown if 1 <= c < 5]
