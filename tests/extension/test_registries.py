"""The three extension points, exercised in-process: outputs and importers found through
their entry-point groups, chart kinds decided in one place and laid out however many a
measure has, and views changed only through a replace that checks what it is given."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest

from helpers import assembled_book
from qareport.errors import ParameterError, RenderError
from qareport.importers import registry
from qareport.render import outputs
from qareport.render.html import render_html
from qareport.render.typst_pdf import typst_source, write_chart_images
from qareport.sheet.build import build_sheet
from qareport.sheet.model import ChartKind, MeasureView


def test_the_entry_point_groups_list_the_built_in_outputs_and_importers():
    assert {"html", "spreadsheet", "typst", "quarto"} <= {
        p.name for p in entry_points(group=outputs.ENTRY_POINTS)
    }
    assert {"dfe-ees", "police-outcomes", "la-areas"} <= {
        p.name for p in entry_points(group=registry.ENTRY_POINTS)
    }
    assert outputs.names("pdf") == ["quarto", "typst"]
    assert set(registry.available()) >= {"dfe-ees", "police-outcomes", "la-areas"}


def test_a_build_writes_every_always_output_and_one_pdf_engine():
    chosen = [o.name for o in outputs.choose("typst")]
    assert chosen == ["html", "spreadsheet", "typst"]
    with pytest.raises(ParameterError, match="not a PDF engine"):
        outputs.choose("html")
    with pytest.raises(ParameterError, match="unknown output 'docx'"):
        outputs.choose("typst", ["docx"])
    with pytest.raises(ParameterError, match="written by every build already"):
        outputs.choose("typst", ["spreadsheet"])


def test_an_output_this_machine_cannot_write_is_refused_in_one_line(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RenderError, match="needs `quarto` on PATH"):
        outputs.choose("quarto")


def test_a_view_is_changed_only_through_a_replace_that_checks_names_and_types(demo_store):
    sheet = build_sheet(demo_store, "amberleigh", "2025-26", "front-door", charts=False)
    view = sheet.measures[0]
    assert view.replace(latest="12.0%").latest == "12.0%"
    with pytest.raises(TypeError, match="no field 'chart_knd'"):
        view.replace(chart_knd="Trend")
    with pytest.raises(ValueError, match="valid string"):
        view.replace(latest=3)
    with pytest.raises(ValueError, match="unit"):
        view.replace(unit="furlongs")
    assert view.unit.value in ("count", "percent", "rate")  # an enum all the way through


@pytest.mark.parametrize(
    ("area", "period", "kinds"),
    [
        ("amberleigh", "2025-26", [ChartKind.TREND, ChartKind.FUNNEL]),
        ("amberleigh", "2025-26-Q4", [ChartKind.TREND, ChartKind.SPC]),
        ("ashcombe-partnership", "2025-26", [ChartKind.AGENCIES, ChartKind.FUNNEL]),
    ],
)
def test_one_function_decides_a_measures_charts_by_kind(demo_store, area, period, kinds):
    book = assembled_book(demo_store, area, period)
    got = [[c.kind for c in m.charts] for p in book.sheets for m in p.data.measures]
    assert kinds in got
    assert all(len(c) == len(set(c)) for c in got)  # never the same kind twice


def test_three_charts_are_laid_out_by_both_renderers(demo_store, tmp_path):
    """A measure with a third chart (a kind added later) gets it in the HTML, in the PDF's
    source with an image of its own, and a second row of charts on the A3 sheet."""
    book = assembled_book(demo_store, "amberleigh", "2025-26")
    page = book.sheets[0]
    m = next(m for m in page.data.measures if len(m.charts) == 2)
    third = m.charts[0].replace(id=f"{m.charts[0].id}-third", kind=ChartKind.TREND)
    wide = m.replace(charts=[*m.charts, third])
    measures = [wide if x.id == m.id else x for x in page.data.measures]
    data = page.data.replace(measures=measures)
    from dataclasses import replace

    book = replace(book, sheets=[replace(page, data=data), *book.sheets[1:]])
    html = render_html(book)
    figure = html[html.index(f'id="{page.anchor}-{m.id}"') :]
    figure = figure[: figure.index("</figure>")]
    assert len(re.findall(r'<div class="chart( extra-chart)?">', figure)) == 3
    images = write_chart_images(book, tmp_path)
    assert third.id in images and images[third.id].is_file()
    source = typst_source(book, images)
    assert images[third.id].name in source
    # on the A3 sheet, two charts a row at their printed size: the third starts a second row
    cells = source.split("grid.cell(breakable: false)")
    cell = next(c for c in cells if images[third.id].name in c)
    cell = cell[: cell.index("#block(above: 3pt")]
    assert cell.count("image(") == 3 and cell.rstrip().endswith("[])")


def test_a_view_with_no_charts_says_no_data_in_both_renderers(demo_store, tmp_path):
    book = assembled_book(demo_store, "amberleigh", "2025-26")
    page = book.sheets[0]
    bare = [m.replace(charts=[]) for m in page.data.measures]
    from dataclasses import replace

    book = replace(book, sheets=[replace(page, data=page.data.replace(measures=bare))])
    assert render_html(book).count("No data yet for this measure") == len(bare)
    images = write_chart_images(book, tmp_path)
    assert typst_source(book, images).count("No data yet for this measure") == len(bare)


def test_measure_view_fields_are_typed_enums():
    fields = MeasureView.model_fields
    assert {fields[n].annotation.__name__ for n in ("unit", "polarity", "type", "source")} == {
        "Unit",
        "Polarity",
        "MeasureType",
        "Source",
    }
