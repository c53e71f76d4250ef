"""Partnership books: member agencies side by side, editions, themes and the QA programme."""

from __future__ import annotations

import csv
import html as htmllib
import re
import shutil

import pypdf
import pytest

from helpers import REPO, copy_workbook, run_cli, sheet_html
from qareport import BuildOptions, build_book
from qareport.config.project import Project
from qareport.demo.partnership import LAGGING, MEMBERS, PARTNERSHIP_ID, PRIORITY, RETURNS

NAMES = {m["id"]: m["name"] for m in MEMBERS}
THEMES = f"narrative/{PARTNERSHIP_ID}/2025-26/themes.yml"


def _workbook(base):
    root = copy_workbook(base / "workbook")
    (root / THEMES).parent.mkdir(parents=True)
    shutil.copy(REPO / THEMES, root / THEMES)
    (root / THEMES).with_name("actions.yml").write_text(
        "actions:\n"
        "  - {id: P1, section: missed-health-appointments, text: Review clinic follow-up,"
        " owner: health, due: '2026-06-30', status: open, raised: 2025-26}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def annual(tmp_path_factory):
    root = _workbook(tmp_path_factory.mktemp("partnership"))
    result = build_book(root, PARTNERSHIP_ID, "2025-26", BuildOptions(edition="annual"))
    return root, result, htmllib.unescape(result.html.read_text(encoding="utf-8"))


def test_each_agencys_measures_are_on_the_shared_sheets_with_their_labels(annual):
    root, _, book = annual
    catalogue = Project.open(root).catalogue
    for section, measures in RETURNS.items():
        sheet = sheet_html(book, section)
        for measure_id, agencies in measures.items():
            title = catalogue.measures[measure_id].title
            caption = sheet[sheet.index(f'<span class="title">{title}</span>') :]
            caption = caption[: caption.index("</figcaption>")]
            assert "By agency, 2025-26: " in caption, (section, measure_id)
            for agency in agencies:
                assert NAMES[agency] in caption, (section, measure_id, agency)
            found = re.search(rf"<caption[^>]*>{re.escape(title)}, ", sheet)
            assert found, (measure_id, "a data table")
            table = sheet[found.start() :]
            header = table[: table.index("</thead>")]
            for agency in agencies:
                assert f">{NAMES[agency]}</th>" in header, (measure_id, "a column per agency")
    # a measure four agencies return is drawn as one line per agency, named in the alt text
    alt = re.search(
        r'aria-label="(Line chart of safeguarding supervision held on time by member agency[^"]*)"',
        book,
    )
    assert alt and all(name in alt.group(1) for name in NAMES.values())


def test_a_missing_agency_return_is_shown_as_missing(annual):
    _, result, book = annual
    sheet = sheet_html(book, "learning-development")
    assert 'Education service <strong class="missing-return">return missing</strong>' in sheet
    assert "Missing return:</strong> Education service made no return" in sheet
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(result.pdf).pages)
    assert "Education service return missing" in " ".join(text.split())  # the HTML's words


def test_programme_page_and_the_activities_that_informed_eachsheet_html(annual):
    _, _, book = annual
    page = book[book.index('id="programme"') :]
    assert "7 done,\n<strong>1 overdue</strong>,\n2 due in the next three months" in page
    assert (
        '<tr class="overdue"><td>2025-11-30</td><th scope="row">Audit of domestic abuse referrals'
        in page
    )
    supervision = sheet_html(book, "supervision-support")
    survey = "Partnership workforce survey (Ashcombe Health Trust, done 2025-06-14)"
    assert f"Staff experience survey: {survey}" in supervision
    # done more than twelve months before the period's end: listed in the timetable only
    planning = sheet_html(book, "cp-cin-planning")
    assert "Multi-agency audit of child protection plans" not in planning
    assert "External peer review of the front door and planning" in planning


def test_cross_cutting_themes_and_agency_owned_actions(annual):
    _, _, book = annual
    themes = book[book.index('id="themes"') : book.index('id="programme"')]
    assert themes.count('<tr><th scope="row">') == 3
    assert "<strong>High</strong>" in themes and 'href="#sheet-domestic-abuse"' in themes
    actions = sheet_html(book, "missed-health-appointments")
    assert re.search(
        r"<th scope=\"row\">P1</th><td>Review clinic follow-up</td><td>Ashcombe Health Trust</td>",
        actions,
    )


def test_quarterly_edition_has_the_priority_measures_with_a_team_breakdown(tmp_path):
    root = _workbook(tmp_path)
    result = build_book(root, PARTNERSHIP_ID, "2025-26-Q4", BuildOptions(edition="quarterly"))
    book = htmllib.unescape(result.html.read_text(encoding="utf-8"))
    sheets = re.findall(r'<section class="page sheet" id="sheet-([a-z0-9-]+)"', book)
    wanted = [s for s, ms in RETURNS.items() if set(ms) & set(PRIORITY)]
    assert sheets == wanted and "partnership-working" not in sheets
    ids = re.findall(r'<figure id="sheet-([a-z0-9-]+)">', book)
    shown = [i.removeprefix(next(s for s in sheets if i.startswith(f"{s}-")) + "-") for i in ids]
    assert sorted(shown) == sorted(PRIORITY)
    visits = sheet_html(book, "cp-cin-planning")
    teams = visits[visits.index('<table class="teams">') :]
    teams = teams[: teams.index("</table>")]
    assert teams.count('<tr><th scope="row">') == 4
    lagging = re.search(rf'<th scope="row">{LAGGING}</th>.*?</tr>', teams, re.S).group(0)
    assert "<strong>below the" in lagging
    assert "Quarterly edition." in book


def test_the_edition_must_match_the_period(tmp_path):
    root = copy_workbook(tmp_path / "workbook")
    wrong = run_cli(
        "build", "--area", PARTNERSHIP_ID, "--period", "2025-26", "--edition", "quarterly", cwd=root
    )
    assert wrong.returncode == 1
    assert "the quarterly edition needs a period like 2025-26-Q3, not 2025-26" in wrong.stderr
    wrong = run_cli(
        "build", "--area", PARTNERSHIP_ID, "--period", "2025-26-Q2", "--edition", "annual", cwd=root
    )
    assert wrong.returncode == 1 and "needs a period like 2025-26, not 2025-26-Q2" in wrong.stderr
    assert not (root / "output" / PARTNERSHIP_ID).exists()


def _rewrite(path, keep):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if keep(r))


def test_removing_one_agencys_return_shows_it_missing_where_it_was_used(tmp_path):
    root = _workbook(tmp_path)
    _rewrite(root / "data" / "demo" / "partnership-returns.csv", lambda r: r["agency"] != "health")
    book = htmllib.unescape(build_book(root, PARTNERSHIP_ID, "2025-26").html.read_text("utf-8"))
    used = {s for s, ms in RETURNS.items() if any("health" in a for a in ms.values())}
    for section in RETURNS:
        sheet = sheet_html(book, section)
        missing = 'Ashcombe Health Trust <strong class="missing-return">return missing</strong>'
        assert (missing in sheet) == (section in used), section
    only_health = sheet_html(book, "missed-health-appointments")
    assert "Missing return:</strong> Ashcombe Health Trust made no return" in only_health


def test_a_return_from_an_agency_that_is_not_a_member_is_refused(tmp_path):
    root = copy_workbook(tmp_path / "workbook")
    extract = root / "data" / "demo" / "partnership-returns.csv"
    text = extract.read_text(encoding="utf-8")
    extract.write_text(text.replace(",health,", ",hospice,", 1), encoding="utf-8")
    checked = run_cli("validate", cwd=root)
    assert checked.returncode == 1
    assert (
        "'hospice' is not a member agency of DP01; members: education, health, police"
        in checked.stdout
    )
