"""A story sheet per section: written beside the sheet's narrative, shown right after it."""

from __future__ import annotations

import re

from qareport import Project
from qareport.book.assemble import assemble_book
from qareport.book.workflow import init_narrative
from qareport.config.periods import parse_period
from qareport.ingest.store import open_store
from qareport.render.html import render_html
from qareport.render.typst_pdf import typst_source, write_chart_images
from qareport.sheet.build import build_sheet

AREA, PERIOD = "amberleigh", "2025-26"
ACCOUNT = "A parent said the first call was answered the same day."


def _book(root):
    project = Project.open(root)
    area = project.area(AREA)
    when = parse_period(PERIOD)
    sheets = [
        build_sheet(root, area.id, when.label, s, charts=False)
        for s in project.book_sections(area, when)
    ]
    return assemble_book(project, area, when, sheets, built_at="test")


def test_a_section_story_shows_right_after_its_sheet_on_screen_and_paper(workbook, tmp_path):
    project = Project.open(workbook)
    open_store(project)
    created = init_narrative(project, AREA, PERIOD)
    story = workbook / "narrative" / AREA / PERIOD / "story-front-door.md"
    assert story in created
    stub = story.read_text(encoding="utf-8")
    assert "consent" in stub and "anonymise" in stub  # the reminder in every stub
    # stubs alone show nothing
    assert all(page.story is None for page in _book(workbook).sheets)

    story.write_text(
        stub.replace("## Parents and carers\n\n", f"## Parents and carers\n\n{ACCOUNT}\n\n", 1),
        encoding="utf-8",
    )
    book = _book(workbook)
    html = render_html(book)
    order = re.findall(r'<section class="page[^"]*" id="([^"]+)"', html)
    at = order.index("sheet-front-door")
    assert order[at + 1] == "story-front-door"
    assert [o for o in order if o.startswith("story")] == ["story-front-door"]
    start = html.index('id="story-front-door"')
    assert ACCOUNT in html[start : html.index("</section>\n</section>", start)]
    assert "Story sheet written." in html[: html.index('id="balance"')]  # in the summary
    assert "No story sheet yet." in html[: html.index('id="balance"')]

    source = typst_source(book, write_chart_images(book, tmp_path))
    front = source.index('#heading(level: 2, "Children\'s social care front door")')
    told = source.index(ACCOUNT)
    after = source.index('#heading(level: 2, "Domestic abuse")')
    assert front < source.index("Story sheet: Children's social care front door") < told < after


def test_a_sheets_story_file_is_told_apart_from_the_sheet_in_a_file_browser(workbook):
    """JupyterLab cuts long names short ("cp-cin-planning…" for both): the story sheet is
    story-<section>.md; a file by the older name <section>.story.md is still read."""
    from helpers import run_cli

    done = run_cli("narrative", "init", "--area", AREA, "--period", PERIOD, cwd=workbook)
    assert done.returncode == 0, done.stderr
    folder = workbook / "narrative" / AREA / PERIOD
    assert (folder / "story-front-door.md").is_file() and (folder / "front-door.md").is_file()
    assert not list(folder.glob("*.story.md"))
    older = folder / "front-door.story.md"  # as an older qareport named it
    (folder / "story-front-door.md").rename(older)
    older.write_text(older.read_text() + f"\n{ACCOUNT}\n", encoding="utf-8")
    open_store(Project.open(workbook))
    page = next(p for p in _book(workbook).sheets if p.data.section_id == "front-door")
    assert page.story is not None and ACCOUNT in str(page.story.parts)
