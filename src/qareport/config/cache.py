"""The user's cache folder: what is worth keeping between runs and safe to lose.

Everything kept here can be worked out again (the code digest, compiled page
templates); a read-only or missing folder only makes the next run slower.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir(*parts: str) -> Path:
    """`$XDG_CACHE_HOME/qareport/...` (by default `~/.cache/qareport/...`), not created."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qareport"
    return root.joinpath(*parts)
