"""The reviewer's route in a real JupyterLab, driven by Playwright in Chromium: the
narrative opens as a notebook (no right-click), its first cell shows the sheet's A3 page,
a saved edit redraws it, approval while the file has unsaved edits is kept through the
save that follows, and the book built from the panel carries the words and the sign-off.

JupyterLab is the reviewers' extra (`.[review]`), kept out of the build's environment, so
this test makes a venv of its own for it once (`.cache/lab-venv`, about a minute)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from helpers import DEMO_AREA, PERIOD, REPO, copy_workbook
from qareport import build_book

LAB_VENV = REPO / ".cache" / "lab-venv"
NARRATIVE = f"narrative/{DEMO_AREA}/{PERIOD}"
SHOTS = Path(os.environ.get("QAREPORT_SHOTS", "/tmp/qareport-lab-shots"))


@pytest.fixture(scope="module")
def lab_python() -> Path:
    python = LAB_VENV / "bin" / "python"
    if not (LAB_VENV / "bin" / "jupyter-lab").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(LAB_VENV)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-e", f"{REPO}[review]"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"JupyterLab could not be installed here: {done.stderr[-300:]}")
    return python


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(lab_python, tmp_path):
    """A built demo workbook with narratives, open in `qareport lab`."""
    root = copy_workbook(tmp_path / "workbook")
    build_book(root, DEMO_AREA, PERIOD)
    init = subprocess.run(
        [str(lab_python), "-m", "qareport.cli", "narrative", "init", "--area", DEMO_AREA,
         "--period", PERIOD], cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    port = _free_port()
    server = subprocess.Popen(
        [str(lab_python), "-m", "qareport.cli", "lab", "--no-browser", f"--port={port}",
         "--IdentityProvider.token=", "--ServerApp.allow_root=True",
         "--ServerApp.disable_check_xsrf=True"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    try:
        yield root, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _panel_says(page, words: str, timeout: float = 90_000) -> None:
    page.wait_for_function(
        "w => (document.querySelector('.qareport-review-panel')?.innerText || '').includes(w)",
        arg=words,
        timeout=timeout,
    )


def _until(done, seconds: float = 60) -> None:
    """Wait for something the browser's work makes true on disk."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.2)


def _add_analysis(page, text: str) -> None:
    """A new Markdown cell under the Analysis heading's cell, typed as a reviewer types."""
    page.locator(".jp-MarkdownCell", has_text="Note for the writer").first.locator(
        ".jp-InputPrompt"
    ).click()
    page.keyboard.press("Escape")
    for key in ("b", "m", "Enter"):
        page.keyboard.press(key)
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def test_a_reviewer_writes_previews_approves_and_builds_without_a_terminal(lab):
    from playwright.sync_api import sync_playwright

    root, base = lab
    narrative = root / NARRATIVE / "front-door.md"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.goto(f"{base}/lab/tree/{NARRATIVE}/front-door.md?reset")
        first = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").first
        first.wait_for(state="visible", timeout=120_000)  # opened as a notebook, drawn
        page.wait_for_function(  # its kernel started (on a busy machine this takes a while)
            "() => document.body.innerText.includes('| Idle')", timeout=120_000
        )
        page.screenshot(path=SHOTS / "1-opened.png")
        stub, written = narrative.read_bytes(), narrative.stat().st_mtime_ns
        first.click()
        page.keyboard.press("Control+s")  # saved as opened: not a byte rewritten
        page.wait_for_function(
            "() => document.body.innerText.includes('Saving completed')", timeout=60_000
        )
        assert narrative.stat().st_mtime_ns != written and narrative.read_bytes() == stub

        page.locator(".jp-CodeCell").first.locator(".jp-InputPrompt").click()
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector("img.qareport-page", timeout=120_000)
        _panel_says(page, "Not yet written: add it in")
        page.screenshot(path=SHOTS / "2-panel.png")

        _add_analysis(page, "Re-referrals rose to {{ measure:re-referrals-12m }} this year.")
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.qareport-review-panel').innerText"
            ".includes('Not yet written: add it in')",
            timeout=60_000,
        )  # the page redrawn from the saved file (well within a second here; generous for CI)
        page.screenshot(path=SHOTS / "3-saved.png")
        page.get_by_role("tab", name="On screen").click()
        screen = page.frame_locator("iframe.qareport-screen")
        screen.get_by_text("Re-referrals rose to").wait_for(timeout=60_000)  # the HTML sheet
        page.screenshot(path=SHOTS / "3b-on-screen.png")
        page.get_by_role("tab", name="A3 page").click()
        saved = narrative.read_bytes()
        assert b"Re-referrals rose to {{ measure:re-referrals-12m }} this year." in saved

        # words typed but not saved, then approval: the file is not touched by it
        _add_analysis(page, "The audit of repeat referrals reports in March.")
        page.get_by_placeholder("Your name").fill("Sam Jones")
        page.get_by_role("button", name="Approve").click()
        _panel_says(page, "Approved by Sam Jones on")
        assert narrative.read_bytes() == saved
        page.keyboard.press("Control+s")  # the unsaved words saved over the file
        _until(lambda: b"The audit of repeat referrals" in narrative.read_bytes())
        decisions = yaml.safe_load((narrative.parent / "reviews.yml").read_text())
        assert decisions[-1]["status"] == "approved" and decisions[-1]["reviewer"] == "Sam Jones"
        page.screenshot(path=SHOTS / "4-approved.png")

        page.get_by_role("button", name="Build the book").click()
        _panel_says(page, "Book built in", timeout=180_000)
        page.screenshot(path=SHOTS / "5-built.png")
        browser.close()
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    assert "Re-referrals rose to" in html and "The audit of repeat referrals" in html
    assert "Approved by Sam Jones on" in html
