"""PDF engines, by name: a small registry in the spirit of papermill's engines.

An engine turns a `Book` into `<folder>/report-book.pdf`. The built-in ones are
registered here by the module that implements them, imported only when the
engine is used, so listing the choices (the CLI does) costs nothing. A new
engine is one `register(...)` call; the CLI, single builds and batches all
take their choices from `names()`.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qareport.errors import ParameterError, RenderError

if TYPE_CHECKING:
    from qareport.book.model import Book

__all__ = ["DEFAULT_ENGINE", "Engine", "get", "names", "register"]

PDF_NAME = "report-book.pdf"
DEFAULT_ENGINE = "typst"


@dataclass(frozen=True)
class Engine:
    """A PDF engine: `render(book, folder)` writes the PDF and returns its path;
    `missing()` says what is not installed, or None when it can run here."""

    name: str
    render: Callable[[Book, Path], Path]
    missing: Callable[[], str | None] = lambda: None


_REGISTRY: dict[str, Callable[[], Engine]] = {}


def register(name: str, factory: Callable[[], Engine]) -> None:
    """Make an engine available under `name`; `factory` is called on first use."""
    _REGISTRY[name] = factory


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> Engine:
    """The engine called `name`, ready to run, or an error that says what to do."""
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ParameterError(f"unknown engine {name!r}; choose one of {', '.join(names())}")
    engine = factory()
    problem = engine.missing()
    if problem:
        raise RenderError(problem)
    return engine


def _typst() -> Engine:
    def render(book: Book, folder: Path) -> Path:
        module = importlib.import_module("qareport.render.typst_pdf")  # on use: costly import
        path = folder / PDF_NAME
        path.write_bytes(module.render_pdf(book))
        return path

    return Engine("typst", render)


def _quarto() -> Engine:
    def render(book: Book, folder: Path) -> Path:
        module = importlib.import_module("qareport.render.quarto")
        return module.render_with_quarto(book, folder)

    def missing() -> str | None:
        if shutil.which("quarto") is None:
            return "--engine quarto needs `quarto` on PATH; install it from quarto.org or use typst"
        return None

    return Engine("quarto", render, missing)


register("typst", _typst)
register("quarto", _quarto)
