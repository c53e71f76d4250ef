import pytest

from qareport import ParameterError, Period, parse_period, parse_periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-26", Period(2025)), ("2025-26-Q3", Period(2025, 3)), ("1999-00", Period(1999))],
)
def test_parses_years_and_quarters(text, expected):
    assert parse_period(text) == expected
    assert parse_period(text).label == text


@pytest.mark.parametrize("text", ["2025/26", "2025-27", "2025", "2025-26-Q5", "26-27", ""])
def test_rejects_other_forms_with_the_expected_form_in_the_message(text):
    with pytest.raises(ParameterError, match=r"YYYY-YY|consecutive years"):
        parse_period(text)


def test_quarter_history_crosses_year_boundaries():
    labels = [p.label for p in parse_period("2025-26-Q2").history(4)]
    assert labels == ["2024-25-Q3", "2024-25-Q4", "2025-26-Q1", "2025-26-Q2"]


def test_same_quarter_last_year_and_dfe_years():
    assert parse_period("2025-26-Q3").shift(-4).label == "2024-25-Q3"
    assert Period.from_year_ending_march(2025).label == "2024-25"
    assert parse_period("2025-26-Q3").title == "2025-26 quarter 3 (Oct-Dec)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-25,2025-26", ["2024-25", "2025-26"]),
        ("2021-22..2024-25", ["2021-22", "2022-23", "2023-24", "2024-25"]),
        ("2024-25-Q3..2025-26-Q2", ["2024-25-Q3", "2024-25-Q4", "2025-26-Q1", "2025-26-Q2"]),
        ("2025-26, 2023-24..2024-25, 2025-26", ["2025-26", "2023-24", "2024-25"]),
        ("2025-26..2025-26", ["2025-26"]),
    ],
)
def test_several_periods_as_a_list_or_a_range(text, expected):
    assert [p.label for p in parse_periods(text)] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-26..2021-22", r"runs backwards; give the earlier period first \(2021-22..2025-26\)"),
        ("2024-25..2025-26-Q1", "mixes a year and a quarter"),
        ("2024-25,2025/26", "YYYY-YY"),
        (" , ", "no period given"),
        ("1900-01-Q1..2025-26-Q4", "more than 400 periods"),
    ],
)
def test_bad_period_lists_say_what_to_give(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_periods(text)
