"""Random clustered graphs: the reasoning graphs of a metastable chain of thought.

A ``ClusteredGraph`` fixes the shape the theorems of Kim, Wu, Lee, Suzuki
(2025) quantify over: K clusters in series (the dense "easy steps"), their
sizes, which node of each cluster carries the sparse edge out (the exit) and
which receives the sparse edge in (the entry), how dense and how uneven the
within-cluster transitions are, and whether each hard step can also be
undone (a backward sparse edge). The concrete dense weights are drawn from a
seeded generator by :func:`sample_chain`; the sparse edges get probability
``eps`` in :func:`transition_matrix`.

States are numbered cluster by cluster: cluster ``c`` holds the states
``offsets[c] .. offsets[c] + sizes[c] - 1``. The chain starts at state 0
(node 0 of cluster 0) and the target is the last cluster.

With ``dead_ends`` every non-final cluster c also has a decoy: a sparse edge
from its node ``decoys[c]`` into a dead-end cluster of ``DEAD_END_SIZE``
states (label K + c, numbered after the K main clusters) whose only way out
is a sparse edge back to the decoy node. A dead end is a wrong hard step: it
changes cluster but leads nowhere, so a search must tell the crossings that
make progress from those that do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

DEAD_END_SIZE = 3  # states of each dead-end cluster


@dataclass(frozen=True, kw_only=True)
class ClusteredGraph:
    """K clusters in series joined by one sparse edge each (and optionally one back)."""

    sizes: tuple[int, ...]  # m_c, states of cluster c
    exits: tuple[int, ...]  # node of cluster c (0 <= exit < m_c) with the sparse edge to cluster c + 1
    entries: tuple[int, ...]  # node of cluster c receiving the sparse edge from cluster c - 1
    missing: float  # fraction of optional within-cluster edges left out (0 = complete)
    spread: float  # log-normal spread of the dense weights (0 = uniform rows)
    backward: bool  # each hard step can be undone: a sparse edge entry_{c+1} -> exit_c
    dead_ends: bool = False  # each non-final cluster has a decoy sparse edge into a dead end
    decoys: tuple[int, ...] = ()  # node of cluster c with the decoy edge (one per non-final cluster)

    def __post_init__(self) -> None:
        k = len(self.sizes)
        if k < 2 or len(self.exits) != k or len(self.entries) != k:
            raise ValueError("need >= 2 clusters and one exit and one entry per cluster")
        if self.dead_ends and (
            len(self.decoys) != k - 1
            or any(not 0 <= v < m for v, m in zip(self.decoys, self.sizes[:-1], strict=True))
        ):
            raise ValueError(f"need one decoy node per non-final cluster, got {self.decoys}")
        if any(m < 2 for m in self.sizes):
            raise ValueError(f"cluster sizes must be >= 2, got {self.sizes}")
        for name, nodes in (("exits", self.exits), ("entries", self.entries)):
            if any(not 0 <= v < m for v, m in zip(nodes, self.sizes, strict=True)):
                raise ValueError(f"{name} {nodes} out of range for sizes {self.sizes}")
        if not 0.0 <= self.missing < 1.0 or not self.spread >= 0.0:
            raise ValueError(f"need 0 <= missing < 1 and spread >= 0, got {self.missing}, {self.spread}")

    @property
    def clusters(self) -> int:
        """K, the number of clusters."""
        return len(self.sizes)

    @property
    def offsets(self) -> tuple[int, ...]:
        """Index of the first state of each cluster."""
        return tuple(int(v) for v in np.cumsum((0, *self.sizes[:-1])))

    @property
    def states(self) -> int:
        """Total number of states (dead ends included)."""
        return int(sum(self.sizes)) + (DEAD_END_SIZE * (self.clusters - 1) if self.dead_ends else 0)


@dataclass(frozen=True)
class ClusteredChain:
    """One drawn chain: the dense block-diagonal kernel, cluster labels and sparse edges."""

    dense: np.ndarray  # (n, n) row-stochastic, block diagonal: the eps = 0 chain
    labels: np.ndarray  # (n,) cluster of each state
    sparse: tuple[tuple[int, int], ...]  # (source, target) state pairs of the sparse edges
    start: int  # the chain's initial state
    target: int  # the target cluster


def sample_chain(graph: ClusteredGraph, rng: np.random.Generator) -> ClusteredChain:
    """Draw the dense within-cluster weights of ``graph``.

    Each cluster is lazy (self-loops) and strongly connected (a directed ring
    i -> i + 1); every other within-cluster edge is present with probability
    ``1 - missing``. Present edges get weight ``exp(spread * z)``, z ~ N(0, 1);
    rows are then normalised.
    """
    n = graph.states
    dense = np.zeros((n, n))
    labels = np.zeros(n, dtype=np.int64)
    for c, (m, off) in enumerate(zip(graph.sizes, graph.offsets, strict=True)):
        present = rng.random((m, m)) >= graph.missing  # (m, m)
        ring = np.eye(m, dtype=bool) | np.roll(np.eye(m, dtype=bool), 1, axis=1)
        weights = np.exp(graph.spread * rng.standard_normal((m, m))) * (present | ring)
        dense[off : off + m, off : off + m] = weights / weights.sum(axis=1, keepdims=True)
        labels[off : off + m] = c
    sparse = []
    if graph.dead_ends:  # drawn after the main clusters, so those keep their weights
        base = int(sum(graph.sizes))
        for c in range(graph.clusters - 1):
            m, off = DEAD_END_SIZE, base + DEAD_END_SIZE * c
            present = rng.random((m, m)) >= graph.missing
            ring = np.eye(m, dtype=bool) | np.roll(np.eye(m, dtype=bool), 1, axis=1)
            weights = np.exp(graph.spread * rng.standard_normal((m, m))) * (present | ring)
            dense[off : off + m, off : off + m] = weights / weights.sum(axis=1, keepdims=True)
            labels[off : off + m] = graph.clusters + c
            decoy = graph.offsets[c] + graph.decoys[c]
            sparse += [(decoy, off), (off + m - 1, decoy)]
    for c in range(graph.clusters - 1):
        exit_state = graph.offsets[c] + graph.exits[c]
        entry_state = graph.offsets[c + 1] + graph.entries[c + 1]
        sparse.append((exit_state, entry_state))
        if graph.backward:
            sparse.append((entry_state, exit_state))
    return ClusteredChain(
        dense=dense, labels=labels, sparse=tuple(sparse), start=0, target=graph.clusters - 1
    )


def transition_matrix(chain: ClusteredChain, eps: float) -> np.ndarray:
    """The perturbed kernel P_eps: each sparse edge gets probability ``eps``, its row is rescaled.

    A state with s sparse edges out keeps ``(1 - s eps)`` times its dense row.
    """
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must lie in (0, 0.5), got {eps}")
    p = chain.dense.copy()
    out = np.zeros(len(p))
    for x, _ in chain.sparse:
        out[x] += eps
    p *= (1.0 - out)[:, None]
    for x, y in chain.sparse:
        p[x, y] += eps
    return p


def _check_range(name: str, low: float, high: float, floor: float) -> None:
    if not floor <= low <= high:
        raise InvalidArgument(f"need {floor} <= min_{name}={low} <= max_{name}={high}")


def clustered_graphs(
    *,
    min_clusters: int = 2,
    max_clusters: int = 6,
    min_size: int = 3,
    max_size: int = 12,
    max_missing: float = 0.3,
    max_spread: float = 0.5,
    dead_ends: bool = False,
) -> st.SearchStrategy[ClusteredGraph]:
    """Clustered graphs with sizes in ``[min_size, max_size]`` and K in ``[min_clusters, max_clusters]``.

    The defaults keep the clusters dense and fast-mixing, as the theorems
    assume: at most 30% of the optional edges missing and weights within a
    log-normal spread of 0.5 (the exit's within-cluster stationary mass then
    lies in about [0.02, 0.8] and any state is reached from any other of its
    cluster in under ~60 expected steps).

    Shrinking moves towards two clusters of the smallest size, exit and entry
    at node 0, complete clusters (no missing edges), uniform weights and no
    backward edges. ``dead_ends=True`` adds a decoy dead end to every
    non-final cluster, its decoy node drawn (shrinking to node 0).
    """
    _check_range("clusters", min_clusters, max_clusters, 2)
    _check_range("size", min_size, max_size, 2)
    if not 0.0 <= max_missing < 1.0:
        raise InvalidArgument(f"need 0 <= max_missing < 1, got {max_missing}")
    if not 0.0 <= max_spread <= 3.0:
        raise InvalidArgument(f"need 0 <= max_spread <= 3, got {max_spread}")

    @st.composite
    def draw(data: st.DrawFn) -> ClusteredGraph:
        sizes = data(
            st.lists(
                st.integers(min_value=min_size, max_value=max_size),
                min_size=min_clusters,
                max_size=max_clusters,
            )
        )
        exits = tuple(data(st.integers(min_value=0, max_value=m - 1)) for m in sizes)
        entries = tuple(data(st.integers(min_value=0, max_value=m - 1)) for m in sizes)
        decoys = (
            tuple(data(st.integers(min_value=0, max_value=m - 1)) for m in sizes[:-1]) if dead_ends else ()
        )
        return ClusteredGraph(
            sizes=tuple(sizes),
            exits=exits,
            entries=entries,
            missing=data(st.floats(min_value=0.0, max_value=max_missing)),
            spread=data(st.floats(min_value=0.0, max_value=max_spread)),
            backward=data(st.booleans()),
            dead_ends=dead_ends,
            decoys=decoys,
        )

    return draw()
