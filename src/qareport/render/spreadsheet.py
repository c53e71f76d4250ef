"""The figures behind every chart as a spreadsheet, beside the HTML and PDF.

One row per measure and period, with the same text the sheets show (already
disclosure-controlled, so nothing withheld on the page appears here) and the
same notes, such as a joint return, so the three outputs say the same.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qareport.book.model import Book

__all__ = ["SPREADSHEET_NAME", "write_figures"]

SPREADSHEET_NAME = "report-book-data.xlsx"
HEADER = [
    "Sheet", "Measure id", "Measure", "Type", "Unit", "Period", "Area", "Numerator",
    "Denominator", "Peer mean", "National", "Note",
]  # fmt: skip


def write_figures(book: Book, folder: Path) -> Path:
    """Write `report-book-data.xlsx` into `folder`; returns its path."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Figures"
    sheet.append(HEADER)
    for page in book.sheets:
        data = page.data
        for m in data.measures:
            for p in m.series:
                sheet.append(
                    [data.section_title, m.id, m.title, m.type, m.unit, p.period, p.area,
                     p.numerator, p.denominator, p.peer, p.national, p.note]
                )  # fmt: skip
    sheet.freeze_panes = "A2"
    about = workbook.create_sheet("About")
    for row in (
        ("Book", book.title),
        ("Area", f"{book.area_name} ({book.area_code})"),
        ("Period", book.period_title),
        ("Peer group", book.peer_label),
        ("National", book.national_label),
        ("Disclosure control", book.suppression),
        ("Built", book.built_at),
    ):
        about.append(row)
    stamp = _when(book.built_at)
    workbook.properties.created = workbook.properties.modified = stamp  # same book, same bytes
    path = folder / SPREADSHEET_NAME
    workbook.save(path)
    return path


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)
