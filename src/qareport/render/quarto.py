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

__all__ = ["QUARTO_COMMAND", "render_with_quarto", "write_quarto_project"]

DOCUMENT = "report-book.qmd"
QUARTO_COMMAND = ("render", DOCUMENT, "--to", "typst")


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
    qmd = folder / DOCUMENT
    qmd.write_text(f"---\n{front}---\n\n```{{=typst}}\n{body}\n```\n", encoding="utf-8")
    return qmd


def render_with_quarto(book: Book, destination: Path) -> Path:
    """Render the PDF through Quarto to `destination`; the build has checked that `quarto`
    is on PATH (the output's `missing`)."""
    with tempfile.TemporaryDirectory(prefix="qareport-quarto-") as scratch:
        folder = Path(scratch)
        write_quarto_project(book, folder)
        try:
            result = subprocess.run(
                ["quarto", *QUARTO_COMMAND],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"quarto could not be run ({exc})") from None
        produced = folder / Path(DOCUMENT).with_suffix(".pdf")
        if result.returncode != 0 or not produced.is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise RenderError(
                "quarto render failed: " + (detail[-1] if detail else f"exit {result.returncode}")
            )
        shutil.move(produced, destination)
        return destination
