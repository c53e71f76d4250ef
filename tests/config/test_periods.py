import pytest

from qareport import ParameterError, Period, parse_period, parse_periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-26", Period(2025)), ("2025-26-Q3", Period(2025, 3)), ("1999-00", Period(1999))],
)
def test_parses_years_and_quarters(text, expected):
    assert parse_period(text) == expected
    assert parse_period(text).label == text


@pytest.mark.parametrize(
    "text", ["2025/26", "2025-27", "2025", "2025-26-Q5", "26-27", "", "2025-13", "2025-00"]
)
def test_rejects_other_forms_with_the_expected_form_in_the_message(text):
    with pytest.raises(ParameterError, match=r"YYYY-YY|consecutive years"):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "year", "quarter", "title"),
    [
        ("2025-10", "2025-26", "2025-26-Q3", "October 2025"),
        ("2026-01", "2025-26", "2025-26-Q4", "January 2026"),
        ("2026-03", "2025-26", "2025-26-Q4", "March 2026"),
        ("2025-04", "2025-26", "2025-26-Q1", "April 2025"),
        ("2025-03", "2024-25", "2024-25-Q4", "March 2025"),
    ],
)
def test_months_belong_to_the_financial_year_and_quarter_they_fall_in(text, year, quarter, title):
    month = parse_period(text)
    assert (month.kind, month.label, month.title) == ("month", text, title)
    assert (month.year.label, month.quarter_period.label) == (year, quarter)
    assert month.edition == "monthly" and not month.is_quarter and not month.is_year


def test_a_label_that_reads_both_ways_is_the_financial_year():
    assert parse_period("2011-12").kind == "year"
    assert parse_period("2012-12").kind == "month"


def test_month_arithmetic_crosses_calendar_and_financial_years():
    assert parse_period("2025-11").shift(-12).label == "2024-11"  # same month last year
    labels = [p.label for p in parse_period("2026-02").history(4)]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert [p.label for p in parse_period("2025-26-Q4").months()] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert len(parse_period("2025-26").months()) == 12
    assert parse_period("2026-02").end_date.isoformat() == "2026-02-28"
    assert parse_period("2025-26-Q3").start_date.isoformat() == "2025-10-01"
    months = [parse_period(t) for t in ("2026-01", "2025-12", "2025-04", "2026-03")]
    assert [p.label for p in sorted(months)] == ["2025-04", "2025-12", "2026-01", "2026-03"]


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
        ("2025-11..2026-02", ["2025-11", "2025-12", "2026-01", "2026-02"]),
    ],
)
def test_several_periods_as_a_list_or_a_range(text, expected):
    assert [p.label for p in parse_periods(text)] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-26..2021-22", r"runs backwards; give the earlier period first \(2021-22..2025-26\)"),
        ("2024-25..2025-26-Q1", "mixes a year and a quarter"),
        ("2025-26-Q1..2025-10", "mixes a quarter and a month"),
        ("2024-25,2025/26", "YYYY-YY"),
        (" , ", "no period given"),
        ("1900-01-Q1..2025-26-Q4", "more than 400 periods"),
    ],
)
def test_bad_period_lists_say_what_to_give(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_periods(text)


def test_the_edition_follows_the_period_and_a_wrong_one_says_what_to_give():
    from qareport.config.periods import check_edition

    assert check_edition(parse_period("2025-11"), None) == "monthly"
    assert check_edition(parse_period("2025-11"), "monthly") == "monthly"
    with pytest.raises(ParameterError, match="monthly edition needs a period like 2025-10"):
        check_edition(parse_period("2025-26"), "monthly")
