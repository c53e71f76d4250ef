"""The one base for every model read from a file or passed between stages.

Unknown keys are errors (a typo in YAML names its key instead of being ignored)
and instances are frozen (a value read once is the value everything sees).
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel"]


class StrictModel(BaseModel):
    """A pydantic model that forbids unknown keys and cannot be changed once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, checked as a new model is: an unknown field or a value of
        the wrong type is refused (pydantic's `model_copy(update=...)` checks neither)."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no field {', '.join(map(repr, unknown))}; "
                f"its fields are {', '.join(type(self).model_fields)}"
            )
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**fields, **changes})
