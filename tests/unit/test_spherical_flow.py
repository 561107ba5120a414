"""Unit tests of models.spherical_flow: the ascent direction and recovery on Gaussian-like features."""

from __future__ import annotations

import numpy as np
import pytest

from models.spherical_flow import ascent, correlation
from tasks.powersum import HolomorphicLink, random_unit


def _complex_gaussian(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    return (rng.standard_normal((n, d)) + 1j * rng.standard_normal((n, d))) / np.sqrt(2)


def test_first_step_follows_the_gradient() -> None:
    rng = np.random.default_rng(0)
    link = HolomorphicLink(coefficients=(0.0, 1.0))
    q = _complex_gaussian(2000, 3, rng)
    y = link(q @ random_unit(3, rng))
    theta0 = random_unit(3, rng)[:, None]
    before = correlation(q, y, theta0, link)[0]
    theta, history = ascent(q, y, theta0, link, link.derivative, step=1e-4, steps=1)
    assert history[1, 0] > before
    # directional derivative along the step equals |tangent|^2 > 0 to first order
    assert np.linalg.norm(theta[:, 0]) == pytest.approx(1.0)


@pytest.mark.parametrize("s", [1, 2, 3])
def test_ascent_recovers_up_to_a_root_of_unity(s: int) -> None:
    rng = np.random.default_rng(s)
    link = HolomorphicLink(coefficients=(0.0,) * (s - 1) + (1.0,))
    q = _complex_gaussian(5000, 3, rng)
    planted = random_unit(3, rng)
    starts = np.stack([random_unit(3, rng) for _ in range(4)], axis=1)
    theta, _ = ascent(
        q, link(q @ planted), starts, link, link.derivative, step=0.2, steps=150, record_every=50
    )
    rho = planted @ np.conj(theta)
    assert np.all(np.real(rho**s) > 0.95)
