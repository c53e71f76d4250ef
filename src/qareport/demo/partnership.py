"""The demo safeguarding partnership: four member agencies, localities, and a QA programme.

Ashcombe (fictitious) draws together police, children's social care, a health
trust and education. Each agency returns its own measures, quarterly for
management information and yearly for audits and surveys, over five years;
some are returned by several agencies, and three are broken down by locality
(one locality deliberately lags, so the variation between teams has something
to show). Education's training return for the last year is missing on
purpose. The programme timetable runs over three financial years with done,
overdue, due and planned activities. Deterministic, like the rest of the demo.
"""

from __future__ import annotations

import numpy as np

from qareport.config.catalogue import Catalogue, Source, Unit
from qareport.config.yamlio import dump_yaml
from qareport.demo.common import AGENCY_FIELDS, DEMO_YEARS, SEED, csv_text, generic_level
from qareport.demo.forward_plan import MEETINGS, forward_plan_files
from qareport.demo.monthly import monthly_rows

__all__ = ["PARTNERSHIP_ID", "partnership_files"]

PARTNERSHIP_ID = "ashcombe-partnership"
CODE = "DP01"
CHILDREN = 64_000
LOCALITIES = ["Ashby", "Brookfield", "Coldharbour", "Dunmore"]
LAGGING = "Dunmore"  # the locality whose figures sit below the others

MEMBERS = [
    {"id": "police", "name": "Ashcombe Police", "kind": "police",
     "force_area": "Northmarch Police (fictitious)"},
    {"id": "social-care", "name": "Children's social care", "kind": "social-care"},
    {"id": "health", "name": "Ashcombe Health Trust", "kind": "health"},
    {"id": "education", "name": "Education service", "kind": "education"},
]  # fmt: skip
ALL = ["police", "social-care", "health", "education"]
# content area -> measure -> agencies that return it
RETURNS: dict[str, dict[str, list[str]]] = {
    "cp-cin-planning": {
        "cp-cin-children": ["social-care"],
        "cp-cin-visits-timely": ["social-care"],
        "cp-cin-outcomes-specified": ["social-care", "health"],
        "cp-repeat-plans": ["social-care"],
        "cp-cin-children-feel-safer": ["social-care"],
    },
    "domestic-abuse": {
        "da-incidents-children": ["police"],
        "da-victims-taken-seriously": ["police", "health"],
        "da-repeat-referrals": ["social-care"],
        "da-concern-ceased": ["social-care", "police"],
    },
    "missed-health-appointments": {
        "health-was-not-brought": ["health"],
        "health-wnb-followed-up": ["health"],
        "health-wnb-need-met": ["health"],
    },
    "missing-education": {
        "cme-rate": ["education"],
        "cme-tracked": ["education"],
        "cme-back-in-term": ["education"],
        "cme-pupils-positive": ["education"],
    },
    "supervision-support": {
        "supervision-on-time": ALL,
        "supervision-reflective": ["social-care", "health"],
        "supervision-supports-judgement": ALL,
        "supervision-changed-decisions": ALL,
    },
    "learning-development": {
        "ld-training-current": ALL,
        "ld-learning-applied": ["social-care", "health"],
        "ld-practice-improved": ALL,
    },
    "partnership-working": {
        "partnership-early-help-rate": ["social-care"],
        "partnership-staff-trust": ALL,
        "partnership-families-joined-up": ["social-care"],
        "partnership-early-help-met": ["social-care"],
    },
}
BY_LOCALITY = {"cp-cin-visits-timely", "health-was-not-brought", "cme-tracked"}
PRIORITY = [
    "cp-cin-visits-timely",
    "da-incidents-children",
    "health-was-not-brought",
    "cme-tracked",
    "supervision-on-time",
    "ld-training-current",
]
MISSING_RETURN = ("education", "ld-training-current", "2025-26")
# (share of the partnership's volume, level offset) per agency
AGENCY = {"police": (0.3, -3.0), "social-care": (0.35, 0.0), "health": (0.25, 2.0),
          "education": (0.1, -1.0)}  # fmt: skip


def _draw(measure, mean: float, size: float, rng) -> tuple[int, int]:
    """Numerator and denominator for one return: `size` is the agency's share of volume."""
    if measure.unit is Unit.COUNT:
        return int(rng.poisson(max(mean * size * CHILDREN / 10_000 / 4, 0.5))), 0
    if measure.unit is Unit.RATE:
        base = int(CHILDREN * 0.9)
        return int(rng.poisson(mean / 4 * base / (measure.per or 10_000))), base
    if measure.source is Source.MANAGEMENT_INFORMATION:
        base = max(int(rng.normal(300, 30) * size), 12)
    else:
        base = int(rng.integers(12, 40))
    share = float(np.clip(rng.normal(mean, 3.0) / 100, 0.02, 0.98))
    return int(rng.binomial(base, share)), base


def _rows(catalogue: Catalogue) -> list[dict[str, object]]:
    rng = np.random.default_rng(SEED + 9)
    rows: list[dict[str, object]] = []
    for measures in RETURNS.values():
        for measure_id, agencies in measures.items():
            measure = catalogue.measures[measure_id]
            level, drift = generic_level(measure)
            quarterly = measure.source is Source.MANAGEMENT_INFORMATION
            for agency in agencies:
                size, offset = AGENCY[agency] if len(agencies) > 1 else (1.0, 0.0)
                for year_index, year in enumerate(DEMO_YEARS):
                    mean = level + offset + drift * year_index
                    if (agency, measure_id, year.label) == MISSING_RETURN:
                        continue
                    totals = [0, 0]
                    for quarter in year.quarters() if quarterly else []:
                        teams = LOCALITIES if measure_id in BY_LOCALITY else [""]
                        for team in teams:
                            lag = -18.0 if team == LAGGING else 0.0
                            share = size / len(teams)
                            n, d = _draw(measure, mean + lag, share, rng)
                            totals = [
                                totals[0] + n,
                                d if measure.unit is Unit.RATE else totals[1] + d,
                            ]
                            rows.append(_row(quarter.label, measure, agency, team, n, d))
                    if not quarterly:
                        totals = list(_draw(measure, mean, size, rng))
                    rows.append(_row(year.label, measure, agency, "", *totals))
    return rows


def _row(period: str, measure, agency: str, team: str, n: int, d: int) -> dict[str, object]:
    return {
        "area_code": CODE,
        "period": period,
        "measure_id": measure.id,
        "agency": agency,
        "team": team,
        "numerator": n,
        "denominator": d if measure.needs_denominator else "",
        "note": "",
    }


PROGRAMME = [
    ("audit-cp-plans-24", "case-file-audit", "Multi-agency audit of child protection plans",
     ["cp-cin-planning"], "social-care", "2024-06-30", "2024-07-12",
     "Plans clearer about outcomes; health input to core groups patchy."),
    ("survey-families-24", "family-survey", "Families' experience of early help",
     ["partnership-working"], "social-care", "2024-09-30", "2024-10-20",
     "Families value one lead worker; repeated assessments still common."),
    ("deep-dive-da-24", "deep-dive", "Deep dive: children in households with domestic abuse",
     ["domestic-abuse"], "police", "2024-11-30", "2024-12-05",
     "Children rarely spoken to at incidents; referral quality improving."),
    ("staff-survey-25", "staff-survey", "Partnership workforce survey",
     ["supervision-support", "learning-development", "partnership-working"], "health",
     "2025-05-31", "2025-06-14", "Supervision valued; training access uneven across agencies."),
    ("audit-wnb-25", "case-file-audit", "Audit of children not brought to appointments",
     ["missed-health-appointments"], "health", "2025-07-31", "2025-08-08",
     "Follow-up good in community services, weaker in hospital clinics."),
    ("ttc-cme-25", "turning-the-curve", "Turning the curve: children missing education",
     ["missing-education"], "education", "2025-09-30", "2025-10-02",
     "Agreed to share attendance data weekly with social care."),
    ("audit-da-25", "case-file-audit", "Audit of domestic abuse referrals",
     ["domestic-abuse"], "social-care", "2025-11-30", None, ""),
    ("peer-review-26", "peer-review", "External peer review of the front door and planning",
     ["cp-cin-planning", "partnership-working"], "social-care", "2026-01-31", "2026-02-20",
     "Strong leadership; thresholds applied inconsistently by locality."),
    ("survey-children-26", "family-survey", "Children's survey: feeling safe",
     ["cp-cin-planning"], "social-care", "2026-05-31", None, ""),
    ("audit-supervision-26", "case-file-audit", "Audit of safeguarding supervision records",
     ["supervision-support"], "health", "2026-06-30", None, ""),
    ("inspection-26", "inspection", "Joint targeted area inspection (expected)",
     ["domestic-abuse", "partnership-working"], "police", "2026-10-31", None, ""),
    ("deep-dive-cme-27", "deep-dive", "Deep dive: children educated at home",
     ["missing-education"], "education", "2027-01-31", None, ""),
]  # fmt: skip

THEMES = {
    "themes": [
        {
            "theme": "Children's voices are missing at the point of first contact",
            "risk": "high",
            "agencies": ["police", "health"],
            "sheets": ["domestic-abuse", "missed-health-appointments"],
            "summary": "Audits in two agencies found children were seldom spoken to directly.",
        },
        {
            "theme": "Supervision and training reach is uneven across agencies",
            "risk": "medium",
            "agencies": ["education", "police"],
            "sheets": ["supervision-support", "learning-development"],
            "summary": "Staff outside social care report less access to reflective supervision.",
        },
        {
            "theme": "One locality lags on visits and attendance",
            "risk": "medium",
            "agencies": ["social-care", "education"],
            "sheets": ["cp-cin-planning", "missing-education"],
            "summary": "Dunmore sits below the other localities on several measures.",
        },
    ]
}


def partnership_files(catalogue: Catalogue) -> dict[str, str]:
    """The partnership's returns, parameters, programme and example themes."""
    members = [
        {
            **m,
            "returns": sorted(
                mid for ms in RETURNS.values() for mid, a in ms.items() if m["id"] in a
            ),
        }
        for m in MEMBERS
    ]
    params = {
        "code": CODE,
        "name": "Ashcombe Safeguarding Partnership (fictitious)",
        "kind": "partnership",
        "peer_group_label": "Demo peer group",
        "members": members,
        "sections": list(RETURNS),
        "priority_measures": PRIORITY,
        "synthetic": True,
    }
    programme = {
        "meetings": MEETINGS,
        "activities": [
            {
                "id": i,
                "kind": k,
                "title": t,
                "content_areas": c,
                "lead": lead,
                "planned": p,
                **({"done": d} if d else {}),
                **({"findings": f} if f else {}),
            }
            for i, k, t, c, lead, p, d, f in PROGRAMME
        ],
    }
    header = "# Synthetic demo partnership generated by `qareport demo`; not a real place.\n"
    returns = _rows(catalogue)
    rows, months = monthly_rows(returns, catalogue, {CODE})
    return {
        **forward_plan_files(PARTNERSHIP_ID, returns),
        "data/demo/partnership-returns.csv": csv_text(rows, AGENCY_FIELDS),
        "data/demo/partnership-monthly-returns.csv": csv_text(months, AGENCY_FIELDS),
        f"parameters/{PARTNERSHIP_ID}.yml": header + dump_yaml(params),
        f"programme/{PARTNERSHIP_ID}.yml": header + dump_yaml(programme),
        f"narrative/{PARTNERSHIP_ID}/2025-26/themes.yml": header + dump_yaml(THEMES),
    }
