"""Unit tests of models.grassmann_flow: Haar initial overlaps and the k x k reduction of the flow."""

from __future__ import annotations

import numpy as np
import pytest

from models.grassmann_flow import initial_overlap_sweep, overlap_flow, random_initial_overlap, stiefel_flow
from tasks.multi_index import coefficient_tensors, explained_variance_gradient, leap_target, overlaps


def test_initial_overlap_has_haar_second_moments() -> None:
    rng = np.random.default_rng(0)
    d, k = 50, 2
    draws = np.array([random_initial_overlap(d, k, rng) for _ in range(4000)])
    assert float(np.mean(draws**2)) == pytest.approx(1.0 / d, rel=0.05)
    # compare with an explicit QR of a Gaussian frame
    frames = [np.linalg.qr(rng.standard_normal((d, k)))[0][:k] for _ in range(4000)]
    assert float(np.mean(np.square(frames))) == pytest.approx(float(np.mean(draws**2)), rel=0.06)


def test_sweep_uses_common_random_numbers() -> None:
    m = initial_overlap_sweep((100, 10_000), 2, np.random.default_rng(1))
    ratio = m[0] / m[1]
    assert np.allclose(ratio, 10.0, rtol=0.3)  # M_0 ~ A / sqrt(d) with the same A


def test_reduced_flow_matches_the_explicit_stiefel_flow() -> None:
    rng = np.random.default_rng(2)
    d, k = 30, 2
    tensors = coefficient_tensors(leap_target(1.0, 1.0, 2))

    def grad(m: np.ndarray) -> np.ndarray:
        return explained_variance_gradient(tensors, m)

    w0 = np.linalg.qr(rng.standard_normal((d, k)))[0]
    step, steps = 0.002, 15000
    path = stiefel_flow(w0, grad, step=step, steps=steps)
    m2 = np.array([overlaps(m)[1] for m in path])
    explicit = step * int(np.argmax(m2 >= 0.5))
    times, final = overlap_flow(w0[:k].copy(), grad)
    assert m2[0] < 0.5 <= m2.max()
    assert times[1] == pytest.approx(explicit, rel=0.02)
    assert np.all(final >= 0.5)
