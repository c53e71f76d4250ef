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

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from qareport.book.model import Book, SheetPage
from qareport.config.cache import package_stamp
from qareport.config.markers import MARKER_PATTERN
from qareport.sheet.icons import icon_text
from qareport.sheet.model import MeasureView

__all__ = ["HEADER", "cell_value", "figures_digest", "table_rows", "write_figures"]
HEADER = [
    "Measure id", "Measure", "Type", "Unit", "Period", "Value", "Numerator", "Denominator",
    "Peer mean", "National", "Regional comparator", "Process mean", "Lower process limit",
    "Upper process limit", "Special cause", "Quartile band (latest)", "Variation (latest)",
    "Assurance (latest)", "Note",
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


def _sheet_name(page: SheetPage, used: set[str], suffix: str = "") -> str:
    """A worksheet name: the section id (and a suffix), within Excel's 31 characters,
    unique."""
    base = page.data.section_id[: 28 - len(suffix)] + suffix
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
                cell_value(point.peer), cell_value(point.national), cell_value(point.region),
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


PART_HEADER = ["Measure", "Period", "Broken down by", "Team or group", "Value", "Base"]


def part_rows(page: SheetPage) -> list[list[object]]:
    """The sheet's figures by team or locality and by group of children (age band,
    gender, ethnicity, disability), as its tables under the charts show them."""
    rows: list[list[object]] = []
    for m in page.data.measures:
        for t in m.teams:
            rows.append([m.title, m.latest_period, "Team or locality", t.team,
                         cell_value(t.value), cell_value(t.base)])  # fmt: skip
        for g in m.groups:
            for c in g.cells:
                rows.append([m.title, m.latest_period, g.by, c.group,
                             cell_value(c.value), cell_value(c.base)])  # fmt: skip
    return rows


def figures_digest(book: Book) -> str:
    """What the spreadsheet holds, hashed: every figure and label it writes, and the code
    that writes them, but not the build's time. A narrative-only rebuild, whose figures are
    the last build's, copies the last build's spreadsheet (its cover says when it was
    written) rather than loading XlsxWriter and writing the same cells again."""
    held = [
        book.title, book.area_name, book.area_code, book.period_title, book.peer_label,
        book.national_label, book.suppression, book.synthetic,
        [
            (p.data.section_id, p.data.section_title, p.status_text,
             [table_rows(m) for m in p.data.measures],
             part_rows(p),
             [(i.kind, i.caption, i.alt, i.columns, i.rows) for i in p.data.further])
            for p in book.sheets
        ],
    ]  # fmt: skip
    return hashlib.sha256(f"{package_stamp()}\n{held!r}".encode()).hexdigest()


def write_figures(book: Book, path: Path) -> Path:
    """Write the spreadsheet (a build's `report-book-data.xlsx`) to `path`; returns it.

    Written with XlsxWriter, a write-only library (a tenth of openpyxl's import time, which
    a narrative-only rebuild paid on every run); every cell is written as what it is, so a
    text starting with "=" stays text and never becomes a formula."""
    from xlsxwriter import Workbook

    workbook = Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    title_font = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True})
    link = workbook.add_format({"font_color": "#1D70B8", "underline": 1})
    cover_rows: list[list[object]] = [
        [f"{book.title}: figures behind the charts, {book.area_name}, {book.period_title}"],
        ["This spreadsheet holds every figure the book shows, one table per sheet of the book."],
        ["Area", f"{book.area_name} ({book.area_code})"],
        ["Period", book.period_title],
        ["Peer group", book.peer_label],
        ["National comparator", book.national_label],
        ["Disclosure control", book.suppression],
        ["Written", book.built_at],
        ["Contents", "The Contents sheet lists the tables; the Notes sheet explains markers."],
    ]
    if book.synthetic:
        cover_rows.insert(1, ["Synthetic data: invented figures for fictitious areas."])
    cover = _Sheet(workbook.add_worksheet("Cover"), title_font)
    cover.rows(cover_rows)

    def table_sheet(name: str, title: str, context: str, header: list[str]) -> _Sheet:
        """A worksheet as the guidance lays one out: title in A1, a line of context, then
        the table's one header row."""
        sheet = _Sheet(workbook.add_worksheet(name), title_font)
        sheet.rows([[title], [context]])
        sheet.row(header, bold)
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
    notes.rows([list(row) for row in NOTES])
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
        sheet.rows([values for m in page.data.measures for values in table_rows(m)])
        sheet.sheet.freeze_panes(3, 0)  # below the header row, as A4
        sheet.fit_columns()
        listed = [(name, title), *_part_table(page, number, used, table_sheet, book)]
        listed += _own_tables(page, number, used, table_sheet, book)
        for listed_name, listed_title in listed:
            contents.row([listed_name, listed_title])
            contents.sheet.write_url(
                contents.next - 1, 0, f"internal:'{listed_name}'!A1", link, string=listed_name
            )
    for sheet in (cover, contents, notes):  # the tables were fitted as they were written
        sheet.fit_columns()
    workbook.set_properties({"title": str(cover_rows[0][0]), "created": _when(book.built_at)})
    workbook.close()  # same book, same bytes: fixed times inside, the book's own date
    return path


def _part_table(page: SheetPage, number: int, used: set[str], table_sheet, book: Book):
    """The sheet's teams and groups of children in a worksheet of their own, where it has
    any: (worksheet name, title), for the Contents."""
    rows = part_rows(page)
    if not rows:
        return []
    name = _sheet_name(page, used, suffix="-by")
    title = (
        f"Table {number}b: {page.data.section_title} by team and by group of children, "
        f"{book.area_name}, {book.period_title}"
    )
    sheet = table_sheet(
        name, title, "This worksheet contains one table: each measure's figure for the "
        "period by team or locality and by group of children, as the sheet shows them. "
        "Markers such as [c] are explained on the Notes sheet.", PART_HEADER,
    )  # fmt: skip
    sheet.rows(rows)
    sheet.fit_columns()
    return [(name, title)]


def _own_tables(page: SheetPage, number: int, used: set[str], table_sheet, book: Book):
    """An analyst's own tables, and the data of their charts, one worksheet each after the
    sheet's table: (worksheet name, title) of each, for the Contents."""
    listed = []
    for k, item in enumerate((i for i in page.data.further if i.rows), start=1):
        name = _sheet_name(page, used, suffix=f"-a{k}")
        what = item.caption if item.kind == "table" else f"Data behind the chart: {item.alt}"
        title = f"Table {number}.{k}: {what}, {book.area_name}, {book.period_title}"
        sheet = table_sheet(
            name, title, "This worksheet contains one table, from the sheet's further "
            "analysis. Markers such as [c] are explained on the Notes sheet.", item.columns,
        )  # fmt: skip
        sheet.rows([[cell_value(v) for v in row] for row in item.rows])
        sheet.fit_columns()
        listed.append((name, title))
    return listed


class _Sheet:
    """A worksheet written row by row, each cell as its type, its columns' widths kept."""

    def __init__(self, sheet, title_font) -> None:
        self.sheet, self.next = sheet, 0
        self.widest: dict[int, int] = {}
        self.title_font = title_font

    def rows(self, rows: Sequence[Sequence[object]]) -> None:
        for values in rows:
            self.row(values, self.title_font if self.next == 0 else None)

    def row(self, values: Sequence[object], style=None) -> None:
        for column, value in enumerate(values):
            if value is None:  # an empty cell
                continue
            if isinstance(value, int | float):
                self.sheet.write_number(self.next, column, value, style)
            else:
                self.sheet.write_string(self.next, column, str(value), style)
            if self.next >= 2:  # widths from the header row down (not the title's)
                self.widest[column] = max(self.widest.get(column, 0), len(str(value)))
        self.next += 1

    def fit_columns(self) -> None:
        for column, widest in self.widest.items():
            self.sheet.set_column(column, column, min(60, max(10, widest + 2)))


def _when(text: str) -> datetime:
    """The book's build time ("2026-12-02 04:58 UTC") as the file's own date."""
    try:
        stamp = text.replace(" UTC", "+00:00").replace("Z", "+00:00")
        return datetime.fromisoformat(stamp).replace(tzinfo=None)
    except ValueError:
        return datetime(2000, 1, 1)
