"""Build one area's book for one period: validate, execute what changed, render, swap in.

Nothing is written into the book's folder until everything has succeeded: the
book is assembled in a staging folder beside it and moved into place at the
end, so a failed build leaves the previous good book untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from qareport import __version__
from qareport.book.assemble import assemble_book, check_narrative, narrative_files
from qareport.book.sync import sync_narratives
from qareport.config.periods import check_edition, parse_period
from qareport.config.project import Project
from qareport.errors import ExecutionError
from qareport.ingest.store import Store, open_store, store_is_stale
from qareport.pipeline.housekeeping import (
    check_section_notebook,
    check_sheets,
    clean_stale,
    staging_name,
)
from qareport.pipeline.manifest import read_manifest, sheet_inputs, write_manifest
from qareport.pipeline.options import BuildOptions
from qareport.pipeline.provenance import (
    appendix_rows,
    build_provenance,
    git_commit,
    stamp_notebook,
)
from qareport.render import engines
from qareport.render.spreadsheet import SPREADSHEET_NAME, write_figures
from qareport.sheet.payload import read_sheet

if TYPE_CHECKING:
    from qareport.book.model import Book
    from qareport.pipeline.execute import KernelPool, SheetRunner

__all__ = ["BookResult", "BuildOptions", "build_book"]

T = TypeVar("T")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BookResult:
    area_id: str
    period: str
    html: Path
    pdf: Path
    figures: Path  # report-book-data.xlsx: the figures behind every chart
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return "built" if self.executed else "unchanged (re-rendered)"


def _no_progress(_: str) -> None:
    return None


def build_book(
    project_dir: str | Path,
    area: str,
    period: str,
    options: BuildOptions | None = None,
    *,
    runner: SheetRunner | KernelPool | None = None,
    store: Store | None = None,
    progress: Progress = _no_progress,
) -> BookResult:
    """Build output/<area>/<period>/report-book.html and .pdf; returns what was done.

    The edition follows from the period (a year: annual; a quarter: quarterly);
    `options.edition`, when given, is checked against it."""
    started = time.perf_counter()
    options = options or BuildOptions()
    force = options.force
    engine = engines.get(options.engine)  # an unknown or missing engine stops here
    project = Project.open(project_dir)
    when = parse_period(period)
    check_edition(when, options.edition)
    params = project.area(area)
    own_runner = runner is None
    if runner is None:
        # jupyter_client only when a kernel may be needed; a kernel per core, at most one
        # per sheet (kernels start only when a sheet runs, or early when the store is stale)
        from qareport.pipeline.execute import KernelPool

        runner = KernelPool.for_sheets(len(project.book_sections(params, when)), project.root)
    # git answers while the build works; the provenance collects its answer at the end
    commit = _beside(git_commit, project.root)
    # the HTML renderer (nbconvert) is the costliest import: on a rebuild it loads beside the
    # check of the sheets' inputs
    renderer: Future[Callable[[Book], str]] | None = None
    try:
        progress("checking extracts")
        # the reviewers' files first: a problem there must stop the build before any write
        sync_narratives(narrative_files(project, params, when))  # or NarrativeConflict
        notes = check_narrative(project, params, when)
        if store is None:
            stale = store_is_stale(project)
            if force or stale:
                runner.start()  # sheets will run: warm the kernel while the store is rebuilt
            else:  # likely a rebuild: load the renderer while the sheets' inputs are checked
                renderer = _beside(_html_renderer)
            store = open_store(project, stale=stale, for_area=params.code, strict=options.strict)
        problems = store.issues_for(params.code)
        if problems:
            raise problems[0].error(len(problems))
        strays = store.stray_rows()
        if strays and options.strict:
            raise strays[0].error(len(strays))
        notes += [stray_warning(strays)] if strays else []
        if when.is_month and not store.has_periods_of_kind(params.code, "month"):
            notes.append(
                f"{params.id} returned no monthly figures, so its monthly book shows each "
                "measure by its financial years; add month rows "
                "(period 2025-10) to its extracts"
            )
        sections = project.book_sections(params, when)
        clean_stale(project.output_dir)
        final = project.book_dir(params.id, when)
        previous = read_manifest(final).get("sheets", {})
        staging = project.output_dir / ".staging" / staging_name(params.id, when.label)
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "notebooks").mkdir(parents=True)
        try:
            sheets = {
                s: sheet_inputs(project, store, area=params, period=when.label, section=s)
                for s in sections
            }
            reused = [
                s
                for s in sections
                if not force
                and previous.get(s, {}).get("sheet_hash") == sheets[s]["sheet_hash"]
                and (final / "notebooks" / f"{s}.ipynb").is_file()
            ]
            executed = [s for s in sections if s not in reused]
            for section in reused:
                progress(f"reusing {section}")
                shutil.copy2(
                    final / "notebooks" / f"{section}.ipynb",
                    staging / "notebooks" / f"{section}.ipynb",
                )

            def execute(kernel: SheetRunner, section: str) -> None:
                progress(f"executing {section}")
                _execute(
                    kernel,
                    project,
                    staging / "notebooks" / f"{section}.ipynb",
                    {"area": params.id, "section": section, "period": when.label},
                )

            # loaded before any sheet starts: a thread importing nbconvert while the kernels'
            # threads import papermill could find a shared module (jupyter_client) half made
            render_html = renderer.result() if renderer else _html_renderer()
            # side by side when the runner has several kernels, the sheets with most measures
            # first (a sheet's time goes mostly on its charts)
            runner.each(executed, execute, cost=lambda s: len(project.catalogue.area(s).measures))
            progress("assembling the book")
            sheet_data = [read_sheet(staging / "notebooks" / f"{s}.ipynb") for s in sections]
            check_sheets(sheet_data, params.id, when.label, sections)
            built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            record = build_provenance(
                project,
                params,
                when,
                inputs=store.inputs,
                built_at=built_at,
                left_out=[str(i) for i in strays],
                made=store.derived_periods(params.code),
                commit=commit.result(),
            )
            book = assemble_book(
                project,
                params,
                when,
                sheet_data,
                built_at=built_at,
                provenance=appendix_rows(record),
            )
            progress("rendering HTML and PDF")
            # the PDF engine waits on its compiler (Typst or Quarto) while HTML and the
            # spreadsheet are written beside it, and the provenance is recorded in each
            # sheet's notebook; the engine's error, if any, is raised here
            with ThreadPoolExecutor(1, thread_name_prefix="pdf") as beside:
                pdf = beside.submit(engine.render, book, staging)
                html_path = staging / "report-book.html"
                html_path.write_text(render_html(book), encoding="utf-8")
                write_figures(book, staging)
                for section in sections:
                    stamp_notebook(staging / "notebooks" / f"{section}.ipynb", record)
                pdf.result()
            write_manifest(
                staging,
                {
                    "area": params.id,
                    "period": when.label,
                    "qareport": __version__,
                    "engine": engine.name,
                    "draft": book.draft,
                    "sheets": sheets,
                    "inputs": dict(store.inputs),
                    "provenance": record,
                },
            )
            _swap_into_place(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                staging.parent.rmdir()  # only when empty
    finally:
        if own_runner:
            runner.close()
    return BookResult(
        area_id=params.id,
        period=when.label,
        html=final / "report-book.html",
        pdf=final / "report-book.pdf",
        figures=final / SPREADSHEET_NAME,
        executed=executed,
        reused=reused,
        seconds=time.perf_counter() - started,
        warnings=tuple(notes),
    )


def _beside(work: Callable[..., T], *args: object) -> Future[T]:
    """`work(*args)` in a thread of its own, its answer collected when needed."""
    thread = ThreadPoolExecutor(1, thread_name_prefix=getattr(work, "__name__", "beside"))
    answer = thread.submit(work, *args)
    thread.shutdown(wait=False)
    return answer


def _html_renderer() -> Callable[[Book], str]:
    """The HTML renderer, imported on demand: nbconvert is the build's costliest import."""
    from qareport.render.html import render_html

    return render_html


def stray_warning(strays: list) -> str:
    """One line for rows no book uses; the provenance appendix and `validate` name them."""
    codes = sorted({i.area_code or "(empty)" for i in strays})
    shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
    return (
        f"{len(strays)} extract rows have an area code no area has ({shown}) and are left out "
        "of every book; `qareport validate` lists them, --strict refuses them"
    )


def _execute(runner: SheetRunner, project: Project, target: Path, where: dict[str, str]) -> None:
    """Run the section notebook for one sheet; a failed run's notebook is kept for the user
    under output/.failed/ (the staging folder it ran in is removed when the build ends)."""
    notebook = project.notebook_for(where["area"], where["section"])
    check_section_notebook(notebook)
    try:
        runner.run(notebook, target, {"project_dir": str(project.root), **where})
    except ExecutionError as exc:
        if not (exc.file and Path(exc.file).is_file()):
            raise
        kept = project.output_dir / ".failed" / f"{where['area']}-{where['period']}"
        kept.mkdir(parents=True, exist_ok=True)
        shutil.copy2(exc.file, kept / Path(exc.file).name)
        shown = (kept / Path(exc.file).name).relative_to(project.root)
        raise ExecutionError(
            f"{exc}; the executed notebook is kept at {shown}",
            file=str(kept / Path(exc.file).name),
            area=exc.area,
            section=exc.section,
        ) from None


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace the old book with the new one in two renames; the old one goes last."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = staging.parent / f"old-{staging.name}"
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
