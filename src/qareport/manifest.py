"""Content hashes of each sheet's inputs, and the per-book manifest that records them.

A sheet's notebook is executed again only when the hash over its inputs
changes: the extract rows of its measures (every area's, since comparators
read them all), its catalogue entry, the area's parameters, the defaults, the
notebook and the qareport code itself. Narrative is deliberately not an input:
an edit to words re-renders the book without executing anything.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from . import __version__
from .parameters import AreaParameters
from .project import MANIFEST_NAME, Project
from .store import Store, file_sha256

__all__ = ["MANIFEST_NAME", "code_digest", "read_manifest", "sheet_inputs", "write_manifest"]


# Code that runs only around the notebooks (command line, orchestration, rendering):
# it is re-run on every build anyway, so a change to it must not re-execute sheets.
_NOT_IN_NOTEBOOKS = ("cli.py", "build.py", "batch.py", "manifest.py", "render/", "templates/")


@cache
def code_digest() -> str:
    """A hash of the qareport code sheet notebooks run, so a change to it re-executes them."""
    root = Path(str(resources.files("qareport")))
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(_NOT_IN_NOTEBOOKS):
            continue
        if path.is_file() and path.suffix in (".py", ".yml"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def sheet_inputs(
    project: Project, store: Store, area: AreaParameters, period: str, section: str
) -> dict[str, str]:
    """Everything a sheet's executed notebook depends on, each as a hash."""
    catalogue = project.catalogue
    content = catalogue.area(section)
    entry = {
        "content_area": content.model_dump(mode="json"),
        "measures": [m.model_dump(mode="json") for m in catalogue.measures_of(section)],
    }
    defaults_path = project.parameters_dir / "defaults.yml"
    inputs = {
        "period": period,
        "extract_rows": store.rows_digest(area.code, list(content.measures)),
        "catalogue_entry": hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest(),
        "area_parameters": hashlib.sha256(area.model_dump_json().encode()).hexdigest(),
        "defaults": file_sha256(defaults_path) if defaults_path.is_file() else "default",
        "notebook": file_sha256(project.section_notebook),
        "qareport_code": code_digest(),
    }
    inputs["sheet_hash"] = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return inputs


def read_manifest(book_dir: Path) -> dict:
    path = book_dir / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(book_dir: Path, manifest: dict) -> None:
    (book_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
