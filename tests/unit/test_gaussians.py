"""Unit tests of tasks.gaussians: closed forms against autograd, Monte Carlo and each other; strategies."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.gaussians import (
    Gaussian,
    as_matrix,
    correlated_pairs,
    covariances,
    gaussian_mixtures,
    kl,
    log_density,
    mixture,
    mixture_cov,
    mixture_log_density,
    mixture_mean,
    mixture_sample,
    mixture_score,
    mixture_weights,
    noised,
    pairs_mutual_information,
    posterior,
    sample,
    score,
    tilted,
    wasserstein1_between_mixtures,
    wasserstein1_to_mixture,
)

MIX = mixture(
    np.array([0.2, 0.5, 0.3]),
    np.array([[-2.0, 0.5], [1.0, 1.0], [0.0, -2.0]]),
    np.array([[[0.5, 0.1], [0.1, 0.3]], [[1.0, -0.2], [-0.2, 0.6]], [[0.2, 0.0], [0.0, 0.2]]]),
)


def _torch_log_density(x: torch.Tensor) -> torch.Tensor:
    w, m, c = (torch.as_tensor(a) for a in MIX.arrays())
    comps = torch.distributions.MultivariateNormal(m, covariance_matrix=c)
    return torch.logsumexp(comps.log_prob(x[:, None, :]) + torch.log(w), dim=1)


def test_mixture_score_matches_autograd_of_log_density() -> None:
    x = torch.tensor(np.random.default_rng(0).normal(size=(20, 2)) * 2, requires_grad=True)
    logp = _torch_log_density(x)
    (grad,) = torch.autograd.grad(logp.sum(), x)
    np.testing.assert_allclose(
        mixture_log_density(MIX, x.detach().numpy()), logp.detach().numpy(), atol=1e-10
    )
    np.testing.assert_allclose(mixture_score(MIX, x.detach().numpy()), grad.numpy(), atol=1e-9)


def test_gaussian_score_kl_and_mutual_information() -> None:
    rng = np.random.default_rng(1)
    p = Gaussian(mean=(1.0, -1.0), cov=as_matrix(np.array([[2.0, 0.5], [0.5, 1.0]])))
    q = Gaussian(mean=(0.0, 0.0), cov=as_matrix(np.eye(2)))
    x = sample(p, 200_000, rng)
    np.testing.assert_allclose(x.mean(0), p.mu(), atol=0.02)
    mc = float(np.mean(log_density(p, x) - log_density(q, x)))
    assert abs(mc - kl(p, q)) < 0.02
    eps = 1e-6
    step = np.array([eps, 0.0])
    fd = (log_density(p, x[:3] + step) - log_density(p, x[:3] - step)) / (2 * eps)
    np.testing.assert_allclose(score(p, x[:3])[:, 0], fd, atol=1e-6)
    rhos = (0.5, 0.8)
    pairs = correlated_pairs(rhos)
    assert kl(pairs, Gaussian(mean=(0.0,) * 4, cov=as_matrix(np.eye(4)))) == pytest.approx(
        pairs_mutual_information(rhos)
    )


def test_noised_tilted_and_posterior_against_monte_carlo() -> None:
    rng = np.random.default_rng(2)
    x = mixture_sample(MIX, 400_000, rng)
    np.testing.assert_allclose(x.mean(0), mixture_mean(MIX), atol=0.01)
    np.testing.assert_allclose(np.cov(x.T), mixture_cov(MIX), atol=0.02)
    y = 0.6 * x + 0.8 * rng.standard_normal(x.shape)
    np.testing.assert_allclose(np.cov(y.T), mixture_cov(noised(MIX, 0.6, 0.8)), atol=0.02)
    c = np.array([0.7, -0.4])  # tilt: reweight the draws by exp(c . x)
    w = np.exp(x @ c)
    np.testing.assert_allclose((w[:, None] * x).sum(0) / w.sum(), mixture_mean(tilted(MIX, c)), atol=0.02)
    resp, means, _ = posterior(MIX, np.array([[0.3, -0.2]]), 0.6, 0.8)  # E[x | y]: Bayes over prior draws
    like = np.exp(-0.5 * ((0.6 * x - [0.3, -0.2]) ** 2).sum(1) / 0.64)
    np.testing.assert_allclose(resp[0] @ means[0], (like[:, None] * x).sum(0) / like.sum(), atol=0.02)


def test_wasserstein_distances() -> None:
    rng = np.random.default_rng(3)
    one = mixture(np.array([0.4, 0.6]), np.array([[-1.0], [2.0]]), np.array([[[0.3]], [[0.5]]]))
    shifted = mixture(np.array([0.4, 0.6]), np.array([[-0.5], [2.5]]), np.array([[[0.3]], [[0.5]]]))
    assert wasserstein1_between_mixtures(one, shifted) == pytest.approx(0.5, abs=1e-3)
    assert wasserstein1_to_mixture(mixture_sample(one, 20_000, rng)[:, 0], one) < 0.03


@settings(max_examples=20, deadline=None, database=None)
@given(covariances(dim=3, max_condition=50.0, min_scale=0.5, max_scale=2.0))
def test_covariances_are_spd_with_bounded_condition(cov: tuple) -> None:
    eig = np.linalg.eigvalsh(np.asarray(cov))
    assert eig.min() > 0 and eig.max() / eig.min() <= 50.0 * (1 + 1e-9)
    assert 0.5 - 1e-9 <= eig.max() <= 2.0 + 1e-9


@settings(max_examples=20, deadline=None, database=None)
@given(mixture_weights(components=4, min_weight=0.1))
def test_mixture_weights(weights: tuple) -> None:
    assert len(weights) == 4 and math.isclose(sum(weights), 1.0) and min(weights) >= 0.1 - 1e-12


@settings(max_examples=10, deadline=None, database=None)
@given(gaussian_mixtures(min_separation=3.0, min_std=0.3, max_std=0.8))
def test_mixtures_are_separated(mix) -> None:
    _, m, c = mix.arrays()
    sd = np.sqrt(c[:, 0, 0])
    for i in range(len(m)):
        for j in range(i):
            assert abs(m[i, 0] - m[j, 0]) >= 3.0 * max(sd[i], sd[j]) - 1e-9


@pytest.mark.parametrize(
    "build",
    [
        lambda: covariances(dim=0),
        lambda: covariances(dim=2, max_condition=0.5),
        lambda: mixture_weights(components=3, min_weight=0.5),
        lambda: gaussian_mixtures(min_components=3, max_components=2),
    ],
)
def test_invalid_bounds_raise(build) -> None:
    with pytest.raises(InvalidArgument):
        build()
