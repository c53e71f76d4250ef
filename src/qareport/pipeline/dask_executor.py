"""Run a batch's books on Dask: a LocalCluster here, or any scheduler by its address.

A papermill run per book fits Dask's futures exactly, so national runs use Dask's
scheduling, retries and deployers (Kubernetes, HPC) rather than a scheduler of ours.
Each worker keeps one kernel (a worker plugin) for every book it builds. Workers
read the workbook at the client's path: a shared filesystem, or the same checkout
on every node. The client builds the store before the first job is submitted;
workers only ever open it read-only. A book that fails, or whose worker is lost, is
tried once more, then reported with its error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from qareport import __version__
from qareport.errors import QareportError
from qareport.pipeline.execute import SheetRunner
from qareport.pipeline.jobs import AreaOutcome, BookJob, run_job

__all__ = ["KernelPlugin", "run_on_dask"]

PLUGIN = "qareport-kernel"
WORKER_WAIT = 60  # seconds a scheduler may take to have its first worker


class KernelPlugin(WorkerPlugin):
    """One kernel per Dask worker, for every book it builds; shut down with the worker.

    The kernel starts in a thread of its own, so the worker's event loop never waits
    on it, and warms while the client builds the store."""

    name = PLUGIN

    def __init__(self, project_root: str) -> None:
        self.project_root = project_root
        self._runner: SheetRunner | None = None
        self._starting: threading.Thread | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"project_root": self.project_root, "_runner": None, "_starting": None}

    def setup(self, worker: object) -> None:
        self._runner = SheetRunner(cwd=Path(self.project_root))
        self._starting = threading.Thread(target=_start_quietly, args=(self._runner,), daemon=True)
        self._starting.start()

    def runner(self) -> SheetRunner:
        if self._starting is not None:
            self._starting.join()
        if self._runner is None:
            self._runner = SheetRunner(cwd=Path(self.project_root))
        return self._runner

    def teardown(self, worker: object) -> None:
        if self._runner is not None:
            closing = threading.Thread(target=self._runner.close, daemon=True)
            closing.start()
            closing.join(timeout=30)


def _start_quietly(runner: SheetRunner) -> None:
    with contextlib.suppress(QareportError):  # the first book starts it again, and says why not
        runner.start()


def _build_on_worker(job: BookJob) -> AreaOutcome:
    plugin = get_worker().plugins.get(PLUGIN)
    if isinstance(plugin, KernelPlugin) and plugin.project_root == job.project_root:
        return run_job(job, plugin.runner())
    with SheetRunner(cwd=Path(job.project_root)) as runner:  # a worker that joined late
        return run_job(job, runner)


def _worker_facts(project_root: str) -> tuple[str, bool]:
    """What a worker has: its qareport version, and whether it can read the workbook."""
    return __version__, os.access(Path(project_root) / "parameters", os.R_OK)


def _check_workers(client: Client, project_root: str) -> None:
    """Every worker runs this qareport and reads this workbook, or nothing is submitted."""
    try:
        facts = client.run(_worker_facts, project_root)
    except Exception as exc:
        raise QareportError(
            f"the Dask workers could not run qareport ({type(exc).__name__}: {exc}); install "
            "the same qareport on every worker and build again"
        ) from None
    other = sorted(addr for addr, (version, _) in facts.items() if version != __version__)
    if other:
        raise QareportError(
            f"Dask workers {', '.join(other)} run another qareport version than this one "
            f"({__version__}); install the same version on every worker"
        )
    blind = sorted(addr for addr, (_, readable) in facts.items() if not readable)
    if blind:
        raise QareportError(
            f"Dask workers {', '.join(blind)} cannot read the workbook at {project_root}; "
            "workers read it from the client's path: put it on a filesystem every worker "
            "shares, or the same checkout at the same path on every node"
        )


def _connect(scheduler: str | None, workers: int) -> tuple[Client, LocalCluster | None]:
    """A client of the given scheduler, or of a LocalCluster started here (closed after)."""
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # one book at a time per worker: one kernel each
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise QareportError(
            f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc}); "
            "check the address (tcp://host:8786), or leave out --scheduler to start a local "
            "cluster"
        ) from None
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError:
        client.close()
        raise QareportError(
            f"the Dask scheduler at {scheduler} has no workers after {WORKER_WAIT} s; start "
            f"some (`dask worker {scheduler}` on each node, in the same environment) and build "
            "again"
        ) from None
    return client, None


def run_on_dask(
    project_root: str,
    to_jobs: Callable[[], list[BookJob]],
    *,
    workers: int,
    scheduler: str | None,
    on_done: Callable[[AreaOutcome], None],
) -> dict[tuple[str, str], AreaOutcome]:
    """Submit every job, retry a failed one once, and report each book as it finishes."""
    client, cluster = _connect(scheduler, workers)
    try:
        _check_workers(client, project_root)
        client.register_plugin(KernelPlugin(project_root), name=PLUGIN)  # kernels start now
        jobs = to_jobs()  # the store, built here while the workers' kernels warm

        def submit(job: BookJob) -> Any:
            key = f"qareport-{job.area_id}-{job.period}-{uuid.uuid4().hex[:8]}"
            return client.submit(_build_on_worker, job, key=key, pure=False)

        futures = {submit(job): job for job in jobs}
        tried: set[tuple[str, str]] = set()
        outcomes: dict[tuple[str, str], AreaOutcome] = {}
        running = as_completed(list(futures))
        for future in running:
            job = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # the worker was lost, or the task could not run
                outcome = job.failed(f"worker lost ({type(exc).__name__}: {exc})")
            future.release()
            if outcome.status == "failed" and job.key not in tried:
                tried.add(job.key)
                retry = submit(job)
                futures[retry] = job
                running.add(retry)
                continue
            if job.key in tried:
                again = "failed again" if outcome.status == "failed" else "succeeded"
                detail = f"{outcome.detail} ({again} when tried once more)"
                outcome = dataclasses.replace(outcome, detail=detail)
            outcomes[job.key] = outcome
            on_done(outcome)
        return outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
