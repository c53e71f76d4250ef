"""Child identifiers replaced, as they are read, by a salted hash kept only in the workbook.

The same child gets the same pseudonym in every file of one workbook (so a re-referral
or a second plan is found across years and returns), but the pseudonym cannot be turned
back into the identifier without the workbook's salt, and another workbook's pseudonyms
do not match. Nothing downstream ever sees an identifier, a name or a date of birth.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pandas as pd

from qareport.config.boundary import write_atomically

__all__ = ["SALT_FILE", "pseudonymise", "workbook_salt"]

SALT_FILE = Path("parameters") / ".child-id-salt"  # never shared: it undoes nothing alone


def workbook_salt(root: Path) -> bytes:
    """The workbook's salt, made once (32 random bytes) the first time it is needed."""
    path = root / SALT_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


def pseudonymise(ids: pd.Series, salt: bytes) -> pd.Series:
    """Each identifier as the first 16 hex digits of SHA-256(salt + identifier, trimmed);
    a missing identifier stays missing."""

    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return pd.NA
        text = str(value).strip()
        return hashlib.sha256(salt + text.encode("utf-8")).hexdigest()[:16] if text else pd.NA

    return ids.map(one).astype("string")
