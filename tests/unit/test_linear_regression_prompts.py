"""Unit tests of tasks.linear_regression_prompts: instances, strategy, sampler, GD path, floor."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.linear_regression_prompts import (
    RegressionPrompt,
    gd_iterates,
    gd_step_size,
    one_step_floor,
    regression_prompts,
    sample_prompts,
)


@settings(max_examples=25, deadline=None, database=None)
@given(regression_prompts(min_dim=2, max_dim=8, min_ratio=2, max_ratio=4))
def test_drawn_prompts_respect_bounds(problem: RegressionPrompt) -> None:
    assert 2 <= problem.dim <= 8
    assert 2 * problem.dim <= problem.length <= 4 * problem.dim


def test_sampler_is_seeded_and_noiseless() -> None:
    problem = RegressionPrompt(dim=3, length=7)
    x1, y1, w1 = sample_prompts(problem, 5, torch.Generator().manual_seed(1))
    x2, y2, w2 = sample_prompts(problem, 5, torch.Generator().manual_seed(1))
    assert x1.shape == (5, 7, 3) and y1.shape == (5, 7) and w1.shape == (5, 3)
    assert torch.equal(x1, x2) and torch.equal(y1, y2) and torch.equal(w1, w2)
    assert torch.allclose(y1, torch.einsum("bnd,bd->bn", x1, w1))


def test_gd_path_converges_to_w_star() -> None:
    problem = RegressionPrompt(dim=3, length=24)
    x, y, w = sample_prompts(problem, 64, torch.Generator().manual_seed(0))
    path = gd_iterates(x.double(), y.double(), gd_step_size(problem), 200)
    assert path.shape == (64, 200, 3)
    assert torch.allclose(path[:, -1], w.double(), atol=1e-6)


def test_one_step_floor_matches_monte_carlo() -> None:
    problem = RegressionPrompt(dim=4, length=8)
    x, y, w = sample_prompts(problem, 20000, torch.Generator().manual_seed(0))
    h = torch.einsum("bni,bn->bi", x, y) / problem.length
    eta = problem.length / (problem.length + problem.dim + 1)
    err = float(((eta * h - w) ** 2).sum(-1).mean()) / problem.dim
    assert err == pytest.approx(one_step_floor(problem), rel=0.05)


@pytest.mark.parametrize(
    "kwargs",
    [{"min_dim": 0}, {"min_dim": 3, "max_dim": 2}, {"min_ratio": 0}, {"min_ratio": 3, "max_ratio": 2}],
)
def test_bad_bounds_are_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidArgument):
        regression_prompts(**kwargs).example()


def test_instance_validates() -> None:
    with pytest.raises(ValueError):
        RegressionPrompt(dim=4, length=3)
