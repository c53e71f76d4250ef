"""The full framework and police demo books: every content area, and the information balance."""

from __future__ import annotations

import re

import pypdf
import pytest

from helpers import (
    copy_workbook,
    data_appendix_pages,
    empty_headings,
    overprinted,
    pdfua_report,
    run_cli,
    sheet_html,
    sheet_ids,
)
from qareport import build_book
from qareport.book.balance import information_balance
from qareport.config.project import Project
from qareport.demo.areas import FULL_FRAMEWORK_AREA, MISSING_ON_PURPOSE
from qareport.sheet.model import MeasureView

POLICE_FORCE = "northmarch-police"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = copy_workbook(tmp_path_factory.mktemp("framework") / "workbook")
    full = build_book(root, FULL_FRAMEWORK_AREA, "2025-26")
    police = build_book(root, POLICE_FORCE, "2025-26-Q4")
    return root, full, police


def test_full_framework_book_has_a_sheet_for_every_content_area(books):
    root, full, _ = books
    catalogue = Project.open(root).catalogue
    framework = [a for a in catalogue.content_areas if not a.startswith("police-")]
    html = full.html.read_text(encoding="utf-8")
    assert sheet_ids(html) == framework and len(framework) >= 17
    texts = [page.extract_text() for page in pypdf.PdfReader(full.pdf).pages]
    balance = _balance_page(texts)
    # cover, the board summary (75 rows run over pages), the balance page, a page per
    # sheet, the figures behind the charts, the appendix
    data_pages = data_appendix_pages(pypdf.PdfReader(full.pdf))
    assert len(texts) == balance + 1 + len(framework) + data_pages + 1
    # every page of the summary repeats its header row
    assert all(re.search(r"Measure\s+Trend\s+Latest", t) for t in texts[1:balance])


def _balance_page(texts: list[str]) -> int:
    """The index of the book's information-balance page (after the board summary)."""
    # the contents (on the cover) names it too: the page itself is the last that does
    return max(n for n, t in enumerate(texts) if "what we collect and what is missing" in t)


def test_police_book_has_the_nine_practice_areas(books):
    root, _, police = books
    catalogue = Project.open(root).catalogue
    practice = [
        a.id for a in catalogue.content_areas.values() if a.group == "Inspected practice areas"
    ]
    assert len(practice) == 9
    assert set(practice) <= set(sheet_ids(police.html.read_text(encoding="utf-8")))


@pytest.mark.parametrize("which", ["full", "police"])
def test_every_sheet_has_the_balance_panel_with_each_type_present(books, which):
    _, full, police = books
    result = full if which == "full" else police
    html = result.html.read_text(encoding="utf-8")
    for section in sheet_ids(html):
        sheet = sheet_html(html, section)
        assert f'id="sheet-{section}-balance">Information balance</h3>' in sheet
        for kind in ("Quantity", "Quality", "Outcome"):
            row = re.search(rf'<th scope="row">{kind}</th><td class="num">(\d+) of (\d+)', sheet)
            assert row and int(row.group(1)) >= 1, f"{section}: a {kind.lower()} measure with data"
    texts = [page.extract_text() for page in pypdf.PdfReader(result.pdf).pages]
    sheet_pages = [t for t in texts[_balance_page(texts) + 1 : -1] if "Data behind" not in t]
    assert all("Information balance" in text for text in sheet_pages)


def test_the_balance_page_lists_every_measure_left_without_data(books):
    root, full, police = books
    catalogue = Project.open(root).catalogue
    for result in (full, police):
        html = result.html.read_text(encoding="utf-8")
        page = html[html.index('id="balance"') : html.index('id="sheet-')]
        shown = set(
            re.findall(r'<th scope="row">([^<]+)</th><td>(?:quantity|quality|outcome)<', page)
        )
        chosen = {m for s in sheet_ids(html) for m in catalogue.area(s).measures}
        expected = {catalogue.measures[m].title for m in MISSING_ON_PURPOSE if m in chosen}
        assert expected and shown == expected
        texts = [page.extract_text() for page in pypdf.PdfReader(result.pdf).pages]
        text = texts[_balance_page(texts)]
        assert "Information balance" in text
        for title in expected:
            assert title.split()[0] in text


def test_audit_scores_from_the_childs_journey_feed_the_police_book(books):
    _, _, police = books
    sheet = sheet_html(police.html.read_text(encoding="utf-8"), "police-leadership")
    caption = sheet[sheet.index("Audited journeys judged child-centred") :]
    assert re.search(r"2025-26: <strong>\d+\.\d%</strong> \(\d+ of \d+\)", caption)
    assert "95% interval" in caption[:1500]


def _view(measure_id: str, kind: str, source: str, has_data: bool) -> MeasureView:
    return MeasureView(
        id=measure_id,
        title=measure_id.title(),
        type=kind,
        source=source,
        source_label=source,
        unit="percent",
        polarity="higher-is-better",
        latest_period="2025-26",
        latest="",
        numerator="",
        denominator="",
        peer="",
        national="",
        rank="",
        change="",
        judgement="",
        frequency="annual",
        has_data=has_data,
        series=[],
    )


def test_outcome_and_experience_gaps_are_said_in_words():
    mi = "management-information"
    balance = information_balance(
        [
            (
                "Sheet",
                [
                    _view("a", "quantity", mi, True),
                    _view("b", "outcome", mi, False),
                    _view("c", "quality", "children-parents-carers", False),
                ],
            )
        ]
    )
    assert balance.with_data == 1 and balance.chosen == 3
    assert [m.title for m in balance.missing] == ["B", "C"]
    assert any("No outcome measure has data" in g for g in balance.gaps)
    assert any("No experience measure" in g for g in balance.gaps)
    assert any("management information" in g for g in balance.gaps)
    assert dict((k, (n, t)) for k, n, t in balance.by_type)["Outcome"] == (0, 1)


def test_catalogue_commands_and_validate_name_a_dangling_measure(workbook):
    listing = run_cli("catalogue", "list", cwd=workbook)
    assert listing.returncode == 0
    assert "Antenatal support for vulnerable mothers" in listing.stdout
    assert "Children detained in custody" in listing.stdout
    shown = run_cli("catalogue", "show", "police-custody", cwd=workbook)
    assert shown.returncode == 0 and "Case records audit" in shown.stdout
    local = workbook / "ours.yml"
    local.write_text(
        "catalogue: ours\ncontent_areas:\n  - id: workforce\n    replaces: true\n"
        "    measures: [workforce-vacancy-rate, workforce-sickness]\n",
        encoding="utf-8",
    )
    defaults = workbook / "parameters" / "defaults.yml"
    defaults.write_text(
        defaults.read_text(encoding="utf-8").replace("- police\n", "- police\n- ours.yml\n"),
        encoding="utf-8",
    )
    checked = run_cli("validate", cwd=workbook)
    assert checked.returncode != 0
    assert "ours.yml: content_areas.workforce.measures: 'workforce-sickness'" in checked.stderr


def test_the_police_board_summary_flows_over_pages_with_nothing_overprinted(books):
    """45 summary rows over 14 sheets: the table breaks across pages, its header repeated,
    never printed over itself or the footer."""
    _, _, police = books
    assert overprinted(police.pdf) == []
    texts = [p.extract_text() for p in pypdf.PdfReader(police.pdf).pages]
    glance = next(n for n, t in enumerate(texts) if "Every measure with data." in t)
    end = glance
    while "At a glance (continued)" in texts[end + 1]:  # each page after headed so
        end += 1
    assert end > glance, "45 rows take more than one A3 page"
    assert "Board summary: " in texts[glance]  # its caption above it
    # the table's header row on every page it spans
    for n in range(glance, end + 1):
        assert re.search(r"Measure\s+Trend\s+Latest", texts[n]), n


@pytest.mark.parametrize("which", ["full", "police"])
def test_pdfua_finds_nothing_and_no_heading_is_empty(books, which):
    """pdfua's checks all pass. Its empty-heading check (UA-14-001) stops on our headings,
    whose content is an array of parts (a bug of pdfua 0.1.3's, not of the file): we make
    the same check ourselves, and fail if pdfua skips any other rule."""
    _, full, police = books
    pdf = full.pdf if which == "full" else police.pdf
    report = pdfua_report(pdf)
    assert report["summary"]["findings"] == 0, report["findings"]
    skipped = {s["rule_id"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) <= {"UA-14-001"}, skipped
    assert all("is_integer" in reason for reason in skipped.values()), skipped
    assert empty_headings(pdf) == []
