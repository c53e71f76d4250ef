"""The Children in Need census read as it is: known answers for each measure on a small
hand-made census (working days across bank holidays, a re-referral at exactly 12 months,
a plan open at the period's end, a child counted once, duplicates), every episode
accounted for, the XSD check, and no identifier in anything written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import REALDATA, run_cli, statutory_workbook
from qareport.importers.census_measures import census_returns
from qareport.importers.cin_census import read_cin_census
from qareport.importers.common import ImportSummary, Reason
from qareport.importers.working_days import working_days_between
from qareport.importers.year_windows import year_windows

STATUTORY = REALDATA / "statutory"
SALT = b"test-salt"


def _child(child_id: str, *episodes: str, who: str = "") -> str:
    """A child (born 3 February 2015, male, White British, unless `who` writes its own
    identifiers' and characteristics' tags) and its episodes."""
    who = who or (
        "<PersonBirthDate>2015-02-03</PersonBirthDate><GenderCurrent>1</GenderCurrent>"
        "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
    )
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
        f"<UPN>A{child_id}999</UPN>{who}</ChildCharacteristics>" + "".join(episodes) + "</Child>"
    )


def _episode(referral: str, *, nfa: str = "false", closure: str = "", inner: str = "") -> str:
    closed = f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"
    return (
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        + (closed if closure else "")
        + f"<ReferralNFA>{nfa}</ReferralNFA>{inner}</CINdetails>"
    )


def _assessment(start: str, authorised: str) -> str:
    return (
        f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
        f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate></Assessments>"
    )


def _plan(start: str, end: str = "", previous: int = 0) -> str:
    ended = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{ended}"
        f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP></ChildProtectionPlans>"
    )


CENSUS = (
    "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
    "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source>"
    "<SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header><Children>"
    # A: referred again exactly 12 months after a referral: a re-referral; an assessment
    # authorised on its 45th working day (in time)
    + _child("CHILDA01",
             _episode("2024-05-01", closure="2024-06-01"),
             _episode("2025-05-01", inner=_assessment("2025-09-01", "2025-11-03")))
    # B: 12 months and a day after: not a re-referral; the 46th working day (late); the
    # same episode twice (one rejected)
    + _child("CHILDB02",
             _episode("2024-06-09", closure="2024-07-01"),
             _episode("2025-06-10", inner=_assessment("2025-09-01", "2025-11-04")),
             _episode("2025-06-10"),
             # B: 16 on the day of her 2025 referral, Sex (the 2025 schema's), disabled
             who="<PersonBirthDate>2009-06-10</PersonBirthDate><Sex>F</Sex>"
                 "</ChildIdentifiers><ChildCharacteristics><Ethnicity>BAFR</Ethnicity>"
                 "<Disabilities><Disability>MOB</Disability><Disability>HAND</Disability>"
                 "</Disabilities>")
    # C: two plans open at the year's end, the first over 2 years old: counted once
    + _child("CHILDC03",
             _episode("2023-02-01", inner=_plan("2023-03-01") + _plan("2025-01-01")))
    # D: referred and closed with no further action in April; a second plan in Q1
    + _child("CHILDD04",
             _episode("2025-04-05", nfa="true", inner=_plan("2025-04-10", "2025-09-30", 1)))
    # E: closed before it was referred; F: referred after the reference date
    + _child("CHILDE05", _episode("2025-07-01", closure="2025-06-01"))
    + _child("CHILDF06", _episode("2026-05-01"))
    + "</Children></Message>"
)  # fmt: skip


@pytest.fixture
def census(tmp_path) -> Path:
    path = tmp_path / "census.xml"
    path.write_text(CENSUS, encoding="utf-8")
    return path


def _figures(census: Path) -> tuple[dict, ImportSummary, set[int]]:
    summary = ImportSummary("census.xml")
    records = read_cin_census(census, SALT, summary)
    returns, used = census_returns(records, year_windows(records.year))
    found = {
        (r["measure_id"], r["period"], *([r["breakdown"]] if "breakdown" in r else [])): (
            r["numerator"],
            r["denominator"],
        )
        for r in returns
    }
    return found, summary, used


def test_working_days_leave_out_weekends_and_englands_bank_holidays():
    start = pd.Series(pd.to_datetime(["2025-12-24", "2025-04-17", "2025-09-01", None]))
    end = pd.Series(pd.to_datetime(["2026-01-02", "2025-04-22", "2025-11-03", "2025-01-01"]))
    # Christmas, Boxing Day and New Year's Day; Good Friday and Easter Monday; 9 weeks
    assert working_days_between(start, end).tolist() == [4, 1, 45, pd.NA]


def test_each_measure_has_its_known_answer(census):
    found, _, _ = _figures(census)
    assert found[("referrals-nfa", "2025-26")] == (1, 3)
    assert found[("re-referrals-12m", "2025-26")] == (1, 3)  # A, at exactly 12 months
    assert found[("assessments-timely", "2025-26")] == (1, 2)  # the 45th day, not the 46th
    assert found[("assessments-timely", "2025-11")] == (1, 2)
    assert found[("assessments-timely", "2025-26-Q3")] == (1, 2)
    assert found[("cp-repeat-plans", "2025-26-Q1")] == (1, 1)
    assert found[("cp-plans-2-years", "2025-26")] == (1, 1)  # C counted once
    assert found[("referrals-nfa", "2025-04")] == (1, 1)
    assert ("referrals-nfa", "2025-08") not in found  # no referral, no return


def test_each_measure_by_the_childs_age_band_gender_ethnicity_and_disability(census):
    """The referrals of 2025-26: A's (10, male, White) re-referred, B's (16 on the day,
    female, Black, disabled) and D's (10, male, White) not."""
    found, _, _ = _figures(census)
    year = ("re-referrals-12m", "2025-26")
    assert found[(*year, "Age band: 10 to 15")] == (1, 2)
    assert found[(*year, "Age band: 16 and over")] == (0, 1)
    assert found[(*year, "Gender: Male")] == (1, 2)
    assert found[(*year, "Gender: Female")] == (0, 1)
    assert found[(*year, "Ethnicity: White")] == (1, 2)
    assert found[(*year, "Ethnicity: Black")] == (0, 1)
    assert found[(*year, "Disability: Disabled")] == (0, 1)
    assert found[(*year, "Disability: Not recorded")] == (1, 2)  # no Disabilities given
    groups = [k for k in found if k[:2] == year and len(k) == 3]
    assert sum(found[k][1] for k in groups) == 4 * found[year][1]  # four breakdowns, whole


def test_every_episode_is_accounted_for_with_reasons(census):
    _, summary, used = _figures(census)
    assert summary.rows_read == 9
    reasons = summary.rejected.by_reason()
    assert reasons == {Reason.DUPLICATE: 1, Reason.END_BEFORE_START: 1, Reason.FUTURE_DATE: 1}
    assert len(used) == 4  # A's, B's and D's referrals in the year; C's plans
    examples = [e for shown in summary.rejected.examples.values() for e in shown]
    assert all(e.startswith("line ") for e in examples)


def _workbook(root: Path) -> Path:
    return statutory_workbook(root, "front-door")


def test_the_import_writes_figures_and_no_identifier(census, tmp_path):
    root = _workbook(tmp_path / "workbook")
    done = run_cli("import", "cin-census", str(census), "--allow-rejects", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 census episodes (CINdetails) read = 4 used + 2 not in scope + 3 rejected" in (
        done.stdout
    )
    written = (root / "data" / "imported" / "E06000999-cin-census.csv").read_text()
    assert "E06000999,2025-26,re-referrals-12m,1,3" in written
    # ids, UPNs (A<id>999) and dates of birth, in any form
    for secret in ("CHILD", "ACHILD", "2015-02-03", "03/02/2015", "2015", "999,"):
        assert secret not in written.replace("E06000999", "")
    salt = (root / "parameters" / ".child-id-salt").read_text()
    assert len(salt.strip()) == 64


def test_without_allow_rejects_a_census_with_rejected_episodes_writes_nothing(census, tmp_path):
    root = _workbook(tmp_path / "workbook")
    done = run_cli("import", "cin-census", str(census), cwd=root)
    assert done.returncode != 0
    assert "3 rejected" in done.stdout and "same child's episode" in done.stdout
    assert not (root / "data" / "imported" / "E06000999-cin-census.csv").exists()


def test_xml_that_cannot_be_parsed_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(CENSUS.replace("<Children>", "<Children>\n\n<Child><Oops></Child>"))
    root = _workbook(tmp_path / "workbook")
    done = run_cli("import", "cin-census", str(broken), cwd=root)
    assert done.returncode != 0
    assert "line 3" in done.stderr + done.stdout


@pytest.mark.skipif(not STATUTORY.is_dir(), reason="../shared/realdata/statutory is absent")
def test_the_shared_census_checked_against_its_xsd_accounts_for_every_episode(tmp_path):
    sample = STATUTORY / "cin_census" / "fake_CIN_data.xml"
    root = _workbook(tmp_path / "workbook")
    done = run_cli(
        "import", "cin-census", str(sample), "--area", "northby",
        "--schemas", str(STATUTORY / "specs"), "--allow-rejects", cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    head = done.stdout.splitlines()[0]
    read, rest = head.split(" read = ")
    numbers = [int(x.split()[0].replace(",", "")) for x in rest.split(" + ")]
    assert int(read.split()[-4].replace(",", "")) == 402 == sum(numbers)
    assert "not as the 2022 XSD has it" in done.stdout and "(line " in done.stdout
