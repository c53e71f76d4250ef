"""The synthetic demo: fictitious partnerships, forces and a multi-agency partnership.

Deterministic (fixed seed, stable ordering, no timestamps), so `qareport demo`
writes byte-identical files every time. Not part of a build: nothing here runs
in a sheet's kernel.
"""

from __future__ import annotations

from pathlib import Path

from qareport.config.catalogue import load_catalogue
from qareport.demo.areas import DEMO_AREAS, demo_areas, demo_files
from qareport.demo.partnership import partnership_files

__all__ = ["DEMO_AREAS", "demo_areas", "write_demo"]


def write_demo(project_dir: Path, count: int = len(DEMO_AREAS)) -> list[Path]:
    """Write (or rewrite identically) the demo data and parameters into a project."""
    written = []
    catalogue = load_catalogue(["framework", "police"])
    files = {**demo_files(catalogue, count), **partnership_files(catalogue)}
    for relative, text in files.items():
        path = project_dir / relative
        if relative.startswith("narrative/") and path.exists():
            continue  # reviewers' words are never overwritten, even by the demo
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
