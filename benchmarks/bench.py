"""Benchmark: one run prints every speed figure issue 7 asks for, with ratios.

    .venv/bin/python benchmarks/bench.py            # full run (about 8 minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # fewer areas and rows, for a smoke check

Figures (each measured here, on this machine, in this run):
  cold book        `qareport build` of one demo book from nothing (store too), median of 3
  no-kernel floor  the same sheets computed in-process (no papermill, no kernel), rendered
                   to the same HTML and PDF, from nothing, median of 3
  rebuild          `qareport build` after a narrative-only edit, median of 3
  batch            `qareport build --areas <43 demo areas> --force`, --jobs 1 and 2
  peak memory      per batch worker (worker process plus its kernel), sampled with psutil
  case-level store a generated case-level extract loaded and aggregated by DuckDB
This is a benchmark, not a test: it asserts nothing and prints numbers against targets.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
QAREPORT = [sys.executable, "-m", "qareport.cli"]
AREA, PERIOD = "amberleigh", "2025-26"

FLOOR = """
import sys
from pathlib import Path
from qareport.book.assemble import assemble_book
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.render.html import render_html
from qareport.render.typst_pdf import render_pdf
from qareport.sheet.build import build_sheet
from qareport.ingest.store import open_store
project = Project.open(sys.argv[1])
area, when = project.area(sys.argv[2]), parse_period(sys.argv[3])
open_store(project)
sheets = [build_sheet(project.root, area.id, when.label, s) for s in area.sections]
book = assemble_book(project, area, when, sheets, built_at="floor")
out = project.output_dir / "floor"; out.mkdir(parents=True, exist_ok=True)
(out / "report-book.html").write_text(render_html(book))
(out / "report-book.pdf").write_bytes(render_pdf(book))
"""

CASES = """
import resource, sys, time
from pathlib import Path
from qareport.ingest.caselevel import aggregate_cases
from qareport.config.project import Project
project = Project.open(sys.argv[1])
started = time.perf_counter()
frame, issues = aggregate_cases(Path(sys.argv[2]), "cases", project.catalogue,
                                {a.code for a in project.areas()})
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:.2f} {peak:.0f} {len(frame)} {len(issues)}")
"""


def workbook(folder: Path, areas: int | None = None) -> Path:
    folder.mkdir(parents=True)
    shutil.copytree(REPO / "notebooks", folder / "notebooks")
    if areas is None:
        shutil.copytree(REPO / "parameters", folder / "parameters")
        shutil.copytree(REPO / "data" / "demo", folder / "data" / "demo")
    else:
        run([*QAREPORT, "demo", "--areas", str(areas), "--project", str(folder)])
    return folder


def run(cmd: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def median_of(times: int, action) -> float:
    return statistics.median(action() for _ in range(times))


class PeakMemory:
    """Samples the RSS of a command's direct children (workers) with their own children."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peaks, self.stop = pid, {}, threading.Event()
        self.total = 0
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                everything = [root, *root.children(recursive=True)]
                self.total = max(self.total, sum(p.memory_info().rss for p in everything))
                for child in root.children():
                    tree = [child, *child.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree if p.is_running())
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop.set()
        self.thread.join()


def timed_batch(folder: Path, jobs: int, areas: int) -> tuple[float, float]:
    """The demo's partnerships (not its forces or partnership of agencies): `areas` books,
    one of them (brindlemoor) with every content area of the full framework."""
    from qareport.demo.areas import demo_areas

    names = ",".join(a for a, _, _ in demo_areas(areas))
    cmd = [*QAREPORT, "build", "--areas", names, "--period", PERIOD, "--force", "--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with PeakMemory(process.pid) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"batch failed:\n{out.decode()}\n{err.decode()}")
    # with one job the work runs in the parent itself: report the whole tree (parent + kernel)
    if jobs == 1:
        return seconds, memory.total / 2**20
    return seconds, max(memory.peaks.values(), default=0) / 2**20


def write_cases(path: Path, rows: int, codes: list[str]) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    measures = np.array(
        [
            "cp-cin-outcomes-specified",
            "referrals-appropriate",
            "lac-seen-alone",
            "da-concern-ceased",
        ]
    )
    periods = np.array(
        [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in range(2021, 2026) for q in range(1, 5)]
    )
    chunk = 1_000_000
    with path.open("w") as handle:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            pd.DataFrame(
                {
                    "area_code": np.array(codes)[rng.integers(0, len(codes), n)],
                    "period": periods[rng.integers(0, len(periods), n)],
                    "measure_id": measures[rng.integers(0, len(measures), n)],
                    "case_id": np.arange(start, start + n),
                    "met": rng.integers(0, 2, n),
                }
            ).to_csv(handle, index=False, header=start == 0)


def line(label: str, value: str, target: str = "") -> None:
    print(f"{label:44} {value:>16}   {target}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batch and extract")
    parser.add_argument("--cases-only", action="store_true", help="only the case-level figure")
    parser.add_argument("--book-only", action="store_true", help="only the one-book figures")
    args = parser.parse_args()
    batch_areas, case_rows = (6, 200_000) if args.quick else (43, 5_000_000)
    print(f"qareport benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="qareport-bench-") as scratch:
        root = Path(scratch)
        book = workbook(root / "book")
        if args.cases_only:
            case_level(root, book, case_rows)
            return

        def cold() -> float:
            shutil.rmtree(book / "output", ignore_errors=True)
            return run([*QAREPORT, "build", "--area", AREA, "--period", PERIOD], cwd=book)

        def floor() -> float:
            shutil.rmtree(book / "output", ignore_errors=True)
            return run([sys.executable, "-c", FLOOR, str(book), AREA, PERIOD])

        cold_s, floor_s = median_of(3, cold), median_of(3, floor)
        line("cold book, one area (median of 3)", f"{cold_s:.2f} s")
        line("no-kernel floor, same sheets (median of 3)", f"{floor_s:.2f} s")
        line("ratio cold / floor", f"{cold_s / floor_s:.2f}x", "target <= 1.3x")

        cold()
        narrative = book / "narrative" / AREA / PERIOD / "front-door.md"
        narrative.parent.mkdir(parents=True, exist_ok=True)
        edits = iter(range(100))

        def rebuild() -> float:
            narrative.write_text(f"## Analysis\n\nEdit number {next(edits)}.\n", encoding="utf-8")
            return run([*QAREPORT, "build", "--area", AREA, "--period", PERIOD], cwd=book)

        line(
            "rebuild after narrative-only edit (median 3)",
            f"{median_of(3, rebuild):.2f} s",
            "target <= 2 s",
        )
        if args.book_only:
            return

        national = workbook(root / "national", areas=batch_areas)
        run([*QAREPORT, "validate"], cwd=national)  # builds nothing; warms the disk cache
        one, peak_one = timed_batch(national, 1, batch_areas)
        two, peak_two = timed_batch(national, 2, batch_areas)
        line(f"batch, {batch_areas} areas, --jobs 1", f"{one:.1f} s")
        line(f"batch, {batch_areas} areas, --jobs 2", f"{two:.1f} s", "target <= 360 s")
        line("speed-up --jobs 2 over --jobs 1", f"{one / two:.2f}x", "target >= 1.8x")
        line("peak memory per worker (worker + kernel)", f"{peak_two:.0f} MB")
        line("peak memory, --jobs 1 (parent + its kernel)", f"{peak_one:.0f} MB")

        case_level(root, book, case_rows)


def case_level(root: Path, book: Path, case_rows: int) -> None:
    cases = root / "big.cases.csv"
    codes = [f"DM{i:02d}" for i in range(1, 13)]
    write_cases(cases, case_rows, codes)
    result = subprocess.run(
        [sys.executable, "-c", CASES, str(book), str(cases)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak, returns, issues = result.stdout.strip().splitlines()[-1].split()
    line(
        f"case-level extract, {case_rows:,} rows: load+aggregate",
        f"{float(seconds):.2f} s",
        "target <= 15 s",
    )
    line("case-level extract: peak memory", f"{float(peak):.0f} MB", "target < 2048 MB")
    line("case-level extract: returns produced", f"{returns} ({issues} issues)")


if __name__ == "__main__":
    main()
