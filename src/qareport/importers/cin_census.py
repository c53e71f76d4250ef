"""The DfE's Children in Need census XML, read as it is, into the few fields measures need.

A census file holds one `Child` per child and, under it, one `CINdetails` per episode of
need (a referral), with its assessments, section 47 enquiries and child protection plans.
The file is checked against the XSD of its collection year when one is given (real files
stray from it in places: each deviation is reported with its line, and the file is still
read record by record); only XML that cannot be parsed is refused, naming the line.

Each episode is a record: used, outside the periods, or rejected with a reason. Child
identifiers are replaced by the workbook's pseudonym as they are read; names, dates of
birth, UPNs and postcodes are never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from lxml import etree

from qareport.errors import ExtractError
from qareport.importers.child_groups import NOT_RECORDED, age_bands
from qareport.importers.common import ImportSummary, Reason, Refusal
from qareport.importers.pseudonym import pseudonymise

__all__ = ["CensusRecords", "read_cin_census", "schema_problems"]

_TRUE = {"true", "1", "y", "yes"}
_FALSE = {"false", "0", "n", "no"}
MISSING_REFERRAL = Refusal(Reason.MISSING_DATE, "an episode with no referral date")
BAD_DATE = Refusal(Reason.MISSING_DATE, "an episode whose referral date is not a date")
CLOSED_BEFORE = Refusal(Reason.END_BEFORE_START, "an episode closed before its referral")
FUTURE = Refusal(Reason.FUTURE_DATE, "an episode referred after the census's reference date")
TWICE = Refusal(Reason.DUPLICATE, "the same child's episode with the same referral date twice")
NFA_CODE = Refusal(Reason.CODE_NOT_ALLOWED, "a ReferralNFA that is not true or false")


@dataclass
class CensusRecords:
    """What the measures read: one frame per kind of record, child ids pseudonymised."""

    la_code: str
    year: int
    reference_date: date | None
    # each also with the child's gender, ethnicity, disability and age band at its date
    referrals: pd.DataFrame  # child, episode, referral, closure, nfa
    assessments: pd.DataFrame  # child, episode, start, authorised
    plans: pd.DataFrame  # child, episode, start, end, previous
    lines: dict[int, int] = field(default_factory=dict)  # episode -> its line in the file


def _text(node: etree._Element, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def schema_problems(path: Path, schemas: Path | None, year: int) -> list[str]:
    """Where the file strays from its collection year's XSD: each kind of deviation with
    how often, and the first lines it is on."""
    if schemas is None:
        return []
    xsd = schemas / f"CIN_schema_{year}.xsd" if schemas.is_dir() else schemas
    if not xsd.is_file():
        raise ExtractError(
            f"there is no XSD for the {year} census at {xsd}: give --schemas the folder of "
            "the DfE's CIN_schema_<year>.xsd files, or leave it out to read without checking"
        )
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    if schema.validate(etree.parse(str(path))):
        return []
    lines: dict[str, list[int]] = {}
    for error in schema.error_log:
        lines.setdefault(error.message, []).append(error.line)
    return [
        f"{len(at):,} x {message} (line {', '.join(str(n) for n in at[:5])}"
        + (", ...)" if len(at) > 5 else ")")
        for message, at in sorted(lines.items(), key=lambda kv: -len(kv[1]))
    ]


def _header(path: Path) -> tuple[str, int, date | None]:
    try:
        tree = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise ExtractError(
            f"{path.name} is not XML a census can be read from: line {line}: {exc.msg}; "
            "export the census again from the case management system"
        ) from exc
    root = tree.getroot()
    la = (root.findtext("Header/Source/LEA") or "").strip()
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    if not year.isdigit():
        raise ExtractError(
            f"{path.name} has no collection year (Header/CollectionDetails/Year): is it a "
            "Children in Need census file?"
        )
    reference = _date((root.findtext("Header/CollectionDetails/ReferenceDate") or "").strip())
    return la, int(year), reference


def read_cin_census(path: Path, salt: bytes, summary: ImportSummary) -> CensusRecords:
    """Every episode of the census, each counted in `summary` as read, and rejected with
    its reason where it cannot be used (the rest are settled by the measures)."""
    la, year, reference = _header(path)
    referrals: list[dict] = []
    assessments: list[dict] = []
    plans: list[dict] = []
    lines: dict[int, int] = {}
    seen: set[tuple[str, date]] = set()
    episode = 0
    for _, child in etree.iterparse(str(path), tag="Child", huge_tree=True):
        raw_id = _text(child, "ChildIdentifiers/LAchildID")
        who = _who(child)
        for details in child.iterfind("CINdetails"):
            episode += 1
            summary.rows_read += 1
            lines[episode] = details.sourceline or 0
            where = f"line {details.sourceline}"
            why = _episode_problem(details, raw_id, reference, seen)
            if why is not None:
                summary.reject(why, where)
                continue
            referral = _date(_text(details, "CINreferralDate"))
            referrals.append(
                {
                    "child": raw_id,
                    "episode": episode,
                    **who,
                    "referral": referral,
                    "closure": _date(_text(details, "CINclosureDate")),
                    "nfa": _text(details, "ReferralNFA").lower() in _TRUE,
                }
            )
            for a in details.iterfind("Assessments"):
                assessments.append(
                    {
                        "child": raw_id,
                        "episode": episode,
                        **who,
                        "start": _date(_text(a, "AssessmentActualStartDate")),
                        "authorised": _date(_text(a, "AssessmentAuthorisationDate")),
                    }
                )
            for p in details.iterfind("ChildProtectionPlans"):
                previous = _text(p, "NumberOfPreviousCPP")
                plans.append(
                    {
                        "child": raw_id,
                        "episode": episode,
                        **who,
                        "start": _date(_text(p, "CPPstartDate")),
                        "end": _date(_text(p, "CPPendDate")),
                        "previous": int(previous) if previous.isdigit() else None,
                    }
                )
        child.clear()  # a large census never held whole in memory
    return CensusRecords(
        la, year, reference,
        _frame(referrals, ["referral", "closure", "nfa"], salt, on="referral"),
        _frame(assessments, ["start", "authorised"], salt, on="start"),
        _frame(plans, ["start", "end", "previous"], salt, on="start"),
        lines,
    )  # fmt: skip


def _episode_problem(
    details: etree._Element, child: str, reference: date | None, seen: set[tuple[str, date]]
) -> Refusal | None:
    text = _text(details, "CINreferralDate")
    if not text:
        return MISSING_REFERRAL
    referral = _date(text)
    if referral is None:
        return BAD_DATE
    closure = _date(_text(details, "CINclosureDate"))
    if closure is not None and closure < referral:
        return CLOSED_BEFORE
    if reference is not None and referral > reference:
        return FUTURE
    if _text(details, "ReferralNFA").lower() not in _TRUE | _FALSE:
        return NFA_CODE
    if (child, referral) in seen:
        return TWICE
    seen.add((child, referral))
    return None


def _who(child: etree._Element) -> dict[str, object]:
    """What a breakdown needs of the child, as the census writes it: gender (GenderCurrent,
    or Sex from 2025), ethnicity, disability codes, and the date of birth (or the expected
    one, for an unborn child), held only until the age band is found."""
    codes = [d.text.strip() for d in child.iterfind("ChildCharacteristics/Disabilities/Disability")
             if d.text and d.text.strip()]  # fmt: skip
    born = _text(child, "ChildIdentifiers/PersonBirthDate") or _text(
        child, "ChildIdentifiers/ExpectedPersonBirthDate"
    )
    return {
        "gender": _text(child, "ChildIdentifiers/GenderCurrent")
        or _text(child, "ChildIdentifiers/Sex")
        or None,
        "ethnicity": _text(child, "ChildCharacteristics/Ethnicity") or None,
        "disability": " ".join(codes) or None,
        "birth": _date(born),
    }


WHO = ["gender", "ethnicity", "disability"]


def _frame(rows: list[dict], columns: list[str], salt: bytes, *, on: str) -> pd.DataFrame:
    """The records as a frame: the child pseudonymised, and the age band at the record's
    own date (`on`) in place of the date of birth."""
    frame = pd.DataFrame(rows, columns=["child", "episode", *WHO, "birth", *columns])
    frame["child"] = pseudonymise(frame["child"], salt)
    for column in ("referral", "closure", "start", "authorised", "end", "birth"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    bands = age_bands(frame["birth"], frame[on])
    return frame.drop(columns="birth").assign(age_band=bands.where(bands != NOT_RECORDED))
