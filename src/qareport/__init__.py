"""qareport: the Safeguarding Children Report Book as a reproducible Jupyter workbook.

The public names below are imported on first use, so `import qareport.sheet` in a
kernel does not pay for papermill, nbconvert and the renderers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "BookResult": "build",
    "build_book": "build",
    "build_books": "batch",
    "Catalogue": "catalogue",
    "load_catalogue": "catalogue",
    "CatalogueError": "errors",
    "ExecutionError": "errors",
    "ExtractError": "errors",
    "NarrativeConflict": "errors",
    "NarrativeError": "errors",
    "ParameterError": "errors",
    "QareportError": "errors",
    "RenderError": "errors",
    "Period": "periods",
    "parse_period": "periods",
    "Project": "project",
}

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
    "build_books",
    "load_catalogue",
    "parse_period",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .batch import build_books
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qareport' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
