"""Keeping a narrative file and its paired notebook in step, without ever losing words.

A reviewer may edit a narrative as `<section>.md` (in any editor, or opened as a
notebook through jupytext) or as a paired `<section>.ipynb` beside it. Before a
build reads narrative, each pair is compared with what it held when last
brought in step (a small hidden record beside it, `.<section>.sync`, so that
deleting output/ loses nothing):

- both the same: nothing to do;
- one side changed: the other is rewritten from it, through jupytext;
- both changed, differently: NarrativeConflict naming both files, and no file
  is written for any section, so the reviewer decides.

Only the narrative content counts (front matter apart from jupytext's own keys,
and the text under each heading), so jupytext's formatting never looks like an edit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from qareport.book.narrative import parse_narrative, read_narrative
from qareport.errors import NarrativeConflict, NarrativeError

__all__ = ["SyncPlan", "content_key", "sync_narratives"]


def content_key(markdown: str, path: Path) -> str:
    """A hash of what a reviewer wrote, blind to jupytext's own formatting."""
    front, parts = parse_narrative(markdown, path)
    payload = json.dumps({"front": front, "parts": parts}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _record(md: Path) -> Path:
    return md.with_name(f".{md.stem}.sync")


@dataclass(frozen=True)
class SyncPlan:
    """What bringing one pair in step will do."""

    md: Path
    notebook: Path
    action: str  # none | update-md | update-notebook | record
    key: str


def _notebook_markdown(notebook: Path) -> str:
    import jupytext  # only when a reviewer keeps a paired notebook: a costly import

    try:
        return jupytext.writes(jupytext.read(notebook), fmt="md")
    except Exception as exc:  # nbformat and json raise many types for a half-saved file
        raise NarrativeError(
            f"{notebook}: not a readable notebook ({type(exc).__name__}); it may be half-saved: "
            "open and save it again in JupyterLab, or delete it to keep the .md beside it",
            file=str(notebook),
        ) from None


def _plan(md: Path) -> SyncPlan | None:
    notebook = md.with_suffix(".ipynb")
    if not notebook.is_file():
        return None
    nb_text = _notebook_markdown(notebook)
    nb_key = content_key(nb_text, notebook)
    if not md.is_file():
        return SyncPlan(md, notebook, "update-md", nb_key)
    md_key = content_key(md.read_text(encoding="utf-8-sig"), md)
    if md_key == nb_key:
        return SyncPlan(md, notebook, "record", md_key)
    record = _record(md)
    last = record.read_text(encoding="utf-8").strip() if record.is_file() else None
    if last == md_key:
        return SyncPlan(md, notebook, "update-md", nb_key)
    if last == nb_key:
        return SyncPlan(md, notebook, "update-notebook", md_key)
    raise NarrativeConflict(
        f"{md} and {notebook} were both changed since the last build and now differ; "
        "keep the version you want (copy it into the other, or delete the notebook) "
        "and build again. Nothing was changed."
    )


def sync_narratives(paths: list[Path]) -> list[SyncPlan]:
    """Bring every pair in step, or raise NarrativeConflict before writing anything."""
    plans = [plan for plan in (_plan(p) for p in paths) if plan is not None]
    for plan in plans:
        if plan.action == "update-md":
            plan.md.write_text(_notebook_markdown(plan.notebook), encoding="utf-8")
        elif plan.action == "update-notebook":
            import jupytext

            notebook = jupytext.reads(plan.md.read_text(encoding="utf-8-sig"), fmt="md")
            jupytext.write(notebook, plan.notebook, fmt="ipynb")
        _record(plan.md).write_text(plan.key + "\n", encoding="utf-8")
        read_narrative(plan.md)  # the result must still be a readable narrative
    return plans
