"""qareport: the Safeguarding Children Report Book as a reproducible Jupyter workbook."""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BookResult, build_book
from .catalogue import Catalogue, load_catalogue
from .errors import (
    CatalogueError,
    ExecutionError,
    ExtractError,
    NarrativeConflict,
    NarrativeError,
    ParameterError,
    QareportError,
    RenderError,
)
from .periods import Period, parse_period
from .project import Project

__all__ = [
    "BookResult",
    "Catalogue",
    "CatalogueError",
    "ExecutionError",
    "ExtractError",
    "NarrativeConflict",
    "NarrativeError",
    "ParameterError",
    "Period",
    "Project",
    "QareportError",
    "RenderError",
    "__version__",
    "build_book",
    "load_catalogue",
    "parse_period",
]
