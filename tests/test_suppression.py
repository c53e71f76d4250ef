import math

import pandas as pd

from qareport.catalogue import load_catalogue
from qareport.measures import compute_values
from qareport.parameters import Suppression


def frame(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "area_code",
            "period",
            "measure_id",
            "numerator",
            "denominator",
            "value",
            "marker",
        ],
    ).assign(agency="")


MEASURES = load_catalogue(["core"]).measures


def test_small_counts_and_percentages_built_on_them_are_withheld_zero_is_not():
    values = compute_values(
        frame(
            [
                ("A", "2025-26", "da-incidents-children", 3, math.nan, math.nan, ""),
                ("B", "2025-26", "da-incidents-children", 0, math.nan, math.nan, ""),
                ("C", "2025-26", "cp-repeat-plans", 4, 40, math.nan, ""),
                ("D", "2025-26", "cp-repeat-plans", 10, 40, math.nan, ""),
                ("E", "2025-26", "cp-repeat-plans", 0, 3, math.nan, ""),
            ]
        ),
        MEASURES,
        Suppression(),
    ).set_index("area_code")
    assert values.loc["A", "marker"] == "[c]" and math.isnan(values.loc["A", "value"])
    assert values.loc["B", "marker"] == "" and values.loc["B", "value"] == 0
    assert values.loc["C", "marker"] == "[c]"
    assert values.loc["D", "value"] == 25.0
    assert values.loc["E", "marker"] == "[c]", "a denominator below the threshold is withheld"


def test_suppression_off_shows_everything_and_threshold_is_configurable():
    rows = frame([("A", "2025-26", "da-incidents-children", 7, math.nan, math.nan, "")])
    assert compute_values(rows, MEASURES, Suppression(enabled=False))["value"].iloc[0] == 7
    assert compute_values(rows, MEASURES, Suppression(threshold=10))["marker"].iloc[0] == "[c]"


def test_markers_in_the_data_are_kept_never_turned_into_numbers():
    rows = frame([("A", "2025-26", "cp-repeat-plans", math.nan, 40, math.nan, "[x]")])
    result = compute_values(rows, MEASURES, Suppression())
    assert result["marker"].iloc[0] == "[x]" and math.isnan(result["value"].iloc[0])
