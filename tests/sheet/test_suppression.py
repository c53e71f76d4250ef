import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qareport.config.catalogue import load_catalogue
from qareport.config.parameters import Suppression
from qareport.sheet.measures import compute_values


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


def year_with_quarters(quarters, total=None, measure="da-incidents-children", area="A"):
    rows = [
        (area, f"2025-26-Q{q}", measure, n, math.nan, math.nan, "")
        for q, n in enumerate(quarters, start=1)
    ]
    rows.append(
        (
            area,
            "2025-26",
            measure,
            sum(quarters) if total is None else total,
            math.nan,
            math.nan,
            "",
        )
    )
    return frame(rows)


def test_a_single_withheld_quarter_takes_the_smallest_other_with_it():
    values = compute_values(year_with_quarters([3, 9, 7, 12]), MEASURES, Suppression())
    markers = dict(zip(values["period"], values["marker"], strict=True))
    assert markers == {
        "2025-26-Q1": "[c]",
        "2025-26-Q2": "",
        "2025-26-Q3": "[c]",
        "2025-26-Q4": "",
        "2025-26": "",
    }


def test_no_secondary_suppression_where_the_year_is_not_the_sum_of_its_quarters():
    values = compute_values(year_with_quarters([3, 9, 7, 12], total=12), MEASURES, Suppression())
    assert values["marker"].tolist().count("[c]") == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=4, max_size=4))
def test_no_small_count_survives_and_no_withheld_quarter_can_be_worked_out(quarters):
    values = compute_values(year_with_quarters(quarters), MEASURES, Suppression())
    shown = values[values["marker"] == ""]
    assert not shown["numerator"].between(1, 4).any(), "no count of 1 to 4 is shown"
    q = values[values["period"].str.contains("-Q")]
    total_shown = values.loc[values["period"] == "2025-26", "marker"].iloc[0] == ""
    withheld = (q["marker"] == "[c]").sum()
    assert not (total_shown and withheld == 1), "a lone withheld quarter would be derivable"
    primary = sum(1 <= n <= 4 for n in quarters)
    assert withheld == primary + (1 if total_shown and primary == 1 else 0), (
        "nothing else is withheld"
    )


def test_returns_of_several_agencies_pool_and_a_published_figure_stands_alone():
    """Known answers for pooling: numerators and denominators summed, a marker on any
    return withholds the pooled value, a publisher's figure is kept only for one return."""
    rate = "cp-repeat-plans"
    rows = frame(
        [
            ("A", "2025-26", rate, 12, 40, math.nan, ""),  # two agencies: pooled 30 of 100
            ("A", "2025-26", rate, 18, 60, math.nan, ""),
            ("B", "2025-26", rate, 12, 40, math.nan, ""),  # one of two returns is withheld
            ("B", "2025-26", rate, math.nan, 60, math.nan, "[x]"),
            ("C", "2025-26", rate, 11, 40, 27.4, ""),  # publisher's rounding of 27.5 stands
            ("D", "2025-26", rate, 11, 40, 27.4, ""),  # pooled: the published figure is dropped
            ("D", "2025-26", rate, 9, 40, math.nan, ""),
            ("E", "2025-26", rate, 0, 0, math.nan, ""),  # nothing to be a share of
            ("F", "2025-26", "da-incidents-children", 40, math.nan, math.nan, ""),
            ("F", "2025-26", "da-incidents-children", 2, math.nan, math.nan, ""),
        ]
    )
    got = compute_values(rows, MEASURES, Suppression(enabled=False)).set_index("area_code")
    assert list(got.index) == ["A", "B", "C", "D", "E", "F"], "one row per area, period, measure"
    assert (got.loc["A", "numerator"], got.loc["A", "denominator"]) == (30, 100)
    assert got.loc["A", "value"] == 30.0 and got.loc["A", "marker"] == ""
    assert got.loc["B", "marker"] == "[x]" and math.isnan(got.loc["B", "value"])
    assert got.loc["C", "value"] == 27.4
    assert got.loc["D", "value"] == 25.0
    assert got.loc["E", "marker"] == "[z]" and math.isnan(got.loc["E", "value"])
    assert got.loc["F", "value"] == 42
