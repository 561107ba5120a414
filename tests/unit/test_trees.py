"""Unit tests of tasks/trees.py: tree instances, strategies, the train/test split, encodings and rollout."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tasks.trees import (
    BACKWARD,
    COT,
    EDGE,
    FORWARD,
    PathFindingProblem,
    StepData,
    Tree,
    _prompt,
    encode_steps,
    path_finding_problems,
    rollout,
    sample_training_trees,
    trees,
    true_paths,
)
from theorycheck.instances import from_json, to_json

PATH4 = Tree(parents=(0, 0, 1, 2), labels=(5, 1, 7, 2))
FORK = Tree(parents=(0, 0, 0, 1), labels=(3, 4, 6, 8))


@settings(max_examples=30, deadline=None, database=None)
@given(trees(vocab=12, min_nodes=3, max_nodes=8))
def test_drawn_trees_are_valid(tree: Tree) -> None:
    assert 3 <= tree.n <= 8 and max(tree.labels) < 12
    assert all(tree.path_to_root(i)[-1] == 0 for i in range(tree.n))


def test_trees_shrink_to_identity_labelled_path() -> None:
    smallest = find(trees(vocab=10, min_nodes=4, max_nodes=9), lambda t: True)
    assert smallest == Tree(parents=(0, 0, 1, 2), labels=(0, 1, 2, 3))


def test_bad_bounds_raise() -> None:
    with pytest.raises(InvalidArgument):
        trees(vocab=5, min_nodes=4, max_nodes=8).example()
    with pytest.raises(InvalidArgument):
        path_finding_problems(min_nodes=1).example()


def test_training_trees_avoid_test_edges() -> None:
    problem = PathFindingProblem(vocab=12, min_nodes=4, max_nodes=8, test_trees=(PATH4, FORK))
    pool = sample_training_trees(problem, 50, np.random.default_rng(0))
    banned = problem.held_out_pairs()
    assert len(pool) == 50 and all(4 <= t.n <= 8 for t in pool)
    assert not any(t.edge_pairs() & banned for t in pool)


def test_backward_encoding() -> None:
    d = encode_steps([PATH4], "backward")
    goal3 = d.goal == 3  # path 2 -> 7 -> 1 -> 5 (root), then the root repeats
    assert d.cur[goal3].tolist() == [2, 7, 1, 5] and d.target[goal3].tolist() == [7, 1, 5, 5]
    rows = np.nonzero(goal3)[0]
    for r in rows:  # the target column is the current node's parent edge
        c = d.target_col[r]
        assert d.ctype[r, c] == EDGE and d.child[r, c] == d.cur[r] and d.parent[r, c] == d.target[r]
    assert (d.ctype[rows[-1]] == COT).sum() == 3


def test_forward_encoding_targets_written_steps() -> None:
    d = encode_steps([FORK], "forward")
    fwd = np.nonzero(d.stage == FORWARD)[0]
    assert len(fwd) == sum(FORK.depth(g) for g in range(FORK.n))
    for r in fwd:
        c = d.target_col[r]
        assert d.ctype[r, c] == COT and d.parent[r, c] == d.cur[r] and d.child[r, c] == d.target[r]
    assert set(d.stage.tolist()) == {BACKWARD, FORWARD}


def test_rollout_with_an_oracle_is_exact() -> None:
    for task in ("backward", "forward"):

        def oracle(
            a: np.ndarray, b: np.ndarray, c: np.ndarray, cur: np.ndarray, stage: np.ndarray
        ) -> np.ndarray:
            out = []
            for i in range(len(cur)):
                want_type, slot_in, slot_out = (EDGE, b, a) if stage[i] == BACKWARD else (COT, a, b)
                j = np.nonzero((c[i] == want_type) & (slot_in[i] == cur[i]))[0][0]
                out.append(slot_out[i, j])
            return np.asarray(out)

        emitted = rollout([PATH4, FORK], task, oracle)
        assert emitted == true_paths(PATH4, task) + true_paths(FORK, task)
    assert true_paths(PATH4, "forward")[3] == [7, 1, 5, 5, 1, 7, 2]


def test_problem_json_round_trip() -> None:
    problem = PathFindingProblem(vocab=12, min_nodes=4, max_nodes=8, test_trees=(PATH4,))
    assert from_json(to_json(problem)) == problem


def _encode_rows(trees: list[Tree], task: str) -> StepData:
    """Oracle: the encoding written row by row, as the docstring of ``encode_steps`` states it."""
    if task not in ("backward", "forward", "two_hop"):
        raise ValueError(f"unknown task {task!r}")
    rows: list[tuple[list[tuple[int, int, int]], int, int, int, int, int, int]] = []
    for t_idx, tree in enumerate(trees):
        lab = tree.labels
        prompt = _prompt(tree)
        edge_col = {lab[i]: 1 + i for i in range(tree.n)}  # child label -> its edge's column
        for goal in range(tree.n):
            path = [lab[v] for v in tree.path_to_root(goal)]  # v_0 .. v_k
            k = len(path) - 1
            if task == "two_hop":
                gp = path[min(2, k)]
                rows.append((prompt, path[0], BACKWARD, gp, -1, t_idx, goal))
                continue
            cot = [(path[i + 1], path[i], COT) for i in range(k)]
            for i in range(k + 1):
                nxt = path[min(i + 1, k)]
                rows.append((prompt + cot[:i], path[i], BACKWARD, nxt, edge_col[path[i]], t_idx, goal))
            if task == "forward":
                for j in range(k, 0, -1):
                    rows.append(
                        (prompt + cot, path[j], FORWARD, path[j - 1], len(prompt) + j - 1, t_idx, goal)
                    )
    width = max(len(r[0]) for r in rows)
    n = len(rows)
    parent = np.full((n, width), -1, dtype=np.int64)
    child = np.full((n, width), -1, dtype=np.int64)
    ctype = np.zeros((n, width), dtype=np.int64)
    for r, (cols, *_rest) in enumerate(rows):
        arr = np.asarray(cols, dtype=np.int64)
        parent[r, : len(cols)], child[r, : len(cols)], ctype[r, : len(cols)] = arr[:, 0], arr[:, 1], arr[:, 2]
    meta = np.asarray([r[1:] for r in rows], dtype=np.int64)
    return StepData(parent, child, ctype, *(meta[:, i] for i in range(6)))


@pytest.mark.parametrize("task", ["backward", "forward", "two_hop"])
def test_encoding_equals_the_row_by_row_oracle(task: str) -> None:
    rng = np.random.default_rng(3)
    for lo, hi, count in [(2, 2, 3), (4, 10, 40), (1, 12, 25)]:
        problem = PathFindingProblem(vocab=24, min_nodes=max(lo, 2), max_nodes=hi, test_trees=(PATH4,))
        pool = sample_training_trees(problem, count, rng)
        if lo == 1:
            pool.append(Tree(parents=(0,), labels=(9,)))
        got, want = encode_steps(pool, task), _encode_rows(pool, task)
        for field in dataclasses.fields(StepData):
            a, b = getattr(got, field.name), getattr(want, field.name)
            assert a.dtype == b.dtype and np.array_equal(a, b), field.name


def _sample_training_trees_by_scan(
    problem: PathFindingProblem, count: int, rng: np.random.Generator
) -> list[Tree]:
    """The sampler as it was before its free labels came from sets: a scan over the vocabulary."""
    banned = problem.held_out_pairs()
    out: list[Tree] = []
    while len(out) < count:
        n = int(rng.integers(problem.min_nodes, problem.max_nodes + 1))
        chain = float(rng.random())
        labels = [int(rng.integers(problem.vocab))]
        parents = [0]
        for i in range(1, n):
            p = i - 1 if rng.random() < chain else int(rng.integers(i))
            free = [
                v for v in range(problem.vocab) if v not in labels and frozenset((labels[p], v)) not in banned
            ]
            if not free:
                break
            parents.append(p)
            labels.append(int(free[int(rng.integers(len(free)))]))
        if len(labels) == n:
            out.append(Tree(parents=tuple(parents), labels=tuple(labels)))
    return out


@settings(max_examples=30, deadline=None)
@given(path_finding_problems(), st.integers(0, 2**32 - 1))
def test_training_trees_are_those_of_the_vocabulary_scan(problem: PathFindingProblem, seed: int) -> None:
    """Same trees and the same generator state afterwards as the scan it replaced."""
    scan, sets = np.random.default_rng(seed), np.random.default_rng(seed)
    assert sample_training_trees(problem, 40, sets) == _sample_training_trees_by_scan(problem, 40, scan)
    assert sets.bit_generator.state == scan.bit_generator.state
