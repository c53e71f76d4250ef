"""How a build is asked for, as one record shared by single builds, batches and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from qareport.render.engines import DEFAULT_ENGINE

__all__ = ["BuildOptions"]


@dataclass(frozen=True)
class BuildOptions:
    """`engine`: a PDF engine's name (qareport.render.engines); `force`: execute every sheet
    again; `edition`: "annual" or "quarterly", checked against the period when given;
    `strict`: rows for an area code no area has stop the build instead of a warning."""

    engine: str = DEFAULT_ENGINE
    force: bool = False
    edition: str | None = None
    strict: bool = False
