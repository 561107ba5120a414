"""Unit tests of tasks.lqr against closed forms: the scalar Riccati solution, the HJB equation, the Lyapunov
moments, the cost of the optimal control (= V(x0, 0)) and the strategies' ranges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from tasks.gaussians import as_matrix
from tasks.lqr import (
    LQProblem,
    control_gap,
    hjb_residual,
    linear_control_moments,
    lq_problems,
    matching_instances,
    optimal_gains,
    riccati,
)


def scalar(
    a: float, p: float, q: float, x0: float = 1.0, lam: float = 1.0, horizon: float = 1.0
) -> LQProblem:
    one = as_matrix(np.eye(1))
    return LQProblem(
        drift=as_matrix(np.array([[a]])),
        sigma=one,
        running=as_matrix(np.array([[p]])),
        terminal=as_matrix(np.array([[q]])),
        x0=(x0,),
        lam=lam,
        horizon=horizon,
    )


def scalar_riccati(a: float, p: float, q: float, t: np.ndarray, horizon: float) -> np.ndarray:
    """F' = 2 (F - r+)(F - r-), F(T) = q, with r+- = (a +- sqrt(a^2 + 2p)) / 2: the ratio (F - r+)/(F - r-)
    grows like exp(2 (r+ - r-) t)."""
    root = math.sqrt(a * a + 2 * p)
    r_plus, r_minus = (a + root) / 2, (a - root) / 2
    ratio = (q - r_plus) / (q - r_minus) * np.exp(2 * (r_plus - r_minus) * (t - horizon))
    return (r_plus - ratio * r_minus) / (1 - ratio)


@pytest.mark.parametrize(("a", "p", "q"), [(0.0, 0.5, 0.3), (0.7, 1.0, 0.0), (-1.0, 0.2, 2.0)])
def test_scalar_riccati_matches_the_closed_form(a: float, p: float, q: float) -> None:
    times = np.linspace(0.0, 1.0, 11)
    sol = riccati(scalar(a, p, q), times)
    np.testing.assert_allclose(sol.F[:, 0, 0], scalar_riccati(a, p, q, times, 1.0), rtol=1e-8, atol=1e-10)


def test_pure_terminal_cost_value_function() -> None:
    """A = P = 0: F = q / (1 + 2 q (T - t)), c = lam/2 log(1 + 2 q (T - t)), u* = -2 F x."""
    q, lam = 0.8, 1.5
    times = np.linspace(0.0, 2.0, 9)
    problem = scalar(0.0, 0.0, q, lam=lam, horizon=2.0)
    sol = riccati(problem, times)
    left = 2.0 - times
    np.testing.assert_allclose(sol.F[:, 0, 0], q / (1 + 2 * q * left), rtol=1e-8)
    np.testing.assert_allclose(sol.c, 0.5 * lam * np.log1p(2 * q * left), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(optimal_gains(problem, sol)[:, 0, 0], -2 * q / (1 + 2 * q * left), rtol=1e-8)


@settings(max_examples=8, deadline=None, derandomize=True)
@given(lq_problems(min_dim=2, max_dim=3), st.integers(min_value=0, max_value=9))
def test_riccati_solution_satisfies_hjb(problem: LQProblem, k: int) -> None:
    times = np.linspace(0.0, problem.horizon, 11)
    sol = riccati(problem, times)
    x = np.random.default_rng(k).standard_normal((5, problem.dim))
    scale = 1.0 + float(np.abs(sol.F[k]).max()) * float((x**2).sum(axis=1).max())
    # the residual's dV/dt is a one-sided difference at t = 0, O(1e-4); a wrong F gives O(1)
    assert np.abs(hjb_residual(problem, sol, x, k)).max() < 1e-3 * scale


def test_hjb_residual_detects_the_wrong_sign() -> None:
    """The residual is a real check: F from the Riccati equation with +2 F S F (the sign mistake) fails it."""
    problem = scalar(0.3, 1.0, 0.5)
    times = np.linspace(0.0, 1.0, 6)
    sol = riccati(problem, times)
    back = solve_ivp(
        lambda t, f: -(0.6 * f + 2 * f**2 + 1.0),
        (1.0, 0.0),
        [0.5],
        t_eval=times[::-1],
        rtol=1e-10,
        atol=1e-12,
    )
    wrong = type(sol)(times=times, F=back.y[0][::-1].reshape(-1, 1, 1), c=sol.c)
    x = np.array([[1.0], [-0.5]])
    assert np.abs(hjb_residual(problem, sol, x, 2)).max() < 1e-5
    assert np.abs(hjb_residual(problem, wrong, x, 2)).max() > 1e-1


def test_lyapunov_moments_of_a_scalar_ou() -> None:
    """u = k x on dX = a X dt + sqrt(lam) dB: m = x0 e^{(a+k)t}, S = lam (e^{2(a+k)t} - 1) / (2(a+k))."""
    a, k, lam, x0 = 0.4, -1.1, 0.7, 0.9
    problem = scalar(a, 0.1, 0.1, x0=x0, lam=lam)
    times = np.linspace(0.0, 1.0, 21)
    m, s = linear_control_moments(problem, times, np.full((21, 1, 1), k))
    rate = a + k
    np.testing.assert_allclose(m[:, 0], x0 * np.exp(rate * times), rtol=1e-8)
    np.testing.assert_allclose(
        s[:, 0, 0], lam * np.expm1(2 * rate * times) / (2 * rate), rtol=1e-7, atol=1e-12
    )


def test_control_gap_of_brownian_motion() -> None:
    """A = 0, u = 0: E|D X_t|^2 = tr(D'D (lam t I + x0 x0')), left Riemann sum on the grid."""
    d, lam = 2, 1.3
    problem = LQProblem(
        drift=as_matrix(np.zeros((d, d))),
        sigma=as_matrix(np.eye(d)),
        running=as_matrix(np.eye(d)),
        terminal=as_matrix(np.eye(d)),
        x0=(0.5, -1.0),
        lam=lam,
    )
    times = np.linspace(0.0, 1.0, 11)
    delta = np.array([[1.0, 0.5], [0.0, -2.0]])
    gap = control_gap(problem, times, np.zeros((11, d, d)), np.broadcast_to(delta, (11, d, d)))
    dd = delta.T @ delta
    x0 = np.array(problem.x0)
    exact = np.mean([np.trace(dd @ (lam * t * np.eye(d) + np.outer(x0, x0))) for t in times[:-1]])
    assert gap == pytest.approx(exact, rel=1e-8)


@settings(max_examples=5, deadline=None, derandomize=True)
@given(lq_problems(min_dim=1, max_dim=3))
def test_the_optimal_control_costs_the_value_function(problem: LQProblem) -> None:
    """J(u*) = int E[|u*|^2/2 + X'PX] dt + E[X_T'QX_T] = V(x0, 0), and any other linear control costs more."""
    times = np.linspace(0.0, problem.horizon, 2001)
    sol = riccati(problem, times)
    k_star = optimal_gains(problem, sol)
    _, _, p, q, x0 = problem.arrays()

    def cost(gains: np.ndarray) -> float:
        m, s = linear_control_moments(problem, times, gains)
        second = s + np.einsum("ni,nj->nij", m, m)
        running = np.einsum("nij,nji->n", p[None] + 0.5 * gains.transpose(0, 2, 1) @ gains, second)
        return float(np.trapezoid(running, times) + np.trace(q @ second[-1]))

    value = float(sol.value(x0, 0)[0])
    assert cost(k_star) == pytest.approx(value, rel=1e-5)
    assert cost(k_star + 0.3 * np.eye(problem.dim)) > value
    assert cost(np.zeros_like(k_star)) > value


@settings(max_examples=20, deadline=None, derandomize=True)
@given(lq_problems(min_dim=1, max_dim=3, min_cost=0.2, max_cost=1.0, max_condition=4.0, max_x0=1.0))
def test_lq_problems_respect_their_ranges(problem: LQProblem) -> None:
    a, sigma, p, q, x0 = problem.arrays()
    assert 1 <= problem.dim <= 3
    np.testing.assert_array_equal(sigma, np.eye(problem.dim))
    for cost in (p, q):
        eig = np.linalg.eigvalsh(cost)
        assert eig.min() >= 0.2 - 1e-9 and eig.max() <= 1.0 + 1e-9 and eig.max() / eig.min() <= 4.0 + 1e-6
    assert np.abs(x0).max() <= 1.0 and np.linalg.norm(x0) >= 0.5
    assert np.isfinite(a).all()


@settings(max_examples=10, deadline=None, derandomize=True)
@given(matching_instances(max_sampling=0.5))
def test_matching_instances_respect_their_ranges(instance: object) -> None:
    from tasks.lqr import FAMILIES, MatchingInstance

    assert isinstance(instance, MatchingInstance)
    assert np.linalg.norm(np.asarray(instance.perturbation)) == pytest.approx(1.0)
    assert 0.0 <= instance.sampling <= 0.5 and instance.family in FAMILIES
