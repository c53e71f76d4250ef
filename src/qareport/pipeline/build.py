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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from qareport import __version__
from qareport.book.assemble import assemble_book, check_narrative, narrative_files
from qareport.book.forms import shape_book
from qareport.book.sync import sync_narratives
from qareport.config.forms import check_form, form_sections
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period, check_edition, parse_period, period_kind
from qareport.config.project import Project
from qareport.errors import ExecutionError, ParameterError
from qareport.ingest.store import Store, open_store, store_is_stale
from qareport.pipeline.housekeeping import (
    check_section_notebook,
    check_sheets,
    clean_stale,
    put_back_books,
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
from qareport.render import outputs
from qareport.sheet.payload import read_sheet

if TYPE_CHECKING:
    from qareport.book.model import Book
    from qareport.pipeline.execute import Runner, SheetRunner
    from qareport.render.outputs import Output

__all__ = ["BookResult", "BuildOptions", "build_book", "swap_into_place"]

T = TypeVar("T")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BookResult:
    """What a build did: the files it wrote (by output name), which sheets it executed and
    which it reused, and what it warns about."""

    area_id: str
    period: str
    files: dict[str, Path]
    executed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return "built" if self.executed else "unchanged (re-rendered)"

    @property
    def html(self) -> Path:
        return self.files[outputs.HTML.name]

    @property
    def pdf(self) -> Path:
        return next(p for name, p in self.files.items() if p.name == outputs.PDF_NAME)

    @property
    def figures(self) -> Path:
        """report-book-data.xlsx: the figures behind every chart."""
        return self.files[outputs.SPREADSHEET.name]


def _no_progress(_: str) -> None:
    return None


@dataclass(frozen=True)
class BookPlan:
    """What is to be built: the book's area, period and sheets, where it goes, and the
    outputs it gets (each checked before any work)."""

    project: Project
    area: AreaParameters
    period: Period
    options: BuildOptions
    outputs: list[Output]
    sections: list[str]
    final: Path


@dataclass(frozen=True)
class CheckedInputs:
    """The extracts in the store and the reviewers' files, checked; what to warn about."""

    store: Store
    notes: list[str]
    strays: list
    prepared: Future[None] | None  # the outputs' imports, loading beside the checks
    notice: str = ""  # for the cover: a book asked for a period with no figures


@dataclass(frozen=True)
class SheetRun:
    """The sheets' inputs (for the manifest) and which were executed or reused."""

    staging: Path
    inputs: dict[str, dict]
    executed: list[str]
    reused: list[str]
    output_digests: dict[str, str] = field(default_factory=dict)  # see Output.digest


def build_book(
    project_dir: str | Path,
    area: str,
    period: str,
    options: BuildOptions | None = None,
    *,
    runner: Runner | None = None,
    store: Store | None = None,
    progress: Progress = _no_progress,
) -> BookResult:
    """Build output/<area>/<period>/ (report-book.html, .pdf, the spreadsheet and any other
    outputs chosen); returns what was done.

    The edition follows from the period (a year: annual; a quarter: quarterly; a month:
    monthly); `options.edition`, when given, is checked against it. The book is made in a
    staging folder and moved into place only when every step has succeeded."""
    started = time.perf_counter()
    put_back_books(Project.open(project_dir).output_dir)  # a swap a kill cut short
    plan = plan_book(project_dir, area, period, options or BuildOptions())
    commit = _beside(git_commit, plan.project.root)  # answered while the build works
    with _kernels(plan, runner) as kernels:
        checked = _check_inputs(plan, kernels, store, progress)
        with _staging(plan) as staging:
            run = _execute_changed(plan, checked, kernels, staging, progress)
            progress("assembling the book")
            record = _provenance(plan, checked, commit.result())
            book = _assemble(plan, run, record, checked.notice)
            progress("rendering HTML and PDF")
            files = _write_outputs(plan, checked, book, run, record)
            _write_manifest(plan, checked, run, book, record)
            swap_into_place(staging, plan.final)
    return BookResult(
        area_id=plan.area.id,
        period=plan.period.label,
        files={name: plan.final / path.name for name, path in files.items()},
        executed=run.executed,
        reused=run.reused,
        seconds=time.perf_counter() - started,
        warnings=tuple(checked.notes),
    )


def plan_book(project_dir: str | Path, area: str, period: str, options: BuildOptions) -> BookPlan:
    """The book asked for, checked: a known area, a period of the edition asked for, and
    outputs that can be written here (an unknown or missing engine stops here)."""
    chosen = outputs.choose(options.engine, options.outputs)
    project = Project.open(project_dir)
    when = parse_period(period)
    check_edition(when, options.edition)
    params = project.area(area)
    form = check_form(options.form, params, when)
    sections = form_sections(form, project.book_sections(params, when))
    if form.themes and not sections:
        raise ParameterError(
            f"the {when.edition} book of {params.id} for {when.label} has no sheet "
            f"{', '.join(form.themes)} (it holds only the sheets of its priority measures); "
            f"give the year, --period {when.year.label}"
        )
    final = project.book_dir(params.id, when, form.slug)
    return BookPlan(project, params, when, options, chosen, sections, final)


class _OwnKernels:
    """The build's own kernels (a kernel per core, at most one per sheet), made only when a
    sheet runs or the store is stale: a rebuild that runs none never loads jupyter_client
    (about 70 ms of a narrative-only rebuild)."""

    def __init__(self, sheets: int, cwd: Path) -> None:
        self._sheets, self._cwd = sheets, cwd
        self._pool: Runner | None = None

    def _made(self) -> Runner:
        if self._pool is None:
            from qareport.pipeline.execute import KernelPool

            self._pool = KernelPool.for_sheets(self._sheets, self._cwd)
        return self._pool

    def start(self) -> None:
        self._made().start()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def each(self, items, work, *, cost=None) -> None:
        if items:
            self._made().each(items, work, cost=cost)


@contextmanager
def _kernels(plan: BookPlan, runner: Runner | None) -> Iterator[Runner]:
    """The runner given, or kernels of the build's own, stopped when the build ends."""
    if runner is not None:
        yield runner
        return
    own = _OwnKernels(len(plan.sections), plan.project.root)
    try:
        yield own
    finally:
        own.close()


def _prepare(chosen: list[Output]) -> None:
    for output in chosen:
        output.prepare()


def _outputs_ready(plan: BookPlan, checked: CheckedInputs) -> None:
    """The outputs' imports loaded: awaited where they load beside the checks."""
    checked.prepared.result() if checked.prepared else _prepare(plan.outputs)


def _check_inputs(
    plan: BookPlan, kernels: Runner, store: Store | None, progress: Progress
) -> CheckedInputs:
    """The reviewers' files first (a problem there stops the build before any write), then
    the extracts into the store; kernels warm while a stale store is rebuilt, and on a
    likely rebuild the outputs' imports load while the sheets' inputs are checked."""
    project, params, when = plan.project, plan.area, plan.period
    progress("checking extracts")
    sync_narratives(narrative_files(project, params, when))  # or NarrativeConflict
    notes = check_narrative(project, params, when)
    prepared: Future[None] | None = None
    if store is None:
        stale = store_is_stale(project)
        if plan.options.force or stale:
            kernels.start()
        else:
            prepared = _beside(_prepare, plan.outputs)
        store = open_store(project, stale=stale, for_area=params.code, strict=plan.options.strict)
    problems = store.issues_for(params.code)
    if problems:
        raise problems[0].error(len(problems))
    strays = store.stray_rows()
    if strays and plan.options.strict:
        raise strays[0].error(len(strays))
    notes += [stray_warning(strays)] if strays else []
    notes += [str(w) for w in store.warnings_for(params.code)]
    # figures no book of the workbook shows (a new publication's sheet chosen by no area)
    sheets = {s for area in project.loaded_areas() for s in area.sections}
    periods, measures = store.what_has_figures(params.code)
    unplaced = project.catalogue.unplaced(measures, sheets)
    notes += [unplaced] if unplaced else []
    notice = _figures_for_the_period(plan, periods)
    notes += [notice] if notice else []
    if when.is_month and not store.has_periods_of_kind(params.code, "month"):
        notes.append(
            f"{params.id} returned no monthly figures, so its monthly book shows each "
            "measure by its financial years; add month rows "
            "(period 2025-10) to its extracts"
        )
    return CheckedInputs(store, notes, strays, prepared, notice)


def _figures_for_the_period(plan: BookPlan, have: list[str]) -> str:
    """A book for a period the area returned nothing for (a year, its quarters or months)
    would be every sheet marked not available: refused, saying which periods have
    figures, unless asked for with --allow-empty (then said on its cover too)."""
    params, when = plan.area, plan.period
    # its own returns, those of its quarters and months, and for a quarter or month the
    # year (and quarter) it is in: a book shows a measure returned yearly by its years
    around = [when.within(k) for k in ("year", "quarter") if not when.is_year]
    around = [p for p in around if p.label != when.label]
    inside = {when.label, *(p.label for p in (*when.parts(), *around))}
    if inside & set(have):
        return ""
    shown = _spans(have)
    if not plan.options.allow_empty:
        raise ParameterError(
            f"{params.id} has no figures for {when.label} on any sheet (periods with figures: "
            f"{shown}); build one of those, or add --allow-empty to build it all the same"
        )
    return (
        f"No figures for {when.label}: {params.name} has no returns for this period on any "
        f"sheet (periods with figures: {shown}); every figure shows as not available."
    )


def _spans(labels: list[str]) -> str:
    """Periods said by kind, first to last: 'years 2021-22 to 2025-26; quarters 2021-22-Q1
    to 2025-26-Q4'."""
    said = []
    for kind in ("year", "quarter", "month"):
        found = sorted(label for label in labels if period_kind(label) == kind)
        if found:
            said.append(f"{kind}s {found[0]}" + (f" to {found[-1]}" if len(found) > 1 else ""))
    return "; ".join(said) or "none"


@contextmanager
def _staging(plan: BookPlan) -> Iterator[Path]:
    """A folder of the build's own beside output/, removed when the build ends (once
    swapped into place, nothing of it is left)."""
    clean_stale(plan.project.output_dir)
    label = "-".join(filter(None, [plan.period.label, plan.options.form.slug]))
    staging = plan.project.output_dir / ".staging" / staging_name(plan.area.id, label)
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "notebooks").mkdir(parents=True)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()  # only when empty


def _execute_changed(
    plan: BookPlan, checked: CheckedInputs, kernels: Runner, staging: Path, progress: Progress
) -> SheetRun:
    """Execute the sheets whose inputs changed since the last build; copy the others, from
    this book's last build or, for a form of the book, from the full book's."""
    project, params, when = plan.project, plan.area, plan.period
    inputs = {
        s: sheet_inputs(project, checked.store, area=params, period=when.label, section=s)
        for s in plan.sections
    }
    full = project.book_dir(params.id, when)
    forms = sorted(full.parent.glob(f"{when.label}-*")) if full.parent.is_dir() else []
    books = list(dict.fromkeys([plan.final, full, *forms]))
    built = [(book, read_manifest(book).get("sheets", {})) for book in books]
    found = {
        s: next(
            (
                book / "notebooks" / f"{s}.ipynb"
                for book, previous in built
                if previous.get(s, {}).get("sheet_hash") == inputs[s]["sheet_hash"]
                and (book / "notebooks" / f"{s}.ipynb").is_file()
            ),
            None,
        )
        for s in ([] if plan.options.force else plan.sections)
    }
    reused = [s for s in plan.sections if found.get(s)]
    executed = [s for s in plan.sections if s not in reused]
    for section in reused:
        progress(f"reusing {section}")
        shutil.copy2(found[section], staging / "notebooks")  # type: ignore[arg-type]

    def execute(kernel: SheetRunner, section: str) -> None:
        progress(f"executing {section}")
        where = {"area": params.id, "section": section, "period": when.label}
        _execute(kernel, project, staging / "notebooks" / f"{section}.ipynb", where)

    if executed:
        # loaded before any sheet starts: a thread importing nbconvert while the kernels'
        # threads import papermill could find a shared module (jupyter_client) half made
        _outputs_ready(plan, checked)
    # side by side when the runner has several kernels, the sheets with most measures
    # first (a sheet's time goes mostly on its charts)
    kernels.each(executed, execute, cost=lambda s: len(project.catalogue.area(s).measures))
    return SheetRun(staging, inputs, executed, reused)


def _provenance(plan: BookPlan, checked: CheckedInputs, commit: str | None) -> dict:
    """What the book was built from, for its appendix, its notebooks and its manifest."""
    return build_provenance(
        plan.project,
        plan.area,
        plan.period,
        inputs=checked.store.inputs,
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        left_out=[str(i) for i in checked.strays],
        made=checked.store.derived_periods(plan.area.code),
        commit=commit,
    )


def _assemble(plan: BookPlan, run: SheetRun, record: dict, notice: str) -> Book:
    """The executed sheets with the reviewers' words, actions, themes and programme."""
    sheets = [read_sheet(run.staging / "notebooks" / f"{s}.ipynb") for s in plan.sections]
    check_sheets(sheets, plan.area.id, plan.period.label, plan.sections)
    book = assemble_book(
        plan.project,
        plan.area,
        plan.period,
        sheets,
        built_at=record["built_at"],
        provenance=appendix_rows(record),
        notice=notice,
    )
    return shape_book(plan.project, plan.area, plan.period, book, plan.options.form)


def _write_outputs(
    plan: BookPlan, checked: CheckedInputs, book: Book, run: SheetRun, record: dict
) -> dict[str, Path]:
    """Every chosen output into the staging folder, by name, while the provenance is
    recorded in each sheet's notebook. On a narrative-only rebuild the PDF starts compiling
    while the HTML's imports are still loading, and an output whose digest is the last
    build's is copied from it."""

    def stamp() -> None:
        for section in plan.sections:
            stamp_notebook(run.staging / "notebooks" / f"{section}.ipynb", record)

    digests = {o.name: o.digest(book) for o in plan.outputs if o.digest is not None}
    before = read_manifest(plan.final).get("output_digests", {})
    kept = {
        o.name: run.staging / o.file_name
        for o in plan.outputs
        if o.name in digests
        and not plan.options.force
        and before.get(o.name) == digests[o.name]
        and (plan.final / o.file_name).is_file()
    }
    for path in kept.values():
        shutil.copy2(plan.final / path.name, path)
    written = outputs.write_outputs(
        [o for o in plan.outputs if o.name not in kept],
        book,
        run.staging,
        stamp,
        ready=lambda: _outputs_ready(plan, checked),
    )
    run.output_digests.update(digests)
    return {o.name: {**kept, **written}[o.name] for o in plan.outputs}


def _write_manifest(
    plan: BookPlan, checked: CheckedInputs, run: SheetRun, book: Book, record: dict
) -> None:
    write_manifest(
        run.staging,
        {
            "area": plan.area.id,
            "period": plan.period.label,
            "form": plan.options.form.slug,
            "qareport": __version__,
            "engine": plan.options.engine,
            "outputs": {o.name: o.file_name for o in plan.outputs},
            "output_digests": run.output_digests,
            "draft": book.draft,
            "sheets": run.inputs,
            "inputs": dict(checked.store.inputs),
            "provenance": record,
        },
    )


def _beside(work: Callable[..., T], *args: object) -> Future[T]:
    """`work(*args)` in a thread of its own, its answer collected when needed."""
    thread = ThreadPoolExecutor(1, thread_name_prefix=getattr(work, "__name__", "beside"))
    answer = thread.submit(work, *args)
    thread.shutdown(wait=False)
    return answer


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


def swap_into_place(staging: Path, final: Path) -> None:
    """Replace the old book with the new one in two renames; the old one goes last."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = staging.parent / f"old-{staging.name}"
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
