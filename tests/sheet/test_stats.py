"""Known answers for the statistics every sheet relies on."""

import pytest

from qareport.sheet.stats import (
    assurance_code,
    funnel_limits,
    variation_code,
    wilson_interval,
    xmr,
)


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


# A stable baseline: mean 11.5, moving ranges 2,1,2,1,1,1,2,1,2,1,1 (mean 15/11), so the
# limits are 11.5 +/- 2.66 x 15/11 = 7.873 and 15.127, and two sigma (two-thirds of the way
# to a limit) is 11.5 +/- 2.418 = 9.082 and 13.918.
BASE = [10, 12, 11, 13, 12, 11, 10, 12, 13, 11, 12, 11]


def test_xmr_limits_by_hand():
    chart = xmr(BASE)
    assert chart.mean[0] == pytest.approx(11.5)
    assert chart.upper[0] == pytest.approx(11.5 + 2.66 * 15 / 11)
    assert chart.lower[0] == pytest.approx(11.5 - 2.66 * 15 / 11)
    assert not chart.trial and not any(chart.special)
    assert variation_code(chart, True) == "few"  # 12 points: no icon yet
    assert variation_code(xmr([*BASE, 11]), True) == "common"


def test_limits_are_fixed_from_the_baseline_and_later_points_do_not_move_them():
    later = [*BASE, 14, 14.5, 14, 14.5]  # would raise a mean of all 16 points
    chart = xmr(later)
    assert chart.mean[-1] == pytest.approx(11.5)
    assert chart.upper[-1] == pytest.approx(11.5 + 2.66 * 15 / 11)
    shorter = xmr(later, baseline=4)  # fix_after_n_points: 4 -> mean of 10, 12, 11, 13
    assert shorter.mean[0] == pytest.approx(11.5) and shorter.upper[0] == pytest.approx(
        11.5 + 2.66 * 5 / 3
    )


def test_trial_limits_with_fewer_than_the_baseline():
    assert xmr([1, 2, 3, 2, 1]).trial
    assert not xmr(BASE).trial
    assert xmr(BASE, baseline=13).trial


def test_rule_1_a_point_beyond_a_limit():
    chart = xmr([*BASE, 20])  # 20 > 15.127
    assert chart.beyond == [False] * 12 + [True]
    assert variation_code(chart, True) == "improvement-high"
    assert variation_code(chart, False) == "concern-high"
    assert variation_code(chart, None) == "neither-high"
    low = xmr([*BASE, 5])  # 5 < 7.873
    assert variation_code(low, True) == "concern-low"
    assert variation_code(low, False) == "improvement-low"
    assert variation_code(low, None) == "neither-low"


def test_rule_2_two_of_three_beyond_two_sigma_on_the_same_side():
    # 14.5 lies between two sigma (13.918) and the limit (15.127); 12 is above the mean
    chart = xmr([*BASE, 14.5, 12, 14.5])
    assert chart.near[-3:] == [True, False, True]
    assert not any(chart.beyond)
    assert variation_code(chart, True) == "improvement-high"
    # the middle point below the mean: the three are not on one side, so no signal
    split = xmr([*BASE, 14.5, 11, 14.5])
    assert not any(split.near)
    # only one of three beyond two sigma: no signal
    assert not any(xmr([*BASE, 14.5, 12, 12]).near)


def test_rule_3_a_shift_of_seven_on_one_side_of_the_mean_and_not_six():
    # BASE ends below the mean (11), then seven points just above it (11.8)
    seven = xmr([*BASE, *[11.8] * 7])
    assert seven.run[-7:] == [True] * 7 and not any(seven.run[:12])
    assert not any(seven.beyond) and not any(seven.near)
    assert variation_code(seven, False) == "concern-high"
    six = xmr([*BASE, *[11.8] * 6])
    assert not any(six.run)


def test_rule_4_a_trend_of_seven_rising_points_and_not_six():
    # 11 -> 9.5 falls, then 9.5 ... 12.5 rises six times: seven points each higher
    seven = xmr([*BASE, 9.5, 10, 10.5, 11, 11.5, 12, 12.5])
    assert seven.trend[-7:] == [True] * 7 and not any(seven.trend[:12])
    six = xmr([*BASE, 9.5, 10, 10.5, 11, 11.5, 12])
    assert not any(six.trend)
    # a tie breaks a trend
    tie = xmr([*BASE, 9.5, 10, 10.5, 10.5, 11, 11.5, 12])
    assert not any(tie.trend)
    # the latest point of a rising trend above the mean: improvement when higher is better
    assert variation_code(seven, True) == "improvement-high"


def test_a_rebase_at_a_declared_change_point():
    values = [10, 11, 10, 11, 10, 11, 30, 31, 30, 31, 30, 31]
    chart = xmr(values, change_points=[6])
    assert chart.mean[:6] == [pytest.approx(10.5)] * 6
    assert chart.mean[6:] == [pytest.approx(30.5)] * 6
    # moving ranges within each segment are all 1: limits 10.5 / 30.5 +/- 2.66
    assert chart.upper[0] == pytest.approx(13.16) and chart.upper[-1] == pytest.approx(33.16)
    assert not any(chart.beyond) and not any(chart.run)
    assert chart.segment_start == 6
    # a new process is judged afresh: icons wait for 13 points after the change point
    longer = xmr([*values, *[30.5] * 7], change_points=[6])
    assert longer.points_in_segment == 13 and variation_code(longer, True) == "common"
    assert variation_code(xmr([*values, *[30.5] * 6], change_points=[6]), True) == "few"
    # without the change point the jump is special cause
    assert any(xmr(values).special)


def test_assurance_compares_the_target_with_the_current_limits():
    chart = xmr([80, 82, 81, 83, 82, 81, 80, 82, 83, 81, 82, 81, 82])
    # mean 81.5 (first 12), mean moving range 15/11: limits 77.873 to 85.127
    assert assurance_code(chart, 75, True) == "pass"
    assert assurance_code(chart, 90, True) == "fail"
    assert assurance_code(chart, 90, False) == "pass"
    assert assurance_code(chart, 75, False) == "fail"
    assert assurance_code(chart, 81, True) == "hit-and-miss"
    assert assurance_code(chart, None, True) == "none"
    assert assurance_code(chart, 75, None) == "none"  # no better direction: no assurance
    assert assurance_code(xmr(chart.values[:12]), 75, True) == "few"


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
