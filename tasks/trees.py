"""Labelled rooted trees for path finding (Yang, Huang, Liang, Chi 2025): instances, samplers, encodings.

A tree on ``n`` nodes is stored canonically: node 0 is the root and node
``i > 0`` has parent ``parents[i] < i`` (every rooted tree has such a
numbering). ``labels[i]`` is node ``i``'s token in a vocabulary of size ``V``
(an injection). The prompt is the unordered set of edges ``(parent, child)``
plus the root's self-edge ``(root, root)``, so "the parent of the root is the
root" and a backward chain stops when its output repeats.

Train/test split over trees: a :class:`PathFindingProblem` carries the unseen
test trees (what the theorem says "for all" of, drawn by Hypothesis). Training
trees are random recursive trees, sampled per seed, whose edges never join two
labels that are joined by an edge of a test tree (in either direction), so no
test edge is ever seen in training: the lookup must be content-based.

Encoding as columns (integer arrays, ``-1`` = empty): every example is a set
of columns ``(parent slot, child slot, type)`` and a query ``(current node,
stage)``. Types: :data:`EDGE` (a prompt edge), :data:`COT` (a backward
chain-of-thought step already written, stored as the edge it traversed, i.e.
the written token with its predecessor), :data:`SINK` (an empty start column).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

PAD, EDGE, COT, SINK = 0, 1, 2, 3
BACKWARD, FORWARD = 0, 1


@dataclass(frozen=True, kw_only=True)
class Tree:
    """A rooted tree: ``parents[i] < i`` for ``i > 0`` (``parents[0] = 0``, the root) and node labels."""

    parents: tuple[int, ...]
    labels: tuple[int, ...]

    def __post_init__(self) -> None:
        n = len(self.parents)
        if n < 1 or len(self.labels) != n:
            raise ValueError(f"need n >= 1 parents and as many labels, got {n} and {len(self.labels)}")
        if self.parents[0] != 0 or any(not 0 <= p < i for i, p in enumerate(self.parents) if i > 0):
            raise ValueError(f"parents must satisfy parents[0] = 0 and parents[i] < i: {self.parents}")
        if len(set(self.labels)) != n or min(self.labels) < 0:
            raise ValueError(f"labels must be distinct and >= 0: {self.labels}")

    @property
    def n(self) -> int:
        return len(self.parents)

    def depth(self, node: int) -> int:
        """Number of edges from ``node`` to the root."""
        d = 0
        while node != 0:
            node, d = self.parents[node], d + 1
        return d

    def path_to_root(self, node: int) -> list[int]:
        """Nodes (indices) ``node, parent, ..., root``."""
        path = [node]
        while node != 0:
            node = self.parents[node]
            path.append(node)
        return path

    def edge_pairs(self) -> set[frozenset[int]]:
        """Unordered label pairs joined by an edge (self-edge excluded)."""
        return {frozenset((self.labels[p], self.labels[i])) for i, p in enumerate(self.parents) if i > 0}


@dataclass(frozen=True, kw_only=True)
class PathFindingProblem:
    """Vocabulary, training tree sizes, and the unseen test trees whose edges are held out of training."""

    vocab: int
    min_nodes: int
    max_nodes: int
    test_trees: tuple[Tree, ...]

    def __post_init__(self) -> None:
        if not 2 <= self.min_nodes <= self.max_nodes <= self.vocab:
            raise ValueError(f"need 2 <= min_nodes <= max_nodes <= vocab: {self}")
        if not self.test_trees or any(max(t.labels) >= self.vocab for t in self.test_trees):
            raise ValueError("need at least one test tree, labelled within the vocabulary")

    def held_out_pairs(self) -> set[frozenset[int]]:
        """Label pairs that are edges of some test tree: never an edge of a training tree."""
        return set().union(*(t.edge_pairs() for t in self.test_trees))


def sample_training_trees(problem: PathFindingProblem, count: int, rng: np.random.Generator) -> list[Tree]:
    """``count`` random trees, sizes uniform in the problem's range, avoiding held-out edges.

    Each tree draws a chain probability ``c ~ U(0, 1)``; node ``i`` attaches
    to node ``i - 1`` with probability ``c``, else to a uniform earlier node
    (``c = 0``: random recursive trees, shallow; ``c = 1``: paths), so depths
    from 1 to ``n - 1`` are all trained on. Node ``i`` takes a uniform unused
    label that does not form a held-out pair with its parent's label.
    """
    banned = problem.held_out_pairs()
    vocab = set(range(problem.vocab))
    partners = {v: {w for w in vocab if frozenset((v, w)) in banned} for v in vocab}  # held out with v
    out: list[Tree] = []
    while len(out) < count:
        n = int(rng.integers(problem.min_nodes, problem.max_nodes + 1))
        chain = float(rng.random())
        labels = [int(rng.integers(problem.vocab))]
        used = {labels[0]}
        parents = [0]
        for i in range(1, n):
            p = i - 1 if rng.random() < chain else int(rng.integers(i))
            free = sorted(vocab - used - partners[labels[p]])  # ascending: the draw below indexes into it
            if not free:
                break
            parents.append(p)
            labels.append(int(free[int(rng.integers(len(free)))]))
            used.add(labels[-1])
        if len(labels) == n:
            out.append(Tree(parents=tuple(parents), labels=tuple(labels)))
    return out


# ------------------------------------------------------------------ encodings


@dataclass(frozen=True)
class StepData:
    """Teacher-forced steps as integer arrays: columns ``(N, C)``, query and target ``(N,)``.

    ``tree`` and ``goal`` say which tree (index into the list given) and goal
    node each step belongs to; ``target_col`` is the column index holding the
    step's target (the parent edge in the backward stage, the written CoT step
    in the forward stage), or -1.
    """

    parent: np.ndarray
    child: np.ndarray
    ctype: np.ndarray
    cur: np.ndarray
    stage: np.ndarray
    target: np.ndarray
    target_col: np.ndarray
    tree: np.ndarray
    goal: np.ndarray

    def __len__(self) -> int:
        return len(self.target)


def _prompt(tree: Tree) -> list[tuple[int, int, int]]:
    """Sink column, the root's self-edge, then every edge ``(parent label, child label, EDGE)``."""
    lab = tree.labels
    return [(-1, -1, SINK), (lab[0], lab[0], EDGE)] + [
        (lab[p], lab[i], EDGE) for i, p in enumerate(tree.parents) if i > 0
    ]


def encode_steps(trees: Sequence[Tree], task: str) -> StepData:
    """Every teacher-forced step of every goal node of every tree, for ``task``.

    ``"backward"``: from goal ``v_0`` emit ``v_1, ..., v_k`` (root) and then
    ``v_k`` again (stop); step ``i`` sees the CoT columns of steps ``< i``.
    ``"forward"``: the backward steps, then (stage FORWARD, all ``k`` CoT
    columns written) from ``v_j`` emit ``v_{j-1}`` for ``j = k..1``.
    ``"two_hop"``: one step per node, target its grandparent, no CoT.
    Rows run tree by tree, goal by goal, step by step; built with array
    operations over all rows at once (the pools of every training run pass here).
    """
    if task not in ("backward", "forward", "two_hop"):
        raise ValueError(f"unknown task {task!r}")
    size = np.asarray([t.n for t in trees], dtype=np.int64)
    nmax = int(size.max())
    lab = np.zeros((len(trees), nmax), dtype=np.int64)
    par = np.zeros((len(trees), nmax), dtype=np.int64)
    for row, tree in enumerate(trees):
        lab[row, : tree.n], par[row, : tree.n] = tree.labels, tree.parents
    anc = np.empty((len(trees), nmax, nmax + 1), dtype=np.int64)  # anc[t, g, j]: j-th ancestor, root-capped
    anc[:, :, 0] = np.arange(nmax)
    for up in range(1, nmax + 1):
        anc[:, :, up] = np.take_along_axis(par, anc[:, :, up - 1], axis=1)
    tg, gg = np.nonzero(np.arange(nmax) < size[:, None])  # every (tree, goal), in order
    depth = (anc[tg, gg, :nmax] != 0).sum(axis=1)  # k: edges from the goal to the root
    if task == "two_hop":
        t, g, k = tg, gg, depth
        i = np.zeros_like(g)
        bwd = np.ones(len(g), dtype=bool)
        written = np.zeros_like(g)
        target_node = anc[t, g, np.minimum(2, k)]
        target_col = np.full(len(g), -1, dtype=np.int64)
    else:  # per goal: backward steps i = 0..k, then (forward) the steps from v_k down to v_1
        counts = depth + 1 + (depth if task == "forward" else 0)
        goal_of = np.repeat(np.arange(len(tg)), counts)
        pos = np.arange(len(goal_of)) - np.repeat(np.cumsum(counts) - counts, counts)
        t, g, k = tg[goal_of], gg[goal_of], depth[goal_of]
        bwd = pos <= k
        i = np.where(bwd, pos, 2 * k + 1 - pos)  # the current node is the goal's i-th ancestor
        written = np.where(bwd, pos, k)  # CoT columns already written
        target_node = np.where(bwd, anc[t, g, np.minimum(i + 1, k)], anc[t, g, np.maximum(i - 1, 0)])
        target_col = np.where(bwd, 1 + anc[t, g, i], size[t] + i)  # parent edge; written step i - 1
    prompt = size[t] + 1  # columns of the prompt: sink, root self-edge, n - 1 edges
    width = int((prompt + written).max())
    c = np.arange(width)[None, :]
    tt = t[:, None]
    node = np.clip(c - 1, 0, nmax - 1)  # prompt column c >= 1: the edge into node c - 1
    in_prompt = (c >= 1) & (c < prompt[:, None])
    j = c - prompt[:, None]  # CoT column j: the edge from the goal's j-th ancestor to its parent
    in_cot = (j >= 0) & (j < written[:, None])
    chain = anc[t, g]  # (N, nmax + 1): the goal's ancestors
    rows = np.arange(len(t))[:, None]
    jj = np.clip(j, 0, nmax - 1)
    parent = np.where(in_prompt, lab[tt, par[tt, node]], np.where(in_cot, lab[tt, chain[rows, jj + 1]], -1))
    child = np.where(in_prompt, lab[tt, node], np.where(in_cot, lab[tt, chain[rows, jj]], -1))
    ctype = np.where(c == 0, SINK, np.where(in_prompt, EDGE, np.where(in_cot, COT, PAD))).astype(np.int64)
    stage = np.where(bwd, BACKWARD, FORWARD).astype(np.int64)
    cur, target = lab[t, anc[t, g, i]], lab[t, target_node]
    return StepData(parent, child, ctype, cur, stage, target, target_col.astype(np.int64), t, g)


def true_paths(tree: Tree, task: str) -> list[list[int]]:
    """Per goal node, what :func:`rollout` must emit for ``task``.

    Backward: ``v_1, ..., v_k, v_k`` (the repeat stops it). Forward: the same
    backward chain, whose repeated root starts the answer ``v_k, ..., v_0``.
    """
    out = []
    for goal in range(tree.n):
        path = [tree.labels[v] for v in tree.path_to_root(goal)]
        out.append([*path[1:], path[-1]] if task == "backward" else [*path[1:], *path[::-1]])
    return out


# ------------------------------------------------------------------ strategies


def _check_sizes(min_nodes: int, max_nodes: int) -> None:
    if not isinstance(min_nodes, int) or min_nodes < 2:
        raise InvalidArgument(f"min_nodes={min_nodes!r} must be an int >= 2")
    if not isinstance(max_nodes, int) or max_nodes < min_nodes:
        raise InvalidArgument(f"max_nodes={max_nodes!r} must be an int >= min_nodes={min_nodes}")


def trees(*, vocab: int, min_nodes: int = 4, max_nodes: int = 12) -> st.SearchStrategy[Tree]:
    """Rooted trees with ``min_nodes..max_nodes`` nodes labelled by an injection into ``range(vocab)``.

    Node ``i`` hangs ``offset_i`` steps before node ``i - 1``'s position
    (parent ``i - 1 - offset_i``), so every tree shape can be drawn. Shrinks
    towards a path of ``min_nodes`` nodes (all offsets 0, the deepest tree)
    labelled ``0, 1, 2, ...`` (identity labels).
    """
    _check_sizes(min_nodes, max_nodes)
    if not isinstance(vocab, int) or vocab < max_nodes:
        raise InvalidArgument(f"vocab={vocab!r} must be an int >= max_nodes={max_nodes}")

    @st.composite
    def build(draw: st.DrawFn) -> Tree:
        offsets = draw(st.lists(st.integers(0, max_nodes), min_size=min_nodes - 1, max_size=max_nodes - 1))
        parents = [0] + [max(0, i - 1 - off) for i, off in enumerate(offsets, start=1)]
        labels = draw(st.permutations(range(vocab)))[: len(parents)]
        return Tree(parents=tuple(parents), labels=tuple(labels))

    return build()


def path_finding_problems(
    *,
    min_vocab: int = 16,
    max_vocab: int = 24,
    min_nodes: int = 4,
    max_nodes: int = 10,
    max_test_trees: int = 4,
) -> st.SearchStrategy[PathFindingProblem]:
    """Problems: a vocabulary, training sizes ``[min_nodes, max_nodes]``, 1..``max_test_trees`` unseen trees.

    Test trees have sizes in the same range (the claim is about unseen trees,
    not longer ones). Shrinks towards the smallest vocabulary and a single
    test tree that is a path of ``min_nodes`` nodes.
    """
    _check_sizes(min_nodes, max_nodes)
    if not isinstance(min_vocab, int) or min_vocab < max_nodes or max_vocab < min_vocab:
        raise InvalidArgument(f"need max_nodes={max_nodes} <= min_vocab={min_vocab} <= max_vocab={max_vocab}")
    if not isinstance(max_test_trees, int) or max_test_trees < 1:
        raise InvalidArgument(f"max_test_trees={max_test_trees!r} must be an int >= 1")

    @st.composite
    def build(draw: st.DrawFn) -> PathFindingProblem:
        vocab = draw(st.integers(min_vocab, max_vocab))
        tests = draw(
            st.lists(
                trees(vocab=vocab, min_nodes=min_nodes, max_nodes=max_nodes),
                min_size=1,
                max_size=max_test_trees,
            )
        )
        return PathFindingProblem(
            vocab=vocab, min_nodes=min_nodes, max_nodes=max_nodes, test_trees=tuple(tests)
        )

    return build()


# ------------------------------------------------------------------ generation

Predict = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def rollout(trees: Sequence[Tree], task: str, predict: Predict) -> list[list[int]]:
    """Generate the chain of every goal of every tree with a step model; returns the emitted labels.

    ``predict(parent, child, ctype, cur, stage)`` maps column arrays ``(N, C)``
    and queries ``(N,)`` to predicted labels ``(N,)``. Backward: start at the
    goal, append each output as a CoT column (the edge it claims), stop when
    the output repeats the input (the root's self-edge). Forward: the same
    backward stage; the repeat switches to stage FORWARD (the repeated root is
    the first forward token) and generation stops when the goal is emitted.
    At most ``2 n + 2`` steps per goal.
    """
    if task not in ("backward", "forward"):
        raise ValueError(f"unknown task {task!r}")
    rows = [(tree, goal) for tree in trees for goal in range(tree.n)]
    cols = [_prompt(tree) for tree, _ in rows]
    cur = [tree.labels[goal] for tree, goal in rows]
    goal_label = list(cur)
    stage = [BACKWARD] * len(rows)
    out: list[list[int]] = [[] for _ in rows]
    active = list(range(len(rows)))
    limit = 2 * max(t.n for t in trees) + 2
    for _ in range(limit):
        if not active:
            break
        width = max(len(cols[r]) for r in active)
        parent = np.full((len(active), width), -1, dtype=np.int64)
        child = np.full((len(active), width), -1, dtype=np.int64)
        ctype = np.zeros((len(active), width), dtype=np.int64)
        for i, r in enumerate(active):
            arr = np.asarray(cols[r], dtype=np.int64)
            parent[i, : len(arr)], child[i, : len(arr)], ctype[i, : len(arr)] = (
                arr[:, 0],
                arr[:, 1],
                arr[:, 2],
            )
        pred = predict(
            parent, child, ctype, np.asarray([cur[r] for r in active]), np.asarray([stage[r] for r in active])
        )
        still = []
        for i, r in enumerate(active):
            p = int(pred[i])
            out[r].append(p)
            if stage[r] == BACKWARD and p == cur[r]:
                if task == "backward" or p == goal_label[r]:
                    continue
                stage[r] = FORWARD
            elif stage[r] == BACKWARD:
                cols[r].append((p, cur[r], COT))
            elif p == goal_label[r]:
                continue
            cur[r] = p
            still.append(r)
        active = still
    return out
