"""Property: whatever sequence of edits, rebuilds, data changes and output deletions, no
reviewer's words are ever lost or changed, in the file, the paired notebook or the book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_narrative import edit_notebook, pair

from helpers import DEMO_AREA, PERIOD, copy_workbook, init_narrative, narrative_path, set_analysis
from qareport import NarrativeConflict, build_book
from qareport.book.narrative import read_narrative
from qareport.pipeline.execute import SheetRunner

SECTION = "front-door"
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=20).map(
    lambda t: f"Note {t}"
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("edit-file"), words),
        st.tuples(st.just("edit-notebook"), words),
        st.tuples(st.just("rebuild"), st.none()),
        st.tuples(st.just("change-data"), st.integers(5, 40)),
        st.tuples(st.just("delete-output"), st.none()),
    ),
    min_size=1,
    max_size=7,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A one-sheet workbook with narrative stubs and a paired notebook, built once."""
    root = copy_workbook(tmp_path_factory.mktemp("template") / "workbook")
    params = root / "parameters" / f"{DEMO_AREA}.yml"
    text = params.read_text()
    head, _ = text.split("sections:")
    params.write_text(head + f"sections:\n- {SECTION}\nsynthetic: true\n")
    init_narrative(root)
    pair(root, SECTION)
    build_book(root, DEMO_AREA, PERIOD)  # the last build: what "changed since" is measured from
    return root


@pytest.fixture(scope="module")
def runner(template):
    with SheetRunner(cwd=template) as shared:
        yield shared


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_every_edit_survives_exactly(template, runner, tmp_path_factory, ops):
    root = tmp_path_factory.mktemp("run") / "workbook"
    shutil.copytree(template, root)
    md = narrative_path(root, SECTION)
    notebook = md.with_suffix(".ipynb")
    expected = read_narrative(md).part("analysis")
    pending: dict[str, str] = {}  # edits made since the last successful build, by place

    for op, value in ops:
        if op == "edit-file":
            set_analysis(md, value)
            pending["file"] = value
        elif op == "edit-notebook":
            edit_notebook(notebook, value)
            pending["notebook"] = value
        elif op == "change-data":
            extra = root / "data" / "demo" / "extra.csv"
            extra.write_text(
                f"area_code,period,measure_id,numerator\nDM12,2019-20,"
                f"da-incidents-children,{value}\n"
            )
        elif op == "delete-output":
            shutil.rmtree(root / "output", ignore_errors=True)
        else:
            conflict = len(set(pending.values())) > 1 and len(pending) == 2
            before = (md.read_bytes(), notebook.read_bytes())
            if conflict:
                with pytest.raises(NarrativeConflict):
                    build_book(root, DEMO_AREA, PERIOD, runner=runner)
                assert (md.read_bytes(), notebook.read_bytes()) == before, "nothing changed"
                # the reviewer resolves it by keeping the file's version in both places
                edit_notebook(notebook, pending["file"])
                pending = {"file": pending["file"]}
            result = build_book(root, DEMO_AREA, PERIOD, runner=runner)
            if pending:
                expected = next(iter(pending.values())) if len(pending) == 1 else pending["file"]
            pending = {}
            assert read_narrative(md).part("analysis") == expected
            html = result.html.read_text(encoding="utf-8")
            if expected:
                assert f"<p>{expected}</p>" in html
            else:
                assert "Not yet written: add it in narrative/" in html
    # edits made after the last build are still exactly where they were written
    if "file" in pending:
        assert read_narrative(md).part("analysis") == pending["file"]
