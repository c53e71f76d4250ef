"""Where every figure came from: inputs and their hashes, settings, versions, commit.

One record per book, written to manifest.json, printed in the book's appendix
and stored in each executed notebook's metadata. Apart from `built_at`, it is
the same for the same inputs, so it never makes two builds differ.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from qareport import __version__
from qareport.config.cache import kept
from qareport.config.parameters import AreaParameters
from qareport.config.periods import Period
from qareport.config.project import Project
from qareport.ingest.months import DERIVED_HOW
from qareport.ingest.quality import quality_lines

__all__ = ["PACKAGES", "appendix_rows", "build_provenance", "git_commit", "stamp_notebook"]

PACKAGES = (
    "qareport",
    "papermill",
    "nbconvert",
    "nbclient",
    "pandas",
    "duckdb",
    "pandera",
    "matplotlib",
    "seaborn",
    "typst",
    "pydantic",
)


LEFT_OUT_SHOWN = 10


def package_versions() -> dict[str, str]:
    """The versions of the packages a book's figures and pages depend on, kept in the cache
    folder while no folder on the import path changes (an install touches its folder):
    looking them up took a rebuild 30 ms."""
    folders = [p for p in sys.path if p and Path(p).is_dir()]
    return kept("package-versions", repr(folders), _looked_up, lambda _: folders)


def _looked_up() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(root: Path) -> str:
    """The workbook's commit (with '+changes' if the tree differs), or why there is none."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return "not a git checkout"
        dirty = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "status",
                "--porcelain",
                "--",
                "parameters",
                "data",
                "notebooks",
                "narrative",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "git not available"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def build_provenance(
    project: Project,
    area: AreaParameters,
    period: Period,
    *,
    inputs: tuple[tuple[str, str], ...],
    built_at: str,
    left_out: list[str] | None = None,
    made: list[tuple[str, str, str]] | None = None,
    commit: str | None = None,
) -> dict:
    """`left_out`: the extract rows no book uses (an area code no area has), as text;
    `made`: the area's quarters and years made from monthly returns (Store.derived_periods);
    `commit`: the workbook's git_commit when the caller asked git already (else asked here)."""
    suppression = project.defaults.suppression
    files = {path: sha for path, sha in inputs if path != "schema"}
    return {
        "area": {"id": area.id, "code": area.code, "name": area.name},
        "period": period.label,
        "catalogues": list(project.defaults.catalogues),
        "parameters": area.model_dump(mode="json"),
        "suppression": {"enabled": suppression.enabled, "threshold": suppression.threshold},
        "inputs": files,
        "packages": package_versions(),
        "qareport": __version__,
        "git_commit": commit if commit is not None else git_commit(project.root),
        "built_at": built_at,
        "left_out": list(left_out or []),
        "made_from_months": made_from_months_text(made),
        "data_quality": _data_quality(project, area, files),
    }


def _data_quality(project: Project, area: AreaParameters, files: dict) -> list[list[str]]:
    """The data-quality records of the area's own case-level imports (an extract named
    `<its code>-...` with a quality record beside it), as appendix rows."""
    rows: list[list[str]] = []
    for path in sorted(files):
        extract = project.root / path
        if extract.name.startswith(f"{area.code}-"):
            rows += [[label, text] for label, text in quality_lines(extract)]
    return rows


def made_from_months_text(made: list[tuple[str, str, str]] | None) -> list[str]:
    """One line per rule: how many figures were made from monthly returns, for which
    periods and measures (`made`: (measure, period, rule) rows)."""
    lines = []
    for rule in sorted({r for _, _, r in made or []}):
        rows = [(m, p) for m, p, r in made or [] if r == rule]
        periods = sorted({p for _, p in rows})
        measures = sorted({m for m, _ in rows})
        lines.append(
            f"{len(rows)} figures are {DERIVED_HOW[rule]}: {', '.join(periods)} "
            f"({len(measures)} measures: {', '.join(measures)})"
        )
    return lines


def appendix_rows(record: dict) -> list[tuple[str, str]]:
    """The provenance record as rows for the book's appendix (build time added by the page)."""
    suppression = record["suppression"]
    rows = [
        ("Area", f"{record['area']['name']} ({record['area']['code']})"),
        ("Period", record["period"]),
        ("Catalogues", ", ".join(record["catalogues"])),
        (
            "Suppression",
            f"{'on' if suppression['enabled'] else 'off'}, threshold {suppression['threshold']}",
        ),
        ("Workbook git commit", record["git_commit"]),
        ("Software", ", ".join(f"{k} {v}" for k, v in record["packages"].items())),
    ]
    left_out = record.get("left_out") or []
    if left_out:
        shown = "; ".join(left_out[:LEFT_OUT_SHOWN])
        more = len(left_out) - LEFT_OUT_SHOWN
        rows.append(
            (
                f"Rows left out ({len(left_out)})",
                shown + (f"; and {more} more (`qareport validate` lists them)" if more > 0 else ""),
            )
        )
    rows += [("Made from monthly returns", line) for line in record.get("made_from_months", [])]
    rows += [(label, text) for label, text in record.get("data_quality", [])]
    rows += [(f"Input: {path}", f"SHA-256 {sha}") for path, sha in sorted(record["inputs"].items())]
    return rows


def stamp_notebook(path: Path, record: dict) -> None:
    """Record the provenance in an executed notebook's metadata.

    Plain JSON, not nbformat: the notebook is already valid, and re-validating
    every sheet's notebook on each rebuild would cost a render-only build dearly. Written
    without indentation, which only Python's slow encoder does (Jupyter reads either).
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"]["qareport"] = record
    path.write_text(json.dumps(notebook, ensure_ascii=False) + "\n", encoding="utf-8")
