"""The exceptions qareport raises, each with a message that tells the user what to do.

    QareportError
    ├── ParameterError     a parameters file or a command-line value is wrong
    ├── CatalogueError     a framework catalogue is malformed or inconsistent
    ├── ExtractError       a data extract failed validation (file, row, column named)
    ├── NarrativeError     a narrative file cannot be read or cites an unknown figure
    │   └── NarrativeConflict   the same narrative was changed in two places
    ├── ExecutionError     a section notebook failed while papermill ran it
    └── RenderError        the HTML or PDF could not be produced

Besides the message, an error carries where it happened as fields (`file`,
`row`, `column`, `measure`, `area`, `section`), so a caller can act on them
without parsing text. Every error is picklable with its fields (they cross
process pools in batch builds): the message is the only positional argument and
the fields travel in the instance's `__dict__`, which pickling keeps.
"""

from __future__ import annotations

__all__ = [
    "REPORTED_LOGGERS",
    "CatalogueError",
    "ExecutionError",
    "ExtractError",
    "NarrativeConflict",
    "NarrativeError",
    "ParameterError",
    "QareportError",
    "RenderError",
    "from_os_error",
    "one_line",
    "with_more",
]

import errno

# libraries whose logs of kernel deaths and cell errors qareport reports once itself
REPORTED_LOGGERS = ("papermill", "traitlets")


class QareportError(Exception):
    """Base class: the CLI prints these as one line and exits 1."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        measure: str | None = None,
        area: str | None = None,
        section: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column
        self.measure = measure
        self.area = area
        self.section = section

    @property
    def fields(self) -> dict[str, str | int]:
        """Where the problem is, as far as it is known (fields that are set only)."""
        names = ("file", "row", "column", "measure", "area", "section")
        return {n: getattr(self, n) for n in names if getattr(self, n, None) is not None}


class ParameterError(QareportError):
    """A parameters file or command-line value is wrong."""


class CatalogueError(QareportError):
    """A framework catalogue is malformed or refers to something that does not exist."""


class ExtractError(QareportError):
    """A data extract failed validation."""


class NarrativeError(QareportError):
    """A narrative file cannot be used as written."""


class NarrativeConflict(NarrativeError):
    """The same narrative was changed in two places since the last build."""


class ExecutionError(QareportError):
    """A section notebook raised while papermill executed it."""


class RenderError(QareportError):
    """The HTML or PDF book could not be produced."""


def one_line(value: object) -> str:
    """A value (a path, a typed setting) as it prints on one line: a newline or other
    control character in it shown escaped, so a message is never split."""
    text = str(value)
    return text if text.isprintable() else repr(text)


def with_more(first: str, total: int) -> str:
    """The first of `total` problems, saying how many more there are and where to see them."""
    if total <= 1:
        return first
    return f"{first} (and {total - 1} more; run `qareport validate` to list them all)"


def from_os_error(exc: OSError) -> QareportError:
    """A failed read or write as one line naming the path and what to do about it."""
    path = exc.filename or "a file"
    if exc.errno == errno.ENOSPC:
        problem, fix = "the disk is full", "free some space and build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        problem = "permission denied" if exc.errno != errno.EROFS else "read-only file system"
        fix = "make the workbook folder (and output/) writable, or work in a copy of it"
    else:
        problem, fix = exc.strerror or type(exc).__name__, "check the path and build again"
    return QareportError(f"cannot use {path}: {problem}; {fix}", file=str(path))
