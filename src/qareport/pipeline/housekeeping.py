"""Guards around executing sheets: the notebook can take parameters, the sheets that came
back are the ones asked for, and what killed builds left behind is cleared away.

A section notebook without a `parameters` cell still runs, on its own default
values, and would put another area's sheet into this book without a word; these
checks turn that into an error that says what to fix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from functools import lru_cache
from pathlib import Path

from qareport.config.periods import is_period
from qareport.config.project import MANIFEST_NAME
from qareport.errors import ExecutionError
from qareport.sheet.model import SheetData

__all__ = [
    "check_section_notebook",
    "check_sheets",
    "clean_stale",
    "put_back_books",
    "staging_name",
]

_PID_SUFFIX = re.compile(r"-(\d+)$")
_HOST_PID_SUFFIX = re.compile(r"@([^@/]+)-(\d+)$")
_STORE_TEMP = re.compile(r"^\.store\.duckdb\.(\d+)\.tmp$")


def check_section_notebook(path: Path) -> None:
    """The notebook must be readable and have the cell tagged `parameters` papermill fills."""
    stat = path.stat() if path.is_file() else None
    if stat is None:
        raise ExecutionError(
            f"{path}: the section notebook is missing; restore notebooks/section.ipynb "
            "(`qareport demo` in an empty folder writes a copy)",
            file=str(path),
        )
    _check_notebook(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _check_notebook(path: str, mtime_ns: int, size: int) -> None:
    del mtime_ns, size  # cache key only: a saved edit is checked again
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExecutionError(
            f"{path}: not a readable notebook ({exc}); it may be half-saved: open and save "
            "it again in Jupyter, or restore it from version control",
            file=path,
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    tagged = [
        cell
        for cell in cells or []
        if isinstance(cell, dict)
        and cell.get("cell_type") == "code"
        and "parameters" in (cell.get("metadata", {}).get("tags") or [])
    ]
    if not tagged:
        raise ExecutionError(
            f"{path}: no code cell is tagged `parameters`, so the area, period and section "
            "could not be given to it; tag the cell that sets project_dir, area, period and "
            "section (JupyterLab: Property Inspector > Cell Tags) and build again",
            file=path,
        )


def check_sheets(sheets: list[SheetData], area_id: str, period: str, sections: list[str]) -> None:
    """Each executed notebook must have computed the sheet it was run for."""
    for sheet, section in zip(sheets, sections, strict=True):
        got = (sheet.area_id, sheet.period, sheet.section_id)
        if got != (area_id, period, section):
            raise ExecutionError(
                f"the notebook run for {area_id} {period}, sheet {section} made the sheet for "
                f"{got[0]} {got[1]}, sheet {got[2]}; the notebook must use the injected "
                "project_dir, area, period and section (check its `parameters` cell)",
                area=area_id,
                section=section,
            )


def _put_back(old: Path, output_dir: Path) -> bool:
    """A previous book a killed build had moved aside to swap its new one in: put back in
    its place when no book is there (the kill fell between the swap's two renames)."""
    try:
        manifest = json.loads((old / MANIFEST_NAME).read_text(encoding="utf-8"))
        area, period = str(manifest["area"]), str(manifest["period"])
        form = str(manifest.get("form", ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    if not (re.fullmatch(r"[a-z0-9][a-z0-9-]*", area) and is_period(period)):
        return False
    if form and not re.fullmatch(r"[a-z0-9][a-z0-9+-]*", form):
        return False
    final = output_dir / area / (f"{period}-{form}" if form else period)
    if final.exists():
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(old, final)
    return True


def put_back_books(output_dir: Path) -> list[Path]:
    """Previous books a killed build left aside mid-swap, put back where no book is: done
    first by every build, so a build that then fails still leaves the previous book."""
    staging = output_dir / ".staging"
    aside = sorted(staging.glob("old-*")) if staging.is_dir() else []
    return [p for p in aside if _is_debris(p.name) and _put_back(p, output_dir)]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname()) or "host"


def staging_name(area_id: str, period: str) -> str:
    """The staging folder of one book being built: `<area>-<period>@<host>-<pid>`.

    Workers on several machines may share one output folder (a Dask cluster on a shared
    filesystem); the host says whose process id it is, so no machine clears another's."""
    return f"{area_id}-{period}@{_host()}-{os.getpid()}"


def _is_debris(name: str) -> bool:
    name = name.removeprefix("old-")
    hosted = _HOST_PID_SUFFIX.search(name)
    if hosted is not None:
        return hosted.group(1) == _host() and not _alive(int(hosted.group(2)))
    found = _STORE_TEMP.match(name) or _PID_SUFFIX.search(name)
    return found is not None and not _alive(int(found.group(1)))


def clean_stale(output_dir: Path) -> list[Path]:
    """Remove staging folders and half-written stores left by builds that were killed.

    Each carries the process id that made it (and the host, for staging folders); one
    whose process is gone from this machine is debris."""
    removed: list[Path] = []
    staging = output_dir / ".staging"
    candidates = list(staging.iterdir()) if staging.is_dir() else []
    candidates += list(output_dir.glob(".store.duckdb.*.tmp"))
    for path in candidates:
        if not _is_debris(path.name):
            continue
        if path.name.startswith("old-") and _put_back(path, output_dir):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
