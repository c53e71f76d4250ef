"""GSS markers: the symbols that stand in a cell instead of a number, in one place.

Extracts, importers, disclosure control and both renderers all read and write
these, so a marker is spelled and explained the same way everywhere.
"""

from __future__ import annotations

import re

__all__ = [
    "MARKERS",
    "MARKER_KEY",
    "MARKER_PATTERN",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "SUPPRESSED",
    "marker_token",
]

# a marker as publishers write it: c, x, z, u or low, with or without brackets, any case
MARKER_PATTERN = re.compile(r"^\[?(c|x|z|u|low)\]?$", re.IGNORECASE)
MARKERS = {"c": "[c]", "x": "[x]", "z": "[z]", "u": "[u]", "low": "[low]"}
SUPPRESSED = MARKERS["c"]
NOT_AVAILABLE = MARKERS["x"]
NOT_APPLICABLE = MARKERS["z"]
MARKER_KEY = "[c] withheld to protect confidentiality; [x] not available; [z] not applicable."


def marker_token(cell: str) -> str | None:
    """The marker's letters in lower case (`c`, `low`) if `cell` is a marker, else None."""
    found = MARKER_PATTERN.match(cell)
    return found.group(1).lower() if found else None
