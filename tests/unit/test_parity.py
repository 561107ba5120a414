"""Unit tests of tasks/parity.py: the ParityTask instance, its CoT tree and the parity_tasks strategy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis.errors import InvalidArgument

from tasks.parity import ParityTask, parity_tasks, tree_children
from theorycheck.instances import from_json, to_json


@settings(max_examples=40, deadline=None, database=None)
@given(parity_tasks(min_d=8, max_d=32, ks=(2, 4, 8)))
def test_drawn_tasks_are_valid_trees(task: ParityTask) -> None:
    assert 8 <= task.d <= 32 and task.k in (2, 4, 8) and 2 * task.k <= task.d
    children = task.children
    assert len(children) == task.k - 1 == task.length - task.d
    for i, (a, b) in enumerate(children):
        assert a < task.d + i and b < task.d + i and a != b
    used = [c for pair in children for c in pair]
    assert len(used) == len(set(used))  # every node is a child exactly once, except the root
    assert sorted(c for c in used if c < task.d) == list(task.secret)
    assert task.levels == tuple(sorted(task.levels)) and task.levels[-1] == task.k.bit_length() - 1


@settings(max_examples=20, deadline=None, database=None)
@given(parity_tasks(min_d=8, max_d=24, ks=(4, 8)))
def test_cot_tokens_are_products_and_last_is_parity(task: ParityTask) -> None:
    seq = task.sample(64, np.random.default_rng(0))
    assert seq.shape == (64, task.length) and set(np.unique(seq)) <= {-1.0, 1.0}
    for i, (a, b) in enumerate(task.children):
        np.testing.assert_array_equal(seq[:, task.d + i], seq[:, a] * seq[:, b])
    np.testing.assert_array_equal(seq[:, -1], task.labels(seq[:, : task.d]))


def test_tree_layout_matches_the_paper_example() -> None:
    # Fig. 1 style: 8-parity on 16 bits, x_16 = x_0 x_3 (0-based) first.
    task = ParityTask(
        d=16, leaves=(0, 3, 5, 6, 8, 10, 12, 15), pairings=((0, 1, 2, 3, 4, 5, 6, 7), (0, 1, 2, 3), (0, 1))
    )
    assert task.children[0] == (0, 3)
    assert task.children[4:] == ((16, 17), (18, 19), (20, 21))
    assert task.levels == (1, 1, 1, 1, 2, 2, 3)
    assert tree_children(4, (2, 0), ((1, 0),)) == ((0, 2),)


def test_shrinks_to_smallest_adjacent_tree() -> None:
    smallest = find(parity_tasks(min_d=8, max_d=32, ks=(4, 8)), lambda t: True)
    assert smallest.d == 8 and smallest.k == 4
    assert smallest.leaves == (0, 1, 2, 3) and smallest.pairings == ((0, 1, 2, 3), (0, 1))


@pytest.mark.parametrize(
    "kwargs",
    [{"min_d": 2}, {"min_d": 10, "max_d": 8}, {"ks": (3,)}, {"ks": ()}, {"max_d": 8, "ks": (8,)}],
)
def test_bad_bounds_raise(kwargs: dict) -> None:
    with pytest.raises(InvalidArgument):
        parity_tasks(**kwargs).example()


@pytest.mark.parametrize(
    "fields",
    [
        {"d": 8, "leaves": (0, 1, 2), "pairings": ((0, 1, 2),)},
        {"d": 8, "leaves": (0, 0, 1, 2), "pairings": ((0, 1, 2, 3), (0, 1))},
        {"d": 8, "leaves": (0, 1, 2, 3), "pairings": ((0, 1, 2, 3),)},
        {"d": 8, "leaves": (0, 1, 2, 3), "pairings": ((0, 1, 2, 2), (0, 1))},
    ],
)
def test_invalid_tasks_raise(fields: dict) -> None:
    with pytest.raises(ValueError):
        ParityTask(**fields)


def test_json_round_trip() -> None:
    task = ParityTask(d=10, leaves=(4, 1, 7, 2), pairings=((0, 1, 2, 3), (1, 0)))
    assert from_json(to_json(task)) == task
