"""The `qareport` command: a thin layer that parses options and calls the library.

Exit codes: 0 success; 1 a QareportError (printed as one `Error: ...` line);
2 bad usage (typer's own); 3 an unexpected internal error (one line too, with
the exception type, never a bare traceback).
"""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from qareport.errors import QareportError, from_os_error
from qareport.render import outputs

if TYPE_CHECKING:  # typer's own click (it carries one), for the import commands' types
    from typer._click.core import Command


class _ImportGroup(TyperGroup):
    """`qareport import <name>`: one command per importer in the registry (entry points
    `qareport.importers`), made when it is asked for, so other commands never load them."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        from qareport.importers.registry import available

        return list(available())

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:  # type: ignore[override]
        from qareport.importers.registry import available

        importer = available().get(cmd_name)
        return _import_command(importer) if importer else None


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build the Safeguarding Children Report Book from safeguarding data extracts.",
)
catalogue_app = typer.Typer(no_args_is_help=True, help="Browse the framework catalogue.")
app.add_typer(catalogue_app, name="catalogue")
narrative_app = typer.Typer(no_args_is_help=True, help="Reviewers' narrative and sign-off.")
app.add_typer(narrative_app, name="narrative")
notebook_app = typer.Typer(no_args_is_help=True, help="Analysts' own notebooks for a sheet.")
app.add_typer(notebook_app, name="notebook")
import_app = typer.Typer(
    cls=_ImportGroup,
    no_args_is_help=True,
    help="Import published statistics and your own returns into the workbook.",
)
app.add_typer(import_app, name="import")

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

ProjectOpt = Annotated[
    Path, typer.Option("--project", "-p", help="The workbook folder (holds parameters/).")
]


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        "--periods",
        help="2025-26 (financial year), 2025-26-Q3 (quarter) or 2025-10 (month); "
        "several: 2024-25,2025-26 or 2021-22..2025-26.",
    ),
]
AreaOpt = Annotated[str | None, typer.Option("--area", "-a", help="One area: id, code or name.")]
AreasOpt = Annotated[str | None, typer.Option("--areas", help="Several areas, comma-separated.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every area in parameters/.")]
JobsOpt = Annotated[
    int | None, typer.Option(min=1, help="Parallel workers for --all/--areas (default: cores).")
]
ExecutorOpt = Annotated[
    str, typer.Option(help="local (this machine's cores) or dask (needs the [dask] extra).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        help="A Dask scheduler's address (tcp://host:8786) for --executor dask; "
        "default: a local cluster of --jobs workers."
    ),
]
EngineOpt = Annotated[
    str, typer.Option(help="PDF engine: typst, or quarto where installed (`qareport outputs`).")
]
OutputOpt = Annotated[
    list[str] | None,
    typer.Option("--output", help="An optional output to write as well (`qareport outputs`)."),
]
ForceOpt = Annotated[bool, typer.Option(help="Re-execute every sheet.")]
StrictOpt = Annotated[bool, typer.Option(help="Refuse extract rows whose area code no area has.")]
AllowEmptyOpt = Annotated[
    bool, typer.Option(help="Build a book for a period with no figures (said on its cover).")
]
ThemeOpt = Annotated[
    str | None,
    typer.Option(
        help="A themed book: one content area (or several, comma-separated) across the "
        "partnership's agencies; with --areas, across those areas."
    ),
]
AgencyOpt = Annotated[
    str | None,
    typer.Option(help="A book for one member agency (its id), against the pooled figure."),
]
SectorOpt = Annotated[
    str | None,
    typer.Option(help="A book for a sector's member agencies (police, health, education, ...)."),
]
EditionOpt = Annotated[
    str | None,
    typer.Option(
        help="annual (period 2025-26), quarterly (2025-26-Q3) or monthly (2025-10), checked; "
        "or event: the annual quality assurance event pack."
    ),
]


@app.command()
def build(
    period: PeriodOpt,
    area: AreaOpt = None,
    areas: AreasOpt = None,
    all_areas: AllOpt = False,
    jobs: JobsOpt = None,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    engine: EngineOpt = outputs.DEFAULT_ENGINE,
    output: OutputOpt = None,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    allow_empty: AllowEmptyOpt = False,
    edition: EditionOpt = None,
    theme: ThemeOpt = None,
    agency: AgencyOpt = None,
    sector: SectorOpt = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Build books: output/<area>/<period>/report-book.html and .pdf (a themed, partner's,
    sector's or event book beside it: output/<area>/<period>-<form>/)."""
    from qareport.config.forms import BookForm
    from qareport.config.periods import check_edition, parse_periods
    from qareport.config.project import Project
    from qareport.pipeline.options import BuildOptions, check_executor

    chosen = [bool(area), bool(areas), all_areas]
    if sum(chosen) != 1:
        raise QareportError("give exactly one of --area, --areas or --all")
    check_executor(executor, scheduler)  # before any work
    extra = tuple(output or ())
    outputs.choose(engine, extra)  # an unknown output, or one not installed here, stops here
    form = BookForm(
        themes=tuple(t.strip() for t in (theme or "").split(",") if t.strip()),
        agency=agency,
        sector=sector,
        event=edition == "event",
    )
    edition = None if form.event else edition
    chosen_periods = parse_periods(period)
    for when in chosen_periods:
        check_edition(when, edition)
    periods = [p.label for p in chosen_periods]
    proj = Project.open(project)
    from qareport.pipeline.housekeeping import put_back_books

    put_back_books(proj.output_dir)  # before anything can fail: a swap a kill cut short
    options = BuildOptions(
        engine=engine,
        outputs=extra,
        force=force,
        edition=edition,
        strict=strict,
        allow_empty=allow_empty,
        form=form,
    )
    if areas and form.themes:  # one content area across several areas: one book
        _build_across(proj, areas, periods, options)
        return
    if area and len(periods) == 1 and executor == "local":
        _build_single(proj, area, periods[0], options)
        return
    if area:
        names = [area]
    elif all_areas:
        names = proj.area_ids()
    else:
        names = [a.strip() for a in (areas or "").split(",") if a.strip()]
    _build_batch(proj, names, periods, jobs, options, executor=executor, scheduler=scheduler)


def _build_across(proj, areas: str, periods: list[str], options) -> None:
    """One content area across several areas: one book per period."""
    from qareport.pipeline.across import build_across

    names = [a.strip() for a in areas.split(",") if a.strip()]
    for period in periods:
        with _bar() as bar:
            bar.add_task(f"{len(names)} areas, {period}: {options.form.flags}", total=None)
            result = build_across(proj.root, names, period, options)
        for warning in result.warnings:
            _one_line(f"Warning: {warning}")
        out.print(f"{result.area_id} {result.period}: built in {result.seconds:.1f} s")
        for path in result.files.values():
            out.print(f"  {path}", markup=False)


def _build_single(proj, area: str, period: str, options) -> None:
    from contextlib import nullcontext

    from qareport.config.periods import parse_period

    params = proj.area(area)
    fresh = not proj.manifest_path(params.id, parse_period(period)).is_file()
    early = None
    if fresh or options.force:  # sheets will run: start the kernel now, it warms while we import
        from qareport.pipeline.execute import KernelPool

        sections = proj.book_sections(params, parse_period(period))
        early = KernelPool.for_sheets(len(sections), proj.root)
        early.start()
    with early or nullcontext() as runner, _bar() as bar:
        from qareport.pipeline.build import build_book

        task = bar.add_task(
            f"{params.id} {period}", total=len(proj.book_sections(params, parse_period(period))) + 3
        )

        def progress(step: str) -> None:
            bar.update(task, advance=1, description=f"{params.id} {period}: {step}")

        result = build_book(proj.root, params.id, period, options, progress=progress, runner=runner)
    for warning in result.warnings:
        _one_line(f"Warning: {warning}")
    out.print(f"{result.area_id} {result.period}: {result.status} in {result.seconds:.1f} s")
    for path in result.files.values():
        out.print(f"  {path}", markup=False)


@app.command("outputs")
def list_outputs() -> None:
    """List what a build can write: every output, its file and when it is written."""
    when = {"always": "every book", "pdf": "--engine NAME", "optional": "--output NAME"}
    for output in outputs.available().values():
        shown = output.missing()
        out.print(
            f"{output.name:14} {output.file_name:24} {when[output.role]:14} {output.summary}"
            + (f" (not here: {shown})" if shown else ""),
            markup=False,
        )


def _build_batch(
    proj, names: list[str], periods: list[str], jobs, options, *, executor: str, scheduler
) -> None:
    from qareport.pipeline.batch import build_books, default_jobs

    if not names:
        raise QareportError("no areas to build; check --areas or parameters/")
    books = len(names) * len(periods)
    workers = min(jobs or default_jobs(), books)
    shown = periods[0] if len(periods) == 1 else f"{len(periods)} periods"
    where = f"on {scheduler}" if scheduler else f"{workers} workers"
    if executor == "dask":
        where += " (dask)"
    with _bar() as bar:
        task = bar.add_task(f"{books} books, {shown}, {where}", total=books)
        outcomes = build_books(
            proj.root,
            names,
            periods,
            jobs=workers,
            options=options,
            executor=executor,
            scheduler=scheduler,
            on_done=lambda _: bar.advance(task),
        )
    for outcome in outcomes:
        timing = f" in {outcome.seconds:.1f} s" if outcome.status != "failed" else ""
        when = f"{outcome.period:11}" if len(periods) > 1 else ""
        out.print(
            f"{outcome.area_id:24} {when}{outcome.status:9} {outcome.detail}{timing}",
            markup=False,
        )
    for warning in dict.fromkeys(w for o in outcomes for w in o.warnings):
        _one_line(f"Warning: {warning}")
    failed = [o for o in outcomes if o.status == "failed"]
    out.print(f"{len(outcomes) - len(failed)} built or unchanged, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@app.command()
def plan(
    area: AreaOpt = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="List meetings on or after this day, YYYY-MM-DD (today)."),
    ] = None,
    build_them: Annotated[
        bool, typer.Option("--build", help="Build the book each coming meeting needs.")
    ] = False,
    project: ProjectOpt = Path("."),
) -> None:
    """The forward plan: the coming meetings in programme/<area>.yml and the book each needs
    (a themed, partner's, sector's or event book, or the full book); --build builds them."""
    from datetime import date

    from qareport.config.project import Project
    from qareport.pipeline.plan import build_planned, coming_books

    try:
        day = date.fromisoformat(since) if since else date.today()
    except ValueError:
        raise QareportError(f"--from {since!r}: write the day as YYYY-MM-DD") from None
    proj = Project.open(project)
    books = coming_books(proj, area, day)
    if not books:
        out.print(f"no meetings planned on or after {day}; add `meetings:` to programme/<area>.yml")
        return
    for book in books:
        m = book.meeting
        out.print(f"{m.date}  {book.area_id}  {m.title}: {book.what}, {m.period}", markup=False)
        out.print(f"    {book.command}", markup=False)
    if not build_them:
        return
    from qareport.pipeline.options import BuildOptions

    def done(book, result) -> None:
        out.print(f"{book.meeting.date} {book.what}: {result.status} in {result.seconds:.1f} s")
        out.print(f"  {result.html}", markup=False)

    with _bar() as bar:
        bar.add_task(f"building {len(books)} books", total=None)
        build_planned(proj, books, BuildOptions(), done)


@app.command()
def areas(project: ProjectOpt = Path(".")) -> None:
    """Print the area ids, one per line."""
    from qareport.config.project import Project

    for area_id in Project.open(project).area_ids():
        print(area_id)


@app.command()
def validate(
    project: ProjectOpt = Path("."),
    strict: Annotated[
        bool, typer.Option(help="Count rows whose area code no area has as problems.")
    ] = False,
) -> None:
    """Check catalogues, parameters and extracts without building anything."""
    from qareport.config.project import Project
    from qareport.ingest.extracts import validate_extracts
    from qareport.ingest.sources import grouped

    proj = Project.open(project)
    catalogue = proj.catalogue
    params = proj.loaded_areas()
    for problem in proj.register.problems.values():
        out.print(str(problem), markup=False)
    checked = validate_extracts(
        proj.data_paths(),
        catalogue,
        geography=proj.geography,
        root=proj.root,
        members=proj.member_agencies(),
    )
    strays = [i for i in checked.issues if i.is_stray]
    warned = [i for i in checked.issues if i.warning]
    for issue, more in grouped(list(checked.issues)):
        prefix = "warning: " if issue.warning or (issue.is_stray and not strict) else ""
        out.print(f"{prefix}{issue}{more}", markup=False)
    unplaced = catalogue.unplaced(
        checked.frame["measure_id"].unique() if len(checked.frame) else [],
        {s for area in params for s in area.sections},
    )
    if unplaced:
        out.print(f"warning: {unplaced}", markup=False)
    problems = (
        len(proj.register.problems)
        + len(checked.issues)
        - len(warned)
        - (0 if strict else len(strays))
    )
    summary = (
        f"{len(catalogue.content_areas)} content areas, {len(catalogue.measures)} measures, "
        f"{len(params)} areas, {len(checked.files)} extract files, {len(checked.frame)} rows: "
        f"{problems} problems"
    )
    if strays and not strict:
        summary += f", {len(strays)} rows for unknown area codes left out (--strict refuses them)"
    if problems:
        raise QareportError(summary)
    out.print(f"OK: {summary}")


@app.command()
def demo(
    project: ProjectOpt = Path("."),
    areas: Annotated[int, typer.Option(min=2, max=500, help="How many areas (12 named).")] = 12,
    casework: Annotated[
        Path | None,
        typer.Option(
            help="Instead, write a new workbook in this folder for one fictitious "
            "authority's own Annex A lists, SSDA903 return and CIN census (see README)."
        ),
    ] = None,
) -> None:
    """Write the synthetic demo (data/demo/ and parameters/) into a project folder."""
    if casework is not None:
        from qareport.demo.casework import write_casework_demo

        notebook = project.resolve() / "notebooks" / "section.ipynb"
        try:
            written = write_casework_demo(casework.resolve(), notebook)
        except FileExistsError as exc:
            raise QareportError(str(exc)) from None
        except FileNotFoundError:
            raise QareportError(
                f"{notebook} is missing: run this from a workbook with notebooks/section.ipynb"
            ) from None
        out.print(f"wrote {len(written)} files into {casework}", markup=False)
        return
    from qareport.demo import write_demo

    for path in write_demo(project.resolve(), areas):
        out.print(f"wrote {path}")


def _annotated(kind: object, parameter: object) -> object:
    """`Annotated[kind, parameter]` for a type known only at run time."""
    return Annotated.__class_getitem__((kind, parameter))  # type: ignore[attr-defined]


def _import_command(importer) -> Command:
    """A command for one importer: its sources as the argument, each field of its options
    model as an option (a Path must exist), and --project."""
    from inspect import Parameter, Signature

    from pydantic_core import PydanticUndefined

    sources = importer.sources
    kind = list[Path] if sources.many else Path
    argument = typer.Argument(
        exists=True,
        dir_okay=sources.folders,
        help=sources.help,
        metavar="SOURCE..." if sources.many else "SOURCE",
    )
    params = [Parameter("sources", Parameter.KEYWORD_ONLY, annotation=_annotated(kind, argument))]
    for name, info in importer.options.model_fields.items():
        option = typer.Option(
            f"--{name.replace('_', '-')}", help=info.description, exists=info.annotation is Path
        )
        default = Parameter.empty if info.default is PydanticUndefined else info.default
        annotation = _annotated(info.annotation, option)
        params.append(
            Parameter(name, Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        )
    params.append(
        Parameter("project", Parameter.KEYWORD_ONLY, annotation=ProjectOpt, default=Path("."))
    )

    def command(**values: Any) -> None:
        from qareport.importers.registry import run_import

        project, given = values.pop("project"), values.pop("sources")
        paths = list(given) if isinstance(given, list) else [given]
        summary = run_import(importer.name, project, paths, values)
        for line in summary.lines():
            out.print(line, markup=False)
        if summary.held_back:  # an input problem: exit 1, the previous extract kept
            raise QareportError(summary.held_back)

    command.__signature__ = Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    one = typer.Typer(add_completion=False)
    one.command(importer.name, help=importer.help)(command)
    return typer.main.get_command(one)


@notebook_app.command("new")
def notebook_new(
    section: Annotated[str, typer.Option("--section", "-s", help="Content area id.")],
    area: Annotated[
        str | None, typer.Option("--area", "-a", help="Only for this area (default: every area).")
    ] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Write notebooks/[<area>/]<section>.ipynb: the standard sheet plus your own cells."""
    from qareport.config.project import Project
    from qareport.pipeline.own_notebook import new_notebook

    path = new_notebook(Project.open(project), section, area)
    out.print(f"created {path}", markup=False)
    out.print("cells tagged `book` put their outputs on the sheet; build to see them")


@narrative_app.command("init")
def narrative_init(
    area: Annotated[str, typer.Option("--area", "-a", help="Area id, code or name.")],
    period: Annotated[str, typer.Option(help="2025-26, 2025-26-Q3 or 2025-10.")],
    project: ProjectOpt = Path("."),
) -> None:
    """Create narrative stubs for an area and period; existing files are never touched."""
    from qareport.book.workflow import init_narrative
    from qareport.config.project import Project

    created = init_narrative(Project.open(project), area, period)
    for path in created:
        out.print(f"created {path}", markup=False)
    if not created:
        out.print("nothing to do: every narrative file already exists")


@narrative_app.command("curve")
def narrative_curve(
    area: Annotated[str, typer.Option("--area", "-a", help="Area id, code or name.")],
    period: Annotated[str, typer.Option(help="The baseline period: its book must be built.")],
    measure: Annotated[str, typer.Option(help="The measure of concern (its id).")],
    method: Annotated[
        str, typer.Option(help="linear (the trend, carried on) or mean (a stable process).")
    ] = "linear",
    fitted: Annotated[
        int, typer.Option(min=2, max=60, help="How many past periods the forecast is fitted to.")
    ] = 5,
    project: ProjectOpt = Path("."),
) -> None:
    """Start a Turning the Curve sheet for a measure: narrative/<area>/<period>/<measure>.curve.md,
    its baseline and forecast frozen from the period's built book."""
    from qareport.book.curve import start_curve
    from qareport.config.project import Project

    path = start_curve(Project.open(project), area, period, measure, method=method, fitted=fitted)
    out.print(f"created {path}", markup=False)
    out.print("write its parts, list its actions' ids under `actions:`, and build the book")


@narrative_app.command("review")
def narrative_review(
    area: Annotated[str, typer.Option("--area", "-a", help="Area id, code or name.")],
    period: Annotated[str, typer.Option(help="2025-26, 2025-26-Q3 or 2025-10.")],
    section: Annotated[str, typer.Option(help="The content area (sheet) id.")],
    reviewer: Annotated[str, typer.Option(help="Who reviewed it.")],
    status: Annotated[str, typer.Option(help="draft, reviewed or approved.")] = "approved",
    nothing_written: Annotated[
        bool,
        typer.Option(
            "--nothing-written", help="Approve a sheet with no analysis, saying it needs none."
        ),
    ] = False,
    project: ProjectOpt = Path("."),
) -> None:
    """Record a sheet's review decision, reviewer and date in the period's review register
    (reviews.yml), never in the narrative file; approving fingerprints its figures."""
    from qareport.book.review import set_review
    from qareport.config.project import Project

    path = set_review(
        Project.open(project),
        area,
        period,
        section,
        reviewer=reviewer,
        status=status,
        nothing_written=nothing_written,
    )
    out.print(f"{status}: {section}, recorded in {path}", markup=False)


@app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(ctx: typer.Context, project: ProjectOpt = Path(".")) -> None:
    """Open the workbook in JupyterLab: narratives open as notebooks, each with its review
    panel (the sheet's A3 page as you save, Build, Approve, Return). Other options are
    JupyterLab's own (e.g. --no-browser --port 8890)."""
    import os
    import subprocess

    from qareport.config.project import Project
    from qareport.pipeline.lab import lab_command

    command, env = lab_command(Project.open(project), list(ctx.args))
    if os.name == "posix":  # JupyterLab takes this process's place: stopping it stops the
        os.execve(command[0], command, env)  # server, never leaving one running alone
    raise typer.Exit(subprocess.call(command, env=env))


@app.command("new-period")
def new_period_command(
    old: Annotated[str, typer.Option("--from", help="The period ending, e.g. 2025-26-Q2.")],
    new: Annotated[str, typer.Option("--to", help="The period starting, e.g. 2025-26-Q3.")],
    area: Annotated[
        str | None, typer.Option("--area", "-a", help="One area (default: every area).")
    ] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Carry open actions forward to the next period and create its narrative stubs."""
    from qareport.book.workflow import new_period
    from qareport.config.project import Project

    proj = Project.open(project)
    for area_id in [area] if area else proj.area_ids():
        done = new_period(proj, area_id, old, new)
        for path in done.created:
            out.print(f"created {path}", markup=False)
        if done.carried:
            out.print(f"{area_id}: carried {', '.join(done.carried)} to {new}", markup=False)
        for note in done.notes:
            out.print(note, markup=False)


@catalogue_app.command("list")
def catalogue_list(project: ProjectOpt = Path(".")) -> None:
    """List content areas and their measures."""
    from qareport.config.project import Project

    catalogue = Project.open(project).catalogue
    for area in catalogue.content_areas.values():
        out.print(f"[bold]{area.id}[/bold]  {area.title}  ({area.group})")
        for measure in catalogue.measures_of(area.id):
            out.print(f"    {measure.id:32} {measure.type.value:9} {measure.title}", markup=False)


@catalogue_app.command("add")
def catalogue_add(
    file: Annotated[Path, typer.Argument(help="The local catalogue (.yml) inside the workbook.")],
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only areas of this kind gain its new sheets (partnership, force...)."),
    ] = None,
    project: ProjectOpt = Path("."),
) -> None:
    """Register a local catalogue and put its new sheets in every book that takes the
    defaults' sheets; says which sheets gain which measures."""
    from qareport.config.local_catalogue import add_catalogue
    from qareport.config.project import Project

    proj = Project.open(project)
    done = add_catalogue(proj, file if file.is_absolute() else Path.cwd() / file, kind)
    for line in done.lines(proj.parameters_dir / "defaults.yml"):
        out.print(line, markup=False)


@catalogue_app.command("show")
def catalogue_show(area_id: str, project: ProjectOpt = Path(".")) -> None:
    """Show one content area (or audit framework, such as childs-journey) in full."""
    from qareport.config.project import Project

    catalogue = Project.open(project).catalogue
    if area_id in catalogue.audits:
        audit = catalogue.audits[area_id]
        out.print(f"[bold]{audit.title}[/bold] ({audit.id})\n{audit.description.strip()}\n")
        for step in audit.steps:
            out.print(f"[bold]{step.title}[/bold]")
            for c in step.criteria:
                feeds = f" -> {c.measure}" if c.measure else ""
                out.print(f"  - {c.id} [{c.scoring.value}]{feeds}: {c.text}", markup=False)
        return
    area = catalogue.area(area_id)
    out.print(f"[bold]{area.title}[/bold] ({area.id})\n{area.group}\n\n{area.why.strip()}\n")
    for heading, items in (
        ("Good outcomes", area.good.outcome),
        ("Good quality", area.good.quality),
        ("Questions", area.questions),
        ("Sources and methods", [f"{s.label}: {t.strip()}" for s, t in area.methods.items()]),
    ):
        out.print(f"[bold]{heading}[/bold]")
        for item in items:
            out.print(f"  - {item}", markup=False)
    out.print("[bold]Measures[/bold]")
    for m in catalogue.measures_of(area.id):
        out.print(
            f"  {m.id}: {m.title} [{m.type.value}, {m.source.label}, {m.unit.value}, "
            f"{m.polarity.value}]",
            markup=False,
        )
        for label, text in (("numerator", m.numerator), ("denominator", m.denominator)):
            if text:
                out.print(f"      {label}: {text}", markup=False)


_INTERRUPTED = "Error: interrupted; any previous book is kept as it was"
_GRACE_SECONDS = 5.0


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C: say so at once, let the build unwind (its staging folder is removed), and
    leave for certain after a few seconds: a kernel or worker mid-cell cannot hold it up.
    The book swap is two renames, so the previous book is whole either way; anything left
    in output/.staging is cleared by the next build."""
    import logging
    import os
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing
    # the notebook run being cut short ends as 'Kernel died' in a task nobody awaits any more;
    # asyncio would log that on the way out, after the one line that says what happened
    logging.getLogger("asyncio").setLevel(logging.CRITICAL + 1)
    _one_line(_INTERRUPTED)
    timer = threading.Timer(_GRACE_SECONDS, lambda: os._exit(130))
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def _quiet_reported_loggers() -> None:
    """papermill and nbclient log kernel deaths and cell errors that qareport reports once
    itself, in one line: the command silences them (importing the library never does)."""
    import logging

    from qareport.errors import REPORTED_LOGGERS

    for name in REPORTED_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def main() -> None:
    """Entry point: run the app, turning every error into one line and an exit code."""
    signal.signal(signal.SIGINT, _on_interrupt)
    _quiet_reported_loggers()
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except QareportError as exc:
        _one_line(f"Error: {exc}")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # output/ read-only, disk full: the path and the fix, no traceback
        _one_line(f"Error: {from_os_error(exc)}")
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)  # the handler has said so
    except Exception as exc:  # usage errors from typer's click, then anything unexpected
        exit_code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(exit_code, int):
            exc.show()
            sys.exit(exit_code)
        _one_line(f"Error: internal error ({type(exc).__name__}: {exc}); please report it")
        sys.exit(3)
    finally:
        # Nothing the command made is collected again: frozen, the interpreter's closing
        # garbage collections skip every object of every module imported (half a second
        # after a cold book, with pandas, pandera, matplotlib and nbconvert loaded).
        gc.freeze()


def _one_line(message: str) -> None:
    """Errors are one line, never wrapped to the terminal width."""
    print(" ".join(message.split()), file=sys.stderr)


if __name__ == "__main__":
    main()
