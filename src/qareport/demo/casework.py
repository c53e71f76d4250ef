"""A fictitious authority's own case lists in Ofsted's Annex A shape: contacts, referrals,
assessments, section 47 enquiries, child protection plans and children looked after, made
by a fixed seed (the same files every time), at any size: the case-level demo and the
import benchmark (a large authority's year: 60,000 contacts, 25,000 referrals, ...).

Every value is invented. Identifiers are made up ("C0012345"), workers are "Worker 12",
and dates fall in the window asked for; a few records carry the faults real lists carry
(a missing date, a record twice), so the import's accounting has something to count.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "LARGE_YEAR",
    "CaseloadSize",
    "annex_a_frames",
    "casework_files",
    "write_annex_a",
    "write_casework_demo",
]

TEAMS = ["North locality", "South locality", "East locality", "West locality",
         "Disabled children", "Front door (MASH)"]  # fmt: skip
HEADERS = {  # Ofsted's template spellings, as the lists are named in the workbook
    1: ("List 1 Contacts", ["Child Unique ID", "Gender", "Date of Contact", "Contact Source"]),
    3: ("List 3 Referrals", ["Child Unique ID", "Gender", "Date of Referral", "Referral NFA?",
                             "Number of Referrals in Last 12 Months", "Allocated Team",
                             "Allocated Worker"]),
    4: ("List 4 Assessments", ["Child Unique ID", "Gender", "Continuous Assessment Start Date",
                               "Child Seen During Continuous Assessment",
                               "Continuous Assessment Date of Authorisation", "Allocated Team",
                               "Allocated Worker"]),
    5: ("List 5 Section 47", ["Child Unique ID", "Gender",
                              "Strategy discussion initiating Section 47 Enquiry Start Date",
                              "Date of Initial Child Protection Conference",
                              "Did the Initial Child Protection Conference Result in a Child "
                              "Protection Plan", "Allocated Team", "Allocated Worker"]),
    7: ("List 7 CP plans", ["Child Unique ID", "Gender", "Child Protection Plan Start Date",
                            "Child Protection Plan End Date",
                            "Number of Previous Child Protection Plans", "Allocated Team",
                            "Allocated Worker"]),
    8: ("List 8 Looked after", ["Child Unique ID", "Gender", "Date Started to be Looked After",
                                "Date Ceased to be Looked After", "Allocated Team",
                                "Allocated Worker"]),
}  # fmt: skip


@dataclass(frozen=True)
class CaseloadSize:
    """How many of each record the lists hold over their window."""

    children: int
    contacts: int
    referrals: int
    assessments: int
    enquiries: int
    plans: int
    looked_after: int


LARGE_YEAR = CaseloadSize(45_000, 60_000, 25_000, 20_000, 3_000, 1_500, 1_200)


def _people(rng: np.random.Generator, size: CaseloadSize, n: int) -> list[object]:
    """Each record's child and the child's recorded gender."""
    children = [f"C{c:07d}" for c in rng.integers(1, size.children + 1, n)]
    genders = ["a) Male", "b) Female", "c) Not stated/recorded"]
    return [children, rng.choice(genders, n, p=[0.5, 0.48, 0.02])]


def _staffed(rng: np.random.Generator, n: int) -> list[object]:
    """Each record's allocated team and worker."""
    return [rng.choice(TEAMS, n), [f"Worker {w}" for w in rng.integers(1, 120, n)]]


def _yes(rng: np.random.Generator, share: float, n: int) -> np.ndarray:
    return np.where(rng.random(n) < share, "Yes", "No")


def annex_a_frames(
    size: CaseloadSize, start: date, end: date, seed: int = 2025
) -> dict[int, pd.DataFrame]:
    """Lists 1, 3, 4, 5, 7 and 8 for records made between `start` and `end` (plans and
    children looked after begun up to five years before, as the lists hold them)."""
    rng = np.random.default_rng(seed)
    window = (pd.Timestamp(start), pd.Timestamp(end))
    frames = {
        1: _contacts(rng, size, window),
        3: _referrals(rng, size, window),
        4: _assessments(rng, size, window),
        5: _enquiries(rng, size, window),
        7: _spells(rng, size, window, 7, size.plans, years_before=2, mean_days=320),
        8: _spells(rng, size, window, 8, size.looked_after, years_before=5, mean_days=700),
    }
    groups = np.random.default_rng([seed, 7])  # its own stream: the lists' other columns
    frames = {n: _with_groups(groups, frame, window) for n, frame in frames.items()}
    _follow_contacts(groups, frames, window)
    referrals = frames[3]
    referrals.loc[3, "Date of Referral"] = pd.NaT  # the faults real lists carry
    frames[3] = pd.concat([referrals, referrals.iloc[[7]]], ignore_index=True)
    return frames


Window = tuple[pd.Timestamp, pd.Timestamp]
# the census's ethnicity codes as Ofsted's template writes them, roughly as England's
# children are spread over them
ETHNICITIES = {"a) WBRI": 0.70, "d) WOTH": 0.06, "f) MWBC": 0.03, "i) MOTH": 0.03,
               "j) AIND": 0.03, "k) APKN": 0.04, "o) BAFR": 0.05, "n) BCRB": 0.01,
               "r) OOTH": 0.02, "s) REFU": 0.01, "t) NOBT": 0.02}  # fmt: skip
DISABILITIES = {"a) Yes": 0.08, "b) No": 0.88, "c) Unknown": 0.04}


def _follow_contacts(
    rng: np.random.Generator, frames: dict[int, pd.DataFrame], window: Window
) -> None:
    """A quarter of the referrals made for a child in the week after a contact about it,
    as at a real front door (in place)."""
    contacts, referrals = frames[1], frames[3]
    chosen = rng.choice(len(referrals), len(referrals) // 4, replace=False)
    source = rng.choice(len(contacts), len(chosen), replace=False)
    made = contacts["Date of Contact"].iloc[source].to_numpy() + pd.to_timedelta(
        rng.integers(0, 7, len(chosen)), "D"
    )
    referrals.loc[chosen, "Child Unique ID"] = contacts["Child Unique ID"].iloc[source].to_numpy()
    referrals.loc[chosen, "Date of Referral"] = np.minimum(made, window[1].to_datetime64())


def _with_groups(rng: np.random.Generator, frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The list with each child's date of birth (aged 0 to 17 at the record's own date,
    its third column), ethnicity and disability, after its other columns."""
    n = len(frame)
    own = pd.to_datetime(frame.iloc[:, 2]).fillna(window[0])
    born = own - pd.to_timedelta(rng.integers(0, 18 * 365, n), "D")
    return frame.assign(**{
        "Date of Birth": born,
        "Ethnicity": rng.choice(list(ETHNICITIES), n, p=list(ETHNICITIES.values())),
        "Disability": rng.choice(list(DISABILITIES), n, p=list(DISABILITIES.values())),
    })  # fmt: skip


def _dates(rng: np.random.Generator, window: Window, n: int) -> pd.Series:
    first, last = window
    offsets = rng.integers(0, (last - first).days + 1, n)
    return pd.Series(first + pd.to_timedelta(offsets, "D"))


def _list(number: int, columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(dict(zip(HEADERS[number][1], columns, strict=True)))


def _contacts(rng: np.random.Generator, size: CaseloadSize, window: Window) -> pd.DataFrame:
    n = size.contacts
    sources = ["q) 6: Police", "j) 3D: Health services", "a) 1A: Individual"]
    who = _people(rng, size, n)
    return _list(1, [*who, _dates(rng, window, n), rng.choice(sources, n)])


def _referrals(rng: np.random.Generator, size: CaseloadSize, window: Window) -> pd.DataFrame:
    n = size.referrals
    who, staff = _people(rng, size, n), _staffed(rng, n)
    made = _dates(rng, window, n)
    return _list(3, [*who, made, _yes(rng, 0.08, n), rng.poisson(0.25, n), *staff])


def _assessments(rng: np.random.Generator, size: CaseloadSize, window: Window) -> pd.DataFrame:
    n = size.assessments
    begun = _dates(rng, window, n)
    done = begun + pd.to_timedelta(rng.gamma(4.0, 12.0, n).round(), "D")
    authorised = done.where(done <= window[1])
    who, staff = _people(rng, size, n), _staffed(rng, n)
    return _list(4, [*who, begun, _yes(rng, 0.95, n), authorised, *staff])


def _enquiries(rng: np.random.Generator, size: CaseloadSize, window: Window) -> pd.DataFrame:
    n = size.enquiries
    strategy = _dates(rng, window, n)
    held = strategy + pd.to_timedelta(rng.integers(5, 30, n), "D")
    icpc = held.where((rng.random(n) < 0.55) & (held <= window[1]))
    led = np.where(icpc.notna(), _yes(rng, 0.75, n), "")
    who, staff = _people(rng, size, n), _staffed(rng, n)
    return _list(5, [*who, strategy, icpc, led, *staff])


def _spells(
    rng: np.random.Generator,
    size: CaseloadSize,
    window: Window,
    number: int,
    n: int,
    *,
    years_before: int,
    mean_days: float,
) -> pd.DataFrame:
    """Plans (List 7) or periods of care (List 8): begun up to `years_before` years before
    the window, open at its end unless they ended in it."""
    first = window[0] - pd.DateOffset(years=years_before)
    began = _dates(rng, (first, window[1]), n)
    ended = began + pd.to_timedelta(rng.exponential(mean_days, n).round(), "D")
    ended = ended.where(ended <= window[1])
    who, staff = _people(rng, size, n), _staffed(rng, n)
    extra = [rng.choice([0, 0, 0, 1, 2], n)] if number == 7 else []
    return _list(number, [*who, began, ended, *extra, *staff])


def write_annex_a(frames: dict[int, pd.DataFrame], target: Path) -> Path:
    """The lists as an Excel workbook (`target` ends .xlsx: a sheet per list) or a folder
    of CSVs (day-first dates, as authorities' systems export them)."""
    if target.suffix.lower() == ".xlsx":
        target.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(target, engine="xlsxwriter") as writer:
            for number, frame in frames.items():
                frame.to_excel(writer, sheet_name=HEADERS[number][0], index=False)
        return target
    target.mkdir(parents=True, exist_ok=True)
    for number, frame in frames.items():
        name = HEADERS[number][0].lower().replace(" ", "_")
        frame.to_csv(target / f"{name}.csv", index=False, date_format="%d/%m/%Y")
    return target


# ---- the case-level demo: a fictitious authority's three files and a workbook for them ----

AUTHORITY = "wrenfold"
COVER = (date(2023, 4, 1), date(2025, 10, 31))  # the Annex A lists' window
DEMO_SIZE = CaseloadSize(6_000, 12_000, 4_800, 4_200, 1_100, 700, 600)
CENSUS_YEAR = (date(2022, 4, 1), date(2023, 3, 31))  # the census before the lists begin
PLACEMENT_YEAR = (date(2024, 4, 1), date(2025, 3, 31))  # the SSDA903 return's year


def casework_files() -> dict[str, str]:
    """Every file of the case-level demo workbook, by path, as text: its parameters and
    the authority's Annex A lists, SSDA903 episodes and CIN census, as it would send them."""
    frames = annex_a_frames(DEMO_SIZE, *COVER, seed=90)
    files = {
        "parameters/defaults.yml": (
            "# A workbook for one fictitious authority's own case-level returns: see README,\n"
            "# 'Your own case-level returns'. Made by `qareport demo --casework`.\n"
            "title: Safeguarding Children Report Book\ncatalogues:\n- casework\n"
            "data:\n- data/imported\nnational_label: This workbook's areas (Wrenfold alone)\n"
            "suppression:\n  enabled: true\n  threshold: 5\ntrend_months: 24\n"
        ),
        f"parameters/{AUTHORITY}.yml": (
            "# Synthetic authority made by `qareport demo --casework`; not a real place.\n"
            "code: DM90\nname: Wrenfold (fictitious)\nkind: partnership\nold_la_code: '990'\n"
            "sections:\n- front-door-cases\n- child-protection-cases\n- looked-after-cases\n"
            "synthetic: true\n"
        ),
    }
    for number, frame in frames.items():
        name = HEADERS[number][0].lower().replace(" ", "_")
        files[f"incoming/annex-a/{name}.csv"] = frame.to_csv(index=False, date_format="%d/%m/%Y")
    files["incoming/903/episodes.csv"] = _episodes(frames[8])
    files["incoming/903/header.csv"] = _header(frames[8])
    files["incoming/cin-census-2022-23.xml"] = _census(annex_a_frames(DEMO_SIZE, *CENSUS_YEAR))
    return files


def _episodes(looked_after: pd.DataFrame) -> str:
    """The SSDA903 episodes of the children looked after during the return's year: each
    period of care starts with an episode S, and some children move placement (P)."""
    rng = np.random.default_rng(903)
    first, last = (pd.Timestamp(d) for d in PLACEMENT_YEAR)
    began, ceased = looked_after.iloc[:, 2], looked_after.iloc[:, 3]
    spells = looked_after[(began <= last) & (ceased.isna() | (ceased >= first))]
    rows = []
    for child, start, end in zip(spells.iloc[:, 0], spells.iloc[:, 2], spells.iloc[:, 3],
                                 strict=True):  # fmt: skip
        stop = end if pd.notna(end) and end <= last else None
        span = ((stop or last) - start).days
        moves = sorted(set(rng.integers(1, max(2, span), rng.poisson(0.8))))
        starts = [start, *(start + pd.Timedelta(days=int(d)) for d in moves)]
        for n, begun in enumerate(starts):
            ends = starts[n + 1] if n + 1 < len(starts) else stop
            left = ends.strftime("%d/%m/%Y") if ends is not None else ""
            rne = "S" if n == 0 else "P"
            rows.append([child, begun.strftime("%d/%m/%Y"), rne, "C2", "N1", "U1", "PR1", left])
    frame = pd.DataFrame(rows, columns=["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE",
                                        "PLACE_PROVIDER", "DEC"])  # fmt: skip
    return frame.to_csv(index=False)


def _header(looked_after: pd.DataFrame) -> str:
    """The SSDA903 HEADER of the children looked after: sex (1 male, 2 female), date of
    birth and ethnicity in the return's own codes."""
    children = looked_after.drop_duplicates("Child Unique ID")
    sex = children["Gender"].map({"a) Male": "1", "b) Female": "2"}).fillna("")
    frame = pd.DataFrame({
        "CHILD": children["Child Unique ID"],
        "SEX": sex,
        "DOB": children["Date of Birth"].dt.strftime("%d/%m/%Y"),
        "ETHNIC": children["Ethnicity"].str.replace(r"^[a-z]\) ", "", regex=True),
    })  # fmt: skip
    return frame.to_csv(index=False)


def _census(frames: dict[int, pd.DataFrame]) -> str:
    """The CIN census for the year before the lists: each referral an episode of need, with
    the assessments and plans that followed it for the same child."""
    referrals = frames[3].dropna(subset=[frames[3].columns[2]]).drop_duplicates()
    rng = np.random.default_rng(2023)
    children = []
    for child, made, nfa in zip(referrals.iloc[:, 0], referrals.iloc[:, 2], referrals.iloc[:, 3],
                                strict=True):  # fmt: skip
        inner = ""
        if nfa == "No" and rng.random() < 0.7:
            start = made + pd.Timedelta(days=int(rng.integers(0, 10)))
            done = start + pd.Timedelta(days=int(rng.gamma(4.0, 12.0)))
            inner += (f"<Assessments><AssessmentActualStartDate>{start:%Y-%m-%d}"
                      f"</AssessmentActualStartDate><AssessmentAuthorisationDate>{done:%Y-%m-%d}"
                      "</AssessmentAuthorisationDate></Assessments>")  # fmt: skip
        if nfa == "No" and rng.random() < 0.08:
            start = made + pd.Timedelta(days=int(rng.integers(20, 60)))
            inner += (f"<ChildProtectionPlans><CPPstartDate>{start:%Y-%m-%d}</CPPstartDate>"
                      f"<NumberOfPreviousCPP>{int(rng.choice([0, 0, 0, 1]))}"
                      "</NumberOfPreviousCPP></ChildProtectionPlans>")  # fmt: skip
        children.append(
            f"<Child><ChildIdentifiers><LAchildID>{child}</LAchildID></ChildIdentifiers>"
            f"<CINdetails><CINreferralDate>{made:%Y-%m-%d}</CINreferralDate>"
            "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
            f"<ReferralNFA>{'true' if nfa == 'Yes' else 'false'}</ReferralNFA>{inner}"
            "</CINdetails></Child>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
        "<Collection>CIN</Collection><Year>2023</Year><ReferenceDate>2023-03-31"
        "</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>"
        "<LEA>990</LEA></Source></Header><Children>\n"
        + "\n".join(children)
        + "\n</Children></Message>\n"
    )


def write_casework_demo(target: Path, notebook: Path) -> list[Path]:
    """The case-level demo workbook in `target` (the section notebook copied from this
    workbook's `notebook`); never over a workbook already there."""
    if (target / "parameters").exists():
        raise FileExistsError(f"{target} already holds a workbook; give a new folder")
    written = []
    for relative, text in casework_files().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    (target / "notebooks").mkdir(parents=True, exist_ok=True)
    written.append(Path(shutil.copy2(notebook, target / "notebooks" / "section.ipynb")))
    return written
