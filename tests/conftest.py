"""Shared fixtures: a disposable copy of the workbook, and one demo book built once.

Tests under tests/e2e/ build whole books through papermill and Typst; they are
marked `slow`, so `scripts/test -m "not slow"` is the fast loop.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import AXE, CHROMIUM, DEMO_AREA, PERIOD, copy_workbook


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """A demo workbook whose store is built (in-process, no kernel), shared read-only."""
    from qareport import Project
    from qareport.ingest.store import open_store

    root = copy_workbook(tmp_path_factory.mktemp("store") / "workbook")
    open_store(Project.open(root))
    return root


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright, for the tests that read the HTML as a
    browser shows it (axe-core, printing, narrow screens). One per module: Playwright's
    sync API runs an event loop, and a module that drives its own (JupyterLab's) must not
    find this one still open."""
    from playwright import sync_api as playwright  # a test dependency: never skipped

    assert AXE.is_file(), "axe-core is missing: run the README's test command (scripts/test)"
    with playwright.sync_playwright() as p:
        chrome = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chrome
        chrome.close()
