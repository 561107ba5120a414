"""Unit tests for tasks/crq.py: shapes, orders, answers, serialisations and strategies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.crq import (
    AND,
    LEAF_TRUE,
    OR,
    TreeShape,
    answers,
    bfs_order,
    boolean_formula_tasks,
    boolean_tokens,
    complete_tree,
    crq_problems,
    evaluate_boolean,
    post_order,
    sample_boolean_labels,
    stack_height,
    tree_shapes,
)


def test_complete_tree_sizes_and_orders() -> None:
    shape = complete_tree(3)
    assert shape.n_nodes == 15 and shape.n_leaves == 8 and shape.depth() == 3
    post = post_order(shape, heavy_first=True)
    assert sorted(post) == list(range(15)) and post[-1] == 0
    bfs = bfs_order(shape)
    assert bfs[0] == 0 and all(not shape.children[i] for i in bfs[7:])
    assert stack_height(shape, post) == 4  # D + 1 pending answers


def test_boolean_evaluation_matches_vector_answers() -> None:
    shape = complete_tree(2)
    rng = np.random.default_rng(0)
    labels = sample_boolean_labels(shape, 50, rng)
    fast = evaluate_boolean(shape, labels)
    slow = np.array([answers(shape, lab[:, None].astype(float))[0, 0] for lab in labels])
    assert np.array_equal(fast, slow)


def test_or_and_semantics() -> None:
    shape = TreeShape(children=((1, 2), (), ()))
    labels = np.array([[1, -1, 1], [-1, -1, 1]])
    assert list(evaluate_boolean(shape, labels)) == [1, -1]  # OR(0, 1) = 1, AND(0, 1) = 0
    tok = boolean_tokens(shape, labels, post_order(shape, heavy_first=True))
    assert tok[0, -1] == OR and tok[1, -1] == AND and tok[0, 1] == LEAF_TRUE


def test_bad_tree_is_rejected() -> None:
    with pytest.raises(ValueError):
        TreeShape(children=((1,), ()))


@settings(max_examples=30, deadline=None)
@given(tree_shapes(min_leaves=1, max_leaves=40))
def test_heavy_first_stack_is_logarithmic(shape: TreeShape) -> None:
    height = stack_height(shape, post_order(shape, heavy_first=True))
    assert height <= math.floor(math.log2(shape.n_nodes + 1))


@settings(max_examples=10, deadline=None)
@given(crq_problems(min_leaves=8, max_leaves=20))
def test_crq_problems_in_range(problem) -> None:  # type: ignore[no-untyped-def]
    assert 8 <= problem.shape.n_leaves <= 20 and 1 <= problem.dim <= 4


@settings(max_examples=5, deadline=None)
@given(boolean_formula_tasks(min_depth=3, max_depth=4))
def test_formula_depths(task) -> None:  # type: ignore[no-untyped-def]
    assert 3 <= task.depth <= 4


def test_strategy_arguments_are_validated() -> None:
    with pytest.raises(InvalidArgument):
        tree_shapes(min_leaves=5, max_leaves=2).example()
    with pytest.raises(InvalidArgument):
        tree_shapes(balance=0.7).example()
