"""Ofsted's Annex A case lists read as authorities keep them: a workbook with a sheet per
list (whatever its tab is called) or a folder of one CSV per list, in the 2019 or the 2024
layout, into one frame per list of the columns the measures use, each child's identifier
replaced by the workbook's pseudonym and nothing else about the child kept but what a
breakdown needs: gender, ethnicity and disability as written, and the age band at the
record's own date (the date of birth is read, turned into the band and dropped).

Real files vary, so everything is matched by meaning rather than by position:
- a list is known by its tab or file name ("List 3", "list_3", "L3 Referrals") or, failing
  that, by the columns only it has;
- a header by its words, whatever the case, spacing, punctuation, curly quotes or a
  "(Y/N)" or "(Years)" suffix, against the spellings the template and authorities use;
- the header row may sit below a title;
- a date as an Excel date, an Excel serial number, or text written day first;
- a yes or no as "Yes", "Y", "1", "a) Yes", "True" (and their opposites);
- a coded value with its template prefix ("a) Male", "s) 8: Other") kept as written.

A record that cannot be used is rejected with its reason (a needed date missing or not a
date, a date in the future, ended before it started, the same child's record twice) and
counted; nothing is guessed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

from qareport.errors import ExtractError
from qareport.importers.child_groups import NOT_RECORDED, age_bands, age_bands_of
from qareport.importers.common import ImportSummary, Reason, Refusal
from qareport.importers.pseudonym import pseudonymise

__all__ = ["LISTS", "AnnexA", "ListSpec", "normalise_header", "read_annex_a"]


def normalise_header(text: object) -> str:
    """A header as words: lower case, curly quotes straightened, a trailing "(Y/N)" or
    "(Years)" dropped, every run of punctuation and space one space."""
    words = "" if text is None else str(text)
    words = words.replace("\u2018", "'").replace("\u2019", "'").replace("\xa0", " ").casefold()
    words = re.sub(r"\((?:y\s*/\s*n|years?|yyyy.*?|dd.*?)\)+", " ", words)
    words = words.replace("'", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", words).split())


@dataclass(frozen=True)
class ListSpec:
    """One of Ofsted's lists: its number and name, the columns qareport reads from it (each
    a pattern over the normalised header), which of them a record cannot do without, and
    the columns that tell it from the other lists when its tab name does not."""

    number: int
    name: str
    columns: dict[str, str]
    required: tuple[str, ...]
    signature: tuple[str, ...]
    kept: tuple[str, ...] = field(default=())  # text columns kept (team, breakdowns)


CHILD = (
    r"^(child|young person)s? (unique )?(id|identifier|ref|reference)\b"
    r"|^(unique )?child (unique )?(id|identifier)$|^id$"
)
COMMON = {
    "child": CHILD,
    "birth": r"date of birth|^dob$",
    "age": r"^age( of (the )?child)?$",
    "gender": r"^gender|^sex$",
    "ethnicity": r"^ethnicity|ethnic (group|origin)",
    "disability": r"disab",
    "team": r"allocated team|^team( name)?$|^locality$",
}
# the date each list's age band is taken at: the record's own event
OWN_DATE = {1: "contact", 2: "eh_start", 3: "referral", 4: "assessment", 5: "strategy",
            6: "cin_start", 7: "plan_start", 8: "cla_start", 10: "entered_care"}  # fmt: skip

LISTS = (
    ListSpec(1, "contacts", {
        "contact": r"date of contact|^contact date",
        "source": r"contact source|source of contact",
    }, ("contact",), ("contact",), ("source",)),
    ListSpec(2, "early help assessments", {
        "eh_start": r"^assessment start date|early help.*start",
        "eh_end": r"^assessment completion date|early help.*(end|completion)",
    }, ("eh_start",), ("eh_start",)),
    ListSpec(3, "referrals", {
        "referral": r"date of referral|^referral date",
        "nfa": r"\bnfa\b|no further action",
        "previous": r"number of referrals (in|within) (the )?last 12 months|referrals in last 12",
        "source": r"referral source|source of referral",
    }, ("referral",), ("referral",), ("source",)),
    ListSpec(4, "assessments", {
        "assessment": r"(continuous )?assessment start date|date (the )?assessment (started|start)",
        "seen": r"child seen during",
        "authorised": r"authori[sz]ation|assessment (completion|completed|end) date"
                      r"|date (the )?assessment (was )?(completed|authori[sz]ed)",
    }, ("assessment",), ("seen",)),
    ListSpec(5, "section 47 enquiries", {
        "strategy": r"strategy discussion|section 47 enquiry start|s47 start",
        "icpc": r"^date of (the )?initial child protection conference|^icpc date",
        "icpc_plan": r"(initial child protection conference|icpc).*result",
        "unnecessary": r"deemed unnecessary",
    }, ("strategy",), ("strategy",)),
    ListSpec(6, "children in need", {
        "cin_start": r"^cin start date",
        "cin_end": r"^cin closure date",
    }, (), ("cin_start",)),
    ListSpec(7, "child protection plans", {
        "plan_start": r"child protection plan start date|^cpp start date",
        "plan_end": r"child protection plan end date|^cpp end date",
        "visit": r"last statutory visit",
        "alone": r"seen alone",
        "review": r"latest review conference|last review conference",
        "previous_plans": r"number of previous (child protection )?plans|previous cpps?",
    }, ("plan_start",), ("plan_start",)),
    ListSpec(8, "children looked after", {
        "cla_start": r"date started to be looked after|date (became|started being) looked after",
        "cla_end": r"date ceased to be looked after",
        "cla_review": r"latest statutory review",
        "sw_visit": r"last social work visit",
        "health": r"last health assessment",
        "dental": r"last dental check",
        "placements": r"number of placements in (the )?last 12 months",
        "offered": r"offered a return interview",
        "accepted": r"accept(ed)? a return interview",
    }, ("cla_start",), ("cla_start",)),
    ListSpec(9, "care leavers", {
        "in_touch": r"^la in touch|in touch",
        "suitable": r"suitability of accommodation",
        "activity": r"^activity status|^main activity",
        "eligibility": r"eligibility category",
    }, (), ("eligibility",), ("activity", "suitable", "in_touch")),
    ListSpec(10, "adoption", {
        "entered_care": r"date (the )?child entered care",
        "adoption_decision": r"date of decision that (the )?child should be placed for adoption",
        "placement_order": r"^date of placement order",
        "matched": r"^date of matching",
        "placed": r"^date placed for adoption",
    }, ("entered_care",), ("adoption_decision",)),
    ListSpec(11, "adopters", {
        "adopter": r"adopter identifier",
    }, (), ("adopter",)),
)  # fmt: skip
BY_NUMBER = {spec.number: spec for spec in LISTS}
YES = {"yes", "y", "1", "true", "a yes", "a y"}
NO = {"no", "n", "0", "false", "b no", "b n"}
NO_DATE = "a record with no {column} (needed to count it)"
BAD_DATE = Refusal(Reason.MISSING_DATE, "a date that is not a date")
FUTURE = Refusal(Reason.FUTURE_DATE, "a date after the file was made")
ENDED_BEFORE = Refusal(Reason.END_BEFORE_START, "ended before it started")
TWICE = Refusal(Reason.DUPLICATE, "the same child's record twice (same dates)")
NO_CHILD = Refusal(Reason.MISSING_DATE, "a record with no child identifier")
ENDS = {"eh_start": "eh_end", "assessment": "authorised", "cin_start": "cin_end",
        "plan_start": "plan_end", "cla_start": "cla_end", "strategy": "icpc"}  # fmt: skip


@dataclass
class AnnexA:
    """The lists read, by number: each a frame of the columns read (dates as timestamps,
    yes/no as booleans, counts as numbers, the child as a pseudonym) with `line`, where the
    record is in the file."""

    lists: dict[int, pd.DataFrame]
    earliest: date | None  # the earliest date in any list
    latest: date | None  # the latest date in any list: the file's own "as at"


def read_annex_a(source: Path, salt: bytes, summary: ImportSummary, today: date) -> AnnexA:
    """Every list found in `source` (a workbook, or a folder of CSVs), read and checked."""
    tables = _tables(source)
    if not tables:
        raise ExtractError(
            f"{source.name}: no Annex A list found (a sheet or CSV named 'List 1' to "
            "'List 11', or one with a list's own columns, such as 'Date of Referral')"
        )
    lists: dict[int, pd.DataFrame] = {}
    for where, rows in tables:
        found = _find_list(where, rows)
        if found is None:
            summary.notes.append(f"  {where}: not an Annex A list qareport reads; left out")
            continue
        spec, header_at = found
        if spec.number in lists:
            raise ExtractError(
                f"{source.name}: {where} is List {spec.number} ({spec.name}) again; "
                "keep one sheet per list"
            )
        lists[spec.number] = _read_list(
            spec, where, rows, header_at, salt=salt, summary=summary, today=today
        )
    dates = [
        frame[c].max()
        for frame in lists.values()
        for c in frame.columns
        if c != "line" and pd.api.types.is_datetime64_any_dtype(frame[c]) and frame[c].notna().any()
    ]
    firsts = [
        frame[c].min()
        for frame in lists.values()
        for c in frame.columns
        if c != "line" and pd.api.types.is_datetime64_any_dtype(frame[c]) and frame[c].notna().any()
    ]
    return AnnexA(
        lists,
        min(firsts).date() if firsts else None,
        max(dates).date() if dates else None,
    )


def _tables(source: Path) -> list[tuple[str, list[list[object]]]]:
    """(where, rows) for each sheet of a workbook, or each CSV of a folder."""
    if source.is_dir():
        return [(p.name, _csv_rows(p)) for p in sorted(source.iterdir()) if _is_csv(p)]
    if source.suffix.lower() == ".csv":
        return [(source.name, _csv_rows(source))]
    from python_calamine import CalamineWorkbook

    try:  # the values Excel saved (a formula's last result), read by calamine (Rust):
        workbook = CalamineWorkbook.from_path(str(source))  # openpyxl took 5 s a large year
        return [(f"sheet '{name}'", [list(r) for r in workbook.get_sheet_by_name(name).to_python()])
                for name in workbook.sheet_names]  # fmt: skip
    except Exception as exc:  # zip, XML and format errors: one message for all of them
        raise ExtractError(
            f"{source.name} cannot be read as an Excel workbook ({type(exc).__name__}); "
            "save it as .xlsx, or give a folder with a CSV per list"
        ) from None


def _is_csv(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".csv"


def _csv_rows(path: Path) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                return [list(row) for row in csv.reader(handle)]
        except UnicodeDecodeError:
            continue
    raise ExtractError(f"{path.name} is neither UTF-8 nor Windows text; save it as UTF-8 CSV")


def _find_list(where: str, rows: list[list[object]]) -> tuple[ListSpec, int] | None:
    """The list a sheet holds and its header row: by its name when it names one, else by
    the columns only that list has, in the first ten rows."""
    named = re.search(r"\blist\s*[-_ ]?\s*(\d{1,2})\b|^(?:sheet ')?l(\d{1,2})\b", where.casefold())
    number = int(named.group(1) or named.group(2)) if named else None
    spec = BY_NUMBER.get(number) if number else None
    for at, row in enumerate(rows[:10]):
        headers = [normalise_header(h) for h in row]
        if spec is not None and _matches(spec, headers) >= 1:
            return spec, at
        if spec is None:
            for candidate in LISTS:
                if all(_column(candidate, key, headers) is not None for key in candidate.signature):
                    return candidate, at
    return None


def _matches(spec: ListSpec, headers: list[str]) -> int:
    return sum(_column(spec, key, headers) is not None for key in (*COMMON, *spec.columns))


def _column(spec: ListSpec, key: str, headers: list[str]) -> int | None:
    pattern = spec.columns.get(key) or COMMON[key]
    for at, header in enumerate(headers):
        if header and re.search(pattern, header):
            return at
    return None


def _read_list(
    spec: ListSpec,
    where: str,
    rows: list[list[object]],
    header_at: int,
    *,
    salt: bytes,
    summary: ImportSummary,
    today: date,
) -> pd.DataFrame:
    headers = [normalise_header(h) for h in rows[header_at]]
    at = {key: _column(spec, key, headers) for key in (*COMMON, *spec.columns)}
    missing = [k for k in ("child", *spec.required) if at[k] is None]
    if missing and spec.number != 11:
        raise ExtractError(
            f"{where} (List {spec.number}, {spec.name}) has no column for "
            + ", ".join(missing)
            + "; its headers are: "
            + ", ".join(str(h) for h in rows[header_at] if h)
        )
    records = []
    for n, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(str(v or "").strip() for v in row):
            continue  # a blank row
        line = f"{where} row {n}"
        summary.rows_read += 1
        record = _record(spec, at, row, line, today)
        if isinstance(record, Refusal):
            summary.reject(record, line)
            continue
        records.append(record)
    frame = pd.DataFrame(records, columns=["line", *at])
    for key in at:
        if _kind(key) == "date":
            frame[key] = pd.to_datetime(frame[key])
    if "child" in frame and len(frame):
        frame["child"] = pseudonymise(frame["child"], salt)
    own = OWN_DATE.get(spec.number)
    if (at["birth"] is not None or at["age"] is not None) and own in frame:
        bands = age_bands(frame["birth"], frame[own]).where(frame["birth"].notna())
        bands = bands.fillna(age_bands_of(frame["age"]))  # the list's own age, failing that
        frame["age_band"] = bands.where(bands != NOT_RECORDED)
    frame = _without_repeats(frame.drop(columns=["birth", "age"]), summary)  # only the band
    read = [k for k in at if at[k] is not None and k not in ("child", "birth", "age")]
    if "age_band" in frame:
        read.append("age_band")
    frame.attrs["found"] = {k: LABELS.get(k, k) for k in read}
    return frame


def _record(
    spec: ListSpec, at: dict[str, int | None], row: list[object], line: str, today: date
) -> dict[str, object] | Refusal:
    def cell(key: str) -> object:
        where = at.get(key)
        return row[where] if where is not None and where < len(row) else None

    record: dict[str, object] = {"line": line}
    if spec.number != 11 and not str(cell("child") or "").strip():
        return NO_CHILD
    child = cell("child")
    if isinstance(child, float) and child.is_integer():  # an id Excel stored as a number
        child = int(child)
    for key in at:
        value = child if key == "child" else cell(key)
        kind = _kind(key)
        if key == "birth":  # for the age band only: never a reason to refuse a record
            value = _birth(value)
        elif kind == "date":
            try:
                value = _date(value)
            except ValueError:
                return Refusal(BAD_DATE.reason, f"{BAD_DATE.words} ({key.replace('_', ' ')})")
            if value is not None and value > today:
                return FUTURE
        elif kind == "yes":
            value = _yes(value)
        elif kind == "number":
            value = _number(value)
        else:
            value = _text(value)
        record[key] = value
    for key in spec.required:
        if record.get(key) is None:
            return Refusal(Reason.MISSING_DATE, NO_DATE.format(column=key.replace("_", " ")))
    for start, end in ENDS.items():
        began, ended = record.get(start), record.get(end)
        if isinstance(began, date) and isinstance(ended, date) and ended < began:
            return ENDED_BEFORE
    return record


DATE_KEYS = {
    "birth", "contact", "eh_start", "eh_end", "referral", "assessment", "authorised",
    "strategy", "icpc", "cin_start", "cin_end", "plan_start", "plan_end", "visit", "review",
    "cla_start", "cla_end", "cla_review", "sw_visit", "health", "dental", "entered_care",
    "adoption_decision", "placement_order", "matched", "placed",
}  # fmt: skip
LABELS = {  # each column read, as the book's data-quality panel names it
    "gender": "gender", "ethnicity": "ethnicity", "disability": "disability",
    "age_band": "age band (from the date of birth)", "team": "allocated team",
    "contact": "date of contact", "source": "source",
    "eh_start": "assessment start", "eh_end": "assessment completion",
    "referral": "date of referral", "nfa": "referral NFA",
    "previous": "referrals in the last 12 months", "assessment": "assessment start",
    "seen": "child seen", "authorised": "date of authorisation",
    "strategy": "strategy discussion", "icpc": "date of initial conference",
    "icpc_plan": "conference led to a plan", "unnecessary": "conference deemed unnecessary",
    "cin_start": "CIN start", "cin_end": "CIN closure", "plan_start": "plan start",
    "plan_end": "plan end", "visit": "last statutory visit", "alone": "seen alone",
    "review": "latest review conference", "previous_plans": "previous plans",
    "cla_start": "date started to be looked after",
    "cla_end": "date ceased to be looked after", "cla_review": "latest statutory review",
    "sw_visit": "last social work visit", "health": "last health assessment",
    "dental": "last dental check", "placements": "placements in the last 12 months",
    "offered": "return interview offered", "accepted": "return interview accepted",
    "in_touch": "in touch", "suitable": "suitable accommodation", "activity": "activity",
    "eligibility": "eligibility", "entered_care": "date entered care",
    "adoption_decision": "decision to place for adoption",
    "placement_order": "placement order", "matched": "date matched",
    "placed": "date placed for adoption", "adopter": "adopter",
}  # fmt: skip
YES_KEYS = {"nfa", "seen", "icpc_plan", "unnecessary", "alone", "offered", "accepted"}
NUMBER_KEYS = {"previous", "previous_plans", "placements", "age"}


def _kind(key: str) -> str:
    if key in DATE_KEYS:
        return "date"
    if key in YES_KEYS:
        return "yes"
    return "number" if key in NUMBER_KEYS else "text"


EXCEL_EPOCH = datetime(1899, 12, 30)


def _date(value: object) -> date | None:
    """A date as Excel or a person wrote it; None when empty; ValueError when not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if 1 <= value < 2958466:  # an Excel serial number (1900-01-01 to 9999-12-31)
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise ValueError(value)
    return _text_date(str(value).strip())


@lru_cache(maxsize=1 << 16)
def _text_date(text: str) -> date | None:
    """A date written as text (a list repeats few distinct dates: each is parsed once)."""
    if not text or text.casefold() in {"n/a", "#n/a", "na", "null", "none", "-"}:
        return None
    head = text.split(" ")[0] if re.match(r"\d{1,4}[/.-]\d", text) else text
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%b-%Y",
                 "%d %b %Y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S"):  # fmt: skip
        try:
            return datetime.strptime(head, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _birth(value: object) -> date | None:
    """A date of birth, or the expected one of an unborn child (so it may be after the
    file was made); one written as a month ("05/2015", "2015-05") is that month's first
    day; anything else is not recorded."""
    try:
        return _date(value)
    except ValueError:
        pass
    month = re.fullmatch(r"(\d{1,2})[/.-](\d{4})|(\d{4})[/.-](\d{1,2})", str(value).strip())
    if not month:
        return None
    number, year = (month.group(1), month.group(2)) if month.group(1) else month.group(4, 3)
    try:
        return date(int(year), int(number), 1)
    except ValueError:
        return None


def _yes(value: object) -> bool | None:
    words = normalise_header(value)
    if words in YES or words.startswith("a yes"):
        return True
    if words in NO or words.startswith("b no"):
        return False
    return None


def _number(value: object) -> float | None:
    text = "" if value is None else str(value).strip()
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _text(value: object) -> str | None:
    text = " ".join(str(value or "").replace("\xa0", " ").split())
    return text if text and text.casefold() not in {"#n/a", "n/a"} else None


def _without_repeats(frame: pd.DataFrame, summary: ImportSummary) -> pd.DataFrame:
    """The same child's record twice (every column read the same) counted once."""
    if not len(frame):
        return frame
    same = frame.drop(columns=["line"]).astype(str).duplicated()
    for line in frame.loc[same, "line"]:
        summary.reject(TWICE, line)
    return frame.loc[~same].reset_index(drop=True)


def lists_read(annex: AnnexA) -> Iterable[str]:
    """One line per list read, for the import's summary."""
    for number, frame in sorted(annex.lists.items()):
        yield f"  List {number} ({BY_NUMBER[number].name}): {len(frame)} records"
