from helpers import run_cli
from qareport.demo.areas import DEMO_AREAS, DEMO_FORCES
from qareport.demo.partnership import PARTNERSHIP_ID


def test_areas_lists_every_demo_area_one_per_line(workbook):
    result = run_cli("areas", cwd=workbook)
    assert result.returncode == 0
    expected = [a for a, _, _ in DEMO_AREAS] + [f for f, _, _ in DEMO_FORCES] + [PARTNERSHIP_ID]
    assert result.stdout.split() == sorted(expected)


def test_usage_errors_and_bad_periods_exit_non_zero_with_one_line(workbook):
    result = run_cli("build", "--area", "amberleigh", "--period", "2025", cwd=workbook)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: period '2025' is not in the form YYYY-YY (financial year, e.g. 2025-26), "
        "YYYY-YY-QN (quarter, e.g. 2025-26-Q3) or YYYY-MM (month, e.g. 2025-10)"
    ]
    missing = run_cli("build", "--area", "amberleigh", cwd=workbook)
    assert missing.returncode == 2 and "--period" in missing.stderr


def test_validate_reports_ok_on_the_demo(workbook):
    result = run_cli("validate", cwd=workbook)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 32 content areas, 115 measures, 19 areas")


def test_executor_choices_are_checked_before_any_work(workbook, tmp_path):
    def build(*extra: str, env_path: str | None = None):
        import os
        import subprocess
        import sys

        env = dict(os.environ)
        if env_path:
            env["PYTHONPATH"] = env_path
        return subprocess.run(
            [sys.executable, "-m", "qareport.cli", "build", "--area", "amberleigh",
             "--period", "2025-26", *extra],
            cwd=workbook, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    unknown = build("--executor", "slurm")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "Error: --executor 'slurm': give one of local, dask"
    stray = build("--scheduler", "tcp://127.0.0.1:8786")
    assert stray.returncode == 1 and "--scheduler is for --executor dask" in stray.stderr
    # a machine without the [dask] extra: `distributed` cannot be imported
    (tmp_path / "distributed.py").write_text("raise ImportError('No module named distributed')\n")
    missing = build("--executor", "dask", env_path=str(tmp_path))
    assert missing.returncode == 1
    assert "pip install -e '.[dask]'" in missing.stderr and "--executor local" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    assert not (workbook / "output").exists(), "nothing is built or stored"


def test_lab_without_the_reviewers_tools_says_how_to_install_them(workbook):
    """The build's own environment has no JupyterLab (it slows every build's imports)."""
    import importlib.util

    if importlib.util.find_spec("jupyterlab") is not None:
        import pytest

        pytest.skip("JupyterLab is installed in this environment")
    done = run_cli("lab", "--no-browser", cwd=workbook)
    assert done.returncode == 1
    assert "JupyterLab is not installed here" in done.stdout + done.stderr
    assert "[review]" in done.stdout + done.stderr
