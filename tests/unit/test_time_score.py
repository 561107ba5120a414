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
    integrate_time_score,
    train_tsm,
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
