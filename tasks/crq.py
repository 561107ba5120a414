"""Compositional reasoning questions (CRQs): trees, their answers, serialisations and strategies.

Yehudai, Amsel, Bruna (2025), arXiv:2503.01544, Sec. 2. A CRQ is a rooted
tree whose nodes carry vectors in R^d. A leaf answers with its own vector; an
internal node ``v`` answers with the answer of the child ``u`` that maximises
``<x_v, a(u)>``. With d = 1, leaves in {-1, +1} and internal labels +1 (pick
the larger answer: OR) or -1 (pick the smaller: AND), a CRQ is a read-once
Boolean formula.

Trees here are binary (every internal node has two children); nodes are
numbered in pre-order, the root is node 0. Serialisations list node indices:
post-order (children before their parent; ``heavy_first`` visits the child
with more leaves first, which keeps the evaluation stack at most
floor(log2(n + 1)) answers deep) and breadth-first from the root (all
operators before any leaf in a complete tree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = [
    "AND",
    "LEAF_FALSE",
    "LEAF_TRUE",
    "OR",
    "BooleanFormulas",
    "CRQProblem",
    "TreeShape",
    "answers",
    "bfs_order",
    "boolean_formula_tasks",
    "boolean_tokens",
    "boolean_values",
    "complete_tree",
    "crq_problems",
    "evaluate_boolean",
    "post_order",
    "sample_boolean_labels",
    "stack_height",
    "tree_shapes",
]

LEAF_FALSE, LEAF_TRUE, AND, OR = 0, 1, 2, 3  # token ids of the Boolean serialisation


@dataclass(frozen=True, kw_only=True)
class TreeShape:
    """A binary tree: ``children[i]`` is () for a leaf or the pair of child indices (pre-order numbering)."""

    children: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        seen = [0] * len(self.children)
        for i, kids in enumerate(self.children):
            if len(kids) not in (0, 2) or any(not i < k < len(self.children) for k in kids):
                raise ValueError(f"node {i} has children {kids}: need () or two later nodes")
            for k in kids:
                seen[k] += 1
        if seen[0] != 0 or any(s != 1 for s in seen[1:]):
            raise ValueError("not a tree rooted at node 0")

    @property
    def n_nodes(self) -> int:
        return len(self.children)

    @property
    def n_leaves(self) -> int:
        return sum(1 for kids in self.children if not kids)

    def leaf_counts(self) -> tuple[int, ...]:
        """Number of leaves under each node."""
        counts = [0] * self.n_nodes
        for i in reversed(range(self.n_nodes)):  # pre-order: children have larger indices
            kids = self.children[i]
            counts[i] = 1 if not kids else sum(counts[k] for k in kids)
        return tuple(counts)

    def depth(self) -> int:
        """Edges on the longest root-leaf path."""
        levels = [0] * self.n_nodes
        for i, kids in enumerate(self.children):
            for k in kids:
                levels[k] = levels[i] + 1
        return max(levels)


@dataclass(frozen=True, kw_only=True)
class CRQProblem:
    """A CRQ tree shape and the dimension ``dim`` of its node vectors."""

    shape: TreeShape
    dim: int


@dataclass(frozen=True, kw_only=True)
class BooleanFormulas:
    """Read-once AND/OR formulas on the complete binary tree of the given depth (2**depth leaves)."""

    depth: int


def complete_tree(depth: int) -> TreeShape:
    """The complete binary tree with 2**depth leaves, in pre-order numbering."""
    children: list[tuple[int, ...]] = []

    def build(level: int) -> int:
        me = len(children)
        children.append(())
        if level < depth:
            left = build(level + 1)
            right = build(level + 1)
            children[me] = (left, right)
        return me

    build(0)
    return TreeShape(children=tuple(children))


# ------------------------------------------------------------------ orders


def post_order(shape: TreeShape, *, heavy_first: bool) -> tuple[int, ...]:
    """Children before parents; with ``heavy_first`` the child with more leaves is visited first."""
    counts = shape.leaf_counts()
    out: list[int] = []

    def visit(i: int) -> None:
        kids = shape.children[i]
        if heavy_first and kids and counts[kids[1]] > counts[kids[0]]:
            kids = (kids[1], kids[0])
        for k in kids:
            visit(k)
        out.append(i)

    visit(0)
    return tuple(out)


def bfs_order(shape: TreeShape) -> tuple[int, ...]:
    """Level by level from the root, left to right."""
    out, frontier = [], [0]
    while frontier:
        out.extend(frontier)
        frontier = [k for i in frontier for k in shape.children[i]]
    return tuple(out)


def stack_height(shape: TreeShape, order: tuple[int, ...]) -> int:
    """Largest number of pending answers when a post-order sequence is evaluated with a stack."""
    height = best = 0
    for i in order:
        height += 1 - len(shape.children[i])
        best = max(best, height)
    return best


# ------------------------------------------------------------------ answers


def answers(shape: TreeShape, labels: np.ndarray) -> np.ndarray:
    """Answers (n_nodes, d) of every node for node vectors ``labels`` (n_nodes, d).

    a(leaf) = x_leaf; a(v) = a(u*) with u* = argmax over children u of <x_v, a(u)>
    (ties go to the first child).
    """
    out = np.array(labels, dtype=float, copy=True)
    for i in reversed(range(shape.n_nodes)):
        kids = shape.children[i]
        if kids:
            scores = [float(labels[i] @ out[k]) for k in kids]
            out[i] = out[kids[int(np.argmax(scores))]]
    return out


def sample_boolean_labels(shape: TreeShape, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` formulas: (n, n_nodes) labels in {-1, +1} (leaf value, or +1 = OR / -1 = AND)."""
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, shape.n_nodes))


def boolean_values(shape: TreeShape, labels: np.ndarray) -> np.ndarray:
    """Values (n, n_nodes) in {-1, +1} of every node of Boolean CRQs ``labels`` (n, n_nodes), vectorised."""
    vals = labels.astype(np.int8).copy()
    for i in reversed(range(shape.n_nodes)):
        kids = shape.children[i]
        if kids:
            a, b = vals[:, kids[0]], vals[:, kids[1]]
            vals[:, i] = np.where(labels[:, i] > 0, np.maximum(a, b), np.minimum(a, b))
    return vals


def evaluate_boolean(shape: TreeShape, labels: np.ndarray) -> np.ndarray:
    """Root values (n,) in {-1, +1} of Boolean CRQs ``labels`` (n, n_nodes)."""
    return boolean_values(shape, labels)[:, 0]


def boolean_tokens(shape: TreeShape, labels: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    """Token ids (n, n_nodes) of Boolean CRQs serialised in ``order``: 0/1 leaves, 2 AND, 3 OR."""
    internal = np.array([bool(kids) for kids in shape.children])
    tok = np.where(
        internal[None, :], np.where(labels > 0, OR, AND), np.where(labels > 0, LEAF_TRUE, LEAF_FALSE)
    )
    return tok[:, list(order)].astype(np.int64)


# ------------------------------------------------------------------ strategies


def _check_range(name: str, low: int, high: int, floor: int) -> None:
    if not isinstance(low, int) or not isinstance(high, int) or low < floor or low > high:
        raise InvalidArgument(f"need {floor} <= min_{name} <= max_{name}, got {low} and {high}")


@st.composite
def _shapes(draw: st.DrawFn, leaves: int, balance: float) -> TreeShape:
    children: list[tuple[int, ...]] = []

    def build(n: int) -> int:
        me = len(children)
        children.append(())
        if n > 1:
            low = max(1, math.ceil(balance * n))
            left_leaves = draw(st.integers(low, n - low))
            left = build(left_leaves)
            right = build(n - left_leaves)
            children[me] = (left, right)
        return me

    build(leaves)
    return TreeShape(children=tuple(children))


def tree_shapes(
    *, min_leaves: int = 2, max_leaves: int = 32, balance: float = 0.0
) -> st.SearchStrategy[TreeShape]:
    """Binary tree shapes with a number of leaves in [min_leaves, max_leaves].

    Each internal node with m leaves below splits them (k, m - k) with
    k >= max(1, ceil(balance * m)); balance = 0 allows any shape (caterpillars
    included), balance = 1/4 keeps every split within 1:3. Shrinks towards
    fewer leaves and the lightest left child at every split.
    """
    _check_range("leaves", min_leaves, max_leaves, 1)
    if not 0.0 <= balance <= 0.5:
        raise InvalidArgument(f"balance={balance!r} must be in [0, 0.5]")
    return st.integers(min_leaves, max_leaves).flatmap(lambda n: _shapes(n, balance))


def crq_problems(
    *, min_leaves: int = 8, max_leaves: int = 64, min_dim: int = 1, max_dim: int = 4, balance: float = 0.25
) -> st.SearchStrategy[CRQProblem]:
    """CRQ trees (see :func:`tree_shapes`) with node-vector dimension in [min_dim, max_dim].

    Shrinks towards fewer leaves, lighter left children and d = min_dim.
    """
    _check_range("dim", min_dim, max_dim, 1)
    return st.builds(
        CRQProblem,
        shape=tree_shapes(min_leaves=min_leaves, max_leaves=max_leaves, balance=balance),
        dim=st.integers(min_dim, max_dim),
    )


def boolean_formula_tasks(*, min_depth: int = 3, max_depth: int = 4) -> st.SearchStrategy[BooleanFormulas]:
    """Complete-tree Boolean formulas with depth in [min_depth, max_depth]; shrinks towards min_depth."""
    _check_range("depth", min_depth, max_depth, 1)
    return st.builds(BooleanFormulas, depth=st.integers(min_depth, max_depth))
