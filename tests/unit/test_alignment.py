"""Unit tests of tasks.alignment: Doob's identity, tilt families, strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import InvalidArgument

from tasks.alignment import (
    alignments,
    estimated_h_transform_score,
    h_transform_score,
    separated_tilts,
    tilt_family,
    tilt_family_sample,
    tilts,
)
from tasks.gaussians import (
    mixture,
    mixture_cov,
    mixture_mean,
    mixture_sample,
    mixture_score,
    noised,
    tilted,
)
from tasks.sde import VPSchedule

REF = mixture(np.array([0.35, 0.65]), np.array([[-2.0], [1.5]]), np.array([[[0.3]], [[0.5]]]))


@pytest.mark.parametrize("t", [0.05, 0.3, 0.7, 0.99])
def test_doob_score_is_the_tilted_marginal_score(t: float) -> None:
    """ref score + grad log h_t (from the posterior) = score of the noised tilt (from its closed form)."""
    s = VPSchedule()
    x = np.linspace(-4, 4, 17)[:, None]
    doob = h_transform_score(REF, 0.8, s, "doob")(x, t)
    exact = mixture_score(noised(tilted(REF, np.array([0.8])), float(s.alpha(t)), float(s.sigma(t))), x)
    np.testing.assert_allclose(doob, exact, atol=1e-8)
    assert not np.allclose(h_transform_score(REF, 0.8, s, "guidance")(x, t), exact, atol=1e-2)


@pytest.mark.parametrize("t", [0.3, 0.7])
def test_estimated_h_transform_converges_to_doob(t: float) -> None:
    """grad log h_t from 40000 reference draws is near the exact one; the gridded one near the pointwise."""
    s = VPSchedule()
    x = np.linspace(-2.5, 2.5, 11)[:, None]
    draws = mixture_sample(REF, 40_000, np.random.default_rng(0))[:, 0]
    exact = h_transform_score(REF, 0.8, s, "doob")(x, t)
    pointwise = estimated_h_transform_score(REF, 0.8, s, draws)(x, t)
    np.testing.assert_allclose(pointwise, exact, atol=0.05 * np.abs(exact).max())
    gridded = estimated_h_transform_score(REF, 0.8, s, draws, grid=201)(x, t)
    np.testing.assert_allclose(gridded, pointwise, atol=1e-2 * np.abs(exact).max())


def test_tilt_family_matches_the_mixture_tilt_and_its_draws() -> None:
    a = np.array([-0.7, 0.0, 0.4])
    _, _, mean, var, _ = tilt_family(REF, a)
    for i, ai in enumerate(a):
        q = tilted(REF, np.array([-ai]))
        assert mean[i] == pytest.approx(float(mixture_mean(q)[0]))
        assert var[i] == pytest.approx(float(mixture_cov(q)[0, 0]))
    draws = tilt_family_sample(REF, a, 200_000, np.random.default_rng(0))
    np.testing.assert_allclose(draws.mean(1), mean, atol=0.01)


@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(tilts())
def test_tilts_move_the_law(tilt) -> None:
    assert 0.2 <= abs(tilt.c) <= 0.8 and max(tilt.target().weights) <= 0.97


@settings(max_examples=10, deadline=None, database=None)
@given(separated_tilts())
def test_separated_tilts_reach_their_target_weight(task) -> None:
    for delta in task.separations:
        assert tilted(task.reference(delta), np.array([task.c(delta)])).weights[1] == pytest.approx(
            task.target_weight
        )


@settings(max_examples=10, deadline=None, database=None)
@given(alignments())
def test_alignment_stiffness(task) -> None:
    kappa = task.gamma * float(mixture_cov(task.reference)[0, 0]) / task.beta
    assert 1.5 - 1e-9 <= kappa <= 4.0 + 1e-9


def test_invalid_bounds_raise() -> None:
    with pytest.raises(InvalidArgument):
        tilts(min_c=0.0)
    with pytest.raises(InvalidArgument):
        separated_tilts(min_weight=0.8)
    with pytest.raises(ValueError):
        h_transform_score(REF, 1.0, VPSchedule(), "unknown")
