"""Unit tests of tasks.group_sparse: sampling, labels, positional codes and strategies."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.group_sparse import (
    DownstreamTask,
    GroupSparseTask,
    downstream_tasks,
    group_sparse_tasks,
    sample,
)


def _task() -> GroupSparseTask:
    return GroupSparseTask(groups=5, jstar=3, vstar=(0.6, 0.8, 0.0), sigma_x=0.7)


def test_sample_shapes_codes_and_labels() -> None:
    task = _task()
    z, y = sample(task, 256, torch.Generator().manual_seed(0))
    assert z.shape == (256, 3 + 5, 5) and y.shape == (256,)
    assert torch.equal(z[:, 3:, :], torch.eye(5).expand(256, -1, -1))
    v = torch.tensor(task.vstar)
    assert torch.equal(y, torch.sign(z[:, :3, 3].T.mT @ v))
    assert set(y.tolist()) <= {-1.0, 1.0} and abs(float(y.mean())) < 0.2
    assert float(z[:, :3, :].std()) == pytest.approx(0.7, rel=0.1)


def test_sample_is_deterministic_given_the_generator() -> None:
    a = sample(_task(), 8, torch.Generator().manual_seed(3))
    b = sample(_task(), 8, torch.Generator().manual_seed(3))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_downstream_keeps_jstar_and_swaps_direction() -> None:
    problem = DownstreamTask(task=_task(), vnew=(0.0, 0.0, 1.0))
    assert problem.downstream.jstar == 3 and problem.downstream.vstar == (0.0, 0.0, 1.0)
    with pytest.raises(ValueError):
        DownstreamTask(task=_task(), vnew=(1.0, 0.0))


@settings(max_examples=25, deadline=None)
@given(group_sparse_tasks(min_d=3, max_d=6, min_groups=2, max_groups=5, max_sigma=1.5))
def test_group_sparse_tasks_stay_in_range(task: GroupSparseTask) -> None:
    assert 3 <= task.d <= 6 and 2 <= task.groups <= 5 and 0 <= task.jstar < task.groups
    assert math.fsum(v * v for v in task.vstar) == pytest.approx(1.0)
    assert 0.5 <= task.sigma_x <= 1.5


@settings(max_examples=25, deadline=None)
@given(downstream_tasks(min_d=2, max_d=5, min_groups=2, max_groups=4))
def test_downstream_direction_is_unit_and_orthogonal(problem: DownstreamTask) -> None:
    dot = math.fsum(a * b for a, b in zip(problem.vnew, problem.task.vstar, strict=True))
    assert dot == pytest.approx(0.0, abs=1e-9)
    assert math.fsum(v * v for v in problem.vnew) == pytest.approx(1.0)


def test_strategies_validate_bounds() -> None:
    with pytest.raises(InvalidArgument):
        group_sparse_tasks(min_d=5, max_d=4).example()
    with pytest.raises(InvalidArgument):
        downstream_tasks(min_groups=1).example()
    with pytest.raises(InvalidArgument):
        group_sparse_tasks(min_sigma=2.0, max_sigma=1.0).example()
