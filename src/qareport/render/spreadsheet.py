"""The figures behind the book as an accessible spreadsheet, beside the HTML and PDF.

Laid out as the Analysis Function's guidance on releasing statistics in
spreadsheets asks: sheets named Cover, Contents and Notes, then one table per
sheet of the book; each table's title in cell A1, a line of context under it,
then one header row and the data; no merged cells, no blank rows inside a
table, no colour carrying meaning; numbers stored as numbers, and a marker
([c], [x], [z]) stored as text in place of a number, explained on the Notes
sheet. The figures are the book's own (already disclosure-controlled), so no
number withheld on the page appears here.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from qareport.book.model import Book, SheetPage
from qareport.config.markers import MARKER_PATTERN
from qareport.sheet.icons import icon_text
from qareport.sheet.model import MeasureView

__all__ = ["HEADER", "SPREADSHEET_NAME", "cell_value", "table_rows", "write_figures"]

SPREADSHEET_NAME = "report-book-data.xlsx"
HEADER = [
    "Measure id", "Measure", "Type", "Unit", "Period", "Value", "Numerator", "Denominator",
    "Peer mean", "National", "Process mean", "Lower process limit", "Upper process limit",
    "Special cause", "Quartile band (latest)", "Variation (latest)", "Assurance (latest)",
    "Note",
]  # fmt: skip
NOTES = [
    ("[c]", "Withheld to protect confidentiality: a count of 1 to the threshold, or a figure "
     "made from one (disclosure control as in the book)."),
    ("[x]", "Not available: no return was made for this period."),
    ("[z]", "Not applicable: the figure cannot exist (for example, a rate on a base of zero)."),
    ("[u]", "Low reliability, as marked by the publisher."),
    ("[low]", "A low figure the publisher does not show, as marked by the publisher."),
    ("Quartile band", "A is the best quarter of all areas with a value for the latest period, "
     "by the measure's polarity (higher or lower is better), D the worst, as DfE's LAIT bands "
     "them. Empty for counts and for measures with no better direction."),
    ("Process limits", "Statistical process control (XmR) as Making Data Count draws it: mean "
     "and limits fixed from the first 12 points, recalculated only at a change point the area "
     "declared; empty where the period is not part of an SPC chart."),
]  # fmt: skip
_NUMBER = re.compile(r"^-?[\d,]*\.?\d+")


def cell_value(text: str) -> float | str | None:
    """A figure as the book shows it, as a spreadsheet cell: a number as a number ("87.1%"
    is 87.1, "1,036" is 1036, "149.0 per 10,000" is 149.0), a marker as its text, nothing
    as an empty cell."""
    text = text.strip()
    if not text:
        return None
    if MARKER_PATTERN.match(text):
        return text
    found = _NUMBER.match(text)
    if not found:
        return text
    return float(found.group(0).replace(",", ""))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _sheet_name(page: SheetPage, used: set[str]) -> str:
    """A worksheet name: the section id, within Excel's 31 characters, unique."""
    base = page.data.section_id[:28]
    name, n = base, 2
    while name.casefold() in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name.casefold())
    return name


def table_rows(m: MeasureView) -> list[list[object]]:
    """One row per period the book shows for the measure, with its SPC limits where the
    period is on the SPC chart; the latest band and icons on the latest period's row."""
    limits = {item.period: item for item in m.limits}
    rows: list[list[object]] = []
    for point in m.series:
        spc = limits.get(point.period)
        latest = point.period == m.latest_period
        rows.append(
            [
                m.id, m.title, m.type, m.unit, point.period, cell_value(point.area),
                cell_value(point.numerator), cell_value(point.denominator),
                cell_value(point.peer), cell_value(point.national),
                _rounded(spc.mean if spc else None), _rounded(spc.lower if spc else None),
                _rounded(spc.upper if spc else None),
                ("yes" if spc.special else "no") if spc else None,
                (m.quartile or None) if latest else None,
                icon_text("variation", m.variation) if latest and m.variation else None,
                icon_text("assurance", m.assurance) if latest and m.assurance else None,
                point.note or None,
            ]
        )  # fmt: skip
    return rows


def write_figures(book: Book, folder: Path) -> Path:
    """Write `report-book-data.xlsx` into `folder`; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover_rows = [
        (f"{book.title}: figures behind the charts, {book.area_name}, {book.period_title}",),
        ("This spreadsheet holds every figure the book shows, one table per sheet of the book.",),
        ("Area", f"{book.area_name} ({book.area_code})"),
        ("Period", book.period_title),
        ("Peer group", book.peer_label),
        ("National comparator", book.national_label),
        ("Disclosure control", book.suppression),
        ("Built", book.built_at),
        ("Contents", "The Contents sheet lists the tables; the Notes sheet explains markers."),
    ]
    if book.synthetic:
        cover_rows.insert(1, ("Synthetic data: invented figures for fictitious areas.",))
    for row in cover_rows:
        cover.append(list(row))
    cover["A1"].font = title_font

    def table_sheet(name: str, title: str, context: str, header: list[str]):
        """A worksheet as the guidance lays one out: title in A1, a line of context, then
        the table's one header row."""
        sheet = workbook.create_sheet(name)
        for row in ([title], [context], header):
            sheet.append(row)
        sheet["A1"].font = title_font
        for cell in sheet[3]:
            cell.font = bold
        return sheet

    contents = table_sheet(
        "Contents",
        "Contents",
        "This worksheet contains one table, with a link to each sheet.",
        ["Sheet name", "Table title"],
    )
    notes = table_sheet(
        "Notes",
        "Notes",
        "This worksheet contains one table of the markers and terms the tables use.",
        ["Note", "Meaning"],
    )
    for row in NOTES:
        notes.append(list(row))
    used = {"cover", "contents", "notes"}
    for number, page in enumerate(book.sheets, start=1):
        name = _sheet_name(page, used)
        title = f"Table {number}: {page.data.section_title}, {book.area_name}, {book.period_title}"
        sheet = table_sheet(
            name,
            title,
            "This worksheet contains one table. Markers such as [c] are explained on the "
            f"Notes sheet. Review of the sheet: {page.status_text}.",
            HEADER,
        )
        for m in page.data.measures:
            for values in table_rows(m):
                sheet.append(values)
        sheet.freeze_panes = "A4"
        contents.append([name, title])
        link = contents.cell(row=contents.max_row, column=1)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="1D70B8", underline="single")
    for sheet in workbook.worksheets:
        for column in sheet.columns:
            letter = column[0].column_letter
            widest = max((len(str(c.value)) for c in column[2:] if c.value is not None), default=8)
            sheet.column_dimensions[letter].width = min(60, max(10, widest + 2))
    stamp = _when(book.built_at)
    workbook.properties.created = workbook.properties.modified = stamp  # same book, same bytes
    workbook.properties.title = cover_rows[0][0]
    path = folder / SPREADSHEET_NAME
    workbook.save(path)
    return path


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)
