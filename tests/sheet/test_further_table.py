"""An analyst's table gets the sheet's disclosure control."""

import pandas as pd

from qareport.sheet.further import suppress_table


def test_small_whole_counts_are_withheld_and_zero_and_text_stay() -> None:
    frame = pd.DataFrame(
        {"Team": ["A", "B", "C", "D"], "Count": [0, 3, 5, 12], "Share": [0.5, 2.5, 40.0, None]}
    )
    columns, rows = suppress_table(frame, threshold=5)
    assert columns == ["Team", "Count", "Share"]
    assert [r[1] for r in rows] == ["0", "[c]", "5", "12"]
    # a share is not a count: 2.5 stays; a missing value is empty
    assert [r[2] for r in rows] == ["0.5", "2.5", "40", ""]
    _, open_rows = suppress_table(frame, threshold=None)  # disclosure control off
    assert [r[1] for r in open_rows] == ["0", "3", "5", "12"]
