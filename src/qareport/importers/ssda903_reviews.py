"""Looked-after children's reviews from the SSDA903 return's REVIEWS table (`reviews.csv`,
or `CHILD/REVIEW` in the XML): when each review was held (REVIEW) and how the child took
part (REVIEW_CODE, PN0 to PN7).

Each definition, so a figure can be checked by hand (P a month, quarter or year):

lac-reviews-timely         reviews held in P on time, of the reviews held in P that can be
                           judged. On time, as the Care Planning, Placement and Case Review
                           (England) Regulations 2010 set it (regulation 33): a period of
                           care's first review within 20 working days of the day it began
                           (England's bank holidays excluded); its second within 3 months
                           of the first; each later one within 6 months of the one before.
                           A period of care begins at an episode with RNE S, or at the
                           child's first episode in the return. A review whose period of
                           care began before the first review the table holds is judged
                           against the 6 months allowed after the review before it in the
                           table, and the first such review is not judged (which review it
                           was is not known).
lac-reviews-participation  reviews held in P in which the child took part, in person or
                           through someone or something else (PN1 to PN6), of the reviews
                           held in P of children aged 4 or over (all but PN0; PN7 is a child
                           who took no part)
"""

from __future__ import annotations

import pandas as pd

from qareport.importers.common import ImportSummary, Reason, Refusal
from qareport.importers.working_days import working_days_between

__all__ = ["REVIEW_CODES", "REVIEW_MEASURES", "REVIEW_SQL", "review_frame", "timely_reviews"]

REVIEW_MEASURES = ("lac-reviews-timely", "lac-reviews-participation")
REVIEW_CODES = {f"PN{n}" for n in range(8)}
FIRST_WITHIN_WORKING_DAYS = 20
SECOND_WITHIN_MONTHS = 3
LATER_WITHIN_MONTHS = 6
NO_DATE = Refusal(Reason.MISSING_DATE, "a review with no date, or one that is not a date")
CODE = Refusal(Reason.CODE_NOT_ALLOWED, "a REVIEW_CODE the return does not allow")
TWICE = Refusal(Reason.DUPLICATE, "the same child's review on the same day twice")

REVIEW_SQL = {
    "lac-reviews-timely": "SELECT w.label, count(*) FILTER (WHERE r.timely), count(*), "
    'list(r.line) FROM windows w JOIN reviews r ON r.held BETWEEN w.start AND w."end" '
    "WHERE r.timely IS NOT NULL GROUP BY w.label",
    "lac-reviews-participation": "SELECT w.label, count(*) FILTER (WHERE r.code <> 'PN7'), "
    "count(*), list(r.line) FROM windows w "
    "JOIN reviews r ON r.held BETWEEN w.start AND w.\"end\" WHERE r.code <> 'PN0' "
    "GROUP BY w.label",
}


def review_frame(rows: list[dict[str, str]], summary: ImportSummary, day_first) -> pd.DataFrame:
    """The reviews (child, held, code, line), each row counted in `summary` and rejected
    with its reason where it cannot be used."""
    kept, seen = [], set()
    for row in rows:
        summary.rows_read += 1
        code = row.get("REVIEW_CODE", "").upper()
        try:
            held = day_first(row["REVIEW"]) if row.get("REVIEW") else None
        except ValueError:
            held = None
        if held is None:
            summary.reject(NO_DATE, row["LINE"])
        elif code not in REVIEW_CODES:
            summary.reject(CODE, row["LINE"])
        elif (row.get("CHILD", ""), held) in seen:
            summary.reject(TWICE, row["LINE"])
        else:
            seen.add((row.get("CHILD", ""), held))
            kept.append({"child": row.get("CHILD", ""), "held": held, "code": code,
                         "line": row["LINE"]})  # fmt: skip
    frame = pd.DataFrame(kept, columns=["child", "held", "code", "line"])
    frame["held"] = pd.to_datetime(frame["held"])
    return frame


def _care_starts(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each child's periods of care: the start of its first episode and of each RNE S."""
    first = episodes.groupby("child", as_index=False)["start"].min()
    new = episodes.loc[episodes["rne"] == "S", ["child", "start"]]
    return pd.concat([first, new]).drop_duplicates().sort_values(["start", "child"])


def timely_reviews(reviews: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """The reviews with `timely`: True, False, or missing where it cannot be judged."""
    out = reviews.assign(timely=pd.Series(pd.NA, index=reviews.index, dtype="boolean"))
    if out.empty or episodes.empty:
        return out
    ordered = out.sort_values(["held", "child"])
    placed = pd.merge_asof(
        ordered, _care_starts(episodes).rename(columns={"start": "care"}),
        left_on="held", right_on="care", by="child", direction="backward",
    ).set_index(ordered.index)  # fmt: skip
    placed = placed.sort_values(["child", "held"])
    covers = reviews["held"].min()
    placed["nth"] = placed.groupby(["child", "care"]).cumcount()
    placed["before"] = placed.groupby(["child", "care"])["held"].shift()
    known = placed["care"].notna() & (placed["care"] >= covers)  # its first review is here
    first = known & (placed["nth"] == 0)
    days = working_days_between(placed["care"], placed["held"])
    second = known & (placed["nth"] == 1)
    later = placed["before"].notna() & ~first & ~second
    limit_second = placed["before"] + pd.DateOffset(months=SECOND_WITHIN_MONTHS)
    limit_later = placed["before"] + pd.DateOffset(months=LATER_WITHIN_MONTHS)
    judged = pd.Series(pd.NA, index=placed.index, dtype="boolean")
    judged[first] = (days[first] <= FIRST_WITHIN_WORKING_DAYS).astype("boolean")
    judged[second] = (placed.loc[second, "held"] <= limit_second[second]).astype("boolean")
    judged[later] = (placed.loc[later, "held"] <= limit_later[later]).astype("boolean")
    out["timely"] = judged.reindex(out.index)
    return out
