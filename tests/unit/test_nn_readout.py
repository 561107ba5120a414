"""Unit tests of tasks.nn_readout: sphere sampling, the nearest-neighbour target, the baseline, strategies."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.nn_readout import (
    DimensionPair,
    NNReadout,
    dimension_pairs,
    nearest,
    nn_readouts,
    query_blind_error,
    sample,
    sample_stacked,
    sphere,
)


def test_sample_shapes_and_unit_norms() -> None:
    query, context, target = sample(NNReadout(dim=5, context=3), 64, torch.Generator().manual_seed(0))
    assert query.shape == (64, 5) and context.shape == (64, 3, 5) and target.shape == (64, 5)
    assert torch.allclose(context.norm(dim=-1), torch.ones(64, 3), atol=1e-5)
    assert torch.allclose(sphere((10,), 4, torch.Generator().manual_seed(1)).norm(dim=-1), torch.ones(10))


def test_nearest_picks_the_most_aligned_point() -> None:
    query = torch.tensor([[1.0, 0.0]])
    context = torch.tensor([[[0.0, 1.0], [0.6, 0.8], [-1.0, 0.0]]])
    assert torch.equal(nearest(query, context), torch.tensor([[0.6, 0.8]]))


def test_target_is_a_context_point_and_beats_every_other() -> None:
    query, context, target = sample(NNReadout(dim=3, context=4), 128, torch.Generator().manual_seed(2))
    best = torch.einsum("bd,bd->b", query, target)
    assert torch.all(best[:, None] >= torch.einsum("bd,bnd->bn", query, context) - 1e-6)


def test_query_blind_error_is_half_for_two_points_on_average() -> None:
    # N = 2: ||(x1 + x2)/2 - x1||^2 = (1 - <x1, x2>)/2, mean 1/2 over the sphere
    _, context, target = sample(NNReadout(dim=6, context=2), 20000, torch.Generator().manual_seed(3))
    assert abs(query_blind_error(context, target) - 0.5) < 0.02


def test_sampling_is_deterministic_in_the_generator() -> None:
    task = NNReadout(dim=4, context=2)
    a = sample(task, 8, torch.Generator().manual_seed(5))
    b = sample(task, 8, torch.Generator().manual_seed(5))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


@settings(max_examples=20, deadline=None, database=None)
@given(nn_readouts(min_dim=3, max_dim=9, min_context=2, max_context=5))
def test_readouts_stay_in_bounds(task: NNReadout) -> None:
    assert 3 <= task.dim <= 9 and 2 <= task.context <= 5


@settings(max_examples=20, deadline=None, database=None)
@given(dimension_pairs(min_dim=3, max_dim=16, min_ratio=3.0, max_context=4, max_heads=4))
def test_pairs_respect_the_ratio(pair: DimensionPair) -> None:
    assert pair.small_dim >= 3 and pair.big_dim <= 16 and pair.big_dim >= 3 * pair.small_dim
    assert 2 <= pair.context <= 4 and 2 <= pair.heads <= 4
    assert pair.small.dim == pair.small_dim and pair.big.context == pair.context


def test_bad_bounds_are_rejected() -> None:
    with pytest.raises(InvalidArgument):
        nn_readouts(min_dim=8, max_dim=4).example()
    with pytest.raises(InvalidArgument):
        dimension_pairs(min_dim=6, max_dim=16, min_ratio=3.0).example()
    with pytest.raises(InvalidArgument):
        dimension_pairs(min_ratio=1.0).example()


def test_stacked_sample_rows_are_the_per_generator_samples() -> None:
    task = NNReadout(dim=5, context=3)
    stacked = sample_stacked(task, 16, [torch.Generator().manual_seed(s) for s in (0, 4)])
    for row, seed in enumerate((0, 4)):
        for a, b in zip(stacked, sample(task, 16, torch.Generator().manual_seed(seed)), strict=True):
            assert torch.allclose(a[row], b, atol=1e-7)
