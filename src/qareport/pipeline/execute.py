"""Execute section notebooks with papermill, in one long-lived kernel.

Papermill stays the executor of record (parameters injected, one executed
notebook saved per sheet), but the kernel is started once and handed to each
run through nbclient's `km`, so kernel start-up and the heavy imports are paid
once per build (or once per batch worker), not once per sheet. The kernel is
warmed with `import qareport.sheet` as soon as it starts, in parallel with
whatever the parent does next (validating extracts, building the store).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

import nbformat
from jupyter_client.manager import KernelManager

from qareport import errors
from qareport.errors import ExecutionError

__all__ = ["SheetRunner"]

WARM_UP = "import qareport.sheet.build"
logging.getLogger("papermill").setLevel(logging.WARNING)


class SheetRunner:
    """A context manager owning one kernel that executes many sheet notebooks."""

    def __init__(self, kernel_name: str = "python3", cwd: Path | None = None) -> None:
        self.kernel_name = kernel_name
        self.cwd = cwd
        self._km: KernelManager | None = None
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
        if os.name == "nt":
            km = KernelManager(kernel_name=self.kernel_name)
        else:
            # IPC sockets need an absolute path: the kernel runs in the project folder.
            self._sockets = tempfile.mkdtemp(prefix="qareport-kernel-")
            km = KernelManager(
                kernel_name=self.kernel_name, transport="ipc", ip=str(Path(self._sockets) / "k")
            )
        km.start_kernel(cwd=str(self.cwd) if self.cwd else None)
        client = km.client()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        client.execute(WARM_UP, silent=True, store_history=False)
        client.stop_channels()
        self._km = km

    def close(self) -> None:
        if self._km is not None:
            try:
                self._km.shutdown_kernel(now=True)
            finally:
                self._km = None
                if self._sockets:
                    shutil.rmtree(self._sockets, ignore_errors=True)
                    self._sockets = None

    def run(
        self, notebook: Path, output: Path, parameters: dict[str, str]
    ) -> nbformat.NotebookNode:
        """Execute `notebook` into `output`; a failing cell becomes an ExecutionError."""
        import papermill  # imported here: a render-only rebuild never needs it
        from papermill.exceptions import PapermillExecutionError

        self.start()
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                km=self._km,
                progress_bar=False,
                log_output=False,
                kernel_name=self.kernel_name,
            )
        except PapermillExecutionError as exc:
            message = f"{exc.ename}: {exc.evalue}"
            area, section = parameters.get("area"), parameters.get("section")
            if exc.ename in _QAREPORT_ERRORS:
                raise ExecutionError(exc.evalue, area=area, section=section) from None
            raise ExecutionError(
                f"notebook {notebook.name} failed for {parameters.get('section')}: {message}; "
                f"the executed notebook is kept at {output}",
                file=str(notebook),
                area=area,
                section=section,
            ) from None


# the exception classes a sheet may raise on purpose: their message is already for the user
_QAREPORT_ERRORS = frozenset(
    name for name in errors.__all__ if isinstance(getattr(errors, name), type)
)
