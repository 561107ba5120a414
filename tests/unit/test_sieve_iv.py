"""Unit tests of models.sieve_iv: bases, sieve 2SLS (dense, nested and sparse hat versions)."""

from __future__ import annotations

import math

import pytest
import torch

from models.sieve_iv import (
    cosine_basis,
    cosine_features,
    hat_basis,
    hat_grid_error,
    hat_sieve_2sls,
    naive_sieve,
    oracle_sieve,
    radial_frequencies,
    sieve_2sls,
    sieve_path,
)
from tasks.iv_regression import IVDesign, JumpTarget, draw_structural, grid_points, sample_iv


@pytest.mark.parametrize(("dim", "radius", "count"), [(1, 200.0, 97), (2, 40.0, 321), (3, 12.0, 200)])
def test_cosine_features_equal_the_previous_dense_formula(dim: int, radius: float, count: int) -> None:
    """Oracle: the gathered per-axis cosines are bit for bit the earlier (n, N, d) cosine product."""
    frequencies = radial_frequencies(dim, radius)[:count]
    for n in (1, 7, 257, 4099):
        gen = torch.Generator().manual_seed(n)
        x = torch.rand(n, dim, dtype=torch.float64, generator=gen)
        before = torch.cos(math.pi * x.double()[:, None, :] * frequencies.double()[None, :, :]).prod(-1)
        assert torch.equal(cosine_features(x, frequencies), before)
        assert torch.equal(cosine_features(x, frequencies[:5]), before[:, :5])


def test_hat_basis_is_a_partition_of_unity_and_interpolates() -> None:
    x = torch.rand(50, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    b = hat_basis(7)(x)
    assert torch.allclose(b.sum(1), torch.ones(50, dtype=torch.float64))
    knots = torch.linspace(0, 1, 7, dtype=torch.float64)[:, None]
    assert torch.allclose(hat_basis(7)(knots), torch.eye(7, dtype=torch.float64))


def test_radial_frequencies_are_nested_and_match_the_tensor_basis() -> None:
    k = radial_frequencies(2, 4.0)
    norms = k.double().norm(dim=1)
    assert bool((norms[1:] >= norms[:-1]).all()) and bool((norms < 4.0).all()) and k[0].tolist() == [0, 0]
    x = torch.rand(10, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    dense = cosine_basis(4)(x)  # columns k1 * 4 + k2
    feats = cosine_features(x, k)
    for col, (a, b) in enumerate(k.tolist()):
        if a < 4 and b < 4:
            assert torch.allclose(feats[:, col], dense[:, a * 4 + b])


def _jump_data(n: int, seed: int, confounding: float = 1.0):  # type: ignore[no-untyped-def]
    design = IVDesign(target=JumpTarget(location=0.55, height=1.5), confounding=confounding, noise=0.2)
    f = draw_structural(design.target, torch.Generator())
    gen = torch.Generator().manual_seed(seed)
    return f, sample_iv(design, f, n, gen), sample_iv(design, f, n, gen)


def test_sparse_hat_2sls_equals_the_dense_estimator() -> None:
    _, one, two = _jump_data(3000, 2)
    grid = grid_points(1, 300)
    for size in (5, 13):
        dense = sieve_2sls(hat_basis(size), hat_basis(2 * size), (one.x, one.z), (two.z, two.y))
        sparse = hat_sieve_2sls((one.x, one.z), (two.z, two.y), size, 2 * size)
        assert torch.allclose(dense(grid), sparse(grid), atol=1e-8)
        naive = naive_sieve(hat_basis(size), (two.x, two.y))
        assert torch.allclose(
            naive(grid), hat_sieve_2sls((one.x, one.z), (two.x, two.y), size, size, naive=True)(grid)
        )


def test_nested_sieve_path_equals_separate_fits() -> None:
    _, one, two = _jump_data(2000, 3)
    k = radial_frequencies(1, 12.0)
    betas = sieve_path(
        (cosine_features(one.x, k), cosine_features(one.z, k)), (cosine_features(two.z, k), two.y), [4, 9]
    )
    for size, beta in zip((4, 9), betas, strict=True):
        fit = sieve_2sls(
            cosine_basis(size), cosine_basis(size), (one.x, one.z), (two.z, two.y), lam1=1e-8, lam2=1e-8
        )
        assert torch.allclose(beta, fit.beta, atol=1e-6)


def test_iv_sieve_is_consistent_where_least_squares_is_biased() -> None:
    """Under confounding, 2SLS converges to f* while least squares of Y on X keeps the bias (kappa pi)^2."""
    f, one, two = _jump_data(40_000, 4)
    grid = grid_points(1, 2000)
    truth = f(grid)

    def error(fit):  # type: ignore[no-untyped-def]
        return float(((fit(grid) - truth) ** 2).mean())

    iv = error(hat_sieve_2sls((one.x, one.z), (two.z, two.y), 40, 80))
    naive = error(hat_sieve_2sls((one.x, one.z), (two.x, two.y), 40, 40, naive=True))
    assert iv < 0.02 and naive > 0.06


def test_oracle_sieve_picks_the_best_size() -> None:
    f, one, two = _jump_data(4000, 5, confounding=0.0)
    grid = grid_points(1, 500)
    truth = f(grid)

    def error(fit):  # type: ignore[no-untyped-def]
        return float(((fit(grid) - truth) ** 2).mean())

    best, size = oracle_sieve("hat", [4, 8, 16, 32], (one.x, one.z), (two.z, two.y), error)
    each = [
        error(sieve_2sls(hat_basis(j), hat_basis(2 * j), (one.x, one.z), (two.z, two.y)))
        for j in (4, 8, 16, 32)
    ]
    assert best == min(each) and size == (4, 8, 16, 32)[each.index(best)]


def test_hat_grid_error_equals_evaluating_each_fit() -> None:
    """Oracle: the cached grid features give bit for bit the error of ``fit(grid)``."""
    design = IVDesign(target=JumpTarget(location=0.4, height=1.5, amplitude=0.5))
    f = draw_structural(design.target, torch.Generator())
    gen = torch.Generator().manual_seed(3)
    grid = grid_points(1, 2000)
    truth = f(grid)
    cached = hat_grid_error(grid, truth)
    for n in (256, 1024):
        one, two = sample_iv(design, f, n, gen), sample_iv(design, f, n, gen)
        for size in (4, 17, 29, 4, 17):
            for naive in (False, True):
                second = two.x if naive else two.z
                fit = hat_sieve_2sls((one.x, one.z), (second, two.y), size, 2 * size, naive=naive)
                assert cached(fit) == float(((fit(grid) - truth) ** 2).mean())
