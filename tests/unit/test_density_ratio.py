"""Unit tests of tasks.density_ratio: the bridge's time score against finite differences and the identity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.density_ratio import (
    CorrelatedPairs,
    GaussianPair,
    PeakedGaussian,
    bridge_time_score,
    correlated_pairs_tasks,
    gaussian_pairs,
    integrate,
    peaked_gaussians,
)
from tasks.gaussians import Gaussian, as_matrix, correlated_pairs, kl, log_density, sample

PAIR = GaussianPair(
    p0=Gaussian(mean=(0.5, -1.0), cov=as_matrix(np.array([[1.0, 0.3], [0.3, 0.8]]))),
    p1=Gaussian(mean=(2.0, 1.0), cov=as_matrix(np.array([[0.05, 0.01], [0.01, 0.02]]))),
)
X = np.random.default_rng(0).normal(size=(7, 2)) + 1.0


def _bridge(pair: GaussianPair, t: float) -> Gaussian:
    m = math.sqrt(1 - t * t) * pair.p0.mu() + t * pair.p1.mu()
    s = (1 - t * t) * pair.p0.sigma() + t * t * pair.p1.sigma()
    return Gaussian(mean=tuple(m), cov=as_matrix(s))


@pytest.mark.parametrize("t", [0.1, 0.5, 0.9, 0.99])
def test_time_score_is_the_t_derivative_of_the_bridge_log_density(t: float) -> None:
    h = 1e-6
    fd = (log_density(_bridge(PAIR, t + h), X) - log_density(_bridge(PAIR, t - h), X)) / (2 * h)
    assert np.allclose(bridge_time_score(PAIR, X, t), fd, rtol=1e-5, atol=1e-5)


def test_integrated_time_score_is_the_log_ratio_and_the_dropped_terms_cost_what_they_should() -> None:
    truth = log_density(PAIR.p1, X) - log_density(PAIR.p0, X)
    assert np.allclose(integrate(lambda t: bridge_time_score(PAIR, X, t)), truth, atol=1e-8)
    no_norm = integrate(lambda t: bridge_time_score(PAIR, X, t, normaliser=False))
    logdets = np.linalg.slogdet(PAIR.p1.sigma())[1] - np.linalg.slogdet(PAIR.p0.sigma())[1]
    assert np.allclose(no_norm - truth, 0.5 * logdets, atol=1e-8)  # int tr(S^-1 S')/2 = log det ratio / 2
    still = GaussianPair(  # the bridge's mean stands still only when both means are 0
        p0=Gaussian(mean=(0.0, 0.0), cov=PAIR.p0.cov), p1=Gaussian(mean=(0.0, 0.0), cov=PAIR.p1.cov)
    )
    same = integrate(lambda t: bridge_time_score(still, X, t, mean_drift=False))
    assert np.allclose(same, log_density(still.p1, X) - log_density(still.p0, X), atol=1e-8)


def test_closed_form_kl_and_mi() -> None:
    peaked = PeakedGaussian(std=1e-3, samples=10)
    assert peaked.kl == pytest.approx(
        kl(Gaussian(mean=(0.0,), cov=((1e-6,),)), Gaussian(mean=(0.0,), cov=((1.0,),)))
    )
    task = CorrelatedPairs(rhos=(0.8, 0.3))
    joint = correlated_pairs(task.rhos)
    independent = Gaussian(mean=(0.0,) * 4, cov=as_matrix(np.eye(4)))
    assert task.mutual_information == pytest.approx(kl(joint, independent))
    assert task.mutual_information == pytest.approx(-0.5 * (math.log(1 - 0.64) + math.log(1 - 0.09)))


@settings(max_examples=15, deadline=None)
@given(gaussian_pairs())
def test_gaussian_pairs_have_bounded_condition_and_separated_scales(pair: GaussianPair) -> None:
    for g in (pair.p0, pair.p1):
        eig = np.linalg.eigvalsh(g.sigma())
        assert eig.min() > 0 and eig.max() / eig.min() <= 100.0 * (1 + 1e-6)
        assert np.all(np.abs(g.mu()) <= 3.0)
    top = np.linalg.eigvalsh(pair.p1.sigma()).max()
    assert np.linalg.eigvalsh(pair.p0.sigma()).max() == pytest.approx(1.0)
    assert abs(math.log10(top)) >= 0.3 - 1e-9


@settings(max_examples=15, deadline=None)
@given(peaked_gaussians(min_log10_std=-3.0, max_log10_std=-2.0), correlated_pairs_tasks())
def test_strategies_respect_their_ranges(peaked: PeakedGaussian, task: CorrelatedPairs) -> None:
    assert 1e-3 * (1 - 1e-9) <= peaked.std <= 1e-2 * (1 + 1e-9)
    assert 1 <= len(task.rhos) <= 4 and all(0.3 <= r <= 0.8 for r in task.rhos)


def test_strategies_reject_bad_ranges() -> None:
    with pytest.raises(InvalidArgument):
        peaked_gaussians(min_log10_std=-1.0, max_log10_std=0.5).example()
    with pytest.raises(InvalidArgument):
        correlated_pairs_tasks(max_rho=1.0).example()


@settings(max_examples=10, deadline=None)
@given(gaussian_pairs())
def test_time_score_identity_holds_on_drawn_pairs_and_the_log_det_term_carries_its_share(
    pair: GaussianPair,
) -> None:
    """The time-score identity of Choi et al. (2022) as an identity of the building block (it was a claim):
    peaked and broad p_1, dimension 1-5, condition number <= 100; 200 points, half from each law."""
    rng = np.random.default_rng(0)
    x = np.vstack([sample(pair.p1, 100, rng), sample(pair.p0, 100, rng)])
    truth = log_density(pair.p1, x) - log_density(pair.p0, x)
    value = integrate(lambda t: bridge_time_score(pair, x, t))
    assert np.abs(value - truth).max() < 1e-4
    no_norm = integrate(lambda t: bridge_time_score(pair, x, t, normaliser=False))
    logdets = np.linalg.slogdet(pair.p1.sigma())[1] - np.linalg.slogdet(pair.p0.sigma())[1]
    assert np.abs(no_norm - truth - 0.5 * logdets).max() < 1e-4  # what the log-det term carries
