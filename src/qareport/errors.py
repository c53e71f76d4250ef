"""The exceptions qareport raises, each with a message that tells the user what to do.

    QareportError
    ├── ParameterError     a parameters file or a command-line value is wrong
    ├── CatalogueError     a framework catalogue is malformed or inconsistent
    ├── ExtractError       a data extract failed validation (file, row, column named)
    ├── NarrativeError     a narrative file cannot be read or cites an unknown figure
    │   └── NarrativeConflict   the same narrative was changed in two places
    ├── ExecutionError     a section notebook failed while papermill ran it
    └── RenderError        the HTML or PDF could not be produced

All of them are picklable (they cross process pools in batch builds): every
constructor takes only the message.
"""

from __future__ import annotations

__all__ = [
    "CatalogueError",
    "ExecutionError",
    "ExtractError",
    "NarrativeConflict",
    "NarrativeError",
    "ParameterError",
    "QareportError",
    "RenderError",
]


class QareportError(Exception):
    """Base class: the CLI prints these as one line and exits 1."""


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
