"""Many books at once: areas x periods, in parallel, fail-soft, on a chosen executor.

The store is built once, by this process, before any book starts; each worker then
keeps one kernel for all the books it builds, so kernel start-up and imports are paid
once per worker, not per book. One book's failure never stops the others: it is
reported with its reason, and its previous good book stays in place.

Executors: `local` (this machine: in-process for one job, else a process pool) and
`dask` (a Dask LocalCluster, or any scheduler by address; see dask_executor).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from qareport.config.periods import parse_periods
from qareport.config.project import Project
from qareport.errors import ParameterError, QareportError
from qareport.ingest.store import open_store
from qareport.pipeline.execute import REPORTED_LOGGERS, SheetRunner, cores
from qareport.pipeline.jobs import AreaOutcome, BookJob, run_job
from qareport.pipeline.options import EXECUTORS, BuildOptions, check_executor, require_dask

__all__ = [
    "EXECUTORS",
    "AreaOutcome",
    "build_books",
    "check_executor",
    "default_jobs",
    "require_dask",
]

OnDone = Callable[[AreaOutcome], None]


def default_jobs() -> int:
    return cores()


_runner: SheetRunner | None = None


def _worker_init(project_root: str, levels: dict[str, int]) -> None:
    """Start this worker's kernel once; it is shut down when the worker exits. The worker's
    loggers are set as the parent's are (a spawned process starts with none set)."""
    global _runner
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    _runner = SheetRunner(cwd=Path(project_root))
    _runner.start()
    multiprocessing.util.Finalize(_runner, _runner.close, exitpriority=10)


def _ready() -> bool:
    """A no-op task: submitting one per worker makes the pool start them all at once."""
    return True


def _build_in_pool(job: BookJob) -> AreaOutcome:
    return run_job(job, _runner)


def _area_id(project: Project, name: str) -> str:
    """An area's id from its id, code or name; an unknown name is kept, to fail on its own."""
    if name in project.area_ids():
        return name
    try:
        return project.area(name).id
    except QareportError:
        return name


def _period_labels(period: str | Sequence[str]) -> list[str]:
    texts = [period] if isinstance(period, str) else list(period)
    labels = [p.label for text in texts for p in parse_periods(text)]
    if not labels:
        raise ParameterError("no period given; give one like 2025-26")
    return list(dict.fromkeys(labels))


def build_books(
    project_dir: str | Path,
    area_ids: Iterable[str],
    period: str | Sequence[str],
    *,
    jobs: int | None = None,
    options: BuildOptions | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    on_done: OnDone = lambda _: None,
) -> list[AreaOutcome]:
    """Build each area's book for each period; one outcome per book, areas in the order given.

    `period` is one period, a list, or the text `--period` takes (`2024-25,2025-26`,
    `2021-22..2025-26`). With `executor="dask"`, `scheduler` is a Dask scheduler's
    address; without one a LocalCluster of `jobs` workers is started here."""
    check_executor(executor, scheduler)
    options = options or BuildOptions()
    labels = _period_labels(period)
    project = Project.open(project_dir)
    # ids, codes and names are accepted; one area named twice (or three ways) is built once
    areas = list(dict.fromkeys(_area_id(project, name) for name in area_ids))
    keys = [(a, p) for a in areas for p in labels]
    jobs = max(1, min(jobs or default_jobs(), len(keys) or 1))
    root = str(project.root)

    def to_jobs() -> list[BookJob]:
        store = open_store(project)  # once, before any book is built
        return [BookJob(root, a, p, options, store) for a, p in keys]

    if executor == "dask":
        from qareport.pipeline.dask_executor import run_on_dask

        outcomes = run_on_dask(root, to_jobs, workers=jobs, scheduler=scheduler, on_done=on_done)
    elif jobs == 1:
        outcomes = _run_here(root, to_jobs, on_done)
    else:
        outcomes = _run_in_pool(root, to_jobs, jobs, on_done)
    return [outcomes[k] for k in keys]


def _run_here(
    root: str, to_jobs: Callable[[], list[BookJob]], on_done: OnDone
) -> dict[tuple[str, str], AreaOutcome]:
    outcomes = {}
    with SheetRunner(cwd=Path(root)) as runner:  # warms while the store is built
        for job in to_jobs():
            outcome = run_job(job, runner)
            outcomes[job.key] = outcome
            on_done(outcome)
    return outcomes


def _run_in_pool(
    root: str, to_jobs: Callable[[], list[BookJob]], workers: int, on_done: OnDone
) -> dict[tuple[str, str], AreaOutcome]:
    outcomes = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(root, {name: logging.getLogger(name).level for name in REPORTED_LOGGERS}),
    ) as pool:
        # start every worker (and its kernel) now, while the parent builds the store
        for _ in range(workers):
            pool.submit(_ready)
        futures = {pool.submit(_build_in_pool, job): job for job in to_jobs()}
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died outright
                outcome = job.failed(f"worker failed ({exc})")
            outcomes[job.key] = outcome
            on_done(outcome)
    return outcomes
