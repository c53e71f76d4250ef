"""A kernel kept for many notebooks (a batch worker's) must not collect resources per run:
every run shares the kernel's one client, closed with the kernel, so open sockets stay
level."""

from __future__ import annotations

import nbformat
import psutil

from qareport.pipeline.execute import SheetRunner


def _notebook(path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    parameters = nbformat.v4.new_code_cell("n = 0")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("print('x' * 1000 * int(n))")]
    nbformat.write(notebook, path)
    return path


def test_open_sockets_stay_level_over_many_runs_on_one_kernel(tmp_path):
    notebook = _notebook(tmp_path / "tiny.ipynb")
    me = psutil.Process()
    with SheetRunner(cwd=tmp_path) as runner:
        runner.run(notebook, tmp_path / "out-0.ipynb", {"n": "1"})
        after_one = me.num_fds()
        for k in range(1, 8):
            done = runner.run(notebook, tmp_path / f"out-{k}.ipynb", {"n": str(k)})
            assert done.cells[-1].outputs[0]["text"].strip() == "x" * 1000 * k
        assert me.num_fds() <= after_one, "each run left a client (and its sockets) open"
        shared = runner._km.client()
        assert runner._km.client() is shared, "a run would open a client of its own"
    assert shared.channels_running is False, "the shared client outlived its kernel"


def test_a_kernel_has_the_sheet_code_loaded_before_its_first_notebook(tmp_path):
    """The warm-up is the kernel's own start-up line, not a request that can be lost: the
    first notebook finds the sheet code imported and the import's objects frozen out of the
    garbage collector's reach."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import gc, sys\n"
            "print('qareport.sheet.build' in sys.modules, gc.get_freeze_count() > 0)"
        )
    ]
    nbformat.write(notebook, tmp_path / "first.ipynb")
    with SheetRunner(cwd=tmp_path) as runner:
        done = runner.run(tmp_path / "first.ipynb", tmp_path / "out.ipynb", {})
    assert done.cells[-1].outputs[0]["text"].split() == ["True", "True"]
