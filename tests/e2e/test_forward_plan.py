"""The board's forward plan through the command line: a themed book across partners, a book
per partner and per sector, the annual event pack, Turning the Curve, and `qareport plan`."""

from __future__ import annotations

import html as htmllib
import re
import shutil

import pdfplumber
import pytest

from helpers import (
    REPO,
    axe_violations,
    copy_workbook,
    empty_headings,
    page_faults,
    pdfua_report,
    run_cli,
)
from qareport.config.project import Project
from qareport.demo.forward_plan import ACTIONS, MEETINGS
from qareport.demo.partnership import MEMBERS, PARTNERSHIP_ID, RETURNS

AREA = PARTNERSHIP_ID
NAMES = {m["id"]: m["name"] for m in MEMBERS}
OUT = f"output/{AREA}"


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _html(path) -> str:
    return htmllib.unescape(path.read_text(encoding="utf-8"))


def _said(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The demo workbook with its partnership's reviewers' files, every book of its forward
    plan built by `qareport plan --build`, and the full books of 2024-25 and 2025-26."""
    root = copy_workbook(tmp_path_factory.mktemp("plan") / "workbook")
    shutil.copytree(REPO / "narrative" / AREA, root / "narrative" / AREA)
    listed = run_cli("plan", "--from", "2026-04-01", cwd=root)
    built = run_cli("plan", "--from", "2026-04-01", "--build", cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    for period in ("2024-25", "2025-26"):
        done = run_cli("build", "--area", AREA, "--period", period, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
    return root, listed.stdout, built.stdout


def test_plan_lists_each_coming_meeting_with_the_book_it_needs(plan, workbook):
    _, listed, built = plan
    for meeting in MEETINGS:
        assert f"{meeting['date']}  {AREA}  {meeting['title']}" in listed
    assert f"--area {AREA} --period 2025-26 --theme domestic-abuse" in listed
    assert "--agency police" in listed and "--edition event" in listed
    assert "--sector health" in listed
    assert built.count("report-book.html") == len(MEETINGS)
    later = run_cli("plan", "--from", "2026-10-01", cwd=workbook)
    assert "domestic-abuse" not in later.stdout and "--edition event" in later.stdout
    none = run_cli("plan", "--from", "2030-01-01", cwd=workbook)
    assert none.returncode == 0 and "no meetings planned on or after 2030-01-01" in none.stdout
    bad = run_cli("plan", "--from", "next week", cwd=workbook)
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr


def test_a_themed_book_holds_exactly_the_agencies_that_return_its_measures(plan):
    root, _, _ = plan
    folder = root / OUT / "2025-26-theme-domestic-abuse"
    returning = {a for agencies in RETURNS["domestic-abuse"].values() for a in agencies}
    for text in (_html(folder / "report-book.html"), _text(folder / "report-book.pdf")):
        cross = text[text.index("Across the partnership: Domestic abuse") :]
        cross = cross[: cross.index("Quality assurance that informed it")]
        shown = {a for a, name in NAMES.items() if name in cross}
        assert shown == returning, "exactly the agencies returning domestic abuse measures"
        assert "Where agencies' figures move apart" in cross
        # each open action of every agency for the area, with its owner
        for action in ACTIONS["actions"]:
            assert action["id"] in cross and NAMES[str(action["owner"])] in cross
    html = _html(folder / "report-book.html")
    assert len(re.findall(r'<section class="page sheet" id="sheet-', html)) == 1
    assert "Themed book" in html or "A themed book on Domestic abuse" in html


def test_the_same_reviewers_words_are_in_the_full_and_the_themed_book_from_one_file(plan):
    root, _, _ = plan
    words = "Officers now record the children present at every incident"
    for book in ("2025-26", "2025-26-theme-domestic-abuse"):
        folder = root / OUT / book
        assert words in _said(_html(folder / "report-book.html")), book
        assert words in _said(_text(folder / "report-book.pdf")), book
    holding = [p for p in (root / "narrative").rglob("*") if p.is_file() and words in p.read_text()]
    assert [p.name for p in holding] == ["domestic-abuse.md"], "written once, never copied"


def test_a_partners_book_has_its_sheets_its_words_and_says_what_it_leaves_out(plan):
    root, _, _ = plan
    folder = root / OUT / "2025-26-agency-police"
    html = _html(folder / "report-book.html")
    catalogue = Project.open(root).catalogue
    own = [s for s, ms in RETURNS.items() if any("police" in a for a in ms.values())]
    left = [s for s in RETURNS if s not in own]
    for section in own:
        assert f'id="sheet-{section}"' in html, section
    contents = html[html.index('id="contents-title"') : html.index("</nav>")]
    for section in left:
        assert f'id="sheet-{section}"' not in html
        assert catalogue.area(section).title in contents, f"the contents say {section} is left out"
    assert "returns none of their measures" in contents
    assert "All agencies (pooled)" in html, "its figures against the partnership's pooled figure"
    sheet = html[html.index('id="sheet-domestic-abuse"') :]
    sheet = _said(sheet[: sheet.index('<section class="page')])
    assert "Officers now record the children" in sheet, "its own part of the analysis"
    assert "Midwives and health visitors" not in sheet, "not another agency's part"
    assert "DA-1" in sheet and "DA-2" not in sheet, "its own actions only"
    assert "returns none of their measures" in _said(_text(folder / "report-book.pdf"))
    sector = _html(root / OUT / "2025-26-sector-health" / "report-book.html")
    assert "A book for the health sector: Ashcombe Health Trust" in _said(sector)


def test_the_event_pack_has_a_page_per_agency_with_its_overdue_actions(plan):
    root, _, _ = plan
    folder = root / OUT / "2025-26-event"
    overdue = [a for a in ACTIONS["actions"] if a["due"] < "2026-03-31"]
    assert overdue, "the demo has overdue actions"
    for text in (
        _said(_html(folder / "report-book.html")),
        _said(_text(folder / "report-book.pdf")),
    ):
        for member in MEMBERS:
            assert f"{member['name']}: main messages" in text
        # each agency's page: from its title (printed last on its page, after the
        # contents) to the next page's
        starts = sorted(text.rindex(f"{m['name']}: main messages") for m in MEMBERS)
        ends = [*starts[1:], text.index("Cross-cutting themes and risks", starts[-1])]
        pages = [text[a:b] for a, b in zip(starts, ends, strict=True)]
        for action in overdue:
            owner = NAMES[str(action["owner"])]
            page = next(p for p in pages if p.startswith(owner))
            assert action["id"] in page and "Overdue" in page, action["id"]
        assert "Cross-cutting themes and risks" in text
        assert "The programme's findings, financial year 2025-26" in text
        assert "External peer" in text, "the year's peer review, with its findings"
        # the first paragraph of the agency's analysis is its main message; the next is not
        assert "Officers now record the children present" in text
        assert "More incidents were referred on to the front door" not in text
    assert 'id="sheet-' not in _html(folder / "report-book.html"), "no sheets, only messages"


def test_turning_the_curve_shows_the_forecast_then_what_happened_against_it(plan):
    root, _, _ = plan
    baseline = _said(_html(root / OUT / "2024-25" / "report-book.html"))
    later = _said(_html(root / OUT / "2025-26" / "report-book.html"))
    title = "Turning the Curve: Families referred again for domestic abuse within 12 months"
    for text in (baseline, later):
        assert title in text
        assert "the straight-line trend of the 4 periods 2021-22 to 2024-25" in text
        assert "Safe and Together" in text, "what works, with its sources"
        assert "DA-2" in text and "DA-3" in text, "the action plan from the actions register"
    assert "Later books of this kind show what happened" in baseline
    assert re.search(
        r"2025-26: [\d.]+% against a forecast of [\d.]+% \([\d.]+% to [\d.]+%\)", later
    )
    pdf = _said(_text(root / OUT / "2025-26" / "report-book.pdf"))
    assert title in pdf and "against a forecast of" in pdf
    # after the measure's own sheet, and on the contents page
    html = _html(root / OUT / "2025-26" / "report-book.html")
    assert html.index('id="sheet-domestic-abuse"') < html.index('id="curve-da-repeat-referrals"')
    contents = html[html.index('id="contents-title"') : html.index("</nav>")]
    assert 'href="#curve-da-repeat-referrals"' in contents


def test_narrative_curve_freezes_the_forecast_from_the_built_book(plan, tmp_path):
    root, _, _ = plan
    started = run_cli(
        "narrative", "curve", "--area", AREA, "--period", "2025-26",
        "--measure", "da-victims-taken-seriously", "--method", "mean", cwd=root,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    path = root / "narrative" / AREA / "2025-26" / "da-victims-taken-seriously.curve.md"
    text = path.read_text(encoding="utf-8")
    assert "method: mean" in text and "period: 2026-27" in text and "made_from:" in text
    again = run_cli(
        "narrative", "curve", "--area", AREA, "--period", "2025-26",
        "--measure", "da-victims-taken-seriously", cwd=root,
    )  # fmt: skip
    assert again.returncode == 1 and "exists already" in again.stderr
    assert path.read_text(encoding="utf-8") == text, "never written over"
    unbuilt = run_cli(
        "narrative", "curve", "--area", AREA, "--period", "2023-24",
        "--measure", "da-repeat-referrals", cwd=root,
    )  # fmt: skip
    assert unbuilt.returncode == 1 and "build it first" in unbuilt.stderr
    path.unlink()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--agency", "fire"], "not a member agency of ashcombe-partnership"),
        (["--sector", "probation"], "no member agency of ashcombe-partnership is of that kind"),
        (["--theme", "no-such-sheet"], "--theme no-such-sheet"),
        (["--agency", "police", "--theme", "domestic-abuse"], "give one of --theme"),
    ],
)
def test_a_form_asked_for_wrongly_is_refused_in_words(workbook, args, said):
    done = run_cli("build", "--area", AREA, "--period", "2025-26", *args, cwd=workbook)
    assert done.returncode == 1 and said in done.stderr, done.stderr


def test_forms_a_period_or_an_area_cannot_have_are_refused_in_words(workbook):
    quarter = run_cli(
        "build", "--area", AREA, "--period", "2025-26-Q3", "--edition", "event", cwd=workbook
    )
    assert quarter.returncode == 1 and "give --period 2025-26" in quarter.stderr
    single = run_cli(
        "build", "--area", "amberleigh", "--period", "2025-26", "--agency", "police", cwd=workbook
    )
    assert single.returncode == 1 and "has no member agencies" in single.stderr
    # a quarter's book holds only the sheets of its priority measures
    themed = run_cli(
        "build", "--area", AREA, "--period", "2025-26-Q3", "--theme", "partnership-working",
        cwd=workbook,
    )  # fmt: skip
    assert themed.returncode == 1 and "give the year, --period 2025-26" in themed.stderr


def test_every_form_keeps_the_printed_and_accessible_book(plan, browser):
    root, _, _ = plan
    for form in ("theme-domestic-abuse", "agency-police", "event"):
        folder = root / OUT / f"2025-26-{form}"
        assert page_faults(folder / "report-book.pdf") == [], form
        report = pdfua_report(folder / "report-book.pdf")
        assert report["summary"]["findings"] == 0, (form, report["findings"])
        assert empty_headings(folder / "report-book.pdf") == [], form
        page = browser.new_page()
        page.goto((folder / "report-book.html").as_uri())
        bad = axe_violations(page)
        page.close()
        assert bad == [], (form, bad)


def test_forms_reuse_the_sheets_the_full_book_executed(plan):
    root, _, _ = plan
    again = run_cli("build", "--area", AREA, "--period", "2025-26", "--agency", "health", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "unchanged (re-rendered)" in again.stdout, "no sheet executed again"


def test_one_content_area_across_several_areas_with_each_areas_comparators(workbook, browser):
    done = run_cli(
        "build", "--areas", "amberleigh,larkhaven", "--period", "2025-26",
        "--theme", "front-door", cwd=workbook,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = workbook / "output" / "across" / "2025-26-theme-front-door" / "amberleigh+larkhaven"
    html = _html(folder / "report-book.html")
    for name in ("Amberleigh (fictitious)", "Larkhaven (fictitious)"):
        assert f"Children's social care front door: {name}" in html
    assert len(re.findall(r'<section class="page sheet" id="sheet-', html)) == 2
    comparison = html[html.index('id="across-areas"') :]
    comparison = comparison[: comparison.index("</table>")]
    assert comparison.count("Demo peer group:") >= 2 and "All demo areas:" in comparison
    # each area's own themed book was built on the way, its sheet re-used here
    assert (workbook / "output" / "amberleigh" / "2025-26-theme-front-door").is_dir()
    assert page_faults(folder / "report-book.pdf") == []
    page = browser.new_page()
    page.goto((folder / "report-book.html").as_uri())
    bad = axe_violations(page)
    page.close()
    assert bad == [], bad
    one = run_cli(
        "build", "--areas", "amberleigh", "--period", "2025-26", "--theme", "front-door",
        cwd=workbook,
    )  # fmt: skip
    assert one.returncode == 1 and "two or more areas" in one.stderr
