"""The benchmark's no-kernel floor must keep working as the library changes (it is not run
as part of the tests otherwise); this runs it once on the demo and checks what it wrote."""

import subprocess
import sys
from importlib import util

import pypdf

from helpers import DEMO_AREA, PERIOD, REPO, data_appendix_pages


def test_the_floor_script_builds_the_same_book_without_a_kernel(workbook):
    spec = util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
    bench = util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    subprocess.run(
        [sys.executable, "-c", bench.FLOOR, str(workbook), DEMO_AREA, PERIOD],
        check=True,
        capture_output=True,
        text=True,
    )
    out = workbook / "output" / "floor"
    assert "sheet-front-door" in (out / "report-book.html").read_text(encoding="utf-8")
    reader = pypdf.PdfReader(out / "report-book.pdf")
    assert len(reader.pages) == 4 + 4 + data_appendix_pages(reader)
