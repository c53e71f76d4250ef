"""The HTML book written by a process of its own, for a single build from the command line.

nbconvert is the build's costliest import (0.3 s of a one-second narrative-only rebuild).
`qareport build` for one book starts this worker first thing, so nbconvert and the book's
templates load on the machine's other core while the build checks its inputs; the build
hands it the assembled book, and it writes the page while the PDF compiles. Batches and
the library API write the HTML themselves (a batch worker loads nbconvert once for all
its books).

    python -m qareport.render.html_worker      # reads (book, path) pickled on stdin
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from qareport.errors import RenderError

if TYPE_CHECKING:
    from qareport.book.model import Book

__all__ = ["HtmlWorker", "active", "html_worker"]

_ACTIVE: list[HtmlWorker] = []


class HtmlWorker:
    """A child process that has loaded the HTML renderer and writes one book's page."""

    def __init__(self) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "qareport.render.html_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def write(self, book: Book, path: Path) -> Path:
        out, err = self._child.communicate(pickle.dumps((book, str(path))))
        try:
            kind, said = pickle.loads(out)
        except Exception:  # the worker died without answering: its last words say why
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise RenderError(
                "the HTML book could not be written: "
                + (lines[-1] if lines else f"the writer stopped (exit {self._child.returncode})")
            ) from None
        if kind != "written":
            raise RenderError(f"the HTML book could not be written: {said}")
        return path

    def close(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.communicate()


@contextmanager
def html_worker() -> Iterator[HtmlWorker]:
    """A worker the HTML output uses (see `active`) until the block ends."""
    worker = HtmlWorker()
    _ACTIVE.append(worker)
    try:
        yield worker
    finally:
        _ACTIVE.remove(worker)
        worker.close()


def active() -> HtmlWorker | None:
    """The worker a single command-line build started, if any, not yet used."""
    return _ACTIVE[-1] if _ACTIVE else None


def _serve() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it
    from qareport.render.html import render_html  # stops this worker as it stops itself

    data = sys.stdin.buffer.read()
    if not data:
        return  # the build ended before its book was made
    try:
        book, path = pickle.loads(data)
        Path(path).write_text(render_html(book), encoding="utf-8")
        answer: tuple[str, str] = ("written", path)
    except Exception as exc:  # said to the build, which raises it as a RenderError
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    _serve()
