"""The one base for every model read from a file or passed between stages.

Unknown keys are errors (a typo in YAML names its key instead of being ignored)
and instances are frozen (a value read once is the value everything sees).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel"]


class StrictModel(BaseModel):
    """A pydantic model that forbids unknown keys and cannot be changed once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)
