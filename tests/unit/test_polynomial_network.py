"""Unit tests of models.polynomial_network: exact ranks over F_p, quadratic losses, gradients and Hessians."""

from __future__ import annotations

import numpy as np
import pytest

from models.polynomial_network import (
    descend,
    inertia,
    jacobian_ranks,
    parameter_gradient,
    parameter_hessian,
    prefix_ranks,
    quadratic_loss,
    quadratic_loss_gradient,
)
from tasks.polynomial_teachers import expected_dimension, thick_width


@pytest.mark.parametrize("pair", [(3, 4), (5, 3), (4, 2), (4, 3), (2, 5)])
def test_jacobian_ranks_follow_alexander_hirschowitz(pair: tuple[int, int]) -> None:
    n, d = pair
    top = thick_width(n, d) + 1
    ranks = jacobian_ranks(n, d, top, np.random.default_rng(1))
    assert ranks == [expected_dimension(n, d, r) for r in range(1, top + 1)]


def test_prefix_ranks_match_the_real_rank_of_small_integer_matrices() -> None:
    rng = np.random.default_rng(0)
    m = rng.integers(-3, 4, size=(6, 9))
    m[:, 4] = m[:, 0] + m[:, 1]  # a dependent column
    ranks = prefix_ranks(m.astype(np.int64), 3)
    assert ranks == [np.linalg.matrix_rank(m[:, : 3 * q].astype(float)) for q in (1, 2, 3)]


def test_loss_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(2)
    b = rng.standard_normal((3, 3))
    e = (b + b.T) / 2
    g = quadratic_loss_gradient(e, 1.8)
    for i, j in ((0, 0), (0, 2), (1, 2)):
        step = np.zeros((3, 3))
        step[i, j] = step[j, i] = 1e-6
        fd = (quadratic_loss(e + step, 1.8) - quadratic_loss(e - step, 1.8)) / 2e-6
        assert fd == pytest.approx(g[i, j] * (1 if i == j else 2), rel=1e-5)


def test_parameter_gradient_and_hessian_agree_with_finite_differences() -> None:
    rng = np.random.default_rng(3)
    w, a = rng.standard_normal((2, 3)), rng.standard_normal(2)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    t = q @ np.diag([1.0, -0.5, 0.2]) @ q.T
    grad = parameter_gradient(w, a, t, 3.0)
    hess = parameter_hessian(w, a, t, 3.0)
    theta = np.concatenate([w.ravel(), a])

    def flat_grad(th: np.ndarray) -> np.ndarray:
        return parameter_gradient(th[:6].reshape(2, 3), th[6:], t, 3.0)

    def loss(th: np.ndarray) -> float:
        ww, aa = th[:6].reshape(2, 3), th[6:]
        return float(quadratic_loss((ww.T * aa) @ ww - t, 3.0))

    for k in range(len(theta)):
        step = np.zeros_like(theta)
        step[k] = 1e-6
        assert (loss(theta + step) - loss(theta - step)) / 2e-6 == pytest.approx(grad[k], rel=1e-4, abs=1e-6)
        fd = (flat_grad(theta + step) - flat_grad(theta - step)) / 2e-6
        np.testing.assert_allclose(fd, hess[:, k], rtol=1e-4, atol=1e-5)
    assert np.allclose(hess, hess.T)


def test_descent_reaches_zero_loss_at_full_width() -> None:
    rng = np.random.default_rng(4)
    t = np.diag([0.9, -0.4, 0.6])
    w0, a0 = rng.standard_normal((3, 3, 3)) / np.sqrt(3), rng.standard_normal((3, 3))
    end = descend(t, w0, a0, kurtosis=3.0, steps=4000, lr=0.02)
    start = quadratic_loss(np.swapaxes(w0 * a0[..., None], -1, -2) @ w0 - t, 3.0)
    assert np.all(end.losses < start)
    assert np.min(end.losses) < 1e-8


def test_inertia_counts() -> None:
    assert inertia(np.diag([-2.0, 0.0, 1e-12, 3.0])) == (1, 2, 1)
