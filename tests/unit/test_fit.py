"""Unit tests of slope fitting, intervals and multiplicity corrections."""

from __future__ import annotations

import math

import numpy as np
import pytest

from theorycheck.fit import (
    decades,
    fit_line,
    holm,
    mean_interval,
    normal_quantile,
    p_above,
    p_below,
    seeds_needed,
    t_quantile,
    t_survival,
    usable_points,
)
from theorycheck.measurement import Curve


def test_fit_line_recovers_an_exact_line():
    u = np.linspace(0, 3, 10)
    line = fit_line(u, 2.5 - 0.7 * u)
    assert line.slope == pytest.approx(-0.7)
    assert line.intercept == pytest.approx(2.5)
    assert line.r2 == pytest.approx(1.0)


def test_fit_line_needs_two_distinct_points():
    assert math.isnan(fit_line(np.array([1.0, 1.0]), np.array([0.0, 1.0])).slope)


def test_usable_points_default_is_the_upper_two_thirds():
    curve = Curve.of(range(1, 10), [1.0] * 9)
    x, _, dropped = usable_points(curve, window=None, floor=0.0)
    assert list(x) == [4, 5, 6, 7, 8, 9]
    assert dropped == 0


def test_usable_points_window_and_floor():
    curve = Curve.of([1, 2, 4, 8, 16, 32], [1, 0.5, 0.25, 1e-9, 1e-10, 1e-11])
    x, _, dropped = usable_points(curve, window=(2, 32), floor=1e-8)
    assert list(x) == [2, 4]
    assert dropped == 3


def test_decades():
    assert decades(np.array([10.0, 1000.0])) == pytest.approx(2.0)
    assert decades(np.array([5.0])) == 0.0


def test_mean_interval_matches_the_t_formula():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    ci = mean_interval(values, 0.9)
    from scipy import stats

    half = stats.t.ppf(0.95, 3) * np.std(values, ddof=1) / 2
    assert (ci.low, ci.high) == pytest.approx((2.5 - half, 2.5 + half))


def test_mean_interval_degenerate_cases():
    assert mean_interval([3.0, 3.0, 3.0], 0.9).low == 3.0
    one = mean_interval([3.0], 0.9)
    assert one.low == -math.inf and one.high == math.inf


def test_one_sided_p_values():
    values = np.array([1.0, 1.1, 0.9, 1.05])
    assert p_above(values, 0.0) < 0.001
    assert p_above(values, 2.0) > 0.999
    assert p_below(values, 2.0) < 0.001
    assert p_above(values, math.inf) == 1.0


def test_holm_adjustment_known_values():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([]) == []


def test_seeds_needed_grows_as_the_distance_shrinks():
    values = np.array([0.0, 1.0, 2.0, 1.0])
    near, far = seeds_needed(values, 0.1, 0.05), seeds_needed(values, 1.0, 0.05)
    assert near is not None and far is not None and near > far


def test_floor_ends_the_usable_range_before_the_upper_fraction():
    # 12 points; the metric reaches the floor at index 6 and jitters there (one point pops above it)
    y = [1.0, 0.5, 0.25, 0.12, 0.06, 0.03, 1e-9, 2e-9, 5e-8, 1e-9, 1e-9, 1e-9]
    curve = Curve.of(range(1, 13), y)
    x, _, dropped = usable_points(curve, window=None, floor=1e-7)
    assert list(x) == [3, 4, 5, 6]  # the upper 2/3 of the 6 points above the floor
    assert dropped == 6


def test_quantiles_equal_scipy_stats():
    """Judging computes with the special functions scipy.stats wraps: the very same floats."""
    from scipy import stats

    rng = np.random.default_rng(0)
    for df in [1, 2, 3, 7, 15, 31, 100]:
        for q in [*rng.uniform(0.5, 1.0, 50), 0.975, 0.995, 1.0]:
            assert t_quantile(float(q), df) == float(stats.t.ppf(q, df))
        for x in [*rng.normal(0.0, 4.0, 50), 0.0, math.inf, -math.inf]:
            assert t_survival(float(x), df) == float(stats.t.sf(x, df))
    for q in [0.8, 0.95, 0.99, 1 - 1e-9, *rng.uniform(0.0, 1.0, 50)]:
        assert normal_quantile(float(q)) == stats.norm.ppf(q)
