"""Reviewer narrative: stubs, safe rendering, live figures, review status, actions, conflicts."""

from __future__ import annotations

from helpers import (
    DEMO_AREA,
    NARRATIVE,
    PERIOD,
    init_narrative,
    narrative_path,
    run_cli,
    set_analysis,
)
from qareport import Project
from qareport.book.actions import load_actions
from qareport.book.narrative import read_narrative


def test_init_creates_stubs_once_and_never_overwrites(workbook):
    init_narrative(workbook)
    sections = Project.open(workbook).area(DEMO_AREA).sections
    for section in sections:
        assert read_narrative(narrative_path(workbook, section)).status == "draft"
    assert (workbook / NARRATIVE / "story.md").is_file()
    assert load_actions(workbook / NARRATIVE / "actions.yml").actions == []
    set_analysis(narrative_path(workbook), "Our words, written once.")
    before = narrative_path(workbook).read_bytes()
    again = run_cli("narrative", "init", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert "nothing to do" in again.stdout
    assert narrative_path(workbook).read_bytes() == before
