"""A third party's output and importer, in a small package this test writes and installs
(pip, into a folder of its own on PYTHONPATH), found through the entry-point groups
`qareport.outputs` and `qareport.importers`: `qareport import toy` and
`qareport build --output toy` work without any edit of qareport."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import copy_workbook

PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "qareport-toy"
version = "0.1"

[project.entry-points."qareport.outputs"]
toy = "qareport_toy:TOY_OUTPUT"

[project.entry-points."qareport.importers"]
toy = "qareport_toy:TOY_IMPORTER"
"""

MODULE = '''
"""A toy output (each sheet's measures and latest figures as text) and a toy importer
(a two-column CSV of counts by area code and year)."""
import csv
from pathlib import Path

from pydantic import BaseModel, Field

from qareport.importers.common import Candidate, ImportSummary, Reason, Refusal, finish_import
from qareport.importers.registry import Importer, Sources
from qareport.render.outputs import Output


def write_toy(book, folder: Path) -> Path:
    path = folder / "report-book.toy.txt"
    lines = [f"{book.area_name} {book.period}"]
    for page in book.sheets:
        lines += [f"{page.data.section_title}: " + "; ".join(
            f"{m.id}={m.latest}" for m in page.data.measures)]
    path.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    return path


TOY_OUTPUT = Output("toy", "report-book.toy.txt", "each sheet's latest figures as text", write_toy)


class ToyOptions(BaseModel):
    measure: str = Field(description="The catalogue measure the counts are.")
    allow_rejects: bool = Field(default=False, description="Write the good rows anyway.")


def run_toy(project, sources, options: ToyOptions) -> ImportSummary:
    (source,) = sources
    summary = ImportSummary(source=str(source))
    candidates = []
    with source.open(newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            summary.rows_read += 1
            example = f"line {line}: {row['code']} {row['year']}"
            if not row["count"].isdigit():
                summary.reject(Refusal(Reason.NOT_A_NUMBER, "count is not a number"), example)
                continue
            summary.use(line, example)
            fields = {"area_code": row["code"], "period": row["year"],
                      "measure_id": options.measure, "numerator": row["count"]}
            candidates.append(Candidate(fields, line))
    return finish_import(summary, candidates, [], geography=project.geography,
                         catalogue=project.catalogue,
                         output=project.root / "data" / "imported" / "toy.csv",
                         allow_rejects=options.allow_rejects)


TOY_IMPORTER = Importer("toy", "Counts by area and year from a toy CSV.",
                        Sources("The toy CSV."), ToyOptions, run_toy)
'''


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> dict[str, str]:
    """The toy package installed into a folder of its own: the environment to run with."""
    root = tmp_path_factory.mktemp("toy")
    source = root / "src"
    source.mkdir()
    (source / "pyproject.toml").write_text(PYPROJECT)
    (source / "qareport_toy.py").write_text(textwrap.dedent(MODULE))
    target = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    return {**os.environ, "PYTHONPATH": str(target)}


def _cli(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qareport.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_toy_importer_is_a_command_and_accounts_for_every_row(plugin, tmp_path):
    workbook = copy_workbook(tmp_path / "workbook")
    counts = tmp_path / "counts.csv"
    counts.write_text("code,year,count\nDM01,2025-26,40\nDM02,2025-26,n/a\nDM03,2025-26,7\n")
    listed = _cli(plugin, "import", "--help", cwd=workbook)
    assert "toy" in listed.stdout and "Counts by area and year" in listed.stdout
    command = ("import", "toy", str(counts), "--measure", "cp-cin-children")
    held = _cli(plugin, *command, cwd=workbook)
    assert held.returncode == 1 and "nothing written" in held.stderr  # all or nothing
    assert not (workbook / "data" / "imported" / "toy.csv").exists()
    done = _cli(plugin, *command, "--allow-rejects", cwd=workbook)
    assert done.returncode == 0, done.stderr
    assert "3 rows read = 2 used + 0 not in scope + 1 rejected" in done.stdout
    assert "1 count is not a number; e.g. line 3: DM02 2025-26" in done.stdout
    written = (workbook / "data" / "imported" / "toy.csv").read_text().splitlines()
    assert written[0].startswith("area_code,period,measure_id,numerator")
    assert len(written) == 3 and "DM01,2025-26,cp-cin-children,40" in written[1]
    missing = _cli(plugin, "import", "toy", str(counts), cwd=workbook)
    assert missing.returncode == 2 and "--measure" in missing.stderr  # its option is required


def test_a_toy_output_is_listed_and_written_beside_the_book(plugin, tmp_path):
    workbook = copy_workbook(tmp_path / "workbook")
    listed = _cli(plugin, "outputs", cwd=workbook)
    assert "toy" in listed.stdout and "--output NAME" in listed.stdout
    built = _cli(
        plugin, "build", "--area", "amberleigh", "--period", "2025-26", "--output", "toy",
        cwd=workbook,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    book = workbook / "output" / "amberleigh" / "2025-26"
    toy = (book / "report-book.toy.txt").read_text().splitlines()
    assert toy[0] == "Amberleigh (fictitious) 2025-26"
    assert any(line.startswith("Children's social care front door: ") for line in toy)
    assert (book / "report-book.pdf").is_file() and (book / "report-book.html").is_file()
    assert "report-book.toy.txt" in built.stdout
    unknown = _cli(plugin, "build", "--area", "amberleigh", "--period", "2025-26", "--output",
                   "docx", cwd=workbook)  # fmt: skip
    assert unknown.returncode == 1 and "unknown output 'docx'" in unknown.stderr
