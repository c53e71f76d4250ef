"""Where extracts are, and how a problem in one is named: light enough for every build.

Kept apart from qareport.extracts (which needs pandas and pandera) so that a
build that validates nothing, such as a narrative-only rebuild, never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qareport.config.boundary import walk_inside
from qareport.errors import ExtractError, with_more

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "SUFFIXES",
    "ExtractIssue",
    "extract_files",
    "grouped",
    "is_case_file",
    "unknown_area_message",
]

SUFFIXES = (".csv", ".xlsx", ".parquet")
# an extract's columns, in the order an importer writes them
REQUIRED = ("area_code", "period", "measure_id")
COLUMNS = (
    *REQUIRED, "numerator", "denominator", "value", "agency", "team", "breakdown", "note"
)  # fmt: skip


@dataclass(frozen=True)
class ExtractIssue:
    """One validation problem, located precisely enough to fix."""

    file: str
    row: int | None
    column: str | None
    message: str
    area_code: str | None = None
    warning: bool = False  # said, but the row is used and no book is blocked

    @property
    def is_stray(self) -> bool:
        """A row for an area code no area has: left out of every book, blocking none."""
        return self.column == "area_code" and not self.warning

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column `{self.column}`"
        return f"{where}: {self.message}"

    def error(self, total: int = 1) -> ExtractError:
        """This issue as an error carrying its place; `total` counts the issues it stands for."""
        return ExtractError(
            with_more(str(self), total), file=self.file, row=self.row, column=self.column
        )


def is_case_file(path: Path) -> bool:
    """A case-level file (one row per case), which DuckDB aggregates to returns."""
    return path.name.lower().endswith((".cases.csv", ".cases.parquet"))


def grouped(issues: list[ExtractIssue], shown: int = 3) -> list[tuple[ExtractIssue, str]]:
    """Issues alike (one file, one column, the same words but for the values) as one line:
    the first, and how many more rows say the same with the first few of their rows."""
    import re

    groups: dict[tuple, list[ExtractIssue]] = {}
    for issue in issues:
        shape = re.sub(r"'[^']*'|-?\d[\d.,]*", "…", issue.message)
        key = (issue.file, issue.column, issue.warning, issue.is_stray, shape)
        groups.setdefault(key, []).append(issue)
    said = []
    for alike in groups.values():
        rows = [str(i.row) for i in alike[1:] if i.row is not None]
        more = ""
        if len(alike) > 1:
            listed = ", ".join(rows[:shown]) + (", ..." if len(rows) > shown else "")
            more = f" (and {len(alike) - 1:,} more rows like it" + (
                f": rows {listed})" if rows else ")"
            )
        said.append((alike[0], more))
    return said


def _is_lock_file(path: Path) -> bool:
    """Excel's `~$name.xlsx` and LibreOffice's `.~lock.name#` while a file is open."""
    return path.name.startswith(("~$", ".~lock."))


def extract_files(paths: list[Path], root: Path | None = None) -> list[Path]:
    """Every extract under the given files and folders, in a stable order. Inside a
    workbook (`root`), a link that leads out of it is refused naming the link, never
    followed; its output/ folder and hidden folders (.venv, .git) are not extracts."""
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            found, outside = walk_inside(path, root) if root else (sorted(path.rglob("*")), [])
            if outside:
                link = outside[0]
                raise ExtractError(
                    f"{link} is a link to {link.resolve()}, outside the workbook; copy the "
                    "extract into the workbook instead of linking to it"
                    + (f" (and {len(outside) - 1} more such links)" if len(outside) > 1 else ""),
                    file=str(link),
                )
            files.extend(
                p
                for p in sorted(found)
                if p.suffix.lower() in SUFFIXES
                and p.is_file()
                and not _is_lock_file(p)
                and not (root and _generated(p, root))
            )
        else:
            raise ExtractError(
                f"{path}: data folder or file not found; check `data:` in parameters/defaults.yml"
            )
    return files


def _generated(path: Path, root: Path) -> bool:
    """A file under the workbook's output/ (books, the store) or a hidden folder."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return False
    return bool(parts) and (parts[0] == "output" or any(p.startswith(".") for p in parts[:-1]))


def unknown_area_message(code: str, area_codes: set[str]) -> str:
    """What to say of a row whose area code no area has: the closest known codes help."""
    import difflib

    close = difflib.get_close_matches(code.upper(), sorted(area_codes), n=3, cutoff=0.6)
    hint = f" (closest known: {', '.join(close)})" if close else ""
    return (
        f"{code[:60]!r} is not an area code in parameters/{hint}; the row is left out of "
        "every book; correct the code or add the area"
    )
