"""The optional Quarto engine, tested against a stand-in `quarto` (Quarto cannot be installed here).

The stand-in records its arguments and the project files it was given, checks
them the way Quarto would read them, and compiles the document's raw Typst
block with the typst wheel, as Quarto's own Typst would.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pypdf
import pytest

from helpers import DEMO_AREA, PERIOD, data_appendix_pages
from qareport import BuildOptions, RenderError, build_book

STAND_IN = r"""#!{python}
import json, pathlib, re, sys
import typst, yaml
here = pathlib.Path.cwd()
config = yaml.safe_load((here / "_quarto.yml").read_text())
qmd = (here / sys.argv[2]).read_text()
front = yaml.safe_load(qmd.split("---")[1])
block = re.search(r"```\{{=typst\}}\n(.*)\n```", qmd, re.S).group(1)
(here / "report-book.typ").write_text(block)
record = {{"argv": sys.argv[1:], "config": config, "front": front,
          "files": sorted(p.name for p in here.iterdir())}}
pathlib.Path({record!r}).write_text(json.dumps(record))
fonts = pathlib.Path(__import__("matplotlib").get_data_path()) / "fonts" / "ttf"
pdf = typst.compile(str(here / "report-book.typ"), root=str(here), font_paths=[str(fonts)])
(here / "report-book.pdf").write_bytes(pdf)
"""


@pytest.fixture
def stand_in_quarto(tmp_path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "quarto-call.json"
    script = bin_dir / "quarto"
    script.write_text(STAND_IN.format(python=sys.executable, record=str(record)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return record


def test_quarto_engine_writes_a_project_and_calls_quarto_render(workbook, stand_in_quarto):
    result = build_book(workbook, DEMO_AREA, PERIOD, BuildOptions(engine="quarto"))
    call = json.loads(stand_in_quarto.read_text())
    assert call["argv"] == ["render", "report-book.qmd", "--to", "typst"]
    assert call["config"]["format"]["typst"]["papersize"] == "a3"
    assert call["config"]["lang"] == "en-GB"
    assert call["front"]["pagetitle"].startswith("Safeguarding Children Report Book")
    assert "_quarto.yml" in call["files"] and "chart-000.svg" in call["files"]
    reader = pypdf.PdfReader(result.pdf)
    assert len(reader.pages) == 4 + 4 + data_appendix_pages(reader)
    width, height = float(reader.pages[1].mediabox.width), float(reader.pages[1].mediabox.height)
    assert width > height, "A3 landscape"


def test_quarto_engine_without_quarto_fails_before_building(workbook, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match="needs `quarto` on PATH"):
        build_book(workbook, DEMO_AREA, PERIOD, BuildOptions(engine="quarto"))
    assert not (workbook / "output").exists()
