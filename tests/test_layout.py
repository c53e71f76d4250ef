"""The package's shape: stages in data-flow order, imports that only look upstream, no
import cycles, a small top level, and short positional argument lists."""

from __future__ import annotations

import ast
from pathlib import Path

import qareport
from qareport.pipeline.manifest import _imports

PACKAGE = Path(qareport.__file__).parent
# the stages in the order data flow through them; a module may import its own stage
# and the stages before it, never one after it
STAGES = ["config", "ingest", "sheet", "book", "render", "pipeline"]
# beside the flow: importers write extracts (they read config and ingest), the demo
# writes a workbook (config, and book for the reviewers' file formats, written one way);
# errors is imported by everything
SIDE = {"importers": {"config", "ingest"}, "demo": {"config", "book"}}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(["qareport", *parts])] = path
    return found


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_at_most_eight_modules_at_the_top_level_and_every_stage_is_a_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top
    for stage in [*STAGES, *SIDE]:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


def test_each_stage_imports_only_itself_and_the_stages_before_it():
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        stage = _stage(module)
        if stage in STAGES:
            allowed = set(STAGES[: STAGES.index(stage) + 1])
        elif stage in SIDE:
            allowed = SIDE[stage] | {stage}
        else:
            continue  # the top level: cli, errors, the package itself
        for target in _imports(path):
            if target not in modules:
                continue  # a name imported from a module
            other = _stage(target)
            if other and other not in allowed and other not in ("errors",):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    modules = _modules()
    graph = {
        m: {t for t in _imports(p) if t in modules and t != m and not m.startswith(t + ".")}
        for m, p in modules.items()
    }
    # the lazy re-exports in package __init__ files are not imports of their children's users
    for package in [m for m, p in modules.items() if p.name == "__init__.py"]:
        graph[package] = {t for t in graph[package] if not t.startswith(package + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_no_function_outside_the_cli_takes_more_than_six_positional_parameters():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
                positional = [a for a in positional if a not in ("self", "cls")]
                if len(positional) > 6:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not long, "\n".join(long)


MAX_FUNCTION_LINES = 80


def test_no_function_in_the_package_is_longer_than_80_lines():
    """Long jobs read as named steps (build_book, measure_view): the CLI included."""
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} {lines}")
    assert not long, "\n".join(long)


def test_the_sheet_stage_passes_typed_records_and_changes_views_only_through_a_checked_replace():
    """No loose dict[str, Any] between the sheet's functions, and no model_copy(update=...),
    which accepts a misspelt field or a wrong type without a word."""
    found = []
    for path in sorted((PACKAGE / "sheet").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("model_copy(update", "dict[str, Any]"):
            if needle in text:
                found.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert not found, "\n".join(found)
