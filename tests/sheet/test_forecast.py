"""The Turning the Curve forecast: known answers worked by hand."""

from __future__ import annotations

import pytest

from qareport.sheet.forecast import forecast, method_sentence, t975


def test_a_straight_line_is_carried_on_exactly_with_no_spread():
    made = forecast([10, 12, 14, 16, 18], 3)
    assert made.values == pytest.approx((20, 22, 24))
    assert made.lower == pytest.approx(made.values) and made.upper == pytest.approx(made.values)
    assert made.fitted == 5 and made.method == "linear"


def test_a_linear_forecast_and_its_prediction_interval_by_hand():
    # x = 0..3, y = 3, 5, 4, 6: slope 4/5 = 0.8, intercept 4.5 - 0.8 * 1.5 = 3.3;
    # residuals -0.3, 0.9, -0.9, 0.3: SSE 1.8, s = sqrt(1.8 / 2);
    # at x0 = 4: 3.3 + 3.2 = 6.5, se = s * sqrt(1 + 1/4 + 2.5^2 / 5) = sqrt(0.9 * 2.5) = 1.5;
    # t(2) = 4.303, so 6.5 +/- 6.4545
    made = forecast([3, 5, 4, 6], 2)
    assert made.values[0] == pytest.approx(6.5)
    assert made.lower[0] == pytest.approx(6.5 - 4.303 * 1.5)
    assert made.upper[0] == pytest.approx(6.5 + 4.303 * 1.5)
    # at x0 = 5: 7.3, se = sqrt(0.9) * sqrt(1.25 + 3.5^2 / 5) = sqrt(0.9 * 3.7)
    assert made.values[1] == pytest.approx(7.3)
    assert made.upper[1] - 7.3 == pytest.approx(4.303 * (0.9 * 3.7) ** 0.5)


def test_a_mean_forecast_for_a_stable_process_by_hand():
    # mean 5, sd sqrt(2 / 3); t(3) = 3.182; half width 3.182 * sd * sqrt(1 + 1/4)
    made = forecast([4, 6, 5, 5], 2, method="mean")
    half = 3.182 * (2 / 3) ** 0.5 * 1.25**0.5
    assert made.values == pytest.approx((5, 5))
    assert made.lower == pytest.approx((5 - half, 5 - half))
    assert made.upper == pytest.approx((5 + half, 5 + half))


def test_a_percentage_stays_between_0_and_100_and_a_count_at_0_or_more():
    rising = forecast([90, 94, 98], 2, unit="percent")
    assert max(rising.upper) == 100 and max(rising.values) == 100
    falling = forecast([10, 5, 1], 2, unit="count")
    assert min(falling.values) == 0 and min(falling.lower) == 0


def test_too_short_a_history_is_refused_in_words():
    with pytest.raises(ValueError, match="at least 3 past periods"):
        forecast([1, 2], 1)
    with pytest.raises(ValueError, match="at least 2 past periods"):
        forecast([1], 1, method="mean")


def test_t_quantiles_are_the_published_ones():
    assert t975(1) == 12.706 and t975(2) == 4.303 and t975(10) == 2.228 and t975(30) == 2.042
    assert t975(1000) == 1.96
    with pytest.raises(ValueError):
        t975(0)


def test_the_method_is_said_in_words():
    said = method_sentence("linear", 5, "2020-21", "2024-25")
    assert "straight-line trend of the 5 periods 2020-21 to 2024-25" in said
    assert "95% prediction interval" in said
    assert "mean of the 4 periods" in method_sentence("mean", 4, "2021-22", "2024-25")
