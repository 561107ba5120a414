"""Unit tests of tasks.regression: the instance type, its strategy and the sampler."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.regression import Regression, regressions, sample, teacher


@settings(max_examples=25, deadline=None, database=None)
@given(regressions())
def test_drawn_tasks_respect_bounds(task: Regression) -> None:
    assert 1 <= task.dim <= 3
    assert 16 <= task.points <= 64
    assert 0.01 <= task.entropy <= 0.2
    assert 0.01 <= task.weight_decay <= 0.1
    assert 1.0 <= task.scale <= 4.0
    assert all(-2.0 <= a <= 2.0 for a in task.teacher)


@settings(max_examples=25, deadline=None, database=None)
@given(regressions(min_lead=0.5))
def test_min_lead_keeps_the_teacher_away_from_zero(task: Regression) -> None:
    assert 0.5 <= abs(task.teacher[0]) <= 2.0 and 1 <= task.dim <= 3


def test_sample_is_seeded_and_bounded() -> None:
    task = Regression(teacher=(2.0, -1.0), points=20, entropy=0.05, weight_decay=0.05, scale=2.0)
    x1, y1 = sample(task, torch.Generator().manual_seed(3))
    x2, y2 = sample(task, torch.Generator().manual_seed(3))
    assert x1.shape == (20, 2) and y1.shape == (20,)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert float(y1.abs().max()) <= 1.25
    assert torch.allclose(y1, teacher(task, x1))


def test_zero_teacher_is_zero() -> None:
    task = Regression(teacher=(0.0,), points=5, entropy=0.05, weight_decay=0.05, scale=1.0)
    _, y = sample(task, torch.Generator().manual_seed(0))
    assert torch.count_nonzero(y) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_dim": 0},
        {"min_points": 10, "max_points": 5},
        {"min_entropy": 0.0},
        {"max_scale": 0.5},
        {"min_lead": 3.0},
    ],
)
def test_invalid_bounds_raise(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument):
        regressions(**kwargs)  # type: ignore[arg-type]
