"""Unit tests of models.projection_ood: subspaces, projection ratios, AUROC, baselines, training."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from models.projection_ood import (
    auroc,
    dominant_subspace,
    effective_rank,
    mahalanobis_scores,
    max_softmax,
    projection_ratio,
    random_subspace,
    train_classifier,
)


def test_dominant_subspace_keeps_singular_values_above_the_ratio() -> None:
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    v, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    w = u[:, :5] @ np.diag([5.0, 3.0, 0.6, 0.2, 0.1]) @ v.T
    basis = dominant_subspace(w, 0.1)
    assert basis.shape == (3, 5)
    assert np.allclose(np.abs(basis @ v[:, :3]), np.eye(3), atol=1e-10)


def test_effective_rank_is_the_participation_ratio_of_the_squared_singular_values() -> None:
    rng = np.random.default_rng(7)
    u, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    v, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    s = np.array([3.0, 2.0, 1.0, 0.0, 0.0, 0.0])
    w = u[:, :6] @ np.diag(s) @ v.T
    assert effective_rank(w) == pytest.approx(14.0**2 / 98.0)  # (9 + 4 + 1)^2 / (81 + 16 + 1)
    assert effective_rank(0.001 * w) == pytest.approx(effective_rank(w))
    assert effective_rank(np.eye(5)) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        effective_rank(np.zeros((3, 3)))


def test_projection_ratio_of_isotropic_inputs_is_k_over_d() -> None:
    rng = np.random.default_rng(1)
    basis = random_subspace(50, 5, rng)
    assert np.allclose(basis @ basis.T, np.eye(5))
    x = rng.standard_normal((20_000, 50))
    assert np.mean(projection_ratio(x, basis)) == pytest.approx(5 / 50, rel=0.02)
    assert np.allclose(projection_ratio(x[:, :50] @ basis.T @ basis, basis), 1.0)


def test_auroc_matches_the_gaussian_closed_form() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(20_000) + 1.0, rng.standard_normal(20_000)
    assert auroc(a, b) == pytest.approx(float(norm.cdf(1.0 / math.sqrt(2))), abs=0.01)
    assert auroc(np.ones(5), np.ones(7)) == 0.5
    assert auroc(np.array([2.0, 3.0]), np.array([0.0, 1.0])) == 1.0


def test_max_softmax() -> None:
    logits = np.array([[0.0, 0.0], [math.log(3.0), 0.0]])
    assert np.allclose(max_softmax(logits), [0.5, 0.75])


def test_mahalanobis_scores_match_the_closed_form() -> None:
    rng = np.random.default_rng(3)
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    chol = np.linalg.cholesky(cov)
    means = np.array([[0.0, 0.0], [4.0, 1.0]])
    y = rng.integers(0, 2, 50_000)
    x = means[y] + rng.standard_normal((50_000, 2)) @ chol.T
    probe = np.array([[1.0, 1.0], [3.0, -1.0]])
    prec = np.linalg.inv(cov)
    exact = -np.min([[(p - m) @ prec @ (p - m) for m in means] for p in probe], axis=1)
    assert np.allclose(mahalanobis_scores(x, y, probe, 2), exact, rtol=0.03)


def test_training_fits_separable_clusters_and_zero_steps_leave_it_untrained() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 300)
    x = np.eye(3)[y] * 3.0 + 0.2 * rng.standard_normal((300, 3))
    trained = train_classifier(x, y, classes=3, width=16, steps=200, lr=0.2, weight_decay=1e-3, seed=0)
    assert trained.accuracy == 1.0
    untrained = train_classifier(x, y, classes=3, width=16, steps=0, lr=0.2, weight_decay=0.0, seed=0)
    again = train_classifier(x, y, classes=3, width=16, steps=0, lr=0.2, weight_decay=0.0, seed=0)
    assert np.array_equal(untrained.weights(1), again.weights(1))
    assert untrained.loss > trained.loss
    h, logits = trained.features(x[:5])
    assert h.shape == (5, 16) and logits.shape == (5, 3)
