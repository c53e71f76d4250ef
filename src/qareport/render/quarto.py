"""The optional Quarto route: `--engine quarto` where a `quarto` executable is on PATH.

qareport writes a small Quarto project whose document is the same Typst source
the default engine compiles (as a raw Typst block), so both engines print the
same sheets; Quarto then renders it with its own Typst. Quarto is never a
dependency: without it this module only explains how to get it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from qareport.book.model import Book
from qareport.config.yamlio import dump_yaml
from qareport.errors import RenderError
from qareport.render.typst_pdf import typst_source, write_chart_images

__all__ = ["QUARTO_COMMAND", "find_quarto", "render_with_quarto", "write_quarto_project"]

QUARTO_COMMAND = ("render", "report-book.qmd", "--to", "typst")


def find_quarto() -> str | None:
    return shutil.which("quarto")


def write_quarto_project(book: Book, folder: Path) -> Path:
    """Write _quarto.yml, report-book.qmd and the chart images; returns the .qmd path."""
    folder.mkdir(parents=True, exist_ok=True)
    images = write_chart_images(book, folder)
    project = {
        "project": {"type": "default"},
        "lang": "en-GB",
        "format": {"typst": {"papersize": "a3", "keep-typ": False, "section-numbering": None}},
    }
    (folder / "_quarto.yml").write_text(dump_yaml(project), encoding="utf-8")
    front = dump_yaml({"pagetitle": f"{book.title}: {book.area_name}, {book.period}"})
    body = typst_source(book, images, standalone=False)
    qmd = folder / "report-book.qmd"
    qmd.write_text(f"---\n{front}---\n\n```{{=typst}}\n{body}\n```\n", encoding="utf-8")
    return qmd


def render_with_quarto(book: Book, target: Path) -> Path:
    """Render the PDF through Quarto into `target`/report-book.pdf."""
    executable = find_quarto()
    if executable is None:
        raise RenderError(
            "quarto is not on PATH; install Quarto from quarto.org, or use the default "
            "--engine typst"
        )
    with tempfile.TemporaryDirectory(prefix="qareport-quarto-") as scratch:
        folder = Path(scratch)
        write_quarto_project(book, folder)
        try:
            result = subprocess.run(
                [executable, *QUARTO_COMMAND],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"quarto could not be run ({exc})") from None
        produced = folder / "report-book.pdf"
        if result.returncode != 0 or not produced.is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise RenderError(
                "quarto render failed: " + (detail[-1] if detail else f"exit {result.returncode}")
            )
        destination = target / "report-book.pdf"
        shutil.move(produced, destination)
        return destination
