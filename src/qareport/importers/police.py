"""Home Office crime outcomes by force and quarter: outcomes of offences against children.

For each territorial force and quarter, outcomes recorded for offences against
children (sexual offences against children, child sexual exploitation,
cruelty to children and child abduction) become three measures: how many
outcomes were recorded, the share charged or summonsed, and the share closed
for evidential difficulties. The year is the sum of its quarters. The 43
territorial forces of England and Wales are the comparison set; British
Transport Police is left out (it covers no area's children).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from qareport.config.periods import Period
from qareport.errors import ExtractError
from qareport.importers.areas import force_key, slug
from qareport.importers.common import (
    Candidate,
    ImportSummary,
    Reason,
    Refusal,
    Row,
    iter_csv_rows,
    read_csv_rows,
)

__all__ = ["CHILD_OFFENCES", "FORCE_SECTIONS", "force_parameters", "read_police_outcomes"]

# Home Office offence codes of offences against children, by group.
CHILD_OFFENCES = {
    "17B": "sexual offences against children",  # sexual assault on a male child under 13
    "20B": "sexual offences against children",  # sexual assault on a female child under 13
    "21": "sexual offences against children",  # sexual activity with a child under 13
    "22B": "sexual offences against children",  # sexual activity with a child under 16
    "19D": "sexual offences against children",  # rape of a female child under 16
    "19E": "sexual offences against children",  # rape of a female child under 13
    "19G": "sexual offences against children",  # rape of a male child under 16
    "19H": "sexual offences against children",  # rape of a male child under 13
    "88A": "sexual offences against children",  # sexual grooming
    "71": "child sexual exploitation",  # abuse of children through sexual exploitation
    "11A": "cruelty to children",
    "13": "child abduction",
}
CHARGED = "Charged/Summonsed"
EVIDENTIAL = "Evidential difficulties"
NOT_TERRITORIAL = {"british transport police"}
FORCE_SECTIONS = ["police-investigation", "police-cse"]  # a force's book of outcomes
COLUMNS = ("financial_year", "financial_quarter", "force_name", "offence_code", "outcome_group")
OUTCOMES = "force_outcomes_recorded_in_quarter"


def _forces(lad_pfa: Path) -> dict[str, tuple[str, str]]:
    """Comparable force name -> (force area code, name as the lookup spells it)."""
    _, rows = read_csv_rows(lad_pfa)
    return {force_key(r["PFA23NM"]): (r["PFA23CD"], r["PFA23NM"]) for r in rows}


def read_police_outcomes(source: Path, lad_pfa: Path) -> tuple[ImportSummary, list[Candidate]]:
    """Each force's returns by quarter and year, and every row's fate so far; written by
    `finish_import` once the forces are areas of the workbook."""
    rows = iter_csv_rows(source)
    header = next(rows)
    missing = [c for c in (*COLUMNS, OUTCOMES) if c not in header]
    if missing:
        raise ExtractError(
            f"{source}: missing column(s) {', '.join(missing)}; expected the Home Office crime "
            "outcomes open data in tidy form"
        )
    forces = _forces(lad_pfa)
    summary = ImportSummary(source=str(source))
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        summary.rows_read += 1
        example = (
            f"line {row.line}: {row['force_name']} {row['financial_year']} {row['offence_code']}"
        )
        fate = _fate(row, forces)
        if isinstance(fate, Refusal):
            out_of_scope = fate.reason is Reason.FILTERED_OUT
            (summary.skip if out_of_scope else summary.reject)(fate, example)
            continue
        summary.use(fate, example)
        cell, counts = int(row[OUTCOMES]), totals[fate]
        counts[0] += cell
        counts[1] += cell if row["outcome_group"] == CHARGED else 0
        counts[2] += cell if row["outcome_group"].startswith(EVIDENTIAL) else 0
    _add_years(totals)
    summary.years.update(period[:7] for _, period in totals)
    return summary, _candidates(totals, forces)


def _fate(row: Row, forces: dict[str, tuple[str, str]]) -> tuple[str, str] | Refusal:
    """The (force code, quarter) a row counts towards, or why it does not."""
    if row["offence_code"] not in CHILD_OFFENCES:
        return Refusal(Reason.FILTERED_OUT, "not an offence against children")
    key = force_key(row["force_name"])
    if key in NOT_TERRITORIAL:
        return Refusal(Reason.FILTERED_OUT, "not one of the 43 territorial forces")
    if key not in forces:
        return Refusal(Reason.UNKNOWN_AREA, "force not in the force area lookup")
    cell = row[OUTCOMES]
    if not re.fullmatch(r"-?\d+", cell):  # negative: a later reclassification, kept
        return Refusal(Reason.NOT_A_NUMBER, f"outcomes recorded is {cell[:20]!r}, not a count")
    try:
        start = int(row["financial_year"].split("/")[0])
        quarter = int(row["financial_quarter"])
        period = Period(start).quarters()[quarter - 1].label
    except (ValueError, IndexError):
        return Refusal(Reason.BAD_PERIOD, "financial year or quarter not understood")
    return forces[key][0], period


def _add_years(totals: dict[tuple[str, str], list[int]]) -> None:
    """A force's year, only where all four of its quarters are there."""
    years: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    for (code, period), counts in totals.items():
        years[(code, period[:7])].append(counts)
    for (code, year), quarters in years.items():
        if len(quarters) == 4:
            totals[(code, year)] = [sum(q[i] for q in quarters) for i in range(3)]


def _candidates(
    totals: dict[tuple[str, str], list[int]], forces: dict[str, tuple[str, str]]
) -> list[Candidate]:
    """Three returns for each force and period: outcomes recorded, and the shares charged
    and closed for evidential difficulties."""
    out = []
    names = {code: name for code, name in forces.values()}
    for (code, period), (total, charged, evidential) in totals.items():
        made = f"{names.get(code, code)} {period}"
        fields = dict(area_code=code, period=period)
        out.append(
            Candidate(
                {**fields, "measure_id": "police-child-offences", "numerator": str(total)},
                (code, period),
                made,
            )
        )
        for measure_id, count in (
            ("police-child-charged", charged),
            ("police-child-evidential-difficulties", evidential),
        ):
            figures = {"numerator": str(count), "denominator": str(total)}
            out.append(
                Candidate({**fields, "measure_id": measure_id, **figures}, (code, period), made)
            )
    return out


def force_parameters(codes: set[str], years: set[str], lad_pfa: Path) -> dict[str, dict]:
    """Parameters for each force found in the import: a police book of investigation outcomes,
    with trends as long as the years the file covers."""
    names = {code: name for code, name in _forces(lad_pfa).values()}
    result = {}
    for code in sorted(codes):
        name = names[code]
        result[f"{slug(name)}-police"] = {
            "code": code,
            "name": f"{name} police force area",
            "kind": "force",
            "national_label": "All 43 forces",
            # the outcomes file covers one year: trends as long as the data, no empty years
            "trend_years": len(years),
            "trend_quarters": 4 * len(years),
            "sections": FORCE_SECTIONS,
        }
    return result
