"""qareport: the Safeguarding Children Report Book as a reproducible Jupyter workbook.

The package reads in the order data flow through it:

    config/     what the workbook says: periods, catalogues, parameters, project folders
    ingest/     extracts validated into the DuckDB store
    sheet/      what runs in a section notebook's kernel: one sheet's figures and charts
    book/       a book put together from executed sheets and the reviewers' files
    render/     the book as HTML and PDF (the outputs registry, captions, templates)
    pipeline/   execution, incremental rebuilds, provenance, single and batch builds
    importers/  published statistics and returns turned into ordinary extracts (a registry)
    demo/       the synthetic demo workbook

The public names below are imported on first use, so `import qareport.sheet` in a
kernel does not pay for papermill, nbconvert and the renderers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "BookResult": "pipeline.build",
    "BuildOptions": "pipeline.options",
    "build_book": "pipeline.build",
    "build_books": "pipeline.batch",
    "Catalogue": "config.catalogue",
    "load_catalogue": "config.catalogue",
    "CatalogueError": "errors",
    "ExecutionError": "errors",
    "ExtractError": "errors",
    "NarrativeConflict": "errors",
    "NarrativeError": "errors",
    "ParameterError": "errors",
    "QareportError": "errors",
    "RenderError": "errors",
    "Period": "config.periods",
    "parse_period": "config.periods",
    "parse_periods": "config.periods",
    "Project": "config.project",
}

__all__ = [
    "BookResult",
    "BuildOptions",
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
    "parse_periods",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from qareport.config.catalogue import Catalogue, load_catalogue
    from qareport.config.periods import Period, parse_period, parse_periods
    from qareport.config.project import Project
    from qareport.errors import (
        CatalogueError,
        ExecutionError,
        ExtractError,
        NarrativeConflict,
        NarrativeError,
        ParameterError,
        QareportError,
        RenderError,
    )
    from qareport.pipeline.batch import build_books
    from qareport.pipeline.build import BookResult, build_book
    from qareport.pipeline.options import BuildOptions


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qareport' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
