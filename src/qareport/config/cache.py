"""The user's cache folder: what is worth keeping between runs and safe to lose.

Everything kept here can be worked out again (the code digest, compiled page
templates, a parsed catalogue); a read-only, missing or damaged folder only
makes the next run slower.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from qareport import __version__

__all__ = ["cache_dir", "file_stamps", "kept", "package_stamp"]

T = TypeVar("T")


def cache_dir(*parts: str) -> Path:
    """`$XDG_CACHE_HOME/qareport/...` (by default `~/.cache/qareport/...`), not created."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qareport"
    return root.joinpath(*parts)


@cache
def package_stamp() -> str:
    """A hash of the installed package's version, place and every source file's size and
    time: anything kept that was made by other code is not reused."""
    root = Path(str(resources.files("qareport")))
    stamp = hashlib.sha256(f"{__version__}:{root}".encode())
    for path in sorted(root.rglob("*.py")):
        info = path.stat()
        stamp.update(f"{path.relative_to(root)}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return stamp.hexdigest()


def file_stamps(paths: Iterable[str | Path]) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, time and size (-1 when it is gone): what a kept answer read."""
    stamps = []
    for path in paths:
        try:
            info = Path(path).stat()
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(stamps)


def kept(kind: str, key: str, make: Callable[[], T], read: Callable[[T], Iterable[str]]) -> T:
    """`make()`'s answer, kept in the cache folder under `kind` and `key` (with the package
    stamp) and reused while every file it `read` is unchanged in time and size."""
    name = hashlib.sha256(f"{package_stamp()}\0{key}".encode()).hexdigest()[:32]
    path = cache_dir(kind, f"{name}.pickle")
    try:
        with path.open("rb") as handle:
            stamps, answer = pickle.load(handle)  # the user's own cache folder
        if stamps == file_stamps(path for path, _, _ in stamps):
            return answer
    except Exception:  # missing, damaged or from other code: made again
        pass
    answer = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(pickle.dumps((file_stamps(read(answer)), answer)))
        scratch.replace(path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only cache: made again by the next process
    return answer
