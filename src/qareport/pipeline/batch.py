"""Many books at once: every area (or a list) for one period, in parallel, fail-soft.

The store is built once in the parent; each worker process then keeps one
kernel for all the areas it builds, so kernel start-up and imports are paid
once per worker, not per area. One area's failure never stops the others: it
is reported with its reason, and its previous good book stays in place.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from qareport.config.project import Project
from qareport.errors import QareportError, from_os_error
from qareport.ingest.store import Store, open_store
from qareport.pipeline.build import BookResult, build_book
from qareport.pipeline.execute import SheetRunner
from qareport.pipeline.options import BuildOptions

__all__ = ["AreaOutcome", "build_books", "default_jobs"]


@dataclass(frozen=True)
class AreaOutcome:
    """What happened to one area in a batch."""

    area_id: str
    status: str  # built | unchanged | failed
    detail: str
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


_runner: SheetRunner | None = None


def _worker_init(project_root: str) -> None:
    """Start this worker's kernel once; it is shut down when the worker exits."""
    global _runner
    _runner = SheetRunner(cwd=Path(project_root))
    _runner.start()
    multiprocessing.util.Finalize(_runner, _runner.close, exitpriority=10)


def _ready() -> bool:
    """A no-op task: submitting one per worker makes the pool start them all at once."""
    return True


def _outcome(result: BookResult) -> AreaOutcome:
    if result.executed:
        detail = f"{len(result.executed)} sheets executed, {len(result.reused)} reused"
        return AreaOutcome(result.area_id, "built", detail, result.seconds, result.warnings)
    return AreaOutcome(
        result.area_id, "unchanged", "re-rendered only", result.seconds, result.warnings
    )


@dataclass(frozen=True)
class _Job:
    """One area's book in a batch: everything a worker needs, in one picklable record."""

    project_root: str
    area_id: str
    period: str
    options: BuildOptions
    store: Store


def _build_one(job: _Job, runner: SheetRunner | None = None) -> AreaOutcome:
    area_id = job.area_id
    try:
        result = build_book(
            job.project_root,
            area_id,
            job.period,
            job.options,
            runner=runner or _runner,
            store=job.store,
        )
    except QareportError as exc:
        return AreaOutcome(area_id, "failed", " ".join(str(exc).split()))
    except OSError as exc:
        return AreaOutcome(area_id, "failed", str(from_os_error(exc)))
    except Exception as exc:  # one broken area must not stop the batch
        return AreaOutcome(area_id, "failed", f"internal error ({type(exc).__name__}: {exc})")
    return _outcome(result)


def _area_id(project: Project, name: str) -> str:
    """An area's id from its id, code or name; an unknown name is kept, to fail on its own."""
    if name in project.area_ids():
        return name
    try:
        return project.area(name).id
    except QareportError:
        return name


def build_books(
    project_dir: str | Path,
    area_ids: Iterable[str],
    period: str,
    *,
    jobs: int | None = None,
    options: BuildOptions | None = None,
    on_done: Callable[[AreaOutcome], None] = lambda _: None,
) -> list[AreaOutcome]:
    """Build each area's book; returns one outcome per area, in the order given."""
    options = options or BuildOptions()
    project = Project.open(project_dir)
    # ids, codes and names are accepted; one area named twice (or three ways) is built once
    areas = list(dict.fromkeys(_area_id(project, name) for name in area_ids))
    jobs = max(1, min(jobs or default_jobs(), len(areas) or 1))
    root = str(project.root)
    outcomes: dict[str, AreaOutcome] = {}
    if jobs == 1:
        with SheetRunner(cwd=project.root) as runner:
            runner.start()  # warms while the store is built
            store = open_store(project)
            for name in areas:
                job = _Job(root, name, period, options, store)
                outcome = _build_one(job, runner)
                outcomes[name] = outcome
                on_done(outcome)
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(root,)
        ) as pool:
            # start every worker (and its kernel) now, while the parent builds the store
            for _ in range(jobs):
                pool.submit(_ready)
            store = open_store(project)  # once, before any area is built
            futures = {
                pool.submit(_build_one, _Job(root, n, period, options, store)): n for n in areas
            }
            for future in as_completed(futures):
                name = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # a worker died outright
                    outcome = AreaOutcome(name, "failed", f"worker failed ({exc})")
                outcomes[name] = outcome
                on_done(outcome)
    return [outcomes[a] for a in areas]
