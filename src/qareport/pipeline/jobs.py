"""One book of a batch as a job any executor can run, and what became of it.

A job is one picklable record (workbook path, area, period, options, the store the
client built), so a process pool on this machine and a Dask worker on another run
exactly the same code; a job never raises, it reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from qareport.errors import QareportError, from_os_error
from qareport.ingest.store import Store
from qareport.pipeline.build import BookResult, build_book
from qareport.pipeline.execute import SheetRunner
from qareport.pipeline.options import BuildOptions

__all__ = ["AreaOutcome", "BookJob", "run_job"]


@dataclass(frozen=True)
class AreaOutcome:
    """What happened to one area's book (for one period) in a batch."""

    area_id: str
    status: str  # built | unchanged | failed
    detail: str
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    period: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.area_id, self.period)


@dataclass(frozen=True)
class BookJob:
    """One area's book for one period: everything a worker needs, in one picklable record."""

    project_root: str
    area_id: str
    period: str
    options: BuildOptions
    store: Store

    @property
    def key(self) -> tuple[str, str]:
        return (self.area_id, self.period)

    def failed(self, detail: str) -> AreaOutcome:
        return AreaOutcome(self.area_id, "failed", detail, period=self.period)


def _outcome(result: BookResult) -> AreaOutcome:
    if result.executed:
        detail = f"{len(result.executed)} sheets executed, {len(result.reused)} reused"
        status = "built"
    else:
        detail, status = "re-rendered only", "unchanged"
    return AreaOutcome(
        result.area_id, status, detail, result.seconds, result.warnings, period=result.period
    )


def run_job(job: BookJob, runner: SheetRunner | None) -> AreaOutcome:
    """Build the job's book with the worker's kernel; any failure becomes a failed outcome."""
    try:
        result = build_book(
            job.project_root,
            job.area_id,
            job.period,
            job.options,
            runner=runner,
            store=job.store,
        )
    except QareportError as exc:
        return job.failed(" ".join(str(exc).split()))
    except OSError as exc:
        return job.failed(str(from_os_error(exc)))
    except Exception as exc:  # one broken area must not stop the batch
        return job.failed(f"internal error ({type(exc).__name__}: {exc})")
    return _outcome(result)
