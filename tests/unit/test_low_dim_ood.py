"""Unit tests of tasks.low_dim_ood: clusters on a subspace and energy-matched OOD sets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.low_dim_ood import OOD_KINDS, LowDimProblem, low_dim_problems

PROBLEM = LowDimProblem(intrinsic=3, classes=4, noise=0.4, corruption=0.3)


def test_inliers_lie_on_the_subspace_up_to_the_noise() -> None:
    rng = np.random.default_rng(0)
    data = PROBLEM.draw(40, rng)
    x, y = data.inliers(20_000, rng)
    off = x - (x @ data.basis) @ data.basis.T
    assert np.mean(np.sum(off**2, axis=1)) == pytest.approx(0.4**2 * 37, rel=0.03)  # noise per coordinate
    assert set(np.unique(y)) <= set(range(4))
    assert np.allclose(data.basis.T @ data.basis, np.eye(3))
    assert data.off_basis is not None
    assert np.allclose(data.basis.T @ data.off_basis, 0.0, atol=1e-12)


@pytest.mark.parametrize("kind", OOD_KINDS)
def test_outliers_match_the_inlier_energy(kind: str) -> None:
    rng = np.random.default_rng(1)
    data = PROBLEM.draw(32, rng)
    x = data.outliers(kind, 40_000, rng)
    target = (
        data.energy
        if kind != "in_subspace"
        else float(np.mean(np.sum(data.fresh**2, axis=1)) + PROBLEM.spread**2 + PROBLEM.noise**2 * 32)
    )
    assert np.mean(np.sum(x**2, axis=1)) == pytest.approx(target, rel=0.03)


def test_far_outliers_avoid_the_inlier_subspace() -> None:
    rng = np.random.default_rng(2)
    data = PROBLEM.draw(64, rng)
    x = data.outliers("far", 5000, rng)
    inside = np.mean(np.sum((x @ data.basis) ** 2, axis=1))
    assert inside == pytest.approx(0.4**2 * 3, rel=0.1)  # only the ambient noise
    with pytest.raises(ValueError):
        PROBLEM.draw(5, rng).outliers("far", 3, rng)


def test_noise_energy_grows_with_d_and_clean_inputs_are_the_content() -> None:
    rng = np.random.default_rng(3)
    small, large = PROBLEM.draw(8, rng), PROBLEM.draw(128, rng)
    for data in (small, large):
        signal = float(np.mean(np.sum(data.centres**2, axis=1))) + PROBLEM.spread**2
        assert data.energy == pytest.approx(signal + 0.4**2 * data.dim)
    x, _ = large.inliers(2000, rng, clean=True)
    assert np.allclose(x - (x @ large.basis) @ large.basis.T, 0.0, atol=1e-10)
    content = np.mean(np.sum(x**2, axis=1))
    assert content == pytest.approx(np.mean(np.sum(large.centres**2, axis=1)) + PROBLEM.spread**2, rel=0.1)
    fresh = large.outliers("in_subspace", 2000, rng, clean=True)
    assert np.allclose(fresh - (fresh @ large.basis) @ large.basis.T, 0.0, atol=1e-10)
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    assert np.allclose(large.outliers("isotropic", 5, a, clean=True), large.outliers("isotropic", 5, b))


@settings(max_examples=25, database=None, deadline=None)
@given(low_dim_problems())
def test_strategy_draws_valid_problems(problem: LowDimProblem) -> None:
    assert 2 <= problem.intrinsic <= 6
    assert 3 <= problem.classes <= 6
    assert 0.3 <= problem.noise <= 0.6
    assert 0.2 <= problem.corruption <= 0.5


def test_strategy_validates_its_arguments() -> None:
    with pytest.raises(InvalidArgument):
        low_dim_problems(min_intrinsic=4, max_intrinsic=2).example()
    with pytest.raises(InvalidArgument):
        low_dim_problems(max_corruption=1.0).example()
    with pytest.raises(ValueError):
        LowDimProblem(intrinsic=2, classes=3, noise=0.1, corruption=0.0)
