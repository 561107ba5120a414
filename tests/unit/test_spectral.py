"""Unit tests of models.spectral: partial-trace matrices against their Hermite means, grids, crossings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from models.spectral import (
    geometric_grid,
    partial_trace_sum,
    recovery_curve,
    threshold_crossing,
    top_eigenvector,
)
from tasks.hermite import hermite_values


@pytest.mark.parametrize("order", [2, 4])
def test_partial_trace_mean_is_rank_one(order: int) -> None:
    rng = np.random.default_rng(0)
    d, n = 5, 400_000
    w = np.zeros(d)
    w[0] = 1.0
    x = rng.standard_normal((n, d))
    zeta = hermite_values(order, x @ w)  # E[zeta He_k(z)] = k!
    mean = partial_trace_sum(x, zeta, order) / n
    expected = np.zeros((d, d))
    expected[0, 0] = 2.0 if order == 2 else 24.0
    assert np.allclose(mean, expected, atol=0.15 if order == 2 else 1.2)


def test_partial_trace_without_signal_has_zero_mean() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200_000, 4))
    assert np.abs(partial_trace_sum(x, np.ones(len(x)), 4) / len(x)).max() < 0.3
    with pytest.raises(ValueError):
        partial_trace_sum(x, np.ones(len(x)), 3)


def test_grid_and_crossing() -> None:
    grid = geometric_grid(1, 100, 1.5)
    assert grid[0] == 1 and grid[-1] >= 100 and all(b > a for a, b in itertools.pairwise(grid))
    assert threshold_crossing((10, 100), (0.2, 0.8), 0.5) == pytest.approx(10**1.5)
    assert threshold_crossing((10, 100), (0.6, 0.8), 0.5) == 10.0
    assert threshold_crossing((10, 100), (0.1, 0.2), 0.5) is None


def test_top_eigenvector_and_recovery_curve() -> None:
    m = np.diag([1.0, 3.0, 2.0])
    assert abs(top_eigenvector(m)[1]) == pytest.approx(1.0)
    rng = np.random.default_rng(2)
    d = 20
    w = np.zeros(d)
    w[3] = 1.0

    def draw(k: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((k, d))
        return x, hermite_values(2, x @ w)

    curve = recovery_curve(draw, w, geometric_grid(5, 2000, 1.5), 2)
    assert curve[0] < 0.5 < curve[-1]


def test_top_eigenvector_is_scipy_eigh_bit_for_bit() -> None:
    """The direct ``dsyevr`` call gives what ``scipy.linalg.eigh(subset_by_index=...)`` gives, exactly."""
    from scipy.linalg import eigh

    rng = np.random.default_rng(3)
    for _ in range(300):
        d = int(rng.integers(2, 70))
        x = rng.standard_normal((d + int(rng.integers(1, 150)), d))
        m = x.T @ x / len(x) - np.eye(d) * rng.uniform(0, 2)
        _, v = eigh(m, subset_by_index=[d - 1, d - 1])
        assert np.array_equal(top_eigenvector(m), v[:, 0])


def test_top_eigenvector_rejects_a_matrix_it_cannot_solve() -> None:
    with pytest.raises(ValueError, match="finite square"):
        top_eigenvector(np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="finite square"):
        top_eigenvector(np.ones((3, 4)))
