"""Reviewer narrative: stubs, safe rendering, live figures, review status, actions, conflicts."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pypdf
import pytest

from helpers import (
    DEMO_AREA,
    NARRATIVE,
    PERIOD,
    init_narrative,
    narrative_path,
    run_cli,
    set_analysis,
)
from qareport import NarrativeConflict, NarrativeError, Project, build_book
from qareport.book.actions import load_actions
from qareport.book.narrative import read_narrative

HOSTILE = (
    "Figures: {{ measure:re-referrals-12m }}.\n\n<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and **bold**"
)


def test_narrative_is_rendered_safely_and_cites_live_figures(workbook):
    init_narrative(workbook)
    set_analysis(narrative_path(workbook), HOSTILE)
    result = build_book(workbook, DEMO_AREA, PERIOD)
    html = result.html.read_text(encoding="utf-8")
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<img[^>]*onerror", html, re.I)
    assert not re.search(r"href=[\"']?javascript:", html, re.I)
    assert "&lt;script&gt;alert" in html and "<strong>bold</strong>" in html
    sheet = html.split('id="sheet-front-door"')[1]
    latest = re.search(
        r"Re-referrals within 12 months</span>.*?<strong>([^<]+)</strong>", sheet, re.S
    ).group(1)
    assert f"Figures: {latest}." in html
    pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(result.pdf).pages)
    assert f"Figures: {latest}." in pdf_text
    assert "<script>alert('x')</script>" in pdf_text  # shown as text, never run


def test_an_unknown_placeholder_names_file_and_line(workbook):
    init_narrative(workbook)
    set_analysis(narrative_path(workbook), "First line.\n\nSee {{ measure:no-such-measure }}.")
    with pytest.raises(NarrativeError, match=r"front-door\.md line \d+: \{\{ measure:no-such"):
        build_book(workbook, DEMO_AREA, PERIOD)
    assert not (workbook / "output" / DEMO_AREA).exists()


def test_approval_shows_on_the_sheet_and_a_changed_cited_figure_flags_re_review(workbook):
    init_narrative(workbook)
    sections = Project.open(workbook).area(DEMO_AREA).sections
    set_analysis(narrative_path(workbook), "Now {{ measure:re-referrals-12m }}.")
    build_book(workbook, DEMO_AREA, PERIOD)
    for section in sections:
        reviewed = run_cli(
            "narrative",
            "review",
            "--area",
            DEMO_AREA,
            "--period",
            PERIOD,
            "--section",
            section,
            "--reviewer",
            "Sam Jones",
            *([] if section == "front-door" else ["--nothing-written"]),
            cwd=workbook,
        )
        assert reviewed.returncode == 0, reviewed.stderr
    html = build_book(workbook, DEMO_AREA, PERIOD).html.read_text(encoding="utf-8")
    assert "Approved by Sam Jones on" in html
    assert "DRAFT" not in html, "a book whose sheets are all approved is not a draft"

    # the published figure behind the cited measure is revised
    returns = workbook / "data" / "demo" / "measure-returns.csv"
    lines = returns.read_text().splitlines()
    index = next(
        i for i, line in enumerate(lines) if line.startswith(f"DM12,{PERIOD},re-referrals-12m,")
    )
    code, period, measure, numerator, denominator, note = lines[index].split(",")
    lines[index] = ",".join([code, period, measure, str(int(numerator) + 9), denominator, note])
    returns.write_text("\n".join(lines) + "\n")
    result = build_book(workbook, DEMO_AREA, PERIOD)
    html = result.html.read_text(encoding="utf-8")
    assert "Re-review needed: figures cited in the text have changed" in html
    assert html.count("DRAFT") >= 7, "a sheet needing re-review makes the book a draft again"
    assert "SYNTHETIC" in pypdf.PdfReader(result.pdf).pages[3].extract_text()


def test_carry_forward_overdue_and_done_actions(workbook):
    init_narrative(workbook)
    (workbook / NARRATIVE / "actions.yml").write_text(
        "actions:\n"
        "  - {id: A1, section: front-door, text: Audit re-referrals, owner: Head of service,"
        " due: '2025-12-31', status: open, raised: 2025-26}\n"
        "  - {id: A2, section: front-door, text: New threshold guide, owner: Manager,"
        " due: '2026-09-30', status: in progress, raised: 2025-26}\n"
        "  - {id: A3, section: domestic-abuse, text: Train staff, owner: Lead,"
        " due: '2025-10-01', status: done, raised: 2024-25}\n"
        "  - {id: A4, section: domestic-abuse, text: Old work, owner: Lead,"
        " due: '2024-10-01', status: done, raised: 2023-24, closed: 2024-25}\n"
    )
    html = build_book(workbook, DEMO_AREA, PERIOD).html.read_text(encoding="utf-8")
    assert re.search(r'<tr class="overdue"><th scope="row">A1</th>', html)
    assert "<strong>Overdue (open)</strong>" in html
    assert not re.search(r'<tr class="overdue"><th scope="row">A2</th>', html)
    summary = html.split('id="summary"')[1].split("</table>")[0]
    # each sheet's heading row in the board summary counts its open and overdue actions
    assert re.search(r"Review: [^<]+\. 2 open actions, 1 overdue\.", summary)

    moved = run_cli(
        "new-period", "--from", PERIOD, "--to", "2026-27", "--area", DEMO_AREA, cwd=workbook
    )
    assert moved.returncode == 0, moved.stderr
    carried = load_actions(workbook / "narrative" / DEMO_AREA / "2026-27" / "actions.yml")
    by_id = {a.id: a for a in carried.actions}
    assert set(by_id) == {"A1", "A2", "A3"}, "finished actions stay visible for one period only"
    assert by_id["A3"].closed == PERIOD and by_id["A1"].status == "open"
    assert (workbook / "narrative" / DEMO_AREA / "2026-27" / "front-door.md").is_file()
    register = workbook / "narrative" / DEMO_AREA / "2026-27" / "actions.yml"
    before = register.read_bytes()
    again = run_cli(
        "new-period", "--from", PERIOD, "--to", "2026-27", "--area", DEMO_AREA, cwd=workbook
    )
    assert again.returncode == 0, again.stderr  # run twice: nothing carried twice or lost
    assert "already holds A1: left as it is there" in again.stdout
    assert register.read_bytes() == before


def pair(workbook: Path, section: str = "front-door") -> Path:
    """What a reviewer's JupyterLab does when the narrative is paired with a notebook."""
    md = narrative_path(workbook, section)
    notebook = md.with_suffix(".ipynb")
    jupytext.write(jupytext.read(md), notebook, fmt="ipynb")
    return notebook


def edit_notebook(notebook: Path, text: str) -> None:
    nb = jupytext.read(notebook)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## Analysis" in cell.source:
            cell.source = re.sub(
                r"(## Analysis\n)(.*?)(\n## Actions|\Z)",
                lambda m: f"{m.group(1)}\n{text}\n{m.group(3)}",
                cell.source,
                flags=re.S,
            )
    jupytext.write(nb, notebook, fmt="ipynb")


def test_notebook_edits_reach_the_file_and_the_book(workbook):
    init_narrative(workbook)
    notebook = pair(workbook)
    build_book(workbook, DEMO_AREA, PERIOD)
    edit_notebook(notebook, "Written in JupyterLab.")
    html = build_book(workbook, DEMO_AREA, PERIOD).html.read_text(encoding="utf-8")
    assert "Written in JupyterLab." in html
    assert read_narrative(narrative_path(workbook)).part("analysis") == "Written in JupyterLab."


def test_a_conflicting_edit_stops_the_build_names_both_and_changes_nothing(workbook):
    init_narrative(workbook)
    notebook = pair(workbook)
    first = build_book(workbook, DEMO_AREA, PERIOD)
    book_before = first.html.read_bytes()
    set_analysis(narrative_path(workbook), "Edited in the file.")
    edit_notebook(notebook, "Edited in the notebook.")
    before = (narrative_path(workbook).read_bytes(), notebook.read_bytes())
    with pytest.raises(NarrativeConflict) as caught:
        build_book(workbook, DEMO_AREA, PERIOD)
    assert str(narrative_path(workbook)) in str(caught.value)
    assert str(notebook) in str(caught.value)
    assert (narrative_path(workbook).read_bytes(), notebook.read_bytes()) == before
    assert first.html.read_bytes() == book_before


def test_words_typed_anywhere_reach_the_html_and_the_pdf_and_odd_files_are_warned(workbook):
    """Text under the title, under a heading of the reviewer's own, and under a heading that
    editing left empty: all three in both outputs. A file named for no sheet, and a huge
    paste, are warned about (the build still succeeds)."""
    init_narrative(workbook)
    path = narrative_path(workbook)
    text = path.read_text()
    text = re.sub(r"^(# .*)$", r"\1\n\nTyped under the title wordone.", text, count=1, flags=re.M)
    text = text.replace("## Actions", "## \n\nUnder an emptied heading wordtwo.\n", 1)
    text += "\n## Next steps\n\nUnder our own heading wordthree.\n\n1. first step\n2. second step\n"
    path.write_text(text)
    (workbook / NARRATIVE / "front_door.md").write_text("## Analysis\n\nMisnamed.\n")
    (workbook / NARRATIVE / "story.md").write_text(
        "## Children and young people\n\n" + "x " * 15_000
    )
    result = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert any(
        "front_door.md is named for no sheet" in w and "front-door.md" in w for w in warnings
    )
    assert any("story.md has 29,999 characters" in w for w in warnings)
    book = workbook / "output" / DEMO_AREA / PERIOD
    html = (book / "report-book.html").read_text()
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(book / "report-book.pdf").pages)
    pdf = " ".join(pdf.split())
    for words in ("wordone", "wordtwo", "wordthree", "Next steps", "first step"):
        assert words in html, words
        assert words in pdf, words
    assert "<ol>" in html
