"""Each agency's own part of a partnership sheet's analysis, found by its heading."""

from __future__ import annotations

from qareport.book.agency_words import agency_parts, first_paragraph
from qareport.config.parameters import Member

MEMBERS = [
    Member(id="police", name="Ashcombe Police", kind="police"),
    Member(id="health", name="Ashcombe Health Trust", kind="health"),
]


def test_shared_text_then_each_agencys_part_by_name_or_id():
    text = (
        "Shared opening.\n\n### Ashcombe Police\n\nPolice words.\n\nMore police.\n\n"
        "### health: what we see\n\nHealth words.\n"
    )
    shared, parts = agency_parts(text, MEMBERS)
    assert shared == "Shared opening."
    assert parts["police"].startswith("### Ashcombe Police") and "More police." in parts["police"]
    assert parts["health"].endswith("Health words.")


def test_a_heading_naming_no_agency_ends_an_agencys_part_at_its_level_only():
    text = (
        "### ASHCOMBE POLICE\n\nOurs.\n\n#### Detail\n\nStill ours.\n\n"
        "### Next steps for everyone\n\nShared again.\n"
    )
    shared, parts = agency_parts(text, MEMBERS)
    assert "Still ours." in parts["police"] and "#### Detail" in parts["police"]
    assert "Shared again." in shared and "Next steps" in shared


def test_text_with_no_agency_heading_is_all_shared_and_code_is_not_read_as_headings():
    text = "One.\n\n```\n### Ashcombe Police\n```\n\nTwo.\n"
    shared, parts = agency_parts(text, MEMBERS)
    assert parts == {} and "### Ashcombe Police" in shared


def test_the_first_paragraph_is_the_main_message():
    assert first_paragraph("### Ashcombe Police\n\nFirst line\ngoes on.\n\nSecond.") == (
        "First line\ngoes on."
    )
    assert first_paragraph("### Heading only\n") == ""
