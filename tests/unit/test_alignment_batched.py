"""Batched seeds of the alignment samplers: stacked runs equal the per-seed runs, generator by generator.

Each batched piece (the stacked score fields, the stacked reverse diffusion and
Langevin chains, the stacked tilt-family draws) is checked on 2-3 seeds against
the unbatched function run seed by seed, and every generator must be left
where the unbatched run leaves it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tasks.alignment import (
    estimated_h_transform_score,
    estimated_h_transform_score_batched,
    h_transform_score,
    h_transform_score_batched,
    tilt_family,
    tilt_family_sample,
    tilt_family_sample_batched,
)
from tasks.gaussians import mixture, mixture_sample, mixture_score, mixture_score_1d
from tasks.sde import VPSchedule, langevin, langevin_batched, reverse_diffusion, reverse_diffusion_batched

SCHEDULE = VPSchedule()
REF = mixture(
    np.array([0.3, 0.45, 0.25]), np.array([[-3.0], [0.5], [3.5]]), np.array([[[0.25]], [[0.4]], [[0.3]]])
)
SEEDS = (3, 17, 99)


def _rngs() -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in SEEDS]


def _same_state(a: list[np.random.Generator], b: list[np.random.Generator]) -> bool:
    return all(x.bit_generator.state == y.bit_generator.state for x, y in zip(a, b, strict=True))


def test_mixture_score_1d_matches_mixture_score():
    x = np.linspace(-8.0, 8.0, 301)[:, None]
    np.testing.assert_allclose(mixture_score_1d(REF, x), mixture_score(REF, x), rtol=1e-12, atol=1e-12)
    stacked = np.stack([x, 2 * x])
    np.testing.assert_allclose(mixture_score_1d(REF, stacked)[1], mixture_score(REF, 2 * x), rtol=1e-12)


def test_mixture_score_1d_with_a_zero_weight_component():
    """A component of weight 0 drops out, as in the d-dimensional score (no log of zero raised)."""
    zero = mixture(np.array([1.0, 0.0]), np.array([[-1.0], [2.0]]), np.array([[[0.5]], [[0.3]]]))
    x = np.linspace(-4.0, 4.0, 41)[:, None]
    with np.errstate(divide="ignore"):
        expected = mixture_score(zero, x)
    np.testing.assert_allclose(mixture_score_1d(zero, x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("variant", ["doob", "reference", "guidance"])
@pytest.mark.parametrize("t", [1.0, 0.3, 0.02, 1e-3])
def test_h_transform_score_batched_matches_per_seed(variant, t):
    x = np.stack([np.linspace(-6, 6, 101)[:, None], np.linspace(-2, 7, 101)[:, None]])
    one = h_transform_score(REF, 0.6, SCHEDULE, variant)
    many = h_transform_score_batched(REF, 0.6, SCHEDULE, variant)(x, t)
    for s in range(2):
        np.testing.assert_allclose(many[s], one(x[s], t), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("t", [1.0, 0.3, 0.05, 1e-3])
def test_estimated_h_transform_score_batched_matches_per_seed(t):
    rng = np.random.default_rng(0)
    draws = np.stack([mixture_sample(REF, 300, rng)[:, 0] for _ in SEEDS])
    x = np.stack([rng.normal(0.0, 2.0, (200, 1)) for _ in SEEDS])
    many = estimated_h_transform_score_batched(REF, -0.7, SCHEDULE, draws, grid=32)(x, t)
    for s in range(len(SEEDS)):
        one = estimated_h_transform_score(REF, -0.7, SCHEDULE, draws[s], grid=32)(x[s], t)
        np.testing.assert_allclose(many[s], one, rtol=1e-7, atol=1e-7)


def test_reverse_diffusion_batched_matches_per_seed():
    starts = [rng.standard_normal((300, 1)) for rng in _rngs()]
    solo_rngs, batch_rngs = _rngs(), _rngs()
    for rng in (*solo_rngs, *batch_rngs):
        rng.standard_normal((300, 1))  # the start drawn above, from the same stream
    score = h_transform_score(REF, 0.5, SCHEDULE)
    solo = [
        reverse_diffusion(score, SCHEDULE, s, steps=40, rng=r) for s, r in zip(starts, solo_rngs, strict=True)
    ]
    batched = reverse_diffusion_batched(
        h_transform_score_batched(REF, 0.5, SCHEDULE), SCHEDULE, np.stack(starts), steps=40, rngs=batch_rngs
    )
    np.testing.assert_allclose(batched, np.stack(solo), rtol=1e-9, atol=1e-9)
    assert _same_state(solo_rngs, batch_rngs)


def test_langevin_batched_matches_per_seed():
    solo_rngs, batch_rngs = _rngs(), _rngs()
    starts = [mixture_sample(REF, 200, r) for r in solo_rngs]
    batch_starts = np.stack([mixture_sample(REF, 200, r) for r in batch_rngs])
    solo = [
        langevin(lambda x: mixture_score(REF, x), s, step=0.05, steps=50, rng=r)
        for s, r in zip(starts, solo_rngs, strict=True)
    ]
    batched = langevin_batched(
        lambda x: mixture_score_1d(REF, x), batch_starts, step=0.05, steps=50, rngs=batch_rngs
    )
    np.testing.assert_allclose(batched, np.stack(solo), rtol=1e-9, atol=1e-9)
    assert _same_state(solo_rngs, batch_rngs)


@pytest.mark.parametrize("scale", [1.0, 400.0])  # 400: tilts that leave one component (weights 0 and 1)
def test_tilt_family_sample_batched_is_the_per_seed_draw(scale):
    a = np.random.default_rng(1).normal(0.0, scale, (len(SEEDS), 7))
    solo_rngs, batch_rngs = _rngs(), _rngs()
    solo = np.stack([tilt_family_sample(REF, a[s], 11, r) for s, r in enumerate(solo_rngs)])
    batched = tilt_family_sample_batched(REF, a, 11, batch_rngs)
    np.testing.assert_array_equal(batched, solo)  # same arithmetic: the same numbers, bit for bit
    assert _same_state(solo_rngs, batch_rngs)
    given = tilt_family_sample_batched(REF, a, 11, _rngs(), tilt_family(REF, a.reshape(-1)))
    np.testing.assert_array_equal(given, solo)  # the family passed in, as the dual-averaging loop does
