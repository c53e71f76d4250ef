"""Shared fixtures: a disposable copy of the workbook, and one demo book built once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
DEMO_AREA = "larkhaven"  # the smallest demo area: it has the small numbers
PERIOD = "2025-26"


def copy_workbook(target: Path) -> Path:
    """A fresh workbook: parameters, demo data, programme and notebooks; no narrative or output."""
    for name in ("parameters", "notebooks", "programme"):
        shutil.copytree(REPO / name, target / name)
    shutil.copytree(REPO / "data" / "demo", target / "data" / "demo")
    return target


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return copy_workbook(tmp_path / "workbook")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, object]:
    """The demo book for one area, built once for the whole session."""
    from qareport import build_book

    root = copy_workbook(tmp_path_factory.mktemp("built") / "workbook")
    result = build_book(root, DEMO_AREA, PERIOD)
    return root, result


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `qareport` command line in a workbook folder."""
    return subprocess.run(
        [sys.executable, "-m", "qareport.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def sheet_ids(book_html: str) -> list[str]:
    """The content area ids of a book's sheets, in order."""
    import re

    return re.findall(r'<section class="page sheet" id="sheet-([a-z0-9-]+)"', book_html)


def sheet_html(book_html: str, section: str) -> str:
    """One sheet's part of a rendered book."""
    start = book_html.index(f'id="sheet-{section}"')
    end = book_html.find('<section class="page', start + 1)
    return book_html[start:end]
