"""Unit tests of tasks.powersum: Haar eigenvalues, Diaconis-Shahshahani moments, links, strategies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.powersum import (
    HolomorphicLink,
    MomentProblem,
    RecoveryProblem,
    cue_eigenvalues,
    iid_circle_points,
    moment_problems,
    monomials,
    population_correlation,
    power_sum_features,
    random_unit,
    recovery_problems,
    unit_vector,
)


def test_cue_power_sums_have_rains_second_moments() -> None:
    rng = np.random.default_rng(0)
    points = cue_eigenvalues(20000, 4, rng)
    assert np.allclose(np.abs(points), 1.0)
    p = power_sum_features(points, 7, adapted=False) * 2.0  # undo the 1/sqrt(N) scaling: raw p_j
    second = np.mean(np.abs(p) ** 2, axis=0)
    assert np.allclose(second, [min(j, 4) for j in range(1, 8)], rtol=0.05)  # E|p_j|^2 = min(j, N)


def test_iid_points_are_not_gaussian_like() -> None:
    rng = np.random.default_rng(1)
    p = power_sum_features(iid_circle_points(50000, 3, rng), 2, adapted=False) * math.sqrt(3)
    assert float(np.mean(np.abs(p[:, 0]) ** 2)) == pytest.approx(3.0, rel=0.03)
    assert float(np.mean(np.abs(p[:, 1]) ** 2)) == pytest.approx(3.0, rel=0.03)  # N, not j
    assert abs(complex(np.mean(p[:, 0] ** 2 * np.conj(p[:, 1])))) == pytest.approx(3.0, rel=0.1)


def test_monomials_are_orthonormal_within_the_degree_limit() -> None:
    rng = np.random.default_rng(2)
    theta = unit_vector((0.1, 0.7))
    z = power_sum_features(cue_eigenvalues(15000, 6, rng), 2) @ theta  # K D = 3 * 2 <= 6
    basis = monomials(z, 3)
    gram = basis.T @ np.conj(basis) / len(z)
    assert np.allclose(gram, np.eye(3), atol=0.1)


def test_link_population_correlation() -> None:
    rng = np.random.default_rng(3)
    link = HolomorphicLink(coefficients=(0.0, 0.6, 0.8))
    assert link.information_exponent == 2 and link.degree == 3
    q = power_sum_features(cue_eigenvalues(15000, 6, rng), 2)
    planted, other = random_unit(2, rng), random_unit(2, rng)
    rho = complex(planted @ np.conj(other))
    mc = complex(np.mean(link(q @ planted) * np.conj(link(q @ other))))
    assert abs(mc - population_correlation(link, rho)) < 0.08
    z = np.array([0.3 + 0.2j])
    h = 1e-6
    assert link.derivative(z)[0] == pytest.approx((link(z + h)[0] - link(z - h)[0]) / (2 * h), abs=1e-6)
    with pytest.raises(ValueError):
        HolomorphicLink(coefficients=(1.0, 1.0))


@settings(max_examples=20, deadline=None, database=None)
@given(moment_problems(max_degree=3, max_dim=3, max_slack=3))
def test_drawn_moment_problems_stay_in_the_exact_range(problem: MomentProblem) -> None:
    assert problem.degree * problem.dim <= problem.n <= problem.degree * problem.dim + 3


@settings(max_examples=20, deadline=None, database=None)
@given(recovery_problems(exponents=(2, 3), max_dim=3, max_slack=2, max_tail=0.5))
def test_drawn_recovery_problems(problem: RecoveryProblem) -> None:
    assert problem.link.information_exponent in (2, 3)
    assert problem.link.degree * problem.dim <= problem.n


def test_strategies_reject_bad_bounds() -> None:
    with pytest.raises(InvalidArgument):
        moment_problems(max_degree=1)
    with pytest.raises(InvalidArgument):
        recovery_problems(exponents=(0,))
