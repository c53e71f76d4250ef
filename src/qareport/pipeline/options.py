"""How a build is asked for, as one record shared by single builds, batches and the CLI,
and the executors a batch may run on (checked before any work, without loading a builder)."""

from __future__ import annotations

from dataclasses import dataclass

from qareport.config.forms import FULL, BookForm
from qareport.errors import ParameterError, QareportError
from qareport.render.outputs import DEFAULT_ENGINE

__all__ = ["EXECUTORS", "BuildOptions", "check_executor", "require_dask"]

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class BuildOptions:
    """`engine`: the PDF engine's output name (qareport.render.outputs); `outputs`: optional
    outputs to write as well; `force`: execute every sheet again; `edition`: "annual",
    "quarterly" or "monthly", checked against the period when given; `strict`: rows for an
    area code no area has stop the build instead of a warning."""

    engine: str = DEFAULT_ENGINE
    outputs: tuple[str, ...] = ()
    force: bool = False
    edition: str | None = None
    strict: bool = False
    allow_empty: bool = False  # build a book for a period with no figures, said on its cover
    form: BookForm = FULL  # the full book, or a themed, partner's, sector's or event book


def check_executor(executor: str, scheduler: str | None) -> None:
    """The executor is known, a scheduler address goes with dask, and dask is installed;
    checked before any work, by the CLI (for one book too) and by build_books."""
    if executor not in EXECUTORS:
        raise ParameterError(f"--executor {executor!r}: give one of {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise ParameterError("--scheduler is for --executor dask; add it, or leave out --scheduler")
    if executor == "dask":
        require_dask()


def require_dask() -> None:
    """Dask is an optional extra: without it, say how to install it."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise QareportError(
            "--executor dask needs Dask's distributed scheduler, which is not installed here; "
            "install it with pip install -e '.[dask]' (in a checkout) or "
            "pip install 'qareport[dask]', or build with --executor local"
        ) from None
