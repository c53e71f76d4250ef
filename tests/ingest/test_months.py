"""Quarters and years made from monthly returns: one rule per kind of measure, only
complete, never over a period the area returned, and always marked as made."""

import math

import pandas as pd
import pytest

from qareport.config.catalogue import load_catalogue
from qareport.config.parameters import Suppression
from qareport.config.periods import parse_period
from qareport.ingest.months import made_from_months
from qareport.sheet.measures import compute_values

MEASURES = load_catalogue(["core"]).measures
COUNT = "da-incidents-children"  # a count over the period
PERCENT = "assessments-timely"  # a percentage
RATE = "referrals-rate"  # per 10,000 children
STOCK = "lac-rate"  # children looked after at the end of the period


def _rows(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["area_code", "period", "measure_id", "numerator", "denominator"]
    )
    return frame.assign(
        agency="",
        team="",
        breakdown="",
        value=math.nan,
        marker="",
        note="",
        source_file="m.csv",
        source_row=1,
    )


def _months(code: str, measure: str, period: str, parts: list[tuple[float, float]]) -> list:
    months = parse_period(period).months()
    return [(code, m.label, measure, n, d) for m, (n, d) in zip(months, parts, strict=True)]


def _made(frame: pd.DataFrame, period: str, measure: str) -> pd.Series:
    found = made_from_months(frame, MEASURES)
    row = found[(found["period"] == period) & (found["measure_id"] == measure)]
    assert len(row) == 1, found
    return row.iloc[0]


@pytest.mark.parametrize(
    ("measure", "parts", "expected", "rule"),
    [
        (COUNT, [(3, math.nan), (5, math.nan), (4, math.nan)], (12, math.nan), "sum"),
        (PERCENT, [(8, 10), (9, 12), (5, 8)], (22, 30), "pooled"),
        (RATE, [(40, 50_000), (35, 50_000), (45, 50_400)], (120, 50_400), "rate"),
        (STOCK, [(330, 50_000), (340, 50_000), (350, 50_400)], (350, 50_400), "last"),
    ],
)
def test_a_quarter_is_made_by_the_measures_rule(measure, parts, expected, rule):
    frame = _rows(_months("DM01", measure, "2025-26-Q3", parts))
    row = _made(frame, "2025-26-Q3", measure)
    numerator, denominator = expected
    assert row["numerator"] == numerator and row["derived"] == rule
    assert (math.isnan(row["denominator"]) and math.isnan(denominator)) or row[
        "denominator"
    ] == denominator


def test_a_year_needs_all_twelve_months_and_a_quarter_all_three():
    year = [(float(n), 10.0) for n in range(1, 13)]
    frame = _rows(_months("DM01", PERCENT, "2025-26", year))
    made = made_from_months(frame, MEASURES)
    assert set(made["period"]) == {
        "2025-26",
        "2025-26-Q1",
        "2025-26-Q2",
        "2025-26-Q3",
        "2025-26-Q4",
    }
    assert _made(frame, "2025-26", PERCENT)["numerator"] == sum(range(1, 13))
    short = frame[frame["period"] != "2025-11"]  # one month missing
    made = made_from_months(short, MEASURES)
    assert set(made["period"]) == {"2025-26-Q1", "2025-26-Q2", "2025-26-Q4"}


def test_a_marked_or_empty_month_makes_nothing_rather_than_a_part_sum():
    frame = _rows(_months("DM01", COUNT, "2025-26-Q3", [(3, math.nan)] * 3))
    frame.loc[1, "marker"] = "[c]"
    assert made_from_months(frame, MEASURES).empty
    frame = _rows(_months("DM01", PERCENT, "2025-26-Q3", [(3, 10), (4, math.nan), (5, 10)]))
    assert made_from_months(frame, MEASURES).empty


def test_a_period_the_area_returned_is_never_replaced():
    rows = _months("DM01", COUNT, "2025-26-Q3", [(3, math.nan)] * 3)
    rows.append(("DM01", "2025-26-Q3", COUNT, 11.0, math.nan))  # its own quarter, not 9
    rows += _months("DM02", COUNT, "2025-26-Q3", [(1, math.nan)] * 3)
    made = made_from_months(_rows(rows), MEASURES)
    assert list(zip(made["area_code"], made["period"], strict=True)) == [("DM02", "2025-26-Q3")]


def test_made_figures_keep_their_rule_through_to_the_values():
    frame = _rows(_months("DM01", PERCENT, "2025-26-Q3", [(8, 10), (9, 12), (5, 8)]))
    both = pd.concat([frame.assign(derived=""), made_from_months(frame, MEASURES)])
    values = compute_values(both, MEASURES, Suppression(enabled=False))
    quarter = values[values["period"] == "2025-26-Q3"].iloc[0]
    assert quarter["derived"] == "pooled"
    assert quarter["value"] == pytest.approx(100 * 22 / 30)


def test_a_withheld_month_cannot_be_worked_out_from_its_quarter():
    """One small month withheld and the quarter shown: another month goes too."""
    frame = _rows(
        _months("DM01", COUNT, "2025-26-Q3", [(2, math.nan), (30, math.nan), (20, math.nan)])
    )
    frame = pd.concat([frame.assign(derived=""), made_from_months(frame, MEASURES)])
    values = compute_values(frame, MEASURES, Suppression(enabled=True, threshold=5))
    marker = dict(zip(values["period"], values["marker"], strict=True))
    assert marker["2025-10"] == "[c]"  # small: withheld
    assert marker["2025-12"] == "[c]"  # the smaller other month, withheld so 2 stays hidden
    assert marker["2025-11"] == "" and marker["2025-26-Q3"] == ""
