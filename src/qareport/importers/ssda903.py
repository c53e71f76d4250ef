"""The SSDA903 return on children looked after, read as it is: the CSV tables (a folder
holding `episodes.csv`) or the XML form (`EXPSSDA903/CHILD/EPISODE`), into one frame of
episodes with the child's identifier replaced by the workbook's pseudonym.

Each episode is a record: rejected with its reason where it cannot be used (no start
date, a date that is not one, ended before it started, a reason for new episode the
return does not allow, the same child's episode starting on the same day twice), the
rest settled by the measures. Dates are day-first, as the return writes them.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from lxml import etree

from qareport.errors import ExtractError
from qareport.importers.common import ImportSummary, Reason, Refusal
from qareport.importers.pseudonym import pseudonymise

__all__ = ["EPISODE_COLUMNS", "day_first", "read_ssda903_episodes"]

EPISODE_COLUMNS = ("child", "start", "end", "rne", "place", "ls", "rec", "line")
# S started to be looked after; L change of legal status only; P change of placement
# only; T both at once; U change of placement with the same carer; B (older returns)
RNE_CODES = {"S", "L", "P", "T", "U", "B"}
NO_START = Refusal(Reason.MISSING_DATE, "an episode with no start date (DECOM)")
BAD_DATE = Refusal(Reason.MISSING_DATE, "an episode with a date that is not a date")
ENDED_BEFORE = Refusal(Reason.END_BEFORE_START, "an episode that ends (DEC) before it starts")
RNE_CODE = Refusal(Reason.CODE_NOT_ALLOWED, "a reason for new episode (RNE) not in the return")
TWICE = Refusal(Reason.DUPLICATE, "the same child's episode starting on the same day twice")


def day_first(text: str) -> date | None:
    text = text.strip()
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _csv_rows(folder: Path) -> list[dict[str, str]]:
    path = folder / "episodes.csv"
    if not path.is_file():
        raise ExtractError(
            f"{folder} has no episodes.csv: give the folder of the SSDA903 CSV tables "
            "(header.csv, episodes.csv, ...) or the return's XML file"
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = []
        for n, row in enumerate(csv.DictReader(handle), start=2):
            clean = {(k or "").strip().upper(): (v or "").strip() for k, v in row.items()}
            rows.append({**clean, "LINE": f"episodes.csv line {n}"})
        return rows


def _xml_rows(path: Path) -> list[dict[str, str]]:
    try:
        tree = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ExtractError(
            f"{path.name} is not XML an SSDA903 return can be read from: line "
            f"{exc.lineno}: {exc.msg}"
        ) from exc
    rows = []
    for child in tree.getroot().iterfind("CHILD"):
        child_id = (child.findtext("HEADER/CHILDID") or child.findtext("CHILDID") or "").strip()
        for episode in child.iterfind("EPISODE"):
            fields = {e.tag.upper(): (e.text or "").strip() for e in episode}
            fields.setdefault("PLACE", fields.get("PL", ""))
            rows.append({**fields, "CHILD": child_id, "LINE": f"line {episode.sourceline}"})
    return rows


def read_ssda903_episodes(source: Path, salt: bytes, summary: ImportSummary) -> pd.DataFrame:
    """Every episode of the return, each counted in `summary` as read, rejected with its
    reason where it cannot be used; the rest as a frame (child pseudonymised)."""
    rows = _csv_rows(source) if source.is_dir() else _xml_rows(source)
    kept: list[dict[str, object]] = []
    seen: set[tuple[str, date]] = set()
    for row in rows:
        summary.rows_read += 1
        found = _episode(row, seen)
        if isinstance(found, Refusal):
            summary.reject(found, row["LINE"])
        else:
            kept.append(found)
    frame = pd.DataFrame(kept, columns=list(EPISODE_COLUMNS))
    frame["child"] = pseudonymise(frame["child"], salt)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _episode(row: dict[str, str], seen: set[tuple[str, date]]) -> dict[str, object] | Refusal:
    if not row.get("DECOM"):
        return NO_START
    try:
        start = day_first(row["DECOM"])
        end = day_first(row["DEC"]) if row.get("DEC") else None
    except ValueError:
        return BAD_DATE
    if end is not None and start is not None and end < start:
        return ENDED_BEFORE
    rne = row.get("RNE", "").upper()
    if rne not in RNE_CODES:
        return RNE_CODE
    key = (row.get("CHILD", ""), start)
    if key in seen:
        return TWICE
    seen.add(key)  # type: ignore[arg-type]
    return {"child": row.get("CHILD", ""), "start": start, "end": end, "rne": rne,
            "place": row.get("PLACE", "").upper(), "ls": row.get("LS", "").upper(),
            "rec": row.get("REC", "").upper(), "line": row["LINE"]}  # fmt: skip
