"""The framework's measures computed from Ofsted's Annex A lists, for every month, quarter
and year the lists cover whole, for the authority and for each allocated team. Windows and
date arithmetic run in DuckDB over whole columns; working days come from `working_days`.

Each definition, so a figure can be checked by hand (P is the period, from its first day
to its last; a list's own name in brackets):

contacts              contacts made in P (List 1, Date of Contact)
referrals             referrals made in P (List 3, Date of Referral)
s47-enquiries         section 47 enquiries started in P (List 5, the strategy discussion)
cp-plans              children on a child protection plan (List 7) open at P's last day, a
                      child counted once
lac-children          children looked after (List 8) at P's last day, a child counted once
contacts-to-referral  contacts made in P for a child referred (List 3) on the contact's
                      day or in the 7 days after it, of contacts made in P
referrals-rate        referrals made in P (List 3, Date of Referral) per 10,000 children
                      (the ONS estimate for P's financial year, imported beforehand)
referrals-nfa         referrals made in P with Referral NFA yes, of referrals made in P
re-referrals-12m      referrals made in P for a child with another referral in the 12
                      months before it (Number of Referrals in Last 12 Months over 0, or
                      an earlier referral in the list), of referrals made in P
assessments-timely    assessments authorised in P (List 4) within 45 working days of their
                      start (England's bank holidays excluded), of assessments authorised in P
assessments-seen      assessments authorised in P with the child seen during them, of
                      assessments authorised in P
s47-rate              section 47 enquiries started in P (List 5, the strategy discussion
                      that began them) per 10,000 children
icpc-within-15-days   initial conferences held in P within 15 working days of the strategy
                      discussion, of initial conferences held in P
icpc-to-plan          initial conferences held in P that led to a child protection plan, of
                      initial conferences held in P
cp-plans-rate         children on a child protection plan (List 7) open at P's last day, a
                      child counted once, per 10,000 children
cp-repeat-plans       plans started in P for a child with an earlier plan (Number of Previous
                      Child Protection Plans over 0, or an earlier plan in the list), of
                      plans started in P
cp-plans-2-years      children whose plan open at P's last day had started 2 years or more
                      before it, of children on a plan open at P's last day
lac-rate              children looked after (List 8) at P's last day, a child counted once,
                      per 10,000 children
lac-started           children who started to be looked after in P
lac-ceased            children who ceased to be looked after in P

A period counts only when the lists cover it whole: from the first to the last date of
the list the measure reads (or the dates given with --from and --to); a month cut in two
by the list's start or end would be undercounted. Visits, reviews, health and dental
checks, placements in the last 12 months, care leavers and missing episodes are recorded
in Annex A only as at the day the lists were made, so no past period can be made from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from qareport.importers.annex_a import AnnexA
from qareport.importers.child_groups import BREAKDOWN_TITLES, as_groups
from qareport.importers.working_days import working_days_between
from qareport.importers.year_windows import PeriodWindow, by_groups, window_returns

__all__ = [
    "ANNEX_A_MEASURES",
    "PER_CHILD_MEASURES",
    "AnnexAFigures",
    "annex_a_returns",
    "covered",
]

TIMELY_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
REFERRED_WITHIN_DAYS = 7
PER_CHILD_MEASURES = ("referrals-rate", "s47-rate", "cp-plans-rate", "lac-rate")

# (measure, the list it reads, its table's date that bounds the list's cover, SQL); each
# SQL gives label, numerator, denominator and the records' lines for the authority, and
# one ending BY_TEAM(alias) a figure for each allocated team and each group of each
# breakdown the list holds too (`_expanded`, through `year_windows.by_groups`)
_MEASURES: tuple[tuple[str, int, str, str], ...] = (
    ("contacts", 1, "contact", """
        SELECT w.label, count(*) AS numerator, NULL AS denominator, list(c.line)
        FROM windows w JOIN contacts c ON c.contact BETWEEN w.start AND w."end"
        BY_TEAM(c)"""),
    ("contacts-to-referral", 1, "contact", """
        SELECT w.label, count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM referrals r WHERE r.child = c.child
                   AND r.referral BETWEEN c.contact AND c.contact + INTERVAL REFERRED DAY)),
               count(*), list(c.line)
        FROM windows w JOIN contacts c ON c.contact BETWEEN w.start AND w."end"
        BY_TEAM(c)"""),
    ("referrals", 3, "referral", """
        SELECT w.label, count(*), NULL, list(r.line)
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        BY_TEAM(r)"""),
    ("referrals-rate", 3, "referral", """
        SELECT w.label, NULL AS team, count(*), NULL, list(r.line)
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        GROUP BY w.label"""),
    ("referrals-nfa", 3, "referral", """
        SELECT w.label, count(*) FILTER (WHERE r.nfa), count(*), list(r.line)
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        WHERE r.nfa IS NOT NULL
        BY_TEAM(r)"""),
    ("re-referrals-12m", 3, "referral", """
        SELECT w.label, count(*) FILTER (WHERE coalesce(r.previous, 0) > 0 OR EXISTS (
                   SELECT 1 FROM referrals e WHERE e.child = r.child
                   AND e.referral < r.referral
                   AND e.referral >= r.referral - INTERVAL 12 MONTH)),
               count(*), list(r.line)
        FROM windows w JOIN referrals r ON r.referral BETWEEN w.start AND w."end"
        BY_TEAM(r)"""),
    ("assessments-timely", 4, "authorised", """
        SELECT w.label, count(*) FILTER (WHERE a.working_days <= TIMELY), count(*),
               list(a.line)
        FROM windows w JOIN assessments a ON a.authorised BETWEEN w.start AND w."end"
        BY_TEAM(a)"""),
    ("assessments-seen", 4, "authorised", """
        SELECT w.label, count(*) FILTER (WHERE a.seen), count(*), list(a.line)
        FROM windows w JOIN assessments a ON a.authorised BETWEEN w.start AND w."end"
        WHERE a.seen IS NOT NULL
        BY_TEAM(a)"""),
    ("s47-enquiries", 5, "strategy", """
        SELECT w.label, count(*), NULL, list(s.line)
        FROM windows w JOIN enquiries s ON s.strategy BETWEEN w.start AND w."end"
        BY_TEAM(s)"""),
    ("s47-rate", 5, "strategy", """
        SELECT w.label, NULL AS team, count(*), NULL, list(s.line)
        FROM windows w JOIN enquiries s ON s.strategy BETWEEN w.start AND w."end"
        GROUP BY w.label"""),
    ("icpc-within-15-days", 5, "icpc", """
        SELECT w.label, count(*) FILTER (WHERE s.icpc_days <= ICPC), count(*),
               list(s.line)
        FROM windows w JOIN enquiries s ON s.icpc BETWEEN w.start AND w."end"
        BY_TEAM(s)"""),
    ("icpc-to-plan", 5, "icpc", """
        SELECT w.label, count(*) FILTER (WHERE s.icpc_plan), count(*), list(s.line)
        FROM windows w JOIN enquiries s ON s.icpc BETWEEN w.start AND w."end"
        WHERE s.icpc_plan IS NOT NULL
        BY_TEAM(s)"""),
    ("cp-plans", 7, "plan_start", """
        SELECT w.label, count(DISTINCT p.child), NULL, list(p.line)
        FROM windows w JOIN plans p
          ON p.plan_start <= w."end" AND (p.plan_end IS NULL OR p.plan_end > w."end")
        BY_TEAM(p)"""),
    ("cp-plans-rate", 7, "plan_start", """
        SELECT w.label, NULL AS team, count(DISTINCT p.child), NULL, list(p.line)
        FROM windows w JOIN plans p
          ON p.plan_start <= w."end" AND (p.plan_end IS NULL OR p.plan_end > w."end")
        GROUP BY w.label"""),
    ("cp-repeat-plans", 7, "plan_start", """
        SELECT w.label, count(*) FILTER (WHERE coalesce(p.previous_plans, 0) > 0
                   OR EXISTS (SELECT 1 FROM plans e WHERE e.child = p.child
                              AND e.plan_start < p.plan_start)),
               count(*), list(p.line)
        FROM windows w JOIN plans p ON p.plan_start BETWEEN w.start AND w."end"
        BY_TEAM(p)"""),
    ("cp-plans-2-years", 7, "plan_start", """
        SELECT w.label,
               count(DISTINCT p.child) FILTER (WHERE p.plan_start <= w."end" - INTERVAL 2 YEAR),
               count(DISTINCT p.child), list(p.line)
        FROM windows w JOIN plans p
          ON p.plan_start <= w."end" AND (p.plan_end IS NULL OR p.plan_end > w."end")
        BY_TEAM(p)"""),
    ("lac-children", 8, "cla_start", """
        SELECT w.label, count(DISTINCT l.child), NULL, list(l.line)
        FROM windows w JOIN looked_after l
          ON l.cla_start <= w."end" AND (l.cla_end IS NULL OR l.cla_end > w."end")
        BY_TEAM(l)"""),
    ("lac-rate", 8, "cla_start", """
        SELECT w.label, NULL AS team, count(DISTINCT l.child), NULL, list(l.line)
        FROM windows w JOIN looked_after l
          ON l.cla_start <= w."end" AND (l.cla_end IS NULL OR l.cla_end > w."end")
        GROUP BY w.label"""),
    ("lac-started", 8, "cla_start", """
        SELECT w.label, count(DISTINCT l.child), NULL, list(l.line)
        FROM windows w JOIN looked_after l ON l.cla_start BETWEEN w.start AND w."end"
        BY_TEAM(l)"""),
    ("lac-ceased", 8, "cla_end", """
        SELECT w.label, count(DISTINCT l.child), NULL, list(l.line)
        FROM windows w JOIN looked_after l ON l.cla_end BETWEEN w.start AND w."end"
        BY_TEAM(l)"""),
)  # fmt: skip
ANNEX_A_MEASURES = tuple(m for m, _, _, _ in _MEASURES)
TABLES = {1: "contacts", 3: "referrals", 4: "assessments", 5: "enquiries", 7: "plans",
          8: "looked_after"}  # fmt: skip


EVENTS = ((1, "contact"), (3, "referral"))  # the lists whose every record is an event in P


def covered(
    annex: AnnexA, number: int, bound: str, given: tuple[date | None, date | None]
) -> tuple[date | None, date | None]:
    """The dates the lists cover: as given; else from the first to the last contact and
    referral (Lists 1 and 3 hold every one made in the period Ofsted asked for, while a
    plan or a child looked after is listed whenever it began); else, without them, the
    first and last date in the measure's own column."""
    frames = [annex.lists[n][c] for n, c in EVENTS if n in annex.lists]
    if not any(f.notna().any() for f in frames):
        frames = [annex.lists[number][bound]] if number in annex.lists else []
    dates = pd.concat(frames).dropna() if frames else pd.Series([], dtype="datetime64[ns]")
    first = given[0] or (dates.min().date() if len(dates) else None)
    last = given[1] or (dates.max().date() if len(dates) else None)
    return first, last


def _tables(annex: AnnexA) -> dict[str, pd.DataFrame]:
    """Each list as its measures' queries read it: each breakdown the list holds as the
    group each child is in, working days worked out."""
    tables = {}
    for number, name in TABLES.items():
        frame = annex.lists.get(number, pd.DataFrame(columns=["line", "child", "team"]))
        tables[name] = as_groups(frame, _breakdowns(frame))
    assessments, enquiries = tables["assessments"], tables["enquiries"]
    if len(assessments):
        assessments["working_days"] = working_days_between(
            assessments["assessment"], assessments["authorised"]
        )
    if len(enquiries):
        enquiries["icpc_days"] = working_days_between(enquiries["strategy"], enquiries["icpc"])
    return tables


@dataclass
class AnnexAFigures:
    """The returns made, the records' lines that gave a figure, the measures made, and a
    line for each measure that could not be (its list is not in the file, or no month is
    covered whole)."""

    returns: list[dict[str, object]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    made: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def annex_a_returns(
    annex: AnnexA, windows: list[PeriodWindow], cover: tuple[date | None, date | None]
) -> AnnexAFigures:
    """One return per measure, period the lists cover whole, and team (and the authority)."""
    tables = _tables(annex)
    figures = AnnexAFigures()
    notes = figures.notes
    for measure, number, bound, sql in _MEASURES:
        frame = annex.lists.get(number)
        if frame is None or not len(frame):
            notes.append(f"  {measure}: not made (no List {number} in the file)")
            continue
        first, last = covered(annex, number, bound, cover)
        whole = [w for w in windows if first and last and
                 w.start.date() >= first and w.end.date() <= last]  # fmt: skip
        if not whole:
            notes.append(f"  {measure}: no month the list covers whole ({first} to {last})")
            continue
        made, lines = window_returns(tables, whole, {measure: _expanded(sql, _breakdowns(frame))})
        figures.returns += made
        figures.used |= lines
        figures.made.append(measure)
    return figures


def _breakdowns(frame: pd.DataFrame) -> list[str]:
    """The breakdowns a list holds: the columns of `BREAKDOWN_TITLES` its file has."""
    found = frame.attrs.get("found", {})
    return [key for key in BREAKDOWN_TITLES if key in found and key in frame]


def _expanded(sql: str, breakdowns: list[str]) -> str:
    """A measure's query with its team and breakdown groupings (whatever its table's
    alias) and the statutory limits written in: a team's figure has its team and no
    breakdown, a group's figure its breakdown ("Gender: Female") and no team."""
    by_team = re.search(r"BY_TEAM\((\w+)\)", sql)
    if by_team:
        whole = sql[: by_team.start()] + "GROUP BY w.label" + sql[by_team.end() :]
        sql = by_groups(whole, by_team.group(1), breakdowns, team=True)
    return (
        sql.replace("TIMELY", str(TIMELY_WORKING_DAYS))
        .replace("ICPC", str(ICPC_WORKING_DAYS))
        .replace("REFERRED", str(REFERRED_WITHIN_DAYS))
    )
