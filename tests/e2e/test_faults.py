"""Faults while building: no hang, no wrong book, one line that says what to do, and the
previous book kept. Each through the real command line on a one-sheet demo workbook."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from helpers import DEMO_AREA, PERIOD, copy_workbook, run_cli

SECTION = "front-door"
FORCED_BUILD = [
    sys.executable, "-m", "qareport.cli", "build", "--area", DEMO_AREA, "--period", PERIOD,
    "--force",
]  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A workbook whose demo area has one sheet, with its book built once."""
    root = copy_workbook(tmp_path_factory.mktemp("faults") / "workbook")
    params = root / "parameters" / f"{DEMO_AREA}.yml"
    head, _ = params.read_text().split("sections:")
    params.write_text(head + f"sections:\n- {SECTION}\nsynthetic: true\n")
    result = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def root(template, tmp_path) -> Path:
    import shutil

    target = tmp_path / "workbook"
    shutil.copytree(template, target)
    return target


def _book(root: Path) -> bytes:
    return (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_bytes()


def _build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, *extra, cwd=root)


def _one_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _add_cell(root: Path, source: str) -> None:
    """A cell after the parameters cell of the section notebook (as an analyst might add)."""
    path = root / "notebooks" / "section.ipynb"
    notebook = json.loads(path.read_text())
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "added",
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    notebook["cells"].insert(2, cell)
    path.write_text(json.dumps(notebook, indent=1))


def test_a_notebook_without_its_parameters_tag_is_refused(root):
    before = _book(root)
    path = root / "notebooks" / "section.ipynb"
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        cell["metadata"].pop("tags", None)
    path.write_text(json.dumps(notebook, indent=1))
    line = _one_error(_build(root))
    assert "section.ipynb: no code cell is tagged `parameters`" in line
    assert _book(root) == before


def test_a_killed_kernel_ends_the_build_with_one_line(root):
    before = _book(root)
    _add_cell(root, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    line = _one_error(_build(root))
    assert f"{DEMO_AREA} {PERIOD}, sheet {SECTION}: the Python kernel stopped" in line
    assert _book(root) == before


def test_a_failing_cell_names_the_sheet_and_keeps_the_notebook_where_it_says(root):
    _add_cell(root, "raise RuntimeError('first line\\nthe last line')")
    line = _one_error(_build(root))
    # the notebook and the cell, counted as in the notebook (the added cell is the 4th)
    assert f"{DEMO_AREA} {PERIOD}, sheet {SECTION}: notebooks/section.ipynb, cell 4 failed" in line
    assert "RuntimeError: the last line" in line
    kept = f"output/.failed/{DEMO_AREA}-{PERIOD}/{SECTION}.ipynb"
    assert line.endswith(f"the executed notebook is kept at {kept}")
    assert (root / kept).is_file()
    assert not (root / "output" / ".staging").exists()


def test_a_kernel_that_cannot_start_is_said(root, tmp_path):
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {"argv": ["/bin/false", "{connection_file}"], "display_name": "x", "language": "python"}
        )
    )
    result = subprocess.run(
        FORCED_BUILD,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")},
    )
    line = _one_error(result)
    assert "the Python kernel 'python3'" in line and "ipykernel install" in line


def test_rows_for_an_unknown_area_warn_and_are_named_in_the_book(root):
    (root / "data" / "demo" / "extra.csv").write_text(
        "area_code,period,measure_id,numerator\nDM21,2019-20,da-incidents-children,4\n"
    )
    result = _build(root)
    assert result.returncode == 0, result.stderr
    warning = result.stderr.strip().splitlines()[-1]
    assert warning.startswith("Warning: 1 extract rows have an area code no area has (DM21)")
    html = _book(root).decode()
    assert "Rows left out (1)" in html and "data/demo/extra.csv row 2" in html
    validate = run_cli("validate", cwd=root)
    assert validate.returncode == 0, validate.stderr
    assert "warning: data/demo/extra.csv row 2, column `area_code`: 'DM21'" in validate.stdout
    assert "closest known:" in validate.stdout
    assert run_cli("validate", "--strict", cwd=root).returncode == 1
    strict = _one_error(_build(root, "--strict"))
    assert "extra.csv row 2, column `area_code`" in strict


def test_leftovers_of_killed_builds_are_cleared_and_a_damaged_store_rebuilt(root):
    output = root / "output"
    dead = 2**22 + 12345  # above the default pid range: no such process
    here = socket.gethostname()
    (output / ".staging" / f"{DEMO_AREA}-{PERIOD}@{here}-{dead}" / "notebooks").mkdir(parents=True)
    (output / ".staging" / f"old-{DEMO_AREA}-{PERIOD}-{dead}").mkdir()  # before hosts were named
    # a worker on another machine sharing this output folder: its process is not ours to judge
    elsewhere = output / ".staging" / f"{DEMO_AREA}-2024-25@other-node-{dead}"
    elsewhere.mkdir()
    (output / f".store.duckdb.{dead}.tmp").write_bytes(b"half")
    store = output / "store.duckdb"
    with store.open("r+b") as handle:  # damage the last blocks: the returns table
        handle.seek(store.stat().st_size - 8192)
        handle.write(os.urandom(4096))
    result = _build(root)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (output / ".staging").iterdir()] == [elsewhere.name]
    assert not list(output.glob(".store.duckdb.*.tmp"))


def test_an_unwritable_output_names_the_path(root):
    import shutil

    shutil.rmtree(root / "output")
    (root / "output").write_text("not a folder")
    line = _one_error(_build(root))
    assert "cannot use" in line and "output" in line


def test_a_batch_isolates_a_typo_and_builds_an_area_named_three_ways_once(root):
    amberleigh = root / "parameters" / "amberleigh.yml"
    amberleigh.write_text(amberleigh.read_text().replace("name:", "colour: blue\nname:"))
    result = run_cli(
        "build",
        "--areas",
        f"{DEMO_AREA},DM12,Larkhaven (fictitious),amberleigh",
        "--period",
        PERIOD,
        "--jobs",
        "1",
        cwd=root,
    )
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert [line.split()[0] for line in lines[:-1]] == [DEMO_AREA, "amberleigh"]
    assert "failed" in lines[1] and "amberleigh.yml: colour: unknown key" in lines[1]
    assert lines[-1] == "1 built or unchanged, 1 failed"


def test_ctrl_c_says_interrupted_and_leaves_the_previous_book(root):
    before = _book(root)
    process = subprocess.Popen(
        FORCED_BUILD,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not psutil.Process(process.pid).children():
        time.sleep(0.2)  # the kernel has started: the build is under way
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == (
        "Error: interrupted; any previous book is kept as it was"
    )
    assert _book(root) == before
