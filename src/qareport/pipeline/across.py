"""Build one book of a content area across several areas (`--areas A,B,C --theme X`).

Each area's themed book is built first (re-using the sheets its full book executed), so
each area's sheet is exactly its own book's; the book across the areas is assembled from
those sheets and written, like every book, in a staging folder swapped into place:

    output/across/<period>-theme-<theme>/<area>+<area>+.../
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from qareport import __version__
from qareport.book.across import across_book
from qareport.book.assemble import assemble_book
from qareport.book.model import Book
from qareport.config.periods import check_edition, parse_period
from qareport.config.project import Project
from qareport.errors import ParameterError
from qareport.pipeline.build import BookResult, build_book, swap_into_place
from qareport.pipeline.housekeeping import staging_name
from qareport.pipeline.manifest import read_manifest, write_manifest
from qareport.pipeline.options import BuildOptions
from qareport.pipeline.provenance import appendix_rows
from qareport.render import outputs
from qareport.sheet.payload import read_sheet

__all__ = ["build_across"]


def build_across(
    project_dir: str | Path, areas: list[str], period: str, options: BuildOptions
) -> BookResult:
    """The book of `options.form.themes` across `areas` (two or more), for one period."""
    started = time.perf_counter()
    project = Project.open(project_dir)
    when = parse_period(period)
    check_edition(when, options.edition)
    params = list({p.id: p for p in (project.area(a) for a in areas)}.values())
    if len(params) < 2:
        raise ParameterError("--areas with --theme compares two or more areas; name them all")
    form = options.form
    results = [build_book(project.root, p.id, when.label, options) for p in params]
    books, executed, reused = [], [], []
    for area, result in zip(params, results, strict=True):
        record = read_manifest(result.html.parent)["provenance"]
        folder = result.html.parent / "notebooks"
        sheets = [read_sheet(folder / f"{s}.ipynb") for s in form.themes]
        books.append(
            assemble_book(
                project,
                area,
                when,
                sheets,
                built_at=record["built_at"],
                provenance=appendix_rows(record),
            )
        )
        executed += [f"{area.id}/{s}" for s in result.executed]
        reused += [f"{area.id}/{s}" for s in result.reused]
    book = across_book(books, [p.id for p in params], title=project.defaults.title)
    final = project.output_dir / "across" / f"{when.label}-{form.slug}"
    final = final / "+".join(p.id for p in params)
    manifest = {
        "areas": [p.id for p in params],
        "period": when.label,
        "form": form.slug,
        "qareport": __version__,
        "books": {p.id: str(r.html.parent) for p, r in zip(params, results, strict=True)},
    }
    files = _write(project, book, final, manifest, options)
    return BookResult(
        area_id="+".join(p.id for p in params),
        period=when.label,
        files={name: final / path.name for name, path in files.items()},
        executed=executed,
        reused=reused,
        seconds=time.perf_counter() - started,
        warnings=tuple(w for r in results for w in r.warnings),
    )


def _write(
    project: Project, book: Book, final: Path, manifest: dict, options: BuildOptions
) -> dict[str, Path]:
    """The book's outputs and manifest in a staging folder, swapped into `final`."""
    label = f"{manifest['period']}-{manifest['form']}"
    staging = project.output_dir / ".staging" / staging_name("across", label)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        chosen = outputs.choose(options.engine, options.outputs)
        files = outputs.write_outputs(chosen, book, staging)
        write_manifest(staging, manifest)
        swap_into_place(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files
