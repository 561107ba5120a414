"""Unit tests of tasks.sde: the VP schedule, Euler-Maruyama's weak order, the reverse sampler, Langevin."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tasks.gaussians import mixture, mixture_score, noised, wasserstein1_to_mixture
from tasks.sde import VPSchedule, euler_maruyama, langevin, reverse_diffusion


def test_schedule_marginal_and_time_of_ratio() -> None:
    s = VPSchedule()
    t = np.linspace(0.01, 1.0, 7)
    np.testing.assert_allclose(s.alpha(t) ** 2 + s.sigma(t) ** 2, 1.0)
    for ratio in (0.1, 1.0, 5.0):
        u = s.time_of_ratio(ratio)
        assert float(s.sigma(u) / s.alpha(u)) == pytest.approx(ratio, rel=1e-9)


def test_euler_maruyama_has_weak_order_one_on_ou() -> None:
    """dx = -x dt + dW from x0 = 1: E X_1^2 = e^-2 + (1 - e^-2) / 2; the EM error halves with h."""
    exact = math.exp(-2) + 0.5 * (1 - math.exp(-2))
    errors = []
    for steps in (10, 20):
        rng = np.random.default_rng(0)
        x = euler_maruyama(
            lambda x, t: -x, lambda t: 1.0, np.ones(400_000), np.linspace(0, 1, steps + 1), rng
        )
        errors.append(abs(float(np.mean(x**2)) - exact))
    assert errors[0] > 0.01 and 1.6 < errors[0] / errors[1] < 2.5


def test_reverse_diffusion_with_exact_score_recovers_a_mixture() -> None:
    mix = mixture(np.array([0.3, 0.7]), np.array([[-2.0], [1.5]]), np.array([[[0.25]], [[0.4]]]))
    s = VPSchedule()
    rng = np.random.default_rng(1)

    def score(x: np.ndarray, t: float) -> np.ndarray:
        return mixture_score(noised(mix, float(s.alpha(t)), float(s.sigma(t))), x)

    xs = reverse_diffusion(score, s, rng.standard_normal((4000, 1)), steps=200, rng=rng)
    assert wasserstein1_to_mixture(xs[:, 0], mix) < 0.08


def test_langevin_stationary_variance() -> None:
    rng = np.random.default_rng(2)
    x = langevin(lambda x: -x, np.zeros(100_000), step=0.1, steps=200, rng=rng)
    assert float(x.var()) == pytest.approx(1 / (1 - 0.05), rel=0.02)
