"""Placement stability computed from SSDA903 episodes, in DuckDB, for every month,
quarter and year the return covers.

lac-placements-3   children looked after on P's last day who had 3 or more placements
                   in the 12 months to it, of children looked after on P's last day
                   (each child once). A placement begins with an episode whose reason
                   for new episode (RNE) is S, P, T or B, and lasts until the next such
                   episode; a placement counts if any of it falls in the 12 months
                   (the one the child was in when they began counts too).
lac-placement-long-term
                   children under 16 looked after on P's last day who had been in care
                   for 2 and a half years or more (since the latest episode whose RNE is
                   S, or their first in the return), whose placement that day had lasted
                   2 years or more, or who were placed for adoption (PLACE A3 to A6)
                   straight from a placement begun 2 years or more before; of the
                   children under 16 in care that long (ages from the HEADER table's
                   dates of birth: without them there is no figure)
"""

from __future__ import annotations

import pandas as pd

from qareport.importers.year_windows import PeriodWindow, window_returns

__all__ = ["PLACEMENT_MEASURES", "placement_returns"]

PLACEMENT_MEASURES = ("lac-placements-3",)
LONG_TERM = "lac-placement-long-term"  # needs the HEADER's dates of birth, so not expected
NEW_PLACEMENT = ("S", "P", "T", "B")
FOR_ADOPTION = ("A3", "A4", "A5", "A6")

_SQL = f"""
WITH numbered AS (
    SELECT *, sum(CASE WHEN rne IN {NEW_PLACEMENT} THEN 1 ELSE 0 END)
              OVER (PARTITION BY child ORDER BY start ROWS UNBOUNDED PRECEDING) AS placement
    FROM episodes),
placements AS (
    SELECT child, placement, min(start) AS began,
           CASE WHEN bool_or("end" IS NULL) THEN NULL ELSE max("end") END AS ended,
           list(episode) AS episodes
    FROM numbered GROUP BY child, placement),
looked_after AS (
    SELECT DISTINCT w.label, w."end" AS day, e.child
    FROM windows w JOIN episodes e
      ON e.start <= w."end" AND (e."end" IS NULL OR e."end" > w."end")),
counted AS (
    SELECT l.label, l.child, count(p.placement) AS placements, flatten(list(p.episodes)) AS eps
    FROM looked_after l JOIN placements p
      ON p.child = l.child AND p.began <= l.day
     AND (p.ended IS NULL OR p.ended > l.day - INTERVAL 12 MONTH)
    GROUP BY l.label, l.child)
SELECT label, count(*) FILTER (WHERE placements >= 3) AS numerator, count(*) AS denominator,
       flatten(list(eps)) AS episodes
FROM counted GROUP BY label
"""


_LONG_TERM_SQL = f"""
WITH numbered AS (
    SELECT *,
           sum(CASE WHEN rne IN {NEW_PLACEMENT} THEN 1 ELSE 0 END)
               OVER (PARTITION BY child ORDER BY start ROWS UNBOUNDED PRECEDING) AS placement,
           sum(CASE WHEN rne = 'S' THEN 1 ELSE 0 END)
               OVER (PARTITION BY child ORDER BY start ROWS UNBOUNDED PRECEDING) AS spell
    FROM episodes),
placements AS (
    SELECT child, placement, min(start) AS began, arg_min(place, start) AS place,
           CASE WHEN bool_or("end" IS NULL) THEN NULL ELSE max("end") END AS ended,
           list(episode) AS episodes
    FROM numbered GROUP BY child, placement),
spells AS (
    SELECT child, spell, min(start) AS began,
           CASE WHEN bool_or("end" IS NULL) THEN NULL ELSE max("end") END AS ended
    FROM numbered GROUP BY child, spell),
settled AS (
    SELECT DISTINCT w.label, w."end" AS day, s.child
    FROM windows w JOIN spells s
      ON s.began <= w."end" - INTERVAL 30 MONTH AND (s.ended IS NULL OR s.ended > w."end")
    JOIN births b ON b.child = s.child AND b.born + INTERVAL 16 YEAR > w."end"),
judged AS (
    SELECT c.label, c.day, p.began, p.place, p.episodes,
           (SELECT max(q.began) FROM placements q
             WHERE q.child = p.child AND q.placement = p.placement - 1) AS before
    FROM settled c JOIN placements p
      ON p.child = c.child AND p.began <= c.day AND (p.ended IS NULL OR p.ended > c.day))
SELECT label,
       count(*) FILTER (WHERE began <= day - INTERVAL 2 YEAR OR (place IN {FOR_ADOPTION}
                        AND before <= day - INTERVAL 2 YEAR)) AS numerator,
       count(*) AS denominator, flatten(list(episodes)) AS episodes
FROM judged GROUP BY label
"""


def placement_returns(
    episodes: pd.DataFrame, windows: list[PeriodWindow], births: pd.DataFrame | None = None
) -> tuple[list[dict[str, object]], set[int]]:
    """One return per period with a child looked after at its end, and the episodes that
    gave a figure; with `births` (child, born), long-term stability too."""
    frame = episodes.reset_index(drop=True).assign(episode=lambda f: f.index.astype("int64"))
    tables = {"episodes": frame}
    queries = {"lac-placements-3": _SQL}
    if births is not None and len(births):
        tables["births"] = births
        queries[LONG_TERM] = _LONG_TERM_SQL
    return window_returns(tables, windows, queries)
