"""Content hashes of each sheet's inputs, and the per-book manifest that records them.

A sheet's notebook is executed again only when the hash over its inputs
changes: the extract rows of its measures (every area's, since comparators
read them all), its catalogue entry, the area's parameters, the defaults, the
notebook and the qareport code its kernel runs (found from the import graph of
the sheet stage, so editing the CLI, a renderer, an importer or the demo
re-executes nothing). Narrative is deliberately not an input:
an edit to words re-renders the book without executing anything.
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from qareport import __version__
from qareport.config.cache import cache_dir, package_stamp
from qareport.config.parameters import AreaParameters
from qareport.config.project import MANIFEST_NAME, Project
from qareport.ingest.store import Store, file_sha256

__all__ = [
    "MANIFEST_NAME",
    "code_digest",
    "kernel_modules",
    "read_manifest",
    "sheet_inputs",
    "write_manifest",
]


# What a section notebook runs: the notebook calls these, and they import the rest.
KERNEL_ENTRY = ("qareport.sheet.build", "qareport.sheet.payload")


def _module_file(package_root: Path, module: str) -> Path | None:
    """The file of `qareport.a.b` under `package_root`: a.b.py or a/b/__init__.py."""
    parts = module.split(".")[1:]
    base = package_root.joinpath(*parts) if parts else package_root
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """Every qareport module a file imports, at any depth of the file (function-level
    imports run in the kernel too), including `from qareport.x import submodule`;
    imports only for type checkers (`if TYPE_CHECKING:`) never run and are left out."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "qareport")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "qareport":
            module = str(node.module)
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def kernel_modules(package_root: Path) -> dict[str, Path]:
    """The qareport modules a sheet's kernel can run, found by following imports from
    KERNEL_ENTRY (with the packages that contain them), each with its file."""
    seen: dict[str, Path] = {}
    todo = list(KERNEL_ENTRY)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = _module_file(package_root, module)
        if path is None:
            continue  # a name imported from a module, not a module itself
        seen[module] = path
        parents = [".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 1)]
        todo.extend([*parents, *_imports(path)])
    return dict(sorted(seen.items()))


def code_digest(package_root: Path | None = None) -> str:
    """A hash of the code a sheet's kernel runs, so a change to it re-executes the sheets
    and a change anywhere else (CLI, renderers, importers, demo) does not."""
    if package_root is None:
        return _installed_digest()
    return _digest(package_root)


@cache
def _installed_digest() -> str:
    """The installed package's digest, worked out once per process and kept in the user's
    cache folder, keyed by every source file's size and time, so a rebuild reads it instead
    of parsing the import graph again."""
    root = Path(str(resources.files("qareport")))
    stamp = package_stamp()
    kept = cache_dir() / f"code-digest-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.json"
    try:
        saved = json.loads(kept.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return str(saved["digest"])
    except (OSError, ValueError, AttributeError):
        pass
    digest = _digest(root)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({"stamp": stamp, "digest": digest}), "utf-8")
    except OSError:  # a read-only install: worked out again by the next process
        pass
    return digest


def _digest(root: Path) -> str:
    digest = hashlib.sha256(__version__.encode())
    for module, path in kernel_modules(root).items():
        digest.update(module.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def sheet_inputs(
    project: Project, store: Store, *, area: AreaParameters, period: str, section: str
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
        "extract_rows": store.rows_digest(list(content.measures)),
        "catalogue_entry": hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest(),
        "area_parameters": hashlib.sha256(area.model_dump_json().encode()).hexdigest(),
        "defaults": file_sha256(defaults_path) if defaults_path.is_file() else "default",
        "notebook": file_sha256(project.notebook_for(area.id, section)),  # an own one too
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
