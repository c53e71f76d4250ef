"""The book's outputs by name, in the spirit of nbconvert's exporters.

Each output (the HTML book, each PDF engine, the spreadsheet, Quarto) is one
`Output`: its name, the file it writes, what it needs (with a one-line message
when that is missing) and `write(book, folder) -> Path`. They are found through
the entry-point group `qareport.outputs`, which registers the built-in ones
below exactly as a third-party package registers its own:

    [project.entry-points."qareport.outputs"]
    docx = "my_package.outputs:DOCX"

An output's `role` says when it is written: `always` (every book), `pdf` (the
one PDF engine a build uses, `--engine`), or `optional` (when asked for,
`--output NAME`). Each built-in output imports its renderer only when it
writes, so listing the outputs costs nothing.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from qareport.errors import ParameterError, RenderError

if TYPE_CHECKING:
    from qareport.book.model import Book

__all__ = [
    "DEFAULT_ENGINE",
    "ENTRY_POINTS",
    "HTML",
    "PDF_NAME",
    "QUARTO",
    "SPREADSHEET",
    "TYPST",
    "Output",
    "available",
    "choose",
    "get",
    "names",
    "write_outputs",
]

ENTRY_POINTS = "qareport.outputs"
DEFAULT_ENGINE = "typst"
PDF_NAME = "report-book.pdf"
Role = Literal["always", "pdf", "optional"]


def _nothing_missing() -> str | None:
    return None


def _nothing_to_prepare() -> None:
    return None


@dataclass(frozen=True)
class Output:
    """One thing a build writes beside the book. `write(book, folder)` writes
    `folder/file_name` and returns its path; `missing()` says in one line what this
    machine lacks, or None; `prepare()` loads what `write` needs (an import), so a build
    can do it beside other work; `waits` marks an output that waits on a program of its
    own (a compiler), written in a thread while the others are written; `digest(book)`,
    where given, says what the file would hold, so a build whose digest is the last build's
    copies that file instead of writing it again."""

    name: str
    file_name: str
    summary: str
    write: Callable[[Book, Path], Path]
    role: Role = "optional"
    missing: Callable[[], str | None] = _nothing_missing
    prepare: Callable[[], None] = _nothing_to_prepare
    waits: bool = False
    digest: Callable[[Book], str] | None = None


@cache
def available() -> dict[str, Output]:
    """Every output registered under the entry-point group, by name, built-ins first."""
    found: dict[str, Output] = {}
    for point in sorted(entry_points(group=ENTRY_POINTS), key=_builtin_first):
        try:
            output = point.load()
        except Exception as exc:  # a broken plugin must not stop every build
            found[point.name] = _broken(point.name, point.value, exc)
            continue
        if not isinstance(output, Output) or output.name != point.name:
            found[point.name] = _broken(point.name, point.value, TypeError("not an Output"))
            continue
        found[point.name] = output
    if DEFAULT_ENGINE not in found:
        raise RenderError(
            "qareport's own outputs are not registered (its package metadata is out of date); "
            "reinstall it: pip install -e . in a checkout, or pip install --force-reinstall "
            "qareport"
        )
    return found


def _builtin_first(point: object) -> tuple[bool, str]:
    value = getattr(point, "value", "")
    return (not value.startswith("qareport."), getattr(point, "name", ""))


def _broken(name: str, value: str, exc: BaseException) -> Output:
    """An entry point that cannot be loaded: listed, and refused with the reason if chosen."""
    problem = f"output {name!r} ({value}) cannot be loaded: {type(exc).__name__}: {exc}"

    def write(book: Book, folder: Path) -> Path:
        raise RenderError(problem)

    return Output(name, "", "cannot be loaded", write, missing=lambda: problem)


def names(role: Role | None = None) -> list[str]:
    """The outputs' names, or those of one role (`pdf`: the engines --engine takes)."""
    return [o.name for o in available().values() if role is None or o.role == role]


def get(name: str) -> Output:
    """The output called `name`, ready to write here, or an error that says what to do."""
    output = available().get(name)
    if output is None:
        raise ParameterError(f"unknown output {name!r}; choose one of {', '.join(names())}")
    problem = output.missing()
    if problem:
        raise RenderError(problem)
    return output


def choose(engine: str = DEFAULT_ENGINE, extra: Sequence[str] = ()) -> list[Output]:
    """What a build writes: every `always` output, the PDF engine `engine`, and the
    optional outputs named in `extra`; each checked before any work starts."""
    pdf = get(engine)
    if pdf.role != "pdf":
        raise ParameterError(
            f"--engine {engine!r} is not a PDF engine; choose one of {', '.join(names('pdf'))}"
        )
    wanted = [get(name) for name in dict.fromkeys(extra)]
    for output in wanted:
        if output.role != "optional":
            raise ParameterError(
                f"--output {output.name!r} is written by every build already"
                if output.role == "always"
                else f"{output.name!r} is a PDF engine: choose it with --engine {output.name}"
            )
    always = [o for o in available().values() if o.role == "always"]
    return [*always, pdf, *wanted]


def write_outputs(
    chosen: Sequence[Output],
    book: Book,
    folder: Path,
    meanwhile: Callable[[], None] = _nothing_to_prepare,
    ready: Callable[[], None] = _nothing_to_prepare,
) -> dict[str, Path]:
    """Every chosen output into `folder`, by name. An output that waits on a compiler of its
    own (Typst, Quarto) is started first, in a thread; then `ready()` (the others' imports
    loaded), the others are written and `meanwhile` runs. A thread's error is raised here."""
    waiting = [o for o in chosen if o.waits]
    with ThreadPoolExecutor(max(1, len(waiting)), thread_name_prefix="output") as beside:
        pending = {o.name: beside.submit(o.write, book, folder) for o in waiting}
        ready()
        files = {o.name: o.write(book, folder) for o in chosen if not o.waits}
        meanwhile()
        files.update({name: done.result() for name, done in pending.items()})
    for output in chosen:
        path = files[output.name]
        if path.parent != folder or not path.is_file():
            raise RenderError(f"output {output.name!r} wrote no file into the book's folder")
    return {o.name: files[o.name] for o in chosen}


# ---- the built-in outputs, registered in pyproject.toml under the same group ----


def _import_html() -> None:
    importlib.import_module("qareport.render.html")  # nbconvert: the build's costliest import


def _spreadsheet_digest(book: Book) -> str:
    from qareport.render.spreadsheet import figures_digest

    return figures_digest(book)


def _write_html(book: Book, folder: Path) -> Path:
    from qareport.render.html import render_html

    path = folder / HTML.file_name
    path.write_text(render_html(book), encoding="utf-8")
    return path


def _write_spreadsheet(book: Book, folder: Path) -> Path:
    from qareport.render.spreadsheet import write_figures

    return write_figures(book, folder / SPREADSHEET.file_name)


def _write_typst(book: Book, folder: Path) -> Path:
    from qareport.render.typst_pdf import render_pdf

    path = folder / PDF_NAME
    path.write_bytes(render_pdf(book))
    return path


def _write_quarto(book: Book, folder: Path) -> Path:
    from qareport.render.quarto import render_with_quarto

    return render_with_quarto(book, folder / QUARTO.file_name)


def _quarto_missing() -> str | None:
    if shutil.which("quarto") is None:
        return "--engine quarto needs `quarto` on PATH; install it from quarto.org or use typst"
    return None


HTML = Output(
    "html",
    "report-book.html",
    "the book as one self-contained web page",
    _write_html,
    role="always",
    prepare=_import_html,
)
SPREADSHEET = Output(
    "spreadsheet",
    "report-book-data.xlsx",
    "the figures behind every chart, as an accessible spreadsheet",
    _write_spreadsheet,
    role="always",
    digest=_spreadsheet_digest,
)
TYPST = Output(
    "typst",
    PDF_NAME,
    "the A3-landscape PDF, compiled by the typst wheel",
    _write_typst,
    role="pdf",
    waits=True,
)
QUARTO = Output(
    "quarto",
    PDF_NAME,
    "the A3-landscape PDF, rendered by Quarto where it is installed",
    _write_quarto,
    role="pdf",
    missing=_quarto_missing,
    waits=True,
)
