"""The SSDA903 return read as it is, from its CSV tables or its XML: placement stability's
known answers on a small hand-made return (a placement running into the 12 months
counts, a change of legal status alone does not), every episode accounted for, and the
shared sample's episodes all counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import REALDATA, run_cli, statutory_workbook
from qareport.importers.common import ImportSummary, Reason
from qareport.importers.placement_measures import placement_returns
from qareport.importers.ssda903 import read_ssda903_episodes
from qareport.importers.ssda903_outcomes import births, read_header
from qareport.importers.year_windows import year_windows

EPISODES = [  # CHILD, DECOM, RNE, DEC (day first, as the return writes them)
    # X: three placements in the year to 31 March 2026 (a change of legal status between)
    ("1001", "10/01/2025", "S", "01/06/2025"),
    ("1001", "01/06/2025", "P", "01/08/2025"),
    ("1001", "01/08/2025", "L", "01/12/2025"),
    ("1001", "01/12/2025", "P", ""),
    # Y: its first two placements ended before the 12 months began
    ("2002", "01/01/2024", "S", "01/06/2024"),
    ("2002", "01/06/2024", "P", "01/03/2025"),
    ("2002", "01/03/2025", "P", ""),
    # Z: in care from May to September only
    ("3003", "01/05/2025", "S", "01/09/2025"),
    # rejected: the same episode twice, ended before it began, an RNE the return lacks
    ("2002", "01/03/2025", "P", ""),
    ("4004", "01/05/2025", "S", "01/04/2025"),
    ("5005", "01/05/2025", "X", ""),
]


def _csv_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    lines = [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    ]
    lines += [f"{c},{s},{r},C2,N1,U1,PR1,{e},,,,," for c, s, r, e in EPISODES]
    (folder / "episodes.csv").write_text("\n".join(lines) + "\n")
    (folder / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1001,1,01/02/2012,WBRI,A123,,\n"
    )
    return folder


def _xml(path: Path) -> Path:
    children: dict[str, list[str]] = {}
    for c, s, r, e in EPISODES:
        children.setdefault(c, []).append(
            f"<EPISODE><DECOM>{s}</DECOM><RNE>{r}</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
            f"<DEC>{e}</DEC></EPISODE>"
        )
    body = "".join(
        f"<CHILD><HEADER><CHILDID>{c}</CHILDID><SEX>1</SEX><DOB>01/02/2012</DOB></HEADER>"
        + "".join(eps)
        + "</CHILD>"
        for c, eps in children.items()
    )
    path.write_text(f'<?xml version="1.0"?>\n<EXPSSDA903>{body}</EXPSSDA903>\n')
    return path


@pytest.mark.parametrize("form", ["csv", "xml"])
def test_placement_stability_has_its_known_answers_from_either_form(tmp_path, form):
    source = _csv_folder(tmp_path / "903") if form == "csv" else _xml(tmp_path / "903.xml")
    summary = ImportSummary("903")
    episodes = read_ssda903_episodes(source, b"salt", summary)
    assert summary.rows_read == 11
    assert summary.rejected.by_reason() == {
        Reason.DUPLICATE: 1, Reason.END_BEFORE_START: 1, Reason.CODE_NOT_ALLOWED: 1
    }  # fmt: skip
    returns, used = placement_returns(episodes, year_windows(2026))
    found = {r["period"]: (r["numerator"], r["denominator"]) for r in returns}
    assert found["2025-26"] == (1, 2)  # X had 3; Y had 1 in the 12 months
    assert found["2025-26-Q1"] == (0, 3)  # X and Y 2 each, Z 1
    assert found["2025-08"] == (0, 3)
    assert len(used) == 8
    assert not episodes["child"].isin(["1001", "2002", "3003"]).any()  # pseudonymised


LONG_TERM_EPISODES = (  # CHILD, DECOM, RNE, PLACE, DEC
    "CHILD,DECOM,RNE,LS,PLACE,DEC\n"
    # A: in care 2 years 10 months at 31 March 2026, the same placement 2 years 1 month
    "6006,01/06/2023,S,C2,U1,01/03/2024\n6006,01/03/2024,P,C2,U1,\n"
    # B: in care over 3 years, but its placement 1 year 10 months
    "7007,01/01/2023,S,C2,U1,01/06/2024\n7007,01/06/2024,P,C2,U1,\n"
    # C: placed for adoption in December, straight from a placement of nearly 3 years
    "8008,01/01/2022,S,C2,U1,01/02/2023\n8008,01/02/2023,P,C2,U1,01/12/2025\n"
    "8008,01/12/2025,P,E1,A4,\n"
    # D: 16 on 1 January 2026; E: in care 15 months; F: no date of birth in the HEADER
    "9009,01/01/2020,S,C2,U1,01/01/2021\n9009,01/01/2021,P,C2,U1,\n"
    "9010,01/01/2025,S,C2,U1,\n9011,01/01/2020,S,C2,U1,\n"
)
LONG_TERM_HEADER = (
    "CHILD,SEX,DOB,ETHNIC\n6006,1,01/05/2015,WBRI\n7007,2,01/05/2012,WBRI\n"
    "8008,2,01/05/2018,WBRI\n9009,1,01/01/2010,WBRI\n9010,1,01/01/2012,WBRI\n"
    "9011,1,,WBRI\n"
)


def test_long_term_placement_stability_has_its_known_answers(tmp_path):
    """Under 16, in care 2½ years or more, in the same placement 2 years (or placed for
    adoption straight from such a placement): A and C of A, B and C at 31 March 2026; C
    and D of C and D at 30 June 2025 (A and B not yet in care 2½ years)."""
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "episodes.csv").write_text(LONG_TERM_EPISODES)
    (folder / "header.csv").write_text(LONG_TERM_HEADER)
    episodes = read_ssda903_episodes(folder, b"salt", ImportSummary("903"))
    born = births(read_header(folder, b"salt"))
    returns, _ = placement_returns(episodes, year_windows(2026), born)
    found = {
        r["period"]: (r["numerator"], r["denominator"])
        for r in returns
        if r["measure_id"] == "lac-placement-long-term"
    }
    assert found["2025-26"] == (2, 3)
    assert found["2025-26-Q1"] == (2, 2)
    assert found["2026-03"] == found["2025-26"]  # counted on the period's last day
    without, _ = placement_returns(episodes, year_windows(2026), born.iloc[0:0])
    assert not [r for r in without if r["measure_id"] == "lac-placement-long-term"]


AREA = ("--area", "northby", "--allow-rejects")


def _workbook(root: Path) -> Path:
    return statutory_workbook(root, "looked-after-children")


def test_the_import_writes_only_figures(tmp_path):
    root = _workbook(tmp_path / "workbook")
    source = _xml(tmp_path / "903.xml")
    done = run_cli(
        "import", "ssda903", str(source), "--area", "northby", "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "11 SSDA903 records read = 8 used + 0 not in scope + 3 rejected" in done.stdout
    written = (root / "data" / "imported" / "E06000999-ssda903.csv").read_text()
    assert "E06000999,2025-26,lac-placements-3,1,2" in written
    assert "1001" not in written and "01/02/2012" not in written


@pytest.mark.skipif(
    not (REALDATA / "statutory" / "ssda903").is_dir(), reason="../shared/realdata is absent"
)
def test_the_shared_return_accounts_for_every_episode(tmp_path):
    root = _workbook(tmp_path / "workbook")
    folder = REALDATA / "statutory" / "ssda903"
    done = run_cli(
        "import", "ssda903", str(folder), "--area", "northby", "--allow-rejects", cwd=root
    )
    assert done.returncode == 0, done.stdout + done.stderr
    head = done.stdout.splitlines()[0]
    read, rest = head.split(" read = ")
    parts = [int(x.split()[0].replace(",", "")) for x in rest.split(" + ")]
    tables = ("episodes", "oc2", "oc3", "missing", "reviews", "ad1")
    rows = sum(len((folder / f"{t}.csv").read_text().strip().splitlines()) - 1 for t in tables)
    assert int(read.split()[-3].replace(",", "")) == rows == sum(parts)
    assert parts[0] > 0
    assert "add `casework` to `catalogues:`" in done.stdout  # the outcomes are casework's


OUTCOMES = {
    "oc2.csv": "CHILD,DOB,HEALTH_CHECK,TEETH_CHECK\n1001,01/02/2012,1,1\n2002,01/02/2013,1,0\n"
    "3003,01/02/2014,0,0\n4004,01/02/2014,2,0\n",
    "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n5005,01/02/2005,YES,F1,B1\n"
    "6006,01/02/2005,NO,G4,S2\n7007,01/02/2005,REFU,P2,Z1\n8008,01/02/2005,DIED,,\n",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\n1001,01/02/2012,M,03/05/2025,04/05/2025\n"
    "1001,01/02/2012,M,20/05/2025,\n2002,01/02/2013,M,01/07/2025,02/07/2025\n"
    "2002,01/02/2013,A,10/05/2025,11/05/2025\n3003,01/02/2014,M,10/06/2025,01/06/2025\n",
}


def _casework_workbook(tmp_path: Path) -> Path:
    """A workbook with the casework catalogue, whose sheets the outcome measures are on."""
    root = _workbook(tmp_path / "workbook")
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("[dfe]", "[casework]"))
    return root


def _outcomes_folder(folder: Path) -> Path:
    """The episodes' CSV tables with the OC2, OC3 and MISSING tables beside them."""
    _csv_folder(folder)
    for name, text in OUTCOMES.items():
        (folder / name).write_text(text)
    return folder


def _imported(root: Path, folder: Path) -> tuple[str, str]:
    """The import's report and the extract it wrote."""
    done = run_cli("import", "ssda903", str(folder), *AREA, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, (root / "data" / "imported" / "E06000999-ssda903.csv").read_text()


def _has(written: str, *figures: str) -> None:
    """Each figure ("period,measure,numerator,denominator") is in the extract written."""
    for figure in figures:
        assert f"E06000999,{figure}" in written, figure


def test_the_outcome_tables_have_their_known_answers(tmp_path):
    """OC2 health and teeth checks, OC3 care leavers (those who died aside) and missing
    episodes by month (an absence is not a missing episode), every record counted."""
    root, folder = _casework_workbook(tmp_path), _outcomes_folder(tmp_path / "903")
    said, written = _imported(root, folder)
    # 11 episodes + 4 OC2 + 4 OC3 + 5 missing; rejected: 3 episodes, a check of 2, an
    # episode ending before it began; of no measure: the absence, the care leaver who died
    assert "24 SSDA903 records read = 17 used + 2 not in scope + 5 rejected" in said
    _has(
        written,
            "2025-26,lac-health-checks,2,3", "2025-26,lac-teeth-checks,1,3",
            "2025-26,care-leavers-in-touch,1,3", "2025-26,care-leavers-suitable,2,3",
            "2025-26,care-leavers-eet,2,3", "2025-05,lac-missing-episodes,2,",
            "2025-05,lac-missing-children,1,", "2025-26,lac-missing-episodes,3,",
            "2025-26,lac-missing-children,2,",
    )  # fmt: skip


def test_the_outcome_tables_by_the_childs_age_gender_and_ethnicity(tmp_path):
    """From the HEADER table: OC2 aged at the return's 31 March, missing episodes at
    their start, care leavers with no header row not recorded; no date of birth written."""
    root, folder = _casework_workbook(tmp_path), _outcomes_folder(tmp_path / "903")
    (folder / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN\n1001,1,01/02/2012,WBRI,A123\n2002,2,01/02/2013,BAFR,A456\n"
        "3003,2,01/04/2009,WBRI,A789\n"
    )
    _, written = _imported(root, folder)
    _has(
        written,
        "2025-26,lac-health-checks,1,1,,,,Gender: Male,",
        "2025-26,lac-health-checks,1,2,,,,Gender: Female,",
        "2025-26,lac-health-checks,1,2,,,,Ethnicity: White,",
        "2025-26,lac-health-checks,1,1,,,,Ethnicity: Black,",
        "2025-26,lac-health-checks,2,2,,,,Age band: 10 to 15,",  # 14 and 13 at 31 March
        "2025-26,lac-health-checks,0,1,,,,Age band: 16 and over,",  # 16 on 1 April 2025
        "2025-26,care-leavers-in-touch,1,3,,,,Gender: Not recorded,",
        "2025-26,lac-missing-episodes,2,,,,,Gender: Male,",
        "2025-26,lac-missing-episodes,3,,,,,Age band: 10 to 15,",
    )
    assert "Age band" not in "".join(
        line for line in written.splitlines() if "care-leavers" in line
    )
    for secret in ("01/02/2012", "2012", "A123", "1001"):
        assert secret not in written.replace("E06000999", "")


REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    # Z: in care from 1 May 2025 (a Thursday): first review 14 working days on (5 May is a
    # bank holiday), on time; the second over 3 months after it, late
    "3003,01/02/2014,22/05/2025,PN1\n3003,01/02/2014,30/09/2025,PN7\n"
    # X: its period of care began before the table's first review, so that review is not
    # judged; the next within 6 months of it, the last more than 6 months after that
    "1001,01/02/2012,01/02/2025,PN4\n1001,01/02/2012,15/07/2025,PN6\n"
    "1001,01/02/2012,01/03/2026,PN4\n"
    # Y: under 4 (PN0), and its period of care began long before: neither measure's
    "2002,01/02/2022,10/06/2025,PN0\n"
    # rejected: a code the return lacks, a review with no date
    "2002,01/02/2022,11/06/2025,PN9\n3003,01/02/2014,,PN1\n"
)


def test_reviews_on_time_and_the_childs_part_in_them_have_their_known_answers(tmp_path):
    root = _casework_workbook(tmp_path)
    folder = _csv_folder(tmp_path / "903")
    (folder / "reviews.csv").write_text(REVIEWS)
    said, written = _imported(root, folder)
    # 11 episodes (8 used, 3 rejected) + 8 reviews: 4 used, the review of 2024-25 and the
    # under-4's not in scope, 2 rejected
    assert "19 SSDA903 records read = 12 used + 2 not in scope + 5 rejected" in said
    _has(
        written,
            "2025-26,lac-reviews-timely,2,4", "2025-26-Q1,lac-reviews-timely,1,1",
            "2025-26-Q2,lac-reviews-timely,1,2", "2025-26-Q4,lac-reviews-timely,0,1",
            "2025-26,lac-reviews-participation,3,4", "2025-26-Q2,lac-reviews-participation,1,2",
    )  # fmt: skip


ADOPTED = [  # CHILD, DECOM, RNE, LS, PLACE, DEC, REC
    # in care from 1 April 2024, a placement order from 1 October, placed for adoption on
    # 15 January 2025 (289 days on), adopted 20 June 2025; matched 61 days after the order
    ("6006", "01/04/2024", "S", "C2", "U1", "01/10/2024", ""),
    ("6006", "01/10/2024", "L", "E1", "U1", "15/01/2025", ""),
    ("6006", "15/01/2025", "P", "E1", "A3", "20/06/2025", "E11"),
    # adopted by its foster carers: no placement for adoption; matched 31 days after the order
    ("7007", "01/05/2025", "S", "E1", "U1", "01/02/2026", "E12"),
]


def test_adoption_timeliness_has_its_known_answers_in_days(tmp_path):
    root = _casework_workbook(tmp_path)
    folder = tmp_path / "903"
    folder.mkdir()
    lines = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE"]
    lines += [f"{c},{s},{r},{ls},N1,{p},PR1,{e},{rec}," for c, s, r, ls, p, e, rec in ADOPTED]
    (folder / "episodes.csv").write_text("\n".join(lines) + "\n")
    (folder / "ad1.csv").write_text(
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
        "6006,01/02/2020,01/09/2024,01/12/2024,0,2,MF,L0\n"
        "7007,01/02/2020,01/05/2025,01/06/2025,1,2,MF,L0\n"
        "8008,01/02/2020,01/05/2025,not a date,1,2,MF,L0\n"
    )
    said, written = _imported(root, folder)
    assert "1 rejected" in said and "AD1 record whose DATE_MATCH" in said
    _has(
        written,
            "2025-26,adoption-days-to-move-in,289,1", "2025-26-Q1,adoption-days-to-move-in,289,1",
            "2025-26,adoption-days-order-to-match,92,2",
            "2025-26-Q1,adoption-days-order-to-match,61,1",
            "2025-26-Q4,adoption-days-order-to-match,31,1",
    )  # fmt: skip
    # the child with no placement for adoption is in no average of days to move in
    assert "E06000999,2025-26-Q4,adoption-days-to-move-in" not in written
