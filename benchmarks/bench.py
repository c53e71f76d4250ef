"""Benchmark: one run prints every speed figure issue 7 asks for, with ratios.

    .venv/bin/python benchmarks/bench.py            # full run (about 8 minutes on 2 cores)
    .venv/bin/python benchmarks/bench.py --quick    # fewer areas and rows, for a smoke check
    .venv/bin/python benchmarks/bench.py --executors  # executors only (about 50 minutes)
    .venv/bin/python benchmarks/bench.py --executors --real-areas 20   # a shorter sample

Figures (each measured here, on this machine, in this run):
  reference        100 plain three-line matplotlib charts (defaults, PNG), median of 10; the
                   book figures are also printed as ratios to it (issue 14's targets), each
                   ratio the median of five runs made right after a reference run
  full book        `qareport build` of the 18-sheet brindlemoor book from nothing, median of 5
  cold book        `qareport build` of one demo book from nothing (store too), median of 5
  no-kernel floor  the same sheets computed in-process (no papermill, no kernel), rendered
                   to the same HTML and PDF, from nothing, median of 5, each run right
                   after a cold book (the ratio cold / floor is of those neighbours)
  rebuild          `qareport build` after a narrative-only edit, median of 5
  batch            `qareport build --areas <43 demo areas> --force`, --jobs 1 and 2
  peak memory      per batch worker (worker process plus its kernel), sampled with psutil
  case-level store a generated case-level extract loaded and aggregated by DuckDB
  executors        (--executors) the real-data workbook (../shared/realdata: every local
                   authority, one period) and the 43 demo partnerships, each built with
                   --jobs 1, --jobs 2 and --executor dask --jobs 2 (a LocalCluster of 2
                   workers): books per minute, peak memory per worker, and from the measured
                   per-book cost a national back-run (200 books x 20 periods) on 1-64 workers
This is a benchmark, not a test: it asserts nothing and prints numbers against targets.
(`cold` removes the whole output folder, so the store is built too.)
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
sys.path.insert(0, str(REPO / "tests"))  # the real-data files, named once for tests and here
from helpers import DFE_FILES as REAL_FILES  # noqa: E402
from helpers import REALDATA as REAL  # noqa: E402

QAREPORT = [sys.executable, "-m", "qareport.cli"]
AREA, PERIOD = "amberleigh", "2025-26"
FULL_AREA = "brindlemoor"  # every sheet of the framework (18)

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

# The yardstick for issue 14: 100 plain three-line matplotlib charts (defaults, PNG), drawn
# in one process after matplotlib is imported; books are timed against it in the same run.
REFERENCE = """
import io, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
started = time.perf_counter()
for n in range(100):
    fig, ax = plt.subplots()
    for k in range(3):
        ax.plot(range(8), [(n * 7 + k * 3 + i * 5) % 11 for i in range(8)], marker="o",
                label=f"line {k}")
    ax.legend()
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
print(time.perf_counter() - started)
"""

# The reviewer's panel (qareport.pipeline.review_panel), as its warm kernel redraws after a
# saved edit: the book assembled from the saved files and the sheet's A3 pages drawn
PREVIEW = """
import statistics, sys, time
from pathlib import Path
from qareport.config.project import Project
from qareport.pipeline.review_panel import ReviewPanel
project = Project.open(sys.argv[1])
panel = ReviewPanel(project, sys.argv[2], sys.argv[3], "front-door")
narrative = panel.folder / "front-door.md"
narrative.parent.mkdir(parents=True, exist_ok=True)
panel.redraw()  # the kernel's first drawing: imports and Typst's first layout
times = []
for n in range(5):
    narrative.write_text(f"## Analysis\\n\\nEdit {n} in the panel.\\n", encoding="utf-8")
    started = time.perf_counter()
    panel.redraw()
    times.append(time.perf_counter() - started)
print(statistics.median(times))
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


# Python as a user's machine runs it: with compiled bytecode kept (pip installs it; some
# sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run compile qareport again)
USERS_PYTHON = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, env=USERS_PYTHON)
    return time.perf_counter() - started


def median_of(times: int, action) -> float:
    return statistics.median(action() for _ in range(times))


def in_turn(times: int, *actions) -> list[tuple[float, ...]]:
    """Each action timed `times` times, the actions run one after another each time."""
    return [tuple(action() for action in actions) for _ in range(times)]


def median_at(runs: list[tuple[float, ...]], k: int) -> float:
    return statistics.median(run[k] for run in runs)


def ratio(runs: list[tuple[float, ...]], top: int, bottom: int) -> float:
    """The median of the ratios of two actions timed side by side in each run."""
    return statistics.median(run[top] / run[bottom] for run in runs)


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


def measured(command: list[str], folder: Path, what: str) -> tuple[float, PeakMemory]:
    """A command run to its end in `folder`: its seconds, and its memory as sampled."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=USERS_PYTHON
    )
    with PeakMemory(process.pid) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.decode()[-2000:]}\n{err.decode()[-2000:]}")
    return seconds, memory


def timed_batch(
    folder: Path,
    jobs: int,
    areas: int | list[str],
    *,
    period: str = PERIOD,
    executor: str = "local",
) -> tuple[float, float]:
    """`areas` books built with --force (by default the demo's partnerships, not its forces or
    partnership of agencies, one of them brindlemoor with every content area of the full
    framework): seconds, and peak memory per worker in MB."""
    from qareport.demo.areas import demo_areas

    chosen = areas if isinstance(areas, list) else [a for a, _, _ in demo_areas(areas)]
    cmd = [*QAREPORT, "build", "--areas", ",".join(chosen), "--period", period, "--force"]
    cmd += ["--jobs", str(jobs), "--executor", executor]
    seconds, memory = measured(cmd, folder, "batch")
    # with one local job the work runs in the parent itself: the whole tree (parent + kernel);
    # a Dask worker's tree is its nanny, the worker process and its kernel
    if jobs == 1 and executor == "local":
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


REAL_PERIOD = "2024-25"  # DfE's year ending 31 March 2025, the latest in the files


def real_workbook(folder: Path) -> Path:
    """Every local authority in England from the published DfE files, as a user imports them."""
    (folder / "notebooks").mkdir(parents=True)
    shutil.copy2(REPO / "notebooks" / "section.ipynb", folder / "notebooks")
    dfe, lookups = REAL / "dfe_cin", REAL / "lookups"
    run(
        [*QAREPORT, "import", "la-areas", *[str(dfe / f) for f in REAL_FILES.values()],
         "--neighbours", str(lookups / "sn_model_2025_wide.csv"),
         "--districts", str(lookups / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"),
         "--forces", str(lookups / "LAD23_CSP23_PFA23_lookup_Dec2023.csv")],
        cwd=folder,
    )  # fmt: skip
    for mapping, name in REAL_FILES.items():
        run([*QAREPORT, "import", "dfe-ees", str(dfe / name), "--mapping", mapping], cwd=folder)
    return folder


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def executors(root: Path, real_areas: int | None, demo_areas: int) -> None:
    """Books per minute on each executor, and what a national back-run would take."""
    workbooks: list[tuple[str, Path, list[str] | int, str]] = []
    if REAL.is_dir():
        real = real_workbook(root / "real")
        names = subprocess.run(
            [*QAREPORT, "areas"], cwd=real, check=True, capture_output=True, text=True
        ).stdout.split()
        names = names[:real_areas] if real_areas else names
        workbooks.append((f"real data, {len(names)} authorities", real, names, REAL_PERIOD))
    else:
        print(f"(real-data workbook skipped: {REAL} is not here)")
    demo = workbook(root / "partnerships", areas=demo_areas)
    workbooks.append((f"demo, {demo_areas} partnerships", demo, demo_areas, PERIOD))
    per_worker: list[tuple[float, float]] = []  # (books/min per worker on dask, MB per book)
    for label, folder, names, period in workbooks:
        books = len(names) if isinstance(names, list) else names
        run([*QAREPORT, "validate"], cwd=folder)  # the store, built before the clock starts
        print(f"\n{label}, period {period}: {books} books")
        print(f"  {'executor':34} {'wall':>9} {'books/min':>10} {'peak MB/worker':>15}")
        results = {}
        for name, jobs, executor in (
            ("local --jobs 1", 1, "local"),
            ("local --jobs 2", 2, "local"),
            ("dask LocalCluster, 2 workers", 2, "dask"),
        ):
            seconds, peak = timed_batch(folder, jobs, names, period=period, executor=executor)
            results[name] = seconds
            print(f"  {name:34} {seconds:8.1f}s {books / seconds * 60:10.1f} {peak:15.0f}")
        dask_s = results["dask LocalCluster, 2 workers"]
        print(f"  dask over local --jobs 2: {results['local --jobs 2'] / dask_s:.2f}x the speed")
        print(f"  per book, one worker: {results['local --jobs 1'] / books:.1f} s")
        books_out = folder_mb(folder / "output") / books
        store_mb = (folder / "output" / "store.duckdb").stat().st_size / 2**20
        print(f"  store {store_mb:.1f} MB; output {books_out:.1f} MB per book")
        per_worker.append((books / dask_s * 60 / 2, books_out))
    # a national book is a real-data book (the first workbook, where the data is here)
    rate, mb_per_book = per_worker[0]
    total = 200 * 20
    print(f"\nnational back-run, {total:,} books (200 areas x 20 periods), at {rate:.1f} books")
    print("per minute per worker as measured on dask above (one core, one kernel each),")
    print(f"scaling linearly; output {total * mb_per_book / 1024:.1f} GB on the shared filesystem:")
    for workers in (1, 4, 16, 64):
        hours = total / (rate * workers) / 60
        print(f"  {workers:3} workers: {hours:6.1f} h")


def line(label: str, value: str, target: str = "") -> None:
    print(f"{label:44} {value:>16}   {target}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batch and extract")
    parser.add_argument("--cases-only", action="store_true", help="only the case-level figure")
    parser.add_argument("--book-only", action="store_true", help="only the one-book figures")
    parser.add_argument("--executors", action="store_true", help="only the executor figures")
    parser.add_argument("--real-areas", type=int, help="build only the first N real authorities")
    parser.add_argument(
        "--imports-only", action="store_true", help="only the Annex A import of a large year"
    )
    args = parser.parse_args()
    batch_areas, case_rows = (6, 200_000) if args.quick else (43, 5_000_000)
    print(f"qareport benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="qareport-bench-") as scratch:
        root = Path(scratch)
        if args.executors:
            executors(root, args.real_areas, 6 if args.quick else 43)
            return
        if args.imports_only:
            annex_a_import(root)
            return
        book = workbook(root / "book")
        if args.cases_only:
            case_level(root, book, case_rows)
            return

        def reference() -> float:
            done = subprocess.run([sys.executable, "-c", REFERENCE], check=True,
                                  capture_output=True, text=True)  # fmt: skip
            return float(done.stdout.strip())

        def cold(area: str = AREA) -> float:
            shutil.rmtree(book / "output", ignore_errors=True)
            return run([*QAREPORT, "build", "--area", area, "--period", PERIOD], cwd=book)

        def floor() -> float:
            shutil.rmtree(book / "output", ignore_errors=True)
            return run([sys.executable, "-c", FLOOR, str(book), AREA, PERIOD])

        # this machine's speed drifts over minutes: each book run comes right after a
        # reference run (and the floor right after the cold book), and each ratio printed
        # is the median of the ratios of those neighbours
        full = in_turn(5, reference, lambda: cold(FULL_AREA))
        small = in_turn(5, reference, cold, floor)
        ref_s = statistics.median(t[0] for t in full + small)
        line("reference: 100 plain 3-line charts (med 10)", f"{ref_s:.2f} s")
        line(
            f"18-sheet {FULL_AREA} book, cold (median 5)",
            f"{median_at(full, 1):.2f} s = {ratio(full, 1, 0):.2f}x ref",
            "target <= 1.5x (aim 1.0x)",
        )
        line(
            "4-sheet demo book, cold (median of 5)",
            f"{median_at(small, 1):.2f} s = {ratio(small, 1, 0):.2f}x ref",
            "target <= 0.5x",
        )
        line("no-kernel floor, same sheets (median of 5)", f"{median_at(small, 2):.2f} s")
        line("ratio cold / floor", f"{ratio(small, 1, 2):.2f}x", "target <= 1.2x")

        cold()
        narrative = book / "narrative" / AREA / PERIOD / "front-door.md"
        narrative.parent.mkdir(parents=True, exist_ok=True)
        edits = iter(range(100))

        def rebuild() -> float:
            narrative.write_text(f"## Analysis\n\nEdit number {next(edits)}.\n", encoding="utf-8")
            return run([*QAREPORT, "build", "--area", AREA, "--period", PERIOD], cwd=book)

        line(
            "rebuild after narrative-only edit (median 5)",
            f"{median_of(5, rebuild):.2f} s",
            "target <= 1 s",
        )
        done = subprocess.run(
            [sys.executable, "-c", PREVIEW, str(book), AREA, PERIOD],
            check=True, capture_output=True, text=True, env=USERS_PYTHON,
        )  # fmt: skip
        line(
            "review panel: page redrawn after a save (median 5)",
            f"{float(done.stdout):.2f} s + up to 0.2 s until the watcher sees the save",
            "target <= 1 s",
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
        annex_a_import(root)


def annex_a_import(root: Path) -> None:
    """Issue 30's bar: a large authority's year of Annex A lists (60,000 contacts, 25,000
    referrals, 20,000 assessments, 3,000 enquiries, 1,500 plans, 1,200 children looked
    after) imported, as a workbook and as a folder of CSVs: time and peak memory."""
    from datetime import date

    from helpers import statutory_workbook
    from qareport.demo.casework import LARGE_YEAR, annex_a_frames, write_annex_a

    book = statutory_workbook(root / "annex-a", "front-door")
    defaults = book / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("[dfe]", "[casework]"))
    frames = annex_a_frames(LARGE_YEAR, date(2024, 4, 1), date(2025, 3, 31))
    rows = sum(len(f) for f in frames.values())
    for form, source in (("xlsx", root / "lists.xlsx"), ("CSV folder", root / "lists")):
        write_annex_a(frames, source)
        command = [*QAREPORT, "import", "annex-a", str(source), "--area", "northby",
                   "--covers-from", "2024-04-01", "--covers-to", "2025-03-31",
                   "--allow-rejects"]  # fmt: skip
        seconds, memory = measured(command, book, "annex-a import")
        line(
            f"Annex A import, a large year ({rows:,} records, {form})",
            f"{seconds:.1f} s, peak {memory.total / 2**20:.0f} MB",
            "target <= 10 s and 1 GB",
        )


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
