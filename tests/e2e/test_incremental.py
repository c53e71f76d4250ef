"""Rebuilds: unchanged sheets are not executed again; narrative edits need no execution."""

import re

from helpers import DEMO_AREA, PERIOD
from qareport import BuildOptions, build_book


def test_rebuild_reuses_sheets_and_narrative_edits_render_without_execution(workbook):
    first = build_book(workbook, DEMO_AREA, PERIOD)
    assert first.reused == [] and len(first.executed) == 4
    figures = first.files["spreadsheet"]
    written = (figures.read_bytes(), figures.stat().st_mtime_ns)

    narrative = workbook / "narrative" / DEMO_AREA / PERIOD / "front-door.md"
    narrative.parent.mkdir(parents=True)
    narrative.write_text(
        "## Analysis\n\nRe-referrals fell for the **third** year.\n\n"
        "<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n"
        "## Actions\n\n- Audit 20 re-referred cases by March.\n",
        encoding="utf-8",
    )
    second = build_book(workbook, DEMO_AREA, PERIOD)
    assert second.executed == [] and len(second.reused) == 4
    # the same figures: the last build's spreadsheet is kept as it was, not written again
    assert (figures.read_bytes(), figures.stat().st_mtime_ns) == written
    html = second.html.read_text(encoding="utf-8")
    assert "Re-referrals fell for the <strong>third</strong> year." in html
    assert "Audit 20 re-referred cases by March." in html
    assert not re.search(r"<script\b", html, re.IGNORECASE)
    assert not re.search(r"href=[\"']?javascript:", html, re.IGNORECASE)
    assert "&lt;script&gt;alert" in html  # shown as text, inert

    (workbook / "parameters" / "defaults.yml").write_text(
        (workbook / "parameters" / "defaults.yml").read_text() + "\n# a comment changes the hash\n"
    )
    third = build_book(workbook, DEMO_AREA, PERIOD)
    assert len(third.executed) == 4, "a changed input re-executes the sheets"
    assert narrative.read_text(encoding="utf-8").startswith("## Analysis\n\nRe-referrals fell")

    forced = build_book(workbook, DEMO_AREA, PERIOD, BuildOptions(force=True))
    assert len(forced.executed) == 4
    assert figures.stat().st_mtime_ns != written[1], "--force writes every output again"
