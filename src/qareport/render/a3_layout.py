"""Which measures go on which A3 page of a sheet, so text is never shrunk to fit.

A sheet's first page holds the narrative column and a measures panel two
measures wide; measures that do not fit continue on further pages, under the
same header, in a panel of the same width (so every chart prints at the same size
on every page: never stretched, and its 7 pt text never shrinks). Typst cannot say in
advance how tall a measure will be, so its height is estimated from what it holds (two charts of
fixed printed size, its caption's length, its teams table); the estimate errs
tall, so a page is never overfilled and split mid-measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qareport.render.captions import Caption
from qareport.sheet.model import HEIGHT_IN, WIDTH_IN, MeasureView

__all__ = [
    "CHARTS_PER_ROW",
    "FIRST_COLUMNS",
    "estimate_mm",
    "measure_pages",
]

FIRST_COLUMNS = 2  # measures side by side in a sheet's measures panel, on every page
CHARTS_PER_ROW = 2  # a measure's charts side by side, each half the cell's width
# The height a measures panel may fill on an A3-landscape page: 297 mm less margins,
# the sheet's header, the panel's title and insets, and the suppression note.
BUDGET_MM = 240.0
CELL_MM = 136.0  # a measure cell, on a sheet's first page and its continuation pages
_LINE_MM = 7.5 * 1.32 * 25.4 / 72  # a 7.5 pt caption line with its leading
_CHAR_MM = 7.5 * 0.56 * 25.4 / 72  # an average DejaVu Sans character at 7.5 pt


def _lines(text: str, width_mm: float) -> int:
    return max(1, math.ceil(len(text) * _CHAR_MM / width_mm))


def estimate_mm(m: MeasureView, caption: Caption, cell_mm: float = CELL_MM) -> float:
    """How tall one measure's cell is on paper, generously, in a cell `cell_mm` wide."""
    # each row of charts printed to the half cell's width; a measure without data has one
    # row's space for its "No data yet"
    rows = max(1, math.ceil(len(m.charts) / CHARTS_PER_ROW))
    chart_mm = rows * ((cell_mm / CHARTS_PER_ROW) * HEIGHT_IN / WIDTH_IN + 4.0)
    lines = _lines(caption.title, cell_mm * 0.85) + 1  # bold title; type and source
    lines += sum(_lines(line.text, cell_mm) for line in caption.lines)
    lines += 2 if caption.icons else 0  # the icons' line: 9 pt icons beside 7.5 pt words
    teams = (len(m.teams) + 3) * 4.0 if m.teams else 0.0
    return chart_mm + lines * _LINE_MM + teams + 5.0


def measure_pages(
    first: Sequence[float], more: Sequence[float] | None = None, budget: float = BUDGET_MM
) -> list[list[int]]:
    """Indexes of the measures on each page, in order, in rows of two: each page's rows (as
    tall as their tallest cell: `first` on the first page, `more` on continuation pages)
    within the budget. A measure taller than a page still gets a page of its own."""
    more = first if more is None else more  # continuation pages' cells, if sized otherwise
    pages: list[list[int]] = []
    index = 0
    while index < len(first):
        heights, columns = (more if pages else first), FIRST_COLUMNS
        page: list[int] = []
        used = 0.0
        while index < len(heights):
            row = list(range(index, min(index + columns, len(heights))))
            tall = max(heights[i] for i in row)
            if page and used + tall > budget:
                break
            page += row
            used += tall
            index = row[-1] + 1
        pages.append(page)
    return pages
