"""Which code changes re-execute sheets: only the code a sheet's kernel runs."""

import shutil
from pathlib import Path

import qareport
from qareport.pipeline.manifest import code_digest, kernel_modules

PACKAGE = Path(qareport.__file__).parent


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "qareport"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_kernel_runs_the_sheet_stage_and_what_it_imports_nothing_downstream():
    modules = set(kernel_modules(PACKAGE))
    assert {"qareport.sheet.build", "qareport.sheet.payload", "qareport.sheet.stats"} <= modules
    assert {"qareport.config.catalogue", "qareport.ingest.store"} <= modules
    for outside in ("pipeline", "render", "book", "importers", "demo", "cli"):
        assert not [m for m in modules if m.startswith(f"qareport.{outside}")], outside


def test_editing_a_demo_importer_renderer_or_cli_module_changes_nothing(tmp_path):
    copy = _copy(tmp_path)
    before = code_digest(copy)
    for relative in ("demo/areas.py", "importers/ees.py", "render/html.py", "cli.py"):
        with (copy / relative).open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
    assert code_digest(copy) == before


def test_editing_sheet_code_changes_the_digest(tmp_path):
    copy = _copy(tmp_path)
    before = code_digest(copy)
    with (copy / "sheet" / "stats.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert code_digest(copy) != before
