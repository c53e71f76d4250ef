"""Known answers for the statistics every sheet relies on."""

import pytest

from qareport.sheet.stats import assurance, funnel_limits, variation, wilson_interval, xmr


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson score)
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_published_values(x, n, low, high):
    got = wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_rejects_impossible_input():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_xmr_limits_by_hand():
    values = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
    chart = xmr(values)
    # mean 11.5; moving ranges 2,1,2,1,1,1,2,1,2,1,1 -> mean 15/11; limits 11.5 ± 2.66 × 15/11
    assert chart.mean[0] == pytest.approx(11.5)
    assert chart.upper[0] == pytest.approx(11.5 + 2.66 * 15 / 11)
    assert chart.lower[0] == pytest.approx(11.5 - 2.66 * 15 / 11)
    assert not chart.trial and not any(chart.special)
    assert variation(chart, True) == "Common cause variation"


def test_trial_limits_with_fewer_than_twelve_points():
    assert xmr([1, 2, 3, 2, 1]).trial


def test_a_point_beyond_the_upper_limit_is_special_cause_improvement_or_concern():
    values = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11, 20]
    chart = xmr(values)
    assert chart.beyond == [False] * 12 + [True]
    assert variation(chart, True) == "Special cause variation: improvement (higher)"
    assert variation(chart, False) == "Special cause variation: concern (higher)"
    assert variation(chart, None) == "Special cause variation: higher"


def test_run_of_seven_below_the_mean():
    values = [12, 11, 12, 13, 12, 11, 12, 13, 12, 11, 12, 13] + [11.8] * 7
    chart = xmr(values)
    assert chart.run[-7:] == [True] * 7 and not any(chart.run[:12])
    assert variation(chart, False) == "Special cause variation: improvement (lower)"


def test_trend_of_six_rising_points_and_not_five():
    base = [12, 11, 12, 13, 12, 11, 12, 13, 12, 11, 12, 13]
    six = xmr([*base, 10, 10.5, 11, 11.5, 12, 12.5])  # 13 -> 10 falls; then six rising points
    assert six.trend[-6:] == [True] * 6
    five = xmr([*base, 10, 10.5, 11, 11.5, 12])
    assert not any(five.trend[-5:])


def test_two_of_three_near_a_limit():
    base = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]
    chart = xmr(base)
    near_high = chart.mean[0] + 0.8 * (chart.upper[0] - chart.mean[0])
    flagged = xmr([*base, near_high, 11.5, near_high])
    assert flagged.near[-3] and flagged.near[-1] and not flagged.near[-2]


def test_limits_are_recalculated_at_a_change_point():
    values = [10, 11, 10, 11, 10, 11, 30, 31, 30, 31, 30, 31]
    chart = xmr(values, change_points=[6])
    assert chart.mean[0] == pytest.approx(10.5) and chart.mean[-1] == pytest.approx(30.5)
    assert not any(chart.beyond)


def test_assurance_compares_the_target_with_the_limits():
    chart = xmr([80, 82, 81, 83, 82, 81, 80, 82, 83, 81, 82, 81])
    assert assurance(chart, 75, True) == "Consistently passing the target"
    assert assurance(chart, 90, True) == "Consistently failing the target"
    assert assurance(chart, 81, True).startswith("Hit and miss")
    assert assurance(chart, None, True) == "No target set"


def test_funnel_limits_narrow_as_the_base_grows_and_bracket_the_centre():
    limits = funnel_limits([20, 30, 50], [100, 100, 200], [10, 100, 1000])
    assert limits.centre == pytest.approx(0.25)
    widths = [h - lo for lo, h in zip(limits.lower95, limits.upper95, strict=True)]
    assert widths[0] > widths[1] > widths[2]
    for lo95, hi95, lo998, hi998 in zip(
        limits.lower95, limits.upper95, limits.lower998, limits.upper998, strict=True
    ):
        assert lo998 <= lo95 < 0.25 < hi95 <= hi998
    # at n = 100 the 95% limits are the Wilson interval of 25 out of 100
    assert (limits.lower95[1], limits.upper95[1]) == pytest.approx(wilson_interval(25, 100))


def test_poisson_limits_for_a_rate_known_answer():
    # 100 events in 10,000 people twice: centre 0.01; at n = 10,000 the standard error is
    # sqrt(0.01 / 10,000) = 0.001, so 95% limits are 0.01 -/+ 1.959964 * 0.001
    limits = funnel_limits([100, 100], [10_000, 10_000], [10_000, 100], "poisson")
    assert limits.centre == pytest.approx(0.01)
    assert limits.lower95[0] == pytest.approx(0.01 - 0.0019600, abs=1e-6)
    assert limits.upper95[0] == pytest.approx(0.01 + 0.0019600, abs=1e-6)
    assert limits.upper998[0] == pytest.approx(0.01 + 3.090232 * 0.001, abs=1e-6)
    # at n = 100 the lower limit would be negative: a rate cannot be, so it stops at 0
    assert limits.lower95[1] == 0.0
    assert limits.upper95[1] == pytest.approx(0.01 + 0.0195996, abs=1e-6)


def test_a_pool_above_one_per_unit_has_poisson_limits_but_no_binomial_ones():
    # average caseload: 580 cases over 40 FTE is 14.5 per worker
    limits = funnel_limits([300, 280], [20, 20], [20], "poisson")
    assert limits.centre == pytest.approx(14.5) and limits.upper95[0] > 14.5
    with pytest.raises(ValueError, match="between 0 and 1"):
        funnel_limits([300, 280], [20, 20], [20], "binomial")


def test_each_unit_has_its_stated_funnel_method():
    from qareport.config.catalogue import Measure

    base = {
        "id": "m",
        "title": "M",
        "type": "quantity",
        "source": "case-records",
        "polarity": "no-direction",
    }
    assert Measure(**base, unit="percent").funnel_method == "binomial"
    assert Measure(**base, unit="rate", per=10_000).funnel_method == "poisson"
    assert Measure(**base, unit="rate", per=1).funnel_method == "none"
    assert Measure(**base, unit="rate", per=1, funnel="poisson").funnel_method == "poisson"
    assert Measure(**base, unit="count").funnel_method == "none"
