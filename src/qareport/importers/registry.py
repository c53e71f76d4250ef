"""Importers by name: one interface, found through the entry-point group
`qareport.importers`, which registers the built-in ones exactly as a third-party
package registers its own:

    [project.entry-points."qareport.importers"]
    my-return = "my_package.importer:IMPORTER"

An importer is its name, its help, what it reads (`Sources`), its options (a
pydantic model: each field becomes a `--option` of `qareport import <name>`) and a
run that returns one `ImportSummary`. The CLI makes its commands from this
registry, so a new importer needs no edit of qareport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from qareport.config.project import Project
from qareport.errors import ParameterError, QareportError
from qareport.importers.common import ImportSummary

__all__ = ["ENTRY_POINTS", "Importer", "Sources", "available", "get", "run_import"]

ENTRY_POINTS = "qareport.importers"
OptionsT = TypeVar("OptionsT", bound=BaseModel)


@dataclass(frozen=True)
class Sources:
    """What an importer reads: a file, several files, or a file or folder."""

    help: str
    many: bool = False
    folders: bool = False


@dataclass(frozen=True)
class Importer(Generic[OptionsT]):
    """One importer. `run(project, sources, options)` reads the sources into the workbook
    (data/imported/, parameters/) and says what it did, every record accounted for."""

    name: str
    help: str
    sources: Sources
    options: type[OptionsT]
    run: Callable[[Project, list[Path], OptionsT], ImportSummary]


@cache
def _registered() -> tuple[dict[str, Importer[Any]], dict[str, str]]:
    """The importers that load, by name, and why each of the others does not."""
    found: dict[str, Importer[Any]] = {}
    broken: dict[str, str] = {}
    for point in sorted(entry_points(group=ENTRY_POINTS), key=lambda p: p.name):
        try:
            importer = point.load()
        except Exception as exc:  # a broken plugin must not stop every other import
            broken[point.name] = f"{point.value} cannot be loaded ({type(exc).__name__}: {exc})"
            continue
        if not isinstance(importer, Importer) or importer.name != point.name:
            broken[point.name] = f"{point.value} is not an Importer named {point.name!r}"
            continue
        found[point.name] = importer
    if "dfe-ees" not in found:
        raise QareportError(
            "qareport's own importers are not registered (its package metadata is out of "
            "date); reinstall it: pip install -e . in a checkout"
        )
    return found, broken


def available() -> dict[str, Importer[Any]]:
    """Every importer registered under the entry-point group that loads, by name."""
    return _registered()[0]


def get(name: str) -> Importer[Any]:
    found, broken = _registered()
    if name in broken:
        raise QareportError(f"importer {name!r}: {broken[name]}; fix or remove its package")
    if name not in found:
        raise ParameterError(f"unknown importer {name!r}; choose one of {', '.join(found)}")
    return found[name]


def run_import(
    name: str, project_dir: str | Path, sources: list[Path], options: dict[str, object]
) -> ImportSummary:
    """Run importer `name` into the workbook at `project_dir` (a new folder becomes one:
    an import can start a workbook); `options` are checked against the importer's model."""
    importer = get(name)
    try:
        checked = importer.options.model_validate(options)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "options"
        raise ParameterError(f"qareport import {name}: --{where}: {first['msg']}") from None
    folder = Path(project_dir)
    (folder / "parameters").mkdir(parents=True, exist_ok=True)
    return importer.run(Project.open(folder), sources, checked)
