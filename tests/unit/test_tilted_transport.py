"""Unit tests of tasks.tilted_transport and the quadratic tilt / Hessian of tasks.gaussians (bruna2024)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.gaussians import (
    as_matrix,
    mixture,
    mixture_cov,
    mixture_hessian,
    mixture_log_density,
    mixture_mean,
    mixture_sample,
    mixture_score,
    noised,
    responsibilities,
)
from tasks.tilted_transport import (
    InverseProblem,
    best_boost,
    boosted_posterior,
    boosted_tilt,
    denoise,
    flow_transport,
    inverse_problems,
    isotropic_score,
    mode_barrier,
    moment_error,
    multimodal,
    prior_weight_shift,
    shared_covariance_score,
    slc_margin,
    slc_problems,
    susceptibility_bound,
    transport,
    weight_error,
)

PRIOR = mixture(np.array([0.3, 0.7]), np.array([[-1.5, 0.5], [1.0, -0.5]]), np.stack([0.25 * np.eye(2)] * 2))
A = np.array([[1.0, 0.3], [0.0, 0.5]])
PROBLEM = InverseProblem(prior=PRIOR, operator=as_matrix(A), noise=0.8, observation=(0.4, -0.2))


def _linear_gaussian_posterior_weights(prior, a, noise, y):
    """P(k | y) from the evidence N(y; A m_k, A C_k A' + noise^2 I) of each component."""
    w, m, c = prior.arrays()
    logs = []
    for wk, mk, ck in zip(w, m, c, strict=True):
        s = a @ ck @ a.T + noise**2 * np.eye(len(y))
        r = np.asarray(y) - a @ mk
        logs.append(math.log(wk) - 0.5 * r @ np.linalg.solve(s, r) - 0.5 * np.linalg.slogdet(s)[1])
    logs = np.asarray(logs)
    return np.exp(logs - logs.max()) / np.exp(logs - logs.max()).sum()


def test_quadratic_tilt_is_the_linear_gaussian_posterior() -> None:
    nu = PROBLEM.posterior()
    expected = _linear_gaussian_posterior_weights(PRIOR, A, 0.8, np.array(PROBLEM.observation))
    np.testing.assert_allclose(nu.weights, expected, rtol=1e-10)
    # log nu - log pi - log likelihood is a constant
    x = np.random.default_rng(0).normal(size=(20, 2))
    q, b = PROBLEM.tilt()
    diff = (
        mixture_log_density(nu, x)
        - mixture_log_density(PRIOR, x)
        + 0.5 * np.einsum("ni,ij,nj->n", x, q, x)
        - x @ b
    )
    np.testing.assert_allclose(diff, diff[0], atol=1e-10)


def test_mixture_hessian_matches_finite_differences() -> None:
    x = np.random.default_rng(1).normal(size=(5, 2))
    h = 1e-5
    fd = np.stack(
        [(mixture_score(PRIOR, x + h * e) - mixture_score(PRIOR, x - h * e)) / (2 * h) for e in np.eye(2)],
        axis=2,
    )
    np.testing.assert_allclose(mixture_hessian(PRIOR, x), fd, atol=1e-6)


def test_boosted_tilt_composes_with_the_heat_channel() -> None:
    """exp(-x'Qx/2 + b'x) ∝ (N(0, tI) * exp(-z'Q_t z/2 + b_t'z))(x): both sides are N(Q^-1 b, Q^-1)."""
    q, b = PROBLEM.tilt()
    t = 0.7 / np.linalg.eigvalsh(q)[-1]
    q_t, b_t = boosted_tilt(q, b, t)
    np.testing.assert_allclose(np.linalg.inv(q_t) + t * np.eye(2), np.linalg.inv(q), rtol=1e-10)
    np.testing.assert_allclose(np.linalg.solve(q_t, b_t), np.linalg.solve(q, b), rtol=1e-10)


def test_boosted_posterior_is_the_law_of_the_noised_posterior_sample() -> None:
    """Under the boosted joint, X | Y_T = z is the prior's denoising posterior, so
    E_{nu_T}[E_pi[X | Y_T = z]] = E_nu[X]."""
    t = 0.9 * PROBLEM.horizon()
    nu_t = boosted_posterior(PROBLEM, t)
    z = mixture_sample(nu_t, 200_000, np.random.default_rng(2))
    np.testing.assert_allclose(
        denoise(PRIOR, z, t).mean(axis=0), mixture_mean(PROBLEM.posterior()), atol=0.01
    )


def test_transport_samples_the_posterior() -> None:
    rng = np.random.default_rng(3)
    t = 0.95 * PROBLEM.horizon()
    z = mixture_sample(boosted_posterior(PROBLEM, t), 20_000, rng)
    x = transport(PRIOR, z, t, steps=200, rng=rng)
    nu = PROBLEM.posterior()
    assert moment_error(x, nu) < 0.03
    np.testing.assert_allclose(np.cov(x.T), mixture_cov(nu), atol=0.03)
    assert moment_error(z, nu) > 0.2  # nu_T itself is not the posterior


def test_isotropic_score_matches_mixture_score() -> None:
    x = np.random.default_rng(4).normal(size=(10, 2))
    w, m, _ = PRIOR.arrays()
    np.testing.assert_allclose(
        isotropic_score(w, m, 0.25 + 0.3, x), mixture_score(noised(PRIOR, 1.0, math.sqrt(0.3)), x)
    )


def test_susceptibility_bound_is_attained_for_two_modes() -> None:
    """Cov(X | Y_t = z) at the point where both modes are equally likely reaches the bound."""
    t = 0.4
    _, m, _ = PRIOR.arrays()
    # on the segment between the noised means, find r = 1/2 by bisection
    noised_prior = noised(PRIOR, 1.0, math.sqrt(t))
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        z = (m[0] + mid * (m[1] - m[0]))[None]
        lo, hi = (mid, hi) if responsibilities(noised_prior, z)[0, 0] > 0.5 else (lo, mid)
    cond_cov = t * np.eye(2) + t**2 * mixture_hessian(noised_prior, z)[0]  # Tweedie: Cov(X | z)
    np.testing.assert_allclose(np.linalg.eigvalsh(cond_cov)[-1], susceptibility_bound(PRIOR, t), rtol=1e-6)


@settings(max_examples=15, deadline=None)
@given(inverse_problems(max_condition=20.0))
def test_inverse_problems_respect_their_bounds(problem: InverseProblem) -> None:
    assert problem.prior.dim in (2, 3) and 2 <= problem.prior.components <= 3
    assert 1.0 <= problem.condition_number() <= 20.0 * (1 + 1e-9)
    radii = np.linalg.norm(np.asarray(problem.prior.means), axis=1)
    np.testing.assert_allclose(radii, radii[0], rtol=1e-9)
    m = np.asarray(problem.prior.means)
    assert min(np.linalg.norm(m[i] - m[j]) for i in range(len(m)) for j in range(i)) >= 2.0 * problem.std()
    assert problem.noise > 0 and len(problem.observation) == problem.prior.dim


@settings(max_examples=5, deadline=None)
@given(slc_problems())
def test_slc_problems_meet_the_condition(problem: InverseProblem) -> None:
    assert slc_margin(problem, best_boost(problem)) > 0


def test_invalid_bounds_raise() -> None:
    with pytest.raises(InvalidArgument):
        inverse_problems(min_dim=1).example()
    with pytest.raises(InvalidArgument):
        inverse_problems(max_condition=0.5).example()


def test_shared_covariance_score_and_weight_error() -> None:
    nu = PROBLEM.posterior()  # components share one covariance
    x = np.random.default_rng(5).normal(size=(10, 2))
    np.testing.assert_allclose(shared_covariance_score(nu, x), mixture_score(nu, x), atol=1e-10)
    exact = mixture_sample(nu, 50_000, np.random.default_rng(6))
    assert weight_error(exact, nu) < 0.01
    assert weight_error(mixture_sample(PRIOR, 50_000, np.random.default_rng(6)), nu) > 0.05


def test_multimodal_tells_separated_posteriors() -> None:
    wide = InverseProblem(
        prior=PRIOR, operator=as_matrix(0.05 * np.eye(2)), noise=1.0, observation=(0.0, 0.0)
    )
    sharp = InverseProblem(prior=PRIOR, operator=as_matrix(np.eye(2)), noise=0.05, observation=(1.0, -0.5))
    assert multimodal(wide) and not multimodal(sharp)


def test_flow_transport_is_the_gaussian_contraction() -> None:
    """For one N(m, s^2 I) component the probability-flow map is x -> m + (x - m) s / sqrt(s^2 + t)."""
    prior = mixture(np.ones(1), np.array([[1.0, -2.0]]), np.array([0.25 * np.eye(2)]))
    z = np.random.default_rng(7).normal(size=(50, 2))
    t = 0.8
    expected = np.array([1.0, -2.0]) + (z - np.array([1.0, -2.0])) * 0.5 / math.sqrt(0.25 + t)
    np.testing.assert_allclose(flow_transport(prior, z, t, steps=400), expected, atol=2e-3)


def test_mode_barrier_of_two_equal_modes() -> None:
    """Equal N(+-a e1, I): the dip is log p(a e1) - log p(0), in closed form."""
    a = 2.0
    mix = mixture(np.array([0.5, 0.5]), np.array([[a, 0.0], [-a, 0.0]]), np.array([np.eye(2)] * 2))
    at_mode = math.log(0.5 + 0.5 * math.exp(-2 * a * a))  # common normalising constants cancel
    at_mid = -0.5 * a * a
    assert mode_barrier(mix) == pytest.approx(at_mode - at_mid, abs=1e-9)
    close = mixture(np.array([0.5, 0.5]), np.array([[0.5, 0.0], [-0.5, 0.0]]), np.array([np.eye(2)] * 2))
    assert mode_barrier(close) == pytest.approx(0.0, abs=1e-12)  # unimodal: no dip


def test_prior_weight_shift_is_zero_without_information() -> None:
    vague = InverseProblem(
        prior=PRIOR, operator=as_matrix(1e-4 * np.eye(2)), noise=1.0, observation=(0.0, 0.0)
    )
    assert prior_weight_shift(vague) < 1e-3


@settings(max_examples=5, deadline=None)
@given(slc_problems())
def test_best_boost_memo_serves_the_grid_search(problem: InverseProblem) -> None:
    """Oracle: the memoised best_boost is the grid search it wraps (the same float), first call or later."""
    expected = best_boost.__wrapped__(problem)
    assert best_boost(problem) == expected and best_boost(problem) == expected
    assert best_boost(problem, grid=50) == best_boost.__wrapped__(problem, grid=50)
