import subprocess
import sys

import qareport


def test_export_list_is_sorted_complete_and_resolves():
    assert qareport.__all__ == sorted(qareport.__all__)
    assert set(qareport.__all__) == {*qareport._EXPORTS, "__version__"}
    for name in qareport.__all__:
        assert getattr(qareport, name) is not None


def test_the_sheet_module_does_not_import_the_build_machinery():
    """The kernel imports qareport.sheet.build for every book; papermill and nbconvert stay out."""
    code = (
        "import sys, qareport.sheet.build; "
        "print(sorted(m for m in ('papermill', 'nbconvert', 'typst') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_rebuild_loads_no_charting_library():
    """A narrative-only rebuild draws no chart: the build machinery must not import
    matplotlib (0.4 s), which only the kernel and the forms that draw need."""
    code = "import sys, qareport.pipeline.build, qareport.cli; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_importing_the_library_leaves_the_process_logging_as_it_was():
    """Only the CLI quiets papermill's and traitlets' loggers; a program importing the
    library keeps its own logging."""
    import subprocess
    import sys

    code = (
        "import logging, qareport.pipeline.build, qareport.pipeline.execute, qareport.cli; "
        "print(logging.getLogger('papermill').level, logging.getLogger('traitlets').level)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "0"]
