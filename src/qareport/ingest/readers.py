"""Reading an extract file into frames of text cells, whatever a spreadsheet did to it.

Every cell arrives as text, exactly as written, so validation can say what is
wrong with it. The habits of real files are met here, each with a fix the user
can act on: a workbook whose data is not on its first sheet (a Notes sheet in
front), several data sheets, formulas Excel never saved a result for, CSV
saved with semicolons, trailing empty columns, the same header twice.

Parquet is read through DuckDB (already the store), so no Arrow library is needed.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from qareport.errors import ExtractError

__all__ = ["HEADER_KEYS", "read_tables"]

HEADER_KEYS = ("area_code", "period", "measure_id")
HEADER_SEARCH_ROWS = 20  # a sheet may have a title and notes above its header row


def read_tables(path: Path, label: str) -> list[tuple[str, pd.DataFrame]]:
    """The extract's tables as (label, frame of text cells); one per data sheet of a workbook.

    A frame's index is its rows' spreadsheet line numbers minus 2 (the header is line 1
    when it is on the first row), so `index + 2` names the line a user sees."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            tables = [(label, _read_csv(path, label))]
        elif suffix == ".xlsx":
            tables = _read_workbook(path, label)
        elif suffix == ".parquet":
            tables = [(label, _read_parquet(path))]
        else:
            raise ExtractError(f"{label}: unsupported file type; use .csv, .xlsx or .parquet")
    except UnicodeDecodeError:
        raise ExtractError(f"{label}: not UTF-8 text; save it as 'CSV UTF-8'") from None
    except pd.errors.EmptyDataError:
        raise ExtractError(f"{label}: the file is empty; add a header row and data") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        detail = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
        raise ExtractError(
            f"{label}: not a well-formed CSV ({detail}); every row needs as many cells as the "
            "header (a number written 12,345 must be written 12345)"
        ) from None
    except ExtractError:
        raise
    except Exception as exc:  # openpyxl and duckdb raise many types for corrupt files
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ExtractError(f"{label}: cannot be read as {suffix} ({detail})") from None
    return [(name, _normalised(_tidy_header(frame, name))) for name, frame in tables]


def _read_csv(path: Path, label: str) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in first and "," not in first:
            raise ExtractError(
                f"{label}: the cells are separated by {name}; save it as CSV with commas "
                "(in Excel: Save As > CSV UTF-8 (Comma delimited))"
            )
    with warnings.catch_warnings():
        # pandas only warns when a row has extra cells, and drops them: refuse instead
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
            index_col=False,  # extra cells are an error, never a silent index
            on_bad_lines="error",
        )


def _read_parquet(path: Path) -> pd.DataFrame:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        frame = con.execute(
            "SELECT COLUMNS(*)::VARCHAR FROM read_parquet(?)", [str(path)]
        ).fetchdf()
    return frame.astype(object).where(frame.notna(), "").astype(str)


def _cell_text(value: object, number_format: str = "") -> str:
    """A cell as text. A number formatted as a percentage is the percentage Excel shows
    (0.154 formatted 0.0% is 15.4), as the person who typed it meant it."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        value = round(float(value) * 100, 10)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row_text(cells: tuple) -> list[str]:
    return [_cell_text(c.value, getattr(c, "number_format", "") or "") for c in cells]


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells in Unicode's compatibility form (NFKC): full-width or other non-ASCII digits
    read as the digits they are (２０２５-２６ is 2025-26), for every check alike."""
    for column in frame.columns:
        cells = frame[column].astype(str)
        odd = ~cells.str.isascii()
        if odd.any():
            frame[column] = cells.where(~odd, cells[odd].map(_nfkc))
    return frame


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _is_header(row: tuple) -> bool:
    names = {_cell_text(v).strip().lower() for v in row}
    return all(key in names for key in HEADER_KEYS)


def _read_workbook(path: Path, label: str) -> list[tuple[str, pd.DataFrame]]:
    """Every sheet with the extract header (in its first rows), each with its formulas
    checked: a formula whose result was never saved reads as empty, so it is refused."""
    import openpyxl

    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet_names = list(values.sheetnames)
    formulas = None
    tables = []
    try:
        for sheet in values.worksheets:
            rows = [tuple(_row_text(cells)) for cells in sheet.iter_rows()]
            header_at = next(
                (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if _is_header(row)), None
            )
            if header_at is None:
                continue
            name = f"{label} [{sheet.title}]" if len(values.worksheets) > 1 else label
            header = [_cell_text(v).strip() for v in rows[header_at]]
            body = [[_cell_text(v) for v in row] for row in rows[header_at + 1 :]]
            while body and not any(cell.strip() for cell in body[-1]):
                body.pop()  # trailing empty rows are formatting, not data
            if formulas is None:
                formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
            _refuse_unsaved_formulas(formulas[sheet.title], body, header_at, name)
            width = len(header)
            frame = pd.DataFrame([(row + [""] * width)[:width] for row in body], columns=header)
            for index, row in enumerate(body):
                extra = [cell for cell in row[width:] if cell.strip()]
                if extra:
                    line = header_at + index + 2
                    raise ExtractError(
                        f"{name} row {line}: more cells than the header has columns; "
                        "every row needs as many cells as the header"
                    )
            frame.index = range(header_at, header_at + len(frame))
            tables.append((name, frame))
    finally:
        values.close()
        if formulas is not None:
            formulas.close()
    if not tables:
        sheets = ", ".join(sheet_names)
        raise ExtractError(
            f"{label}: no sheet has the header row ({', '.join(HEADER_KEYS)}, numerator, ...) "
            f"in its first {HEADER_SEARCH_ROWS} rows; sheets: {sheets}"
        )
    return tables


def _refuse_unsaved_formulas(sheet, body: list[list[str]], header_at: int, name: str) -> None:
    for index, row in enumerate(sheet.iter_rows(min_row=header_at + 2, values_only=True)):
        if index >= len(body):
            break
        for column, cell in enumerate(row):
            if (
                isinstance(cell, str)
                and cell.startswith("=")
                and column < len(body[index])
                and body[index][column] == ""
            ):
                raise ExtractError(
                    f"{name} row {header_at + index + 2}: the cell {cell[:40]!r} is a formula "
                    "with no saved result; open the file in Excel and save it (or paste the "
                    "values as values)"
                )


_MANGLED = re.compile(r"^(.*)\.(\d+)$")


def _tidy_header(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Lower-case, stripped column names; empty trailing columns dropped; duplicates refused."""
    names = [str(c).strip() for c in frame.columns]
    keep = []
    for position, name in enumerate(names):
        blank = name == "" or name.startswith("Unnamed: ")
        if blank:
            if frame.iloc[:, position].astype(str).str.strip().ne("").any():
                raise ExtractError(
                    f"{label}: column {position + 1} has data but no header; "
                    "give it a name from the extract format, or delete it"
                )
            continue
        keep.append(position)
    frame = frame.iloc[:, keep]
    names = [names[p] for p in keep]
    lowered = [n.lower() for n in names]
    for position, name in enumerate(lowered):
        mangled = _MANGLED.match(name)  # pandas renames a second `numerator` to `numerator.1`
        first = mangled.group(1) if mangled and mangled.group(1) in lowered else name
        earlier = [names[i] for i, n in enumerate(lowered[:position]) if n == first]
        if earlier:
            shown = names[position][: -len(mangled.group(2)) - 1] if mangled else names[position]
            raise ExtractError(
                f"{label}: the header has `{earlier[0]}` and `{shown}`, the same "
                "column twice; keep one"
            )
    frame.columns = lowered
    return frame.astype(object).where(frame.notna(), "").astype(str)
