"""The framework's measures computed from a Children in Need census, as the DfE defines
them, for every month, quarter and year the census covers. Windows and date arithmetic
run in DuckDB over whole columns; working days come from `working_days`.

Each definition, so a figure can be checked by hand (P is the period, from its first day
to its last):

referrals-nfa      referrals made in P (CINreferralDate in P) with ReferralNFA true,
                   of referrals made in P
re-referrals-12m   referrals made in P for a child with another referral in the 12
                   months before it (on or after the same date a year earlier), of
                   referrals made in P; earlier referrals are those in the file
assessments-timely assessments authorised in P (AssessmentAuthorisationDate) within 45
                   working days of their start (AssessmentActualStartDate; England's bank
                   holidays excluded), of assessments authorised in P
cp-repeat-plans    plans started in P (CPPstartDate) for a child with an earlier plan
                   (NumberOfPreviousCPP over 0, or an earlier plan in the file), of plans
                   started in P
cp-plans-2-years   children whose plan open at P's last day had started 2 years or more
                   before it, of children on a plan open at P's last day (a child counted
                   once)

Each also by the child's age band (at the referral, the assessment's start or the plan's
start), gender, ethnicity and disability, as the census records them (`child_groups`).
"""

from __future__ import annotations

from qareport.importers.child_groups import as_groups
from qareport.importers.cin_census import CensusRecords
from qareport.importers.working_days import working_days_between
from qareport.importers.year_windows import PeriodWindow, by_groups, window_returns

__all__ = ["CENSUS_MEASURES", "census_returns"]

CENSUS_MEASURES = (
    "referrals-nfa",
    "re-referrals-12m",
    "assessments-timely",
    "cp-repeat-plans",
    "cp-plans-2-years",
)
TIMELY_WORKING_DAYS = 45
BREAKDOWNS = ["age_band", "gender", "ethnicity", "disability"]  # every census child has them
_ALIAS = {"referrals-nfa": "r", "re-referrals-12m": "r", "assessments-timely": "a",
          "cp-repeat-plans": "p", "cp-plans-2-years": "p"}  # fmt: skip


_SQL = {
    "referrals-nfa": """
        SELECT w.label, count(*) FILTER (WHERE r.nfa) AS numerator, count(*) AS denominator,
               list(r.episode) AS episodes
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        GROUP BY w.label""",
    "re-referrals-12m": """
        SELECT w.label,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM referrals e WHERE e.child = r.child
                   AND e.referral < r.referral
                   AND e.referral >= r.referral - INTERVAL 12 MONTH)) AS numerator,
               count(*) AS denominator, list(r.episode) AS episodes
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        GROUP BY w.label""",
    "assessments-timely": """
        SELECT w.label, count(*) FILTER (WHERE a.working_days <= TIMELY) AS numerator,
               count(*) AS denominator, list(a.episode) AS episodes
        FROM windows w JOIN assessments a ON a.authorised BETWEEN w.start AND w."end"
        WHERE a.start IS NOT NULL AND a.working_days >= 0
        GROUP BY w.label""",
    "cp-repeat-plans": """
        SELECT w.label,
               count(*) FILTER (WHERE coalesce(p.previous, 0) > 0 OR EXISTS (
                   SELECT 1 FROM plans e WHERE e.child = p.child AND e.start < p.start))
                   AS numerator,
               count(*) AS denominator, list(p.episode) AS episodes
        FROM windows w JOIN plans p ON p.start BETWEEN w.start AND w."end"
        GROUP BY w.label""",
    "cp-plans-2-years": """
        SELECT w.label,
               count(DISTINCT p.child) FILTER (WHERE p.start <= w."end" - INTERVAL 2 YEAR)
                   AS numerator,
               count(DISTINCT p.child) AS denominator, list(p.episode) AS episodes
        FROM windows w JOIN plans p
          ON p.start <= w."end" AND (p."end" IS NULL OR p."end" > w."end")
        GROUP BY w.label""",
}


def census_returns(
    records: CensusRecords, windows: list[PeriodWindow]
) -> tuple[list[dict[str, object]], set[int]]:
    """One return per measure and period with any record in it, and the episodes that
    gave at least one figure (the rest are outside the periods)."""
    assessments = records.assessments.copy()
    assessments["working_days"] = working_days_between(
        assessments["start"], assessments["authorised"]
    )
    tables = {
        name: as_groups(frame, BREAKDOWNS)
        for name, frame in (
            ("referrals", records.referrals),
            ("assessments", assessments),
            ("plans", records.plans),
        )
    }
    queries = {
        m: by_groups(sql.replace("TIMELY", str(TIMELY_WORKING_DAYS)), _ALIAS[m], BREAKDOWNS)
        for m, sql in _SQL.items()
    }
    return window_returns(tables, windows, queries)
