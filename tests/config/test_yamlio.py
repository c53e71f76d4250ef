"""Every YAML file qareport reads: a key given twice, an alias or a tab is refused by line."""

from __future__ import annotations

import pytest

from qareport.config.yamlio import load_yaml_text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "code: DM01\npeer_group: [DM02]\npeer_group: [DM03]\n",
            r"f\.yml line 3: key 'peer_group' is given twice \(first on line 2\)",
        ),
        ("actions:\n  - id: A1\nactions:\n  - id: A2\n", r"line 3: key 'actions' is given twice"),
        ("a:\n  b: 1\n  b: 2\n", r"line 3: key 'b' is given twice"),
        ("a: &x [1, 2]\nb: *x\n", r"f\.yml line 2: YAML aliases \(\*x\) are not accepted"),
        ("a:\n\tb: 1\n", r"line 2, column 1: not valid YAML .*indent with spaces, not tabs"),
    ],
)
def test_ambiguous_yaml_is_refused_naming_file_and_line(text, message):
    with pytest.raises(ValueError, match=message):
        load_yaml_text(text, "f.yml")


def test_an_alias_bomb_is_refused_at_once():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(ValueError, match=r"bomb\.yml line 2: YAML aliases \(\*a0\)"):
        load_yaml_text("\n".join(levels) + "\n", "bomb.yml")


def test_dates_stay_text_and_plain_yaml_still_loads():
    assert load_yaml_text("due: 2025-03-31\nperiod: 2025-26\nn: 3\n", "f.yml") == {
        "due": "2025-03-31",
        "period": "2025-26",
        "n": 3,
    }
