"""Books built on Dask (`--executor dask`): the same books as the local executor, fail-soft,
and a worker lost mid-book costs nothing but time."""

from __future__ import annotations

import os
import re
import signal
import threading
import time

import pytest
from pypdf import PdfReader

from helpers import DEMO_AREA, PERIOD, copy_workbook, run_cli

distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")

AREAS = ["amberleigh", DEMO_AREA]  # two 4-sheet books


def _without_build_time(text: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "(built at)", text)


def _book(root, area: str, period: str = PERIOD) -> tuple[str, str]:
    folder = root / "output" / area / period
    html = (folder / "report-book.html").read_text(encoding="utf-8")
    pdf = "\n".join(page.extract_text() for page in PdfReader(folder / "report-book.pdf").pages)
    return _without_build_time(html), _without_build_time(pdf)


def test_dask_builds_the_same_books_as_the_local_executor(tmp_path):
    on_dask = copy_workbook(tmp_path / "dask")
    local = copy_workbook(tmp_path / "local")
    names = ",".join(AREAS)
    dask_run = run_cli(
        "build", "--areas", names, "--period", PERIOD, "--executor", "dask", "--jobs", "2",
        cwd=on_dask,
    )  # fmt: skip
    assert dask_run.returncode == 0, dask_run.stderr
    local_run = run_cli("build", "--areas", names, "--period", PERIOD, "--jobs", "2", cwd=local)
    assert local_run.returncode == 0, local_run.stderr
    assert dask_run.stdout.splitlines()[-1] == "2 built or unchanged, 0 failed"
    for area in AREAS:
        assert _book(on_dask, area) == _book(local, area), f"{area}: dask and local books differ"
    # a second run resumes: nothing changed, so no sheet is executed again
    again = run_cli(
        "build", "--areas", names, "--period", PERIOD, "--executor", "dask", "--jobs", "2",
        cwd=on_dask,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    for area in AREAS:
        assert re.search(rf"^{area}\s+unchanged\s+re-rendered only", again.stdout, re.M)


def test_a_broken_area_fails_alone_after_one_retry_over_several_periods(workbook):
    (workbook / "data" / "demo" / "broken.csv").write_text(
        "area_code,period,measure_id,numerator\nDM12,2019-20,da-incidents-children,-4\n"
    )
    result = run_cli(
        "build", "--areas", ",".join(AREAS), "--periods", "2024-25..2025-26",
        "--executor", "dask", "--jobs", "2", cwd=workbook,
    )  # fmt: skip
    assert result.returncode == 1
    lines = [line.split(None, 3) for line in result.stdout.splitlines()[:-1]]
    got = {(area, period): (status, rest) for area, period, status, rest in lines}
    assert set(got) == {(a, p) for a in AREAS for p in ("2024-25", "2025-26")}
    for period in ("2024-25", "2025-26"):
        assert got[("amberleigh", period)][0] == "built"
        status, detail = got[(DEMO_AREA, period)]
        assert status == "failed"
        assert "broken.csv row 2" in detail and "(failed again when tried once more)" in detail
        assert (workbook / "output" / "amberleigh" / period / "report-book.pdf").is_file()
        assert not (workbook / "output" / DEMO_AREA / period).exists()
    assert result.stdout.splitlines()[-1] == "2 built or unchanged, 2 failed"


def test_a_worker_killed_mid_book_still_ends_with_every_book_built(workbook):
    from distributed import Client, LocalCluster

    from qareport import build_books

    areas = ["amberleigh", "brindlemoor", DEMO_AREA]
    killed: list[tuple[str, tuple]] = []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as watcher,
    ):

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and not killed:
                busy = {w: keys for w, keys in watcher.processing().items() if keys}
                if busy:
                    time.sleep(2)  # well into the book: its kernel is executing sheets
                    for address, keys in watcher.processing().items():
                        if keys and keys == busy.get(address):
                            pid = watcher.run(os.getpid, workers=[address])[address]
                            os.kill(pid, signal.SIGKILL)
                            killed.append((address, tuple(keys)))
                            return
                time.sleep(0.2)

        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        outcomes = build_books(
            workbook, areas, PERIOD, executor="dask", scheduler=cluster.scheduler_address
        )
        killer.join()
    assert killed, "no worker was busy long enough to be killed"
    assert [(o.area_id, o.status) for o in outcomes] == [(a, "built") for a in areas]
    for area in areas:
        assert (workbook / "output" / area / PERIOD / "report-book.pdf").is_file()
    staging = workbook / "output" / ".staging"
    assert not staging.exists() or not any(staging.iterdir()), "no staging folders left behind"


def test_an_unreachable_scheduler_is_named_with_what_to_do(workbook):
    result = run_cli(
        "build", "--area", DEMO_AREA, "--period", PERIOD, "--executor", "dask",
        "--scheduler", "tcp://127.0.0.1:9", cwd=workbook,
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "leave out --scheduler" in result.stderr
    assert not (workbook / "output" / DEMO_AREA).exists()


def test_a_scheduler_without_workers_says_to_start_some(workbook, monkeypatch):
    from distributed import LocalCluster

    from qareport import QareportError, build_books
    from qareport.pipeline import dask_executor

    monkeypatch.setattr(dask_executor, "WORKER_WAIT", 2)
    with (
        LocalCluster(n_workers=0, dashboard_address=None) as empty,
        pytest.raises(QareportError, match=r"has no workers after 2 s; start some") as caught,
    ):
        build_books(
            workbook, [DEMO_AREA], PERIOD, executor="dask", scheduler=empty.scheduler_address
        )
    assert f"dask worker {empty.scheduler_address}" in str(caught.value)
    assert not (workbook / "output" / DEMO_AREA).exists()
