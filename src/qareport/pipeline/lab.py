"""`qareport lab`: the workbook in JupyterLab as reviewers use it. Narratives open as
notebooks (jupytext's "Jupytext Notebook" is the default viewer for Markdown), with their
review panel one Shift+Enter away. The setting is the workbook's own, kept in
`.jupyter/lab/user-settings` and given to JupyterLab for this workbook only, so nobody's
other JupyterLab changes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from qareport.config.boundary import write_atomically
from qareport.config.project import Project
from qareport.errors import QareportError

__all__ = ["SETTINGS_DIR", "lab_command"]

SETTINGS_DIR = Path(".jupyter") / "lab" / "user-settings"
DOC_MANAGER = Path("@jupyterlab") / "docmanager-extension" / "plugin.jupyterlab-settings"
DEFAULT_VIEWERS = {"defaultViewers": {"markdown": "Jupytext Notebook"}}


def lab_command(project: Project, extra: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command that opens the workbook in JupyterLab, and its environment; the
    workbook's settings written first where it has none of its own."""
    program = Path(sys.executable).with_name("jupyter-lab")  # this environment's, whose
    found = str(program) if program.is_file() else None  # kernel has qareport installed
    if found is None:
        raise QareportError(
            "JupyterLab is not installed here: install the reviewers' tools with "
            "pip install -e '.[review]' (in a checkout) or pip install 'qareport[review]'"
        )
    settings = project.root / SETTINGS_DIR
    viewer = settings / DOC_MANAGER
    if not viewer.is_file():
        viewer.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(viewer, json.dumps(DEFAULT_VIEWERS, indent=2) + "\n")
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings)}
    return [found, f"--ServerApp.root_dir={project.root}", *extra], env
