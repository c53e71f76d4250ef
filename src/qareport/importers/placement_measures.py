"""Placement stability computed from SSDA903 episodes, in DuckDB, for every month,
quarter and year the return covers.

lac-placements-3   children looked after on P's last day who had 3 or more placements
                   in the 12 months to it, of children looked after on P's last day
                   (each child once). A placement begins with an episode whose reason
                   for new episode (RNE) is S, P, T or B, and lasts until the next such
                   episode; a placement counts if any of it falls in the 12 months
                   (the one the child was in when they began counts too).
"""

from __future__ import annotations

import pandas as pd

from qareport.importers.year_windows import PeriodWindow, window_returns

__all__ = ["PLACEMENT_MEASURES", "placement_returns"]

PLACEMENT_MEASURES = ("lac-placements-3",)
NEW_PLACEMENT = ("S", "P", "T", "B")

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


def placement_returns(
    episodes: pd.DataFrame, windows: list[PeriodWindow]
) -> tuple[list[dict[str, object]], set[int]]:
    """One return per period with a child looked after at its end, and the episodes that
    gave a figure."""
    frame = episodes.reset_index(drop=True).assign(episode=lambda f: f.index.astype("int64"))
    return window_returns({"episodes": frame}, windows, {"lac-placements-3": _SQL})
