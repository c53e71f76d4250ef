"""Outcomes of children looked after and care leavers from the SSDA903 return's other
tables: OC2 (children looked after for 12 months at 31 March), OC3 (care leavers aged
19 to 21), MISSING (episodes missing or away from placement), REVIEWS (each review's
date and the child's part in it; see ssda903_reviews) and AD1 (adoption matches; see
ssda903_adoption). Read from the CSV
tables (`oc2.csv`, `oc3.csv`, `missing.csv`) or the XML (`CHILD/OC2`, `OC3`, `MISSING`).

Each definition, so a figure can be checked by hand (Y is the return's year, April to
March; P a month, quarter or year of it):

lac-health-checks      children in OC2 with HEALTH_CHECK 1 (health assessment up to date),
                       of the children in OC2; for Y
lac-teeth-checks       children in OC2 with TEETH_CHECK 1 (teeth checked by a dentist), of
                       the children in OC2; for Y
care-leavers-in-touch  care leavers in OC3 with IN_TOUCH YES, of those in OC3 but those who
                       died (DIED); for Y
care-leavers-suitable  care leavers in accommodation recorded as suitable (ACCOM ending 1),
                       of those whose accommodation is recorded as suitable or not (1 or
                       2), those who died aside
care-leavers-eet       care leavers in education, employment or training (ACTIV F1, P1,
                       F2, P2, F4, P4, F5 or P5), of those with an activity recorded, those
                       who died aside
lac-missing-episodes   episodes missing from placement (MISSING M) that began in P
lac-missing-children   children with an episode missing from placement that began in P,
                       each counted once

Each of these also by the child's gender and ethnicity from the HEADER table (read for
that alone) and, but for care leavers (all 19 to 21), by age band: a child in OC2 at the
return's 31 March, a missing episode at its start (`child_groups`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from lxml import etree

from qareport.importers.child_groups import age_bands, as_groups
from qareport.importers.common import ImportSummary, Reason, Refusal
from qareport.importers.pseudonym import pseudonymise
from qareport.importers.ssda903 import day_first
from qareport.importers.ssda903_adoption import ADOPTION_MEASURES, ADOPTION_SQL, ad1_frame
from qareport.importers.ssda903_reviews import REVIEW_MEASURES, REVIEW_SQL, review_frame
from qareport.importers.year_windows import PeriodWindow, by_groups, window_returns

__all__ = ["OUTCOME_MEASURES", "births", "outcome_returns", "read_header", "read_outcome_tables"]

OUTCOME_MEASURES = (
    *REVIEW_MEASURES,
    *ADOPTION_MEASURES,
    "lac-health-checks",
    "lac-teeth-checks",
    "care-leavers-in-touch",
    "care-leavers-suitable",
    "care-leavers-eet",
    "lac-missing-episodes",
    "lac-missing-children",
)
IN_TOUCH = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
FLAG = Refusal(Reason.CODE_NOT_ALLOWED, "an OC2 check that is neither 0 nor 1")
TOUCH = Refusal(Reason.CODE_NOT_ALLOWED, "an OC3 IN_TOUCH code the return does not allow")
NO_START = Refusal(Reason.MISSING_DATE, "a missing episode with no start date (MIS_START)")
BAD_DATE = Refusal(Reason.MISSING_DATE, "a missing episode with a date that is not a date")
ENDED_BEFORE = Refusal(Reason.END_BEFORE_START, "a missing episode that ends before it begins")
TABLES = {"oc2": "OC2", "oc3": "OC3", "missing": "MISSING", "reviews": "REVIEW", "ad1": "AD1",
          "header": "HEADER"}  # fmt: skip
# each measure's table (as its query names it) and the breakdowns it is made for: care
# leavers are all 19 to 21, so they have no age band; a child in OC2 is aged at 31 March
_GROUPED = {
    "lac-health-checks": ("oc2", ["age_band", "gender", "ethnicity"]),
    "lac-teeth-checks": ("oc2", ["age_band", "gender", "ethnicity"]),
    "care-leavers-in-touch": ("oc3", ["gender", "ethnicity"]),
    "care-leavers-suitable": ("oc3", ["gender", "ethnicity"]),
    "care-leavers-eet": ("oc3", ["gender", "ethnicity"]),
    "lac-missing-episodes": ("m", ["age_band", "gender", "ethnicity"]),
    "lac-missing-children": ("m", ["age_band", "gender", "ethnicity"]),
}


def _rows(source: Path, table: str) -> list[dict[str, str]]:
    """One table's rows (upper-case field names, `LINE` where each is), or none."""
    if source.is_dir():
        path = source / f"{table}.csv"
        if not path.is_file():
            return []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [
                {**{(k or "").strip().upper(): (v or "").strip() for k, v in row.items()},
                 "LINE": f"{table}.csv line {n}"}
                for n, row in enumerate(csv.DictReader(handle), start=2)
            ]  # fmt: skip
    rows = []
    for child in etree.parse(str(source)).getroot().iterfind("CHILD"):
        child_id = (child.findtext("HEADER/CHILDID") or child.findtext("CHILDID") or "").strip()
        for element in child.iterfind(TABLES[table]):
            fields = {e.tag.upper(): (e.text or "").strip() for e in element}
            rows.append({**fields, "CHILD": child_id, "LINE": f"line {element.sourceline}"})
    return rows


def read_outcome_tables(
    source: Path, salt: bytes, summary: ImportSummary, header: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """OC2, OC3 and MISSING as frames (child pseudonymised), each row counted in `summary`
    and rejected with its reason where it cannot be used."""
    oc2, oc3, missing = [], [], []
    for row in _rows(source, "oc2"):
        summary.rows_read += 1
        flags = (row.get("HEALTH_CHECK", ""), row.get("TEETH_CHECK", ""))
        if any(f not in ("0", "1") for f in flags):
            summary.reject(FLAG, row["LINE"])
            continue
        oc2.append({"child": row.get("CHILD", ""), "health": flags[0] == "1",
                    "teeth": flags[1] == "1", "line": row["LINE"]})  # fmt: skip
    for row in _rows(source, "oc3"):
        summary.rows_read += 1
        touch = row.get("IN_TOUCH", "").upper()
        if touch not in IN_TOUCH:
            summary.reject(TOUCH, row["LINE"])
            continue
        oc3.append({"child": row.get("CHILD", ""), "touch": touch,
                    "activ": row.get("ACTIV", "").upper(), "accom": row.get("ACCOM", "").upper(),
                    "line": row["LINE"]})  # fmt: skip
    for row in _rows(source, "missing"):
        summary.rows_read += 1
        found = _missing(row)
        if isinstance(found, Refusal):
            summary.reject(found, row["LINE"])
        else:
            missing.append(found)
    frames = {
        "reviews": review_frame(_rows(source, "reviews"), summary, day_first),
        "ad1": ad1_frame(_rows(source, "ad1"), summary, day_first),
        "oc2": pd.DataFrame(oc2, columns=["child", "health", "teeth", "line"]),
        "oc3": pd.DataFrame(oc3, columns=["child", "touch", "activ", "accom", "line"]),
        "missing": pd.DataFrame(missing, columns=["child", "kind", "start", "end", "line"]),
    }
    for frame in frames.values():
        frame["child"] = pseudonymise(frame["child"], salt)
    for column in ("start", "end"):
        frames["missing"][column] = pd.to_datetime(frames["missing"][column])
    for name, on in (("oc2", None), ("oc3", None), ("missing", "start")):
        frames[name] = _with_who(frames[name], header, on)
    return frames


def read_header(source: Path, salt: bytes) -> pd.DataFrame:
    """Each child's gender, ethnicity and date of birth from the return's HEADER table
    (child pseudonymised; read for the breakdowns and ages alone: not records the
    measures count, and never written anywhere)."""
    frame = pd.DataFrame(
        [(r.get("CHILD", ""), r.get("SEX") or None, r.get("ETHNIC") or None, _birth(r))
         for r in _rows(source, "header")],
        columns=["child", "gender", "ethnicity", "birth"],
    )  # fmt: skip
    frame["child"] = pseudonymise(frame["child"], salt)
    frame["birth"] = pd.to_datetime(frame["birth"])
    return frame.drop_duplicates("child")


def births(header: pd.DataFrame) -> pd.DataFrame:
    """Each child's date of birth (`born`), from `read_header`, for the measures that
    need a child's age."""
    return header[["child", "birth"]].rename(columns={"birth": "born"}).dropna(subset=["born"])


def _birth(row: dict[str, str]) -> object:
    try:
        return day_first(row["DOB"]) if row.get("DOB") else None
    except ValueError:
        return None


def _with_who(frame: pd.DataFrame, who: pd.DataFrame, on: str | None) -> pd.DataFrame:
    """The table with each child's gender, ethnicity and age band at `on` (the date of
    birth dropped), or, without `on`, the date of birth as `date_of_birth` until the 31
    March of the return is known (`_aged_at`)."""
    joined = frame.merge(who, on="child", how="left")
    if on is None:
        return joined.rename(columns={"birth": "date_of_birth"})
    bands = age_bands(joined["birth"], joined[on])
    return joined.drop(columns="birth").assign(age_band=bands.where(joined["birth"].notna()))


def _missing(row: dict[str, str]) -> dict[str, object] | Refusal:
    if not row.get("MIS_START"):
        return NO_START
    try:
        start = day_first(row["MIS_START"])
        end = day_first(row["MIS_END"]) if row.get("MIS_END") else None
    except ValueError:
        return BAD_DATE
    if end is not None and start is not None and end < start:
        return ENDED_BEFORE
    return {"child": row.get("CHILD", ""), "kind": row.get("MISSING", "").upper(),
            "start": start, "end": end, "line": row["LINE"]}  # fmt: skip


_SQL = {
    "lac-health-checks": "SELECT w.label, count(*) FILTER (WHERE health), count(*), list(line) "
    "FROM windows w, oc2 WHERE w.label = 'YEAR' GROUP BY w.label",
    "lac-teeth-checks": "SELECT w.label, count(*) FILTER (WHERE teeth), count(*), list(line) "
    "FROM windows w, oc2 WHERE w.label = 'YEAR' GROUP BY w.label",
    "care-leavers-in-touch": "SELECT w.label, count(*) FILTER (WHERE touch = 'YES'), count(*), "
    "list(line) FROM windows w, oc3 WHERE w.label = 'YEAR' AND touch <> 'DIED' "
    "GROUP BY w.label",
    "care-leavers-suitable": "SELECT w.label, count(*) FILTER (WHERE accom LIKE '%1'), count(*), "
    "list(line) FROM windows w, oc3 WHERE w.label = 'YEAR' AND touch <> 'DIED' "
    "AND regexp_matches(accom, '^[A-Z][12]$') GROUP BY w.label",
    "care-leavers-eet": f"SELECT w.label, count(*) FILTER (WHERE activ IN {EET}), count(*), "
    "list(line) FROM windows w, oc3 WHERE w.label = 'YEAR' AND touch <> 'DIED' "
    "AND activ <> '' GROUP BY w.label",
    "lac-missing-episodes": "SELECT w.label, count(*), NULL, list(m.line) FROM windows w "
    "JOIN missing m ON m.start BETWEEN w.start AND w.\"end\" WHERE m.kind = 'M' "
    "GROUP BY w.label",
    "lac-missing-children": "SELECT w.label, count(DISTINCT m.child), NULL, list(m.line) "
    'FROM windows w JOIN missing m ON m.start BETWEEN w.start AND w."end" '
    "WHERE m.kind = 'M' GROUP BY w.label",
}


def outcome_returns(
    tables: dict[str, pd.DataFrame], windows: list[PeriodWindow], year: str
) -> tuple[list[dict[str, object]], set]:
    """One return per measure and period with records in it (OC2 and OC3 for the return's
    year alone), and the records that gave a figure."""
    end = next(w.end for w in windows if w.label == year)
    tables = {**tables, "oc2": _aged_at(tables["oc2"], end), "oc3": _aged_at(tables["oc3"], end)}
    for name in ("oc2", "oc3", "missing"):
        tables[name] = as_groups(tables[name], ["age_band", "gender", "ethnicity"])
    queries = {
        m: by_groups(sql.replace("'YEAR'", f"'{year}'"), *_GROUPED[m]) for m, sql in _SQL.items()
    }
    return window_returns(tables, windows, {**queries, **REVIEW_SQL, **ADOPTION_SQL})


def _aged_at(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """OC2 or OC3 with each child's age band at the return's 31 March, from `date_of_birth`."""
    bands = age_bands(frame["date_of_birth"], pd.Series(day, index=frame.index))
    return frame.drop(columns="date_of_birth").assign(
        age_band=bands.where(frame["date_of_birth"].notna())
    )
