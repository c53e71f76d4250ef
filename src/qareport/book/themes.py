"""Cross-cutting themes and risks a partnership has flagged across its agencies.

    narrative/<area>/<period>/themes.yml

Written by the partnership's reviewers beside the sheets' narrative (and, like
it, never touched by a build): each theme says what it is, how serious the
risk is, which member agencies it involves and which sheets show it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from qareport.config.models import StrictModel
from qareport.config.yamlio import load_model
from qareport.errors import NarrativeError

__all__ = ["Theme", "load_themes"]


class Theme(StrictModel):
    theme: str = Field(min_length=1, max_length=300)
    risk: Literal["high", "medium", "low"]
    agencies: list[str] = Field(default_factory=list)
    sheets: list[str] = Field(default_factory=list)
    summary: str = ""


class _File(StrictModel):
    themes: list[Theme] = Field(default_factory=list)


def load_themes(path: Path, members: set[str], sections: list[str]) -> list[Theme]:
    """The flagged themes (none if the file is absent), agencies and sheets checked."""
    if not path.is_file():
        return []
    themes = load_model(path, _File, NarrativeError).themes
    for n, theme in enumerate(themes):
        for agency in theme.agencies:
            if members and agency not in members:
                raise NarrativeError(
                    f"{path}: themes.{n}.agencies: {agency!r} is not a member agency "
                    f"({', '.join(sorted(members))})"
                )
        for sheet in theme.sheets:
            if sheet not in sections:
                raise NarrativeError(
                    f"{path}: themes.{n}.sheets: {sheet!r} is not a sheet of this book "
                    f"({', '.join(sections)})"
                )
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(themes, key=lambda t: order[t.risk])
