"""Unit tests of models.kernel_ridge: exact LOO residuals, interpolation above the feature count."""

from __future__ import annotations

import torch

from models.kernel_ridge import krr_loo_predict, polynomial_kernel
from tasks.single_index_prompts import SingleIndexTask, random_subspace, sample_prompts


def test_kernel_shape_and_symmetry() -> None:
    x = torch.randn(2, 5, 3, generator=torch.Generator().manual_seed(0))
    k = polynomial_kernel(x, x, 2)
    assert k.shape == (2, 5, 5) and torch.allclose(k, k.transpose(-1, -2))


def test_loo_shortcut_matches_refitting() -> None:
    gen = torch.Generator().manual_seed(1)
    x, y = torch.randn(1, 12, 3, generator=gen).double(), torch.randn(1, 12, generator=gen).double()
    k, mu = polynomial_kernel(x, x, 2)[0], 0.5
    h = k @ torch.linalg.inv(k + mu * torch.eye(12, dtype=torch.float64))
    short = (y[0] - h @ y[0]) / (1 - torch.diagonal(h))
    keep = torch.arange(12) != 0
    alpha = torch.linalg.solve(k[keep][:, keep] + mu * torch.eye(11, dtype=torch.float64), y[0, keep])
    assert torch.isclose(short[0], y[0, 0] - k[0, keep] @ alpha)


def test_krr_recovers_a_quadratic_target_above_the_feature_count() -> None:
    gen = torch.Generator().manual_seed(2)
    task = SingleIndexTask(dim=4, rank=2, link="he2", noise=0.0)
    x, y, xq, fq = sample_prompts(task, random_subspace(4, 2, gen), 8, 40, 5, gen)  # 40 > 15 features
    pred = krr_loo_predict(x, y, xq, 2)
    assert pred.shape == (8, 5)
    assert float(((pred - fq) ** 2).mean()) < 0.05


def test_in_place_kernel_is_the_former_expression() -> None:
    """Oracle: the in-place kernel equals ``(1 + a b^T / d) ** P`` (the former code) bit for bit."""
    gen = torch.Generator().manual_seed(4)
    for dtype in (torch.float32, torch.float64):
        a = torch.randn(3, 40, 7, generator=gen).to(dtype)
        b = torch.randn(3, 9, 7, generator=gen).to(dtype)
        for degree in (1, 2, 3):
            former = (1.0 + a @ b.transpose(-1, -2) / a.shape[-1]) ** degree
            assert torch.equal(polynomial_kernel(a, b, degree), former)
