"""Adoption timeliness from the SSDA903 return: its episodes and its AD1 table (`ad1.csv`,
or `CHILD/AD1` in the XML), as the DfE's adoption scorecard measures it, in days.

Each definition, so a figure can be checked by hand (P a month, quarter or year; a child
adopted in P is one whose episode ended in P with REC E11 or E12, adopted):

adoption-days-to-move-in   the average days, for children adopted in P, from the start of
                           the period of care they were adopted from (its episode with RNE
                           S, or the child's first episode) to moving in with the adoptive
                           family (the start of that period's first episode placed for
                           adoption, PLACE A3 to A6); a child with no such placement is left
                           out of the average
adoption-days-order-to-match  the average days, for children adopted in P, from the court's
                           authority to place (the start of the period's first episode with
                           legal status E1, a placement order) to the match with the adoptive
                           family (AD1 DATE_MATCH); a child with either date missing is left
                           out

Both are averages (`unit: rate`, `per: 1`): the numerator is the days summed over the
children, the denominator the children, so the book shows days and pools them rightly.
"""

from __future__ import annotations

import pandas as pd

from qareport.importers.common import ImportSummary, Reason, Refusal

__all__ = ["ADOPTION_MEASURES", "ADOPTION_SQL", "ad1_frame", "adoptions"]

ADOPTION_MEASURES = ("adoption-days-to-move-in", "adoption-days-order-to-match")
ADOPTED = ("E11", "E12")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
PLACEMENT_ORDER = "E1"
NO_MATCH = Refusal(Reason.MISSING_DATE, "an AD1 record whose DATE_MATCH is not a date")

ADOPTION_SQL = {
    "adoption-days-to-move-in": "SELECT w.label, sum(a.days_in), count(*), list(a.line) "
    'FROM windows w JOIN adoptions a ON a.adopted BETWEEN w.start AND w."end" '
    "WHERE a.days_in IS NOT NULL GROUP BY w.label",
    "adoption-days-order-to-match": "SELECT w.label, sum(a.days_match), count(*), "
    "list_concat(list(a.line), list(a.ad1_line)) FROM windows w JOIN adoptions a "
    'ON a.adopted BETWEEN w.start AND w."end" WHERE a.days_match IS NOT NULL '
    "GROUP BY w.label",
}


def ad1_frame(rows: list[dict[str, str]], summary: ImportSummary, day_first) -> pd.DataFrame:
    """AD1's matches (child, matched, line), each row counted, a bad date rejected."""
    kept = []
    for row in rows:
        summary.rows_read += 1
        try:
            matched = day_first(row["DATE_MATCH"]) if row.get("DATE_MATCH") else None
        except ValueError:
            summary.reject(NO_MATCH, row["LINE"])
            continue
        kept.append({"child": row.get("CHILD", ""), "matched": matched, "line": row["LINE"]})
    frame = pd.DataFrame(kept, columns=["child", "matched", "line"])
    frame["matched"] = pd.to_datetime(frame["matched"])
    return frame


def _first(frame: pd.DataFrame, where: pd.Series, name: str) -> pd.DataFrame:
    """Each (child, care) period's first episode start where `where` holds, as `name`."""
    found = frame[where].groupby(["child", "care"], as_index=False)["start"].min()
    return found.rename(columns={"start": name})


def adoptions(episodes: pd.DataFrame, ad1: pd.DataFrame) -> pd.DataFrame:
    """One row per adoption (child, adopted, days_in, days_match, line, ad1_line): the days
    from care to moving in and from placement order to match, missing where not recorded;
    the adoption episode's line, and the AD1 record's where it gave the match."""
    columns = ["child", "adopted", "days_in", "days_match", "line", "ad1_line"]
    if episodes.empty:
        return pd.DataFrame(columns=columns)
    starts = pd.concat([
        episodes.groupby("child", as_index=False)["start"].min(),
        episodes.loc[episodes["rne"] == "S", ["child", "start"]],
    ]).drop_duplicates().rename(columns={"start": "care"}).sort_values("care")  # fmt: skip
    ordered = episodes.sort_values("start")
    placed = pd.merge_asof(
        ordered, starts, left_on="start", right_on="care", by="child", direction="backward"
    )
    adopted = placed[placed["rec"].isin(ADOPTED) & placed["end"].notna()]
    if adopted.empty:
        return pd.DataFrame(columns=columns)
    moved = _first(placed, placed["place"].isin(PLACED_FOR_ADOPTION), "moved_in")
    order = _first(placed, placed["ls"] == PLACEMENT_ORDER, "order")
    rows = adopted.merge(moved, on=["child", "care"], how="left")
    rows = rows.merge(order, on=["child", "care"], how="left")
    match = ad1.dropna(subset=["matched"]).drop_duplicates("child", keep="last")
    rows = rows.merge(match.rename(columns={"line": "ad1_line"}), on="child", how="left")
    days_in = (rows["moved_in"] - rows["care"]).dt.days
    days_match = (rows["matched"] - rows["order"]).dt.days
    days_match = days_match.where(days_match >= 0)  # a match before the order: not judged
    return pd.DataFrame(
        {
            "child": rows["child"],
            "adopted": rows["end"],
            "days_in": days_in.astype("Int64"),
            "days_match": days_match.astype("Int64"),
            "line": rows["line"],
            "ad1_line": rows["ad1_line"].where(days_match.notna()),
        }
    )
