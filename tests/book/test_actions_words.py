"""`actions.yml` is written by reviewers: its mistakes are said in plain words, on the line
where they are, naming the action; the register's words are read as a person means them."""

from __future__ import annotations

import pytest

from qareport.book.actions import load_actions
from qareport.errors import NarrativeError

GOOD = (
    "- id: FD-1\n  section: front-door\n  text: Audit ten cases\n  owner: Head of Service\n"
    '  due: "2026-03-31"\n  raised: 2025-26\n'
)


def _load(tmp_path, text: str):
    path = tmp_path / "actions.yml"
    path.write_text("actions:\n" + text)
    return load_actions(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GOOD.replace("Audit ten cases", "Review: audit ten cases"),
         r"line 4, column \d+: .*a colon followed by a space .* double quotes"),
        (GOOD.replace("Audit ten cases", '"Audit ten cases') + GOOD.replace("FD-1", "FD-2"),
         r"line 4 opens a quote it does not close"),
        (GOOD + GOOD.replace("- id: FD-1\n  section", "- section"),
         r"line 8: action 2 has no `id:`; every action needs id, section"),
        (GOOD.replace("FD-1", "FD 1"), r"line 2: action 'FD 1' has `id: FD 1`; an id is letters"),
        (GOOD.replace("front-door", "Front Door"),
         r"line 3: action 'FD-1' has `section: Front Door`; a section is a sheet's id"),
        (GOOD + "  status: finished\n",
         r"line 8: action 'FD-1' has `status: finished`; status is open, in progress, done"),
        (GOOD + "  colour: red\n", r"line 8: action 'FD-1' has `colour:`, which an action"),
    ],
)  # fmt: skip
def test_mistakes_are_said_in_plain_words_on_their_line(tmp_path, text, words):
    with pytest.raises(NarrativeError, match=words) as caught:
        _load(tmp_path, text)
    for jargon in ("Field required", "should match pattern", "Input should be", "extra_forbidden"):
        assert jargon not in str(caught.value)


@pytest.mark.parametrize("written", ["Open", "OPEN", " open ", "In Progress", "in-progress"])
def test_a_status_is_read_as_meant_whatever_its_case(tmp_path, written):
    register = _load(tmp_path, GOOD + f"  status: {written}\n")
    assert register.actions[0].status in ("open", "in progress")


def test_a_quoted_colon_in_the_text_is_fine(tmp_path):
    register = _load(tmp_path, GOOD.replace("Audit ten cases", '"Review: audit ten cases"'))
    assert register.actions[0].text == "Review: audit ten cases"
