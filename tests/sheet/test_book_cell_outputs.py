"""What an analyst's `book` cell shows reaches the sheet, or the build stops naming the
cell: a chart, a table or printed text the sheet cannot take is never dropped unseen; alt
text must say what a figure shows."""

from __future__ import annotations

import pytest

from qareport.errors import ParameterError, RenderError
from qareport.sheet import further
from qareport.sheet.payload import further_items


def _cell(*outputs: dict, tags=("book",)) -> dict:
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "outputs": list(outputs)}


IMAGE = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}
FRAME = {"output_type": "execute_result",
         "data": {"text/html": "<table></table>", "text/plain": "   a\n0  1"}}  # fmt: skip
PRINTED = {"output_type": "stream", "name": "stdout", "text": "42 referrals\n"}
VALUE = {"output_type": "execute_result", "data": {"text/plain": "42"}}


@pytest.mark.parametrize(
    "output, said",
    [
        (IMAGE, "shows a chart that is not on the sheet"),
        (FRAME, "shows a table: put it on the sheet with sheet.table"),
        (PRINTED, "prints text"),
        (VALUE, "shows a value (42)"),
    ],
)
def test_what_a_book_cell_shows_off_the_sheet_stops_the_build_naming_the_cell(output, said):
    with pytest.raises(RenderError) as caught:
        further_items([_cell(), _cell(output)], "front-door.ipynb")
    assert "front-door.ipynb, cell 2 (tagged book)" in str(caught.value)
    assert said in str(caught.value)


@pytest.mark.parametrize(
    "quiet",
    [
        {"output_type": "stream", "name": "stderr", "text": "UserWarning: non-interactive\n"},
        {"output_type": "execute_result", "data": {"text/plain": "<BarContainer object of 3>"}},
        {"output_type": "execute_result", "data": {"text/plain": "(<Figure>, <Axes: >)"}},
    ],
)
def test_warnings_and_matplotlib_object_names_show_nothing_and_are_let_be(quiet):
    assert further_items([_cell(quiet)], "front-door.ipynb") == []


def test_cells_not_tagged_book_may_show_anything():
    assert further_items([_cell(IMAGE, FRAME, PRINTED, tags=())], "front-door.ipynb") == []


@pytest.mark.parametrize("alt", ["", "chart", "Bar chart", "figure 1", "a bar chart"])
def test_alt_text_that_says_nothing_is_refused(alt):
    assert not further._says_something(alt)


def test_alt_text_that_says_what_the_figure_shows_is_taken():
    assert further._says_something("Referrals by locality, 2025-26")
    assert further._says_something("Bar chart of referrals by locality")


def test_sheet_figure_refuses_one_word_alt_text():
    with pytest.raises(ParameterError, match="says what the figure shows"):
        further.figure(object(), alt="chart")
