"""Execute section notebooks with papermill, in one long-lived kernel.

Papermill stays the executor of record (parameters injected, one executed
notebook saved per sheet), but the kernel is started once and handed to each
run through nbclient's `km`, so kernel start-up and the heavy imports are paid
once per build (or once per batch worker), not once per sheet. The kernel is
warmed with `import qareport.sheet.build` as it starts (IPython's exec_lines), in parallel with
whatever the parent does next (validating extracts, building the store).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import nbformat

from qareport import errors
from qareport.errors import REPORTED_LOGGERS, ExecutionError
from qareport.sheet.payload import analyst_cell_number

__all__ = ["REPORTED_LOGGERS", "KernelPool", "Runner", "SheetRunner", "cores"]

T = TypeVar("T")

# run by each kernel as it starts: the sheet code imported, then what that import made
# frozen out of the garbage collector's reach (it lives as long as the kernel), which halves
# the time the sheets spend in collections
WARM_UP = "import gc, qareport.sheet.build; gc.freeze()"
# papermill and nbclient ("Kernel died ...", through traitlets) log kernel deaths and cell
# errors, which qareport reports once itself: a program using it (the CLI does) may silence
# them; importing the library never does


class Runner(Protocol):
    """What a build runs its sheets on: one kernel (`SheetRunner`) or several
    (`KernelPool`)."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    def each(
        self,
        items: Sequence[T],
        work: Callable[[SheetRunner, T], object],
        *,
        cost: Callable[[T], float] | None = None,
    ) -> None: ...


if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager


@cache
def _kernel_manager() -> type[KernelManager]:
    """The kernel manager class, made on first use: jupyter_client is imported only when a
    kernel is about to start, so a build that reuses every sheet never pays for it."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import KernelManager

    class _ReadyOnceClient(AsyncKernelClient):
        """A client that waits for its kernel to be ready once, not before every run.

        Asynchronous: nbclient drives it from an event loop, and a blocking client would
        wait on the kernel's output forever if the kernel died.

        jupyter_client's wait_for_ready ends by draining IOPub until it has been quiet for
        0.2 s; nbclient asks it for every notebook, so each sheet after the first waited
        0.2 s with nothing to do. Once this client's channels are connected and the kernel
        has answered, a later run only checks that the kernel is still alive (nbclient
        then asks it for kernel_info, and reads only the replies to its own messages)."""

        _ready = False

        def start_channels(self, *args: Any, **kwargs: Any) -> None:
            if not self.channels_running:  # nbclient starts them again for every run
                super().start_channels(*args, **kwargs)

        async def _wait_once(self, timeout: float | None = None) -> None:
            if not self._ready:
                await AsyncKernelClient.wait_for_ready(self, timeout)
                self._ready = True
            elif not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")

        wait_for_ready = _wait_once

    class _KernelManager(KernelManager):
        """A kernel manager that hands every notebook run the same client, and closes it.

        nbclient asks the manager for a new client for every notebook run on a kernel it
        was given and never closes it; each left-open client kept receiving (and
        buffering) every later run's output, so a worker building book after book grew
        without bound. One client per kernel, closed with it, keeps sockets level and
        lets later runs skip the wait for a kernel already known to be ready."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = _ReadyOnceClient
            self._shared: Any = None

        def client(self, **kwargs: Any) -> Any:
            if self._shared is None:
                self._shared = super().client(**kwargs)
            return self._shared

        def close_clients(self) -> None:
            """Close the shared client, unless the process is leaving (Ctrl-C): then a
            run's pending message would turn into a 'Kernel died' traceback on the way
            out."""
            if _leaving():
                return
            shared, self._shared = self._shared, None
            if shared is not None:
                shared.stop_channels()

    return _KernelManager


def _leaving() -> bool:
    """Whether this thread is handling Ctrl-C (or an exit) as it closes kernels."""
    return isinstance(sys.exc_info()[1], KeyboardInterrupt | SystemExit)


def cores() -> int:
    """The cores this process may use: a book's kernels and a batch's workers, one each."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class SheetRunner:
    """A context manager owning one kernel that executes many sheet notebooks."""

    def __init__(self, kernel_name: str = "python3", cwd: Path | None = None) -> None:
        self.kernel_name = kernel_name
        self.cwd = cwd
        self._km: Any = None  # the kernel manager (see _kernel_manager), once started
        self._sockets: str | None = None

    def __enter__(self) -> SheetRunner:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        if self._km is not None:
            return
        settings = {"kernel_name": self.kernel_name}
        if os.name != "nt":
            # IPC sockets need an absolute path: the kernel runs in the project folder.
            self._sockets = tempfile.mkdtemp(prefix="qareport-kernel-")
            settings.update(transport="ipc", ip=str(Path(self._sockets) / "k"))
        km = _kernel_manager()(**settings)
        try:
            # the kernel imports the sheet code as it starts, before it answers anyone, so
            # the first sheet finds it loaded (a warm-up request sent straight after the
            # launch was lost while the kernel had no socket to take it)
            km.start_kernel(
                cwd=str(self.cwd) if self.cwd else None,
                extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"],
            )
        except Exception as exc:  # NoSuchKernel, or a kernelspec whose command fails
            raise ExecutionError(
                f"the Python kernel {self.kernel_name!r} cannot start ({type(exc).__name__}: "
                f"{_last_line(exc)}); install it into this environment with "
                "`python -m ipykernel install --user` and build again"
            ) from None
        self._km = km

    @property
    def started(self) -> bool:
        return self._km is not None

    def close(self) -> None:
        if self._km is not None:
            try:
                self._km.close_clients()
                self._km.shutdown_kernel(now=True)
            finally:
                self._km = None
                if self._sockets:
                    shutil.rmtree(self._sockets, ignore_errors=True)
                    self._sockets = None

    @staticmethod
    def _cell_number(executed: Path, index: int) -> int:
        """The failing cell's number in the analyst's notebook: papermill inserts its
        injected-parameters cell, which the analyst's notebook does not have."""
        try:
            cells = nbformat.read(str(executed), as_version=4).cells
        except Exception:  # an unreadable output: the index as it is
            return index + 1
        return analyst_cell_number(cells, index)

    def each(
        self,
        items: Sequence[T],
        work: Callable[[SheetRunner, T], object],
        *,
        cost: Callable[[T], float] | None = None,
    ) -> None:
        """`work(self, item)` for every item in turn, on this one kernel (in the given
        order: with one kernel, `cost` changes nothing)."""
        for item in items:
            work(self, item)

    def run(
        self, notebook: Path, output: Path, parameters: dict[str, str]
    ) -> nbformat.NotebookNode:
        """Execute `notebook` into `output`; a failing cell becomes an ExecutionError."""
        import papermill  # imported here: a render-only rebuild never needs it
        from nbclient.exceptions import DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        self.start()
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                km=self._km,
                # written once when the run ends (or fails): the staged copy is nobody's to
                # watch, and saving it after every cell cost a sheet eleven validated writes
                request_save_on_cell_execute=False,
                progress_bar=False,
                log_output=False,
                kernel_name=self.kernel_name,
            )
        except DeadKernelError:
            self.close()  # the next sheet (or book) starts a fresh kernel
            raise ExecutionError(
                f"{_where(parameters)}: the Python kernel stopped while the sheet ran (killed, "
                "or out of memory); the previous book is kept; build again",
                area=parameters.get("area"),
                section=parameters.get("section"),
            ) from None
        except RuntimeError as exc:  # "Kernel died before replying to kernel_info"
            if self._km is not None and self._km.is_alive():
                raise
            self.close()
            raise ExecutionError(
                f"{_where(parameters)}: the Python kernel {self.kernel_name!r} started and "
                f"stopped at once ({_last_line(exc)}); check it with `jupyter kernelspec list`, "
                "or reinstall it with `python -m ipykernel install --user`",
                area=parameters.get("area"),
                section=parameters.get("section"),
            ) from None
        except PapermillExecutionError as exc:
            area, section = parameters.get("area"), parameters.get("section")
            # papermill's own parameters cell comes first: count the notebook's cells as
            # the analyst sees them in JupyterLab
            cell = f"{_shown(notebook)}, cell {self._cell_number(output, exc.cell_index)}"
            if exc.ename in _QAREPORT_ERRORS:  # raised on purpose: the message is for the user
                raise ExecutionError(
                    f"{_where(parameters)}: {cell}: {exc.evalue}", area=area, section=section
                ) from None
            raise ExecutionError(
                f"{_where(parameters)}: {cell} failed "
                f"({exc.ename}: {_last_line(exc.evalue) or 'no message'})",
                file=str(output),
                area=area,
                section=section,
            ) from None


class KernelPool:
    """Several kernels (one per core by default), so one book's sheets run side by side.

    The work is in the kernels; the parent only waits on them, so a thread per kernel is
    enough. A batch gives each worker one SheetRunner instead: there the books are what
    runs side by side."""

    def __init__(self, count: int | None = None, cwd: Path | None = None) -> None:
        self.runners = [SheetRunner(cwd=cwd) for _ in range(count or cores())]

    @classmethod
    def for_sheets(cls, sheets: int, cwd: Path | None = None) -> KernelPool:
        """A pool for one book: a kernel per core, and never more kernels than sheets."""
        return cls(min(cores(), max(1, sheets)), cwd=cwd)

    def __enter__(self) -> KernelPool:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        for runner in self.runners:
            runner.start()

    def close(self) -> None:
        """Every kernel stopped, side by side: each stop waits for its process to end.
        While Ctrl-C is being handled, one after another here (a kernel's clients are
        then left open, and only this thread knows the interrupt is under way)."""
        started = [runner for runner in self.runners if runner.started]
        if len(started) <= 1 or _leaving():
            for runner in started:
                runner.close()
            return
        with ThreadPoolExecutor(max_workers=len(started), thread_name_prefix="close") as pool:
            for done in [pool.submit(runner.close) for runner in started]:
                done.result()

    def each(
        self,
        items: Sequence[T],
        work: Callable[[SheetRunner, T], object],
        *,
        cost: Callable[[T], float] | None = None,
    ) -> None:
        """`work(runner, item)` for every item, each kernel taking the next item when free;
        with `cost`, the costliest first, so no kernel is left with a long item at the end
        while the others wait.

        After a failure no new item starts; the error raised is that of the first failed
        item in the given order, so a build reports the same sheet however the timing fell."""
        if len(items) <= 1 or len(self.runners) == 1:
            self.runners[0].each(items, work)
            return
        queue = list(enumerate(items))
        if cost is not None:
            queue.sort(key=lambda pair: -cost(pair[1]))  # stable: ties keep the given order
        lock = threading.Lock()
        failures: dict[int, BaseException] = {}

        def lane(runner: SheetRunner) -> None:
            while True:
                with lock:
                    if failures or not queue:
                        return
                    index, item = queue.pop(0)
                try:
                    work(runner, item)
                except BaseException as exc:  # re-raised in the caller's thread
                    with lock:
                        failures[index] = exc
                    return

        lanes = self.runners[: len(items)]
        with ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="kernel") as pool:
            for done in [pool.submit(lane, runner) for runner in lanes]:
                done.result()
        if failures:
            raise failures[min(failures)]


def _shown(notebook: Path) -> str:
    """The notebook as the analyst knows it: notebooks/<...>.ipynb."""
    parts = notebook.parts
    return "/".join(parts[parts.index("notebooks") :]) if "notebooks" in parts else notebook.name


def _where(parameters: dict[str, str]) -> str:
    """`amberleigh 2025-26, sheet front-door`: where a failing sheet is, for every message."""
    return f"{parameters.get('area')} {parameters.get('period')}, sheet {parameters.get('section')}"


def _last_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# the exception classes a sheet may raise on purpose: their message is already for the user
_QAREPORT_ERRORS = frozenset(
    name for name in errors.__all__ if isinstance(getattr(errors, name), type)
)
