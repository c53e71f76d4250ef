"""The workbook is the boundary: a path qareport reads or writes because of a value a
person typed (a data folder, a catalogue, a narrative, a section) must lie inside the
workbook. A link that leads outside is refused, naming the link, never followed.

A folder named explicitly on the command line (`--project`, an import's source file)
is the person's own choice and is not checked here.
"""

from __future__ import annotations

import os
from pathlib import Path

from qareport.errors import ParameterError, one_line

__all__ = ["inside", "link_outside", "walk_inside", "write_atomically"]


def link_outside(path: Path, root: Path) -> Path | None:
    """The first link on the way from `root` to `path` that leads outside `root`, if any."""
    root = root.resolve()
    try:
        parts = path.relative_to(root).parts if path.is_absolute() else path.parts
    except ValueError:
        return None
    here = root
    for part in parts:
        here = here / part
        if here.is_symlink() and not here.resolve().is_relative_to(root):
            return here
    return None


def inside(root: Path, path: Path, what: str, error: type[Exception] = ParameterError) -> Path:
    """`path` (relative to `root` or absolute), resolved, when it lies inside the workbook;
    otherwise an error naming `what`, the path (or the link that leads out) and the fix."""
    root = root.resolve()
    candidate = path if path.is_absolute() else root / path
    link = link_outside(candidate, root)
    if link is not None:
        raise error(
            f"{_shown(link, root)} is a link to {link.resolve()}, outside the workbook; "
            f"{what} must be inside {root}: copy the file in instead of linking to it"
        )
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise error(
            f"{what} {one_line(str(path))} is outside the workbook ({root}); give a path inside it"
        )
    return resolved


def walk_inside(folder: Path, root: Path) -> tuple[list[Path], list[Path]]:
    """Every file under `folder` (links to files or folders inside the workbook included)
    and, apart, the links that lead outside it: walked without following those."""
    files: list[Path] = []
    outside: list[Path] = []
    root = root.resolve()
    for top, dirs, names in os.walk(folder, followlinks=False):
        here = Path(top)
        for name in sorted(dirs):
            path = here / name
            if path.is_symlink():
                if path.resolve().is_relative_to(root):
                    more, links = walk_inside(path.resolve(), root)
                    files += more
                    outside += links
                else:
                    outside.append(path)
        for name in sorted(names):
            path = here / name
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                outside.append(path)
            else:
                files.append(path)
    return files, outside


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def write_atomically(path: Path, text: str) -> None:
    """Write a person's file through a temporary file beside it and one rename, so a full
    disk or a kill leaves the old file whole, never a half-written one."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
