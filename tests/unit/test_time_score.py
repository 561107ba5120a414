"""Unit tests of models.time_score: the parametric time score, its integral, the TSM loss and the trainers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from models.time_score import (
    DTYPE,
    ClassifierConfig,
    GaussianPathTimeScore,
    TSMConfig,
    fit_logistic_ratio,
    fit_logistic_ratio_batched,
    integrate_time_score,
    train_tsm,
    train_tsm_batched,
    tsm_loss,
)
from tasks.density_ratio import GaussianPair, bridge_time_score
from tasks.gaussians import Gaussian, as_matrix


def _model(theta: np.ndarray, mean: np.ndarray) -> GaussianPathTimeScore:
    model = GaussianPathTimeScore(len(mean), torch.Generator().manual_seed(0), learn_mean=True)
    with torch.no_grad():
        model.a.copy_(torch.tensor(theta, dtype=DTYPE))  # symmetric: theta = a
        model.m.copy_(torch.tensor(mean, dtype=DTYPE))
    return model


THETA = np.array([[0.5, 0.2], [0.2, -0.4]])
MEAN = np.array([1.0, -0.5])
X = np.random.default_rng(1).normal(size=(9, 2))


@pytest.mark.parametrize("t", [0.0, 0.3, 0.8, 1.0])
def test_forward_is_the_bridge_time_score(t: float) -> None:
    pair = GaussianPair(
        p0=Gaussian(mean=(0.0, 0.0), cov=as_matrix(np.eye(2))),
        p1=Gaussian(mean=tuple(MEAN), cov=as_matrix(np.eye(2) + THETA)),
    )
    out = _model(THETA, MEAN)(torch.tensor(X, dtype=DTYPE)[None], torch.full((1, 1), t, dtype=DTYPE))[0]
    assert np.allclose(out.detach().numpy(), bridge_time_score(pair, X, t), atol=1e-10)


def test_integral_of_the_time_score_is_the_closed_form_log_ratio() -> None:
    model, x = _model(THETA, MEAN), torch.tensor(X, dtype=DTYPE)
    with torch.no_grad():
        assert torch.allclose(integrate_time_score(model, x, nodes=96), model.log_ratio(x), atol=1e-6)


def test_cholesky_theta_keeps_the_covariance_positive_definite() -> None:
    model = GaussianPathTimeScore(3, torch.Generator().manual_seed(2), init=2.0, cholesky=True)
    cov = torch.eye(3, dtype=DTYPE) + model.theta
    assert torch.allclose(cov, cov.T) and torch.linalg.eigvalsh(cov).min() > 0


class _Scaled(nn.Module):
    def __init__(self, inner: nn.Module, c: float) -> None:
        super().__init__()
        self.inner, self.c = inner, c

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.c * self.inner(x, t)


def test_tsm_loss_is_a_quadratic_minimised_at_the_true_time_score() -> None:
    """J(c s*) = (c^2 / 2 - c) E[lambda s*^2] + const: J(s*) < J(s* / 2) < J(0) = 0 < J(2.5 s*)."""
    theta = np.diag([-0.8, 1.5])
    mean = np.array([1.0, 0.0])
    true = _model(theta, mean)
    chol = torch.tensor(np.linalg.cholesky(np.eye(2) + theta), dtype=DTYPE)

    def loss(c: float, total: bool = False) -> float:
        g = torch.Generator().manual_seed(3)
        x0 = torch.randn(20000, 2, generator=g, dtype=DTYPE)
        x1 = torch.randn(20000, 2, generator=g, dtype=DTYPE) @ chol.T + torch.tensor(mean, dtype=DTYPE)
        j = tsm_loss(_Scaled(true, c), x0, x1, groups=200, generator=g, total_derivative=total)
        return float(j.detach())

    values = [loss(c) for c in (1.0, 0.5, 0.0, 2.5)]
    assert values[0] < values[1] < values[2] < values[3]
    assert values[2] == pytest.approx(0.0, abs=1e-12)
    assert loss(1.0, total=True) > values[0] + 0.1  # the along-the-path derivative is another objective


def test_trainers_recover_an_overlapping_ratio() -> None:
    """p_1 = N(0, 0.5^2) against N(0, 1): theta = -0.75 by TSM and by the logistic classifier."""
    g = torch.Generator().manual_seed(4)

    def draw0(n: int, gen: torch.Generator) -> torch.Tensor:
        return torch.randn(n, 1, generator=gen, dtype=DTYPE)

    def draw1(n: int, gen: torch.Generator) -> torch.Tensor:
        return 0.5 * draw0(n, gen)

    tsm = GaussianPathTimeScore(1, g, init=0.0, cholesky=True)
    train_tsm(tsm, draw0, draw1, TSMConfig(steps=300, lr=5e-2), g)
    assert float(tsm.theta.detach()) == pytest.approx(-0.75, abs=0.05)
    clf = GaussianPathTimeScore(1, g, init=0.0, cholesky=True)
    offset = fit_logistic_ratio(clf, draw0(2000, g), draw1(2000, g), ClassifierConfig(steps=300, lr=5e-2), g)
    assert float(clf.theta.detach()) == pytest.approx(-0.75, abs=0.05)
    assert math.isfinite(offset) and abs(offset) < 0.5  # equal class sizes: the family's log ratio needs none


def _samplers(chol: torch.Tensor):
    def draw0(n: int, g: torch.Generator) -> torch.Tensor:
        return torch.randn(n, chol.shape[0], generator=g, dtype=DTYPE)

    return draw0, lambda n, g: draw0(n, g) @ chol.T


@pytest.mark.parametrize("total_derivative", [False, True])
def test_batched_tsm_equals_the_per_seed_runs(total_derivative: bool) -> None:
    """train_tsm_batched of 3 seeds: each seed's tail loss and fit are those of its own train_tsm run."""
    chol = torch.tensor(np.linalg.cholesky([[1.0, 0.6], [0.6, 1.0]]), dtype=DTYPE)
    draw0, draw1 = _samplers(chol)
    config, seeds = TSMConfig(steps=30, batch=64, groups=4, total_derivative=total_derivative), (0, 1, 7)
    alone = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        model = GaussianPathTimeScore(2, g)
        alone.append((model, train_tsm(model, draw0, draw1, config, g), torch.randn(3, generator=g)))
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    models = [GaussianPathTimeScore(2, g) for g in gens]
    tails = train_tsm_batched(models, [draw0] * 3, [draw1] * 3, config, gens)
    for (ref, ref_tail, ref_next), model, tail, g in zip(alone, models, tails, gens, strict=True):
        assert tail == pytest.approx(ref_tail, rel=1e-10, abs=1e-12)
        assert torch.allclose(ref.a, model.a, rtol=1e-10, atol=1e-12)
        assert torch.equal(ref_next, torch.randn(3, generator=g))  # the same draws were consumed


def test_batched_chasm_fits_equal_the_per_seed_runs() -> None:
    """train_tsm_batched and fit_logistic_ratio_batched with learnt mean, Cholesky theta and per-seed
    training sets: each seed's fits (and the classifier's constant) are those of its own runs."""
    seeds = (3, 4)

    def sets(g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.randn(50, 1, generator=g, dtype=DTYPE), 0.05 * torch.randn(
            50, 1, generator=g, dtype=DTYPE
        )

    def from_set(data: torch.Tensor):
        return lambda n, g: data[torch.randint(len(data), (n,), generator=g)]

    def new(g: torch.Generator) -> GaussianPathTimeScore:
        return GaussianPathTimeScore(1, g, learn_mean=True, init=0.0, cholesky=True)

    tsm, clf = TSMConfig(steps=25, batch=32, groups=4, lr=5e-2), ClassifierConfig(steps=25, batch=32, lr=5e-2)
    alone = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        d0, d1 = sets(g)
        dre = new(g)
        train_tsm(dre, from_set(d0), from_set(d1), tsm, g)
        c = new(g)
        alone.append((dre, c, fit_logistic_ratio(c, d0, d1, clf, g)))
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    data = [sets(g) for g in gens]
    dres = [new(g) for g in gens]
    train_tsm_batched(dres, [from_set(d0) for d0, _ in data], [from_set(d1) for _, d1 in data], tsm, gens)
    clfs = [new(g) for g in gens]
    offsets = fit_logistic_ratio_batched(clfs, [d0 for d0, _ in data], [d1 for _, d1 in data], clf, gens)
    for (dre, c, offset), dre_b, c_b, offset_b in zip(alone, dres, clfs, offsets, strict=True):
        for p, q in zip(
            [*dre.parameters(), *c.parameters()], [*dre_b.parameters(), *c_b.parameters()], strict=True
        ):
            assert torch.allclose(p, q, rtol=1e-10, atol=1e-12)
        assert offset_b == pytest.approx(offset, rel=1e-10, abs=1e-12)


def test_batched_trainers_reject_mixed_models() -> None:
    gens = [torch.Generator().manual_seed(s) for s in (0, 1)]
    models = [GaussianPathTimeScore(2, gens[0]), GaussianPathTimeScore(2, gens[1], cholesky=True)]
    with pytest.raises(ValueError):
        train_tsm_batched(
            models,
            [lambda n, g: torch.zeros(n, 2)] * 2,
            [lambda n, g: torch.zeros(n, 2)] * 2,
            TSMConfig(steps=1),
            gens,
        )
