"""Reasoning chains as Markov chains: exact hitting times, the meta-chain, sparse-edge search.

The model of Kim, Wu, Lee, Suzuki (2025): a chain of thought is a walk on a
transition kernel ``P`` (n, n) whose states fall into clusters (``labels``,
(n,)). Everything here is plain float64 numpy: hitting times come from exact
linear solves, never from simulation (a Monte Carlo estimator is provided to
cross-check them).

- :func:`hitting_times` solves ``(I - P_NN) h = 1`` on the non-target states N.
- :func:`meta_chain` is the distilled K-state chain: the rate from cluster c to
  cluster d is ``sum_{x in c} pi_c(x) P(x, d)``, with ``pi_c`` the stationary
  law of the walk conditioned to stay in c.
- :func:`sparse_edge_search` is a search with a local oracle: a walk explores
  each cluster with the model's easy steps, a verifier that knows the cluster
  labels rewards the candidate next states that change cluster (it reads the
  support of each visited row, so it sees a sparse edge without ever taking
  it), and the walk moves on through the first rewarded edge.
- :func:`walking_search` is a search that must walk: it samples the model's
  own transitions (sparse edges included, with their probability eps) from
  the start until the answer cluster is reached, and a process reward marks
  the cluster-changing transitions it actually took. It is simulated exactly
  but cheaply: each stay in a cluster is replaced by its exact exit law (which
  sparse edge ends it, from a linear solve), so its cost does not grow with
  1/eps although the walk it simulates does.
- :func:`budgeted_search` is the same walk under a step budget: each stay in
  a cluster also costs its steps (a geometric time with the exact mean exit
  time), and the walk stops when the budget is spent, so a search whose
  budget is short of the barrier's 1/eps does not find the hard steps.
- :func:`upweight` is the improved model: every rewarded edge gets
  probability ``p`` (rows renormalised).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def hitting_times(p: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Expected steps to reach the states where ``target`` (n,) is True, from every state: (n,)."""
    rest = ~target
    a = np.eye(int(rest.sum())) - p[np.ix_(rest, rest)]  # (|N|, |N|)
    h = np.zeros(len(p))
    h[rest] = np.linalg.solve(a, np.ones(int(rest.sum())))
    return h


def hitting_time(p: np.ndarray, labels: np.ndarray, start: int, target_cluster: int) -> float:
    """Expected steps from ``start`` to the first state of ``target_cluster``."""
    return float(hitting_times(p, labels == target_cluster)[start])


def stationary(p: np.ndarray) -> np.ndarray:
    """Stationary distribution of an irreducible kernel (n, n): the left null vector of P - I."""
    n = len(p)
    a = np.vstack([(p - np.eye(n)).T, np.ones((1, n))])  # (n + 1, n)
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def meta_chain(p: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The distilled K-state chain (K, K): cluster-to-cluster rates under the within-cluster equilibrium."""
    k = int(labels.max()) + 1
    meta = np.zeros((k, k))
    for c in range(k):
        inside = labels == c
        block = p[np.ix_(inside, inside)]  # (m_c, m_c)
        pi_c = stationary(block / block.sum(axis=1, keepdims=True))  # (m_c,)
        for d in range(k):
            if d != c:
                meta[c, d] = float(pi_c @ p[np.ix_(inside, labels == d)].sum(axis=1))
        meta[c, c] = 1.0 - meta[c].sum()
    return meta


@dataclass(frozen=True)
class SearchResult:
    """What the search found: the rewarded (cluster-changing) edges and the steps it walked."""

    edges: tuple[tuple[int, int], ...]
    steps: int
    clusters_reached: int


def sparse_edge_search(
    p: np.ndarray,
    labels: np.ndarray,
    start: int,
    budget: int,
    rng: np.random.Generator,
    goal: int | None = None,
) -> SearchResult:
    """Search for sparse edges from ``start`` with a cluster-label verifier (process reward).

    In each reached cluster a walk takes up to ``budget`` easy steps (the
    model's within-cluster transitions, renormalised). At every visited state
    the verifier scores the model's candidate next states (the support of the
    row) and rewards those in another cluster; the walk moves on through the
    first rewarded edge that enters a cluster not reached yet. The search
    stops when the ``goal`` cluster (the answer, recognised by an outcome
    verifier) is reached, or when no reached cluster has an unexplored way
    out. The walk never samples a sparse edge, so its cost does not grow with
    1/eps.
    """
    found: set[tuple[int, int]] = set()
    reached = {int(labels[start])}
    queue = [start]
    steps = 0
    while queue and goal not in reached:
        x = queue.pop(0)
        c = int(labels[x])
        inside = np.flatnonzero(labels == c)
        for _ in range(budget + 1):
            candidates = np.flatnonzero(p[x] > 0)
            rewarded = [int(y) for y in candidates if labels[y] != c]  # verifier: cluster changed
            found.update((int(x), y) for y in rewarded)
            new = [y for y in rewarded if int(labels[y]) not in reached]
            if new:
                reached.add(int(labels[new[0]]))
                queue.append(new[0])
                break
            row = p[x, inside] / p[x, inside].sum()  # easy steps only
            x = int(inside[rng.choice(len(inside), p=row)])
            steps += 1
    return SearchResult(edges=tuple(sorted(found)), steps=steps, clusters_reached=len(reached))


@dataclass(frozen=True)
class WalkResult:
    """What a walking search took: the rewarded edges, every crossing in order, and whether it arrived."""

    edges: tuple[tuple[int, int], ...]
    crossings: tuple[tuple[int, int], ...]
    arrived: bool


def exit_law(p: np.ndarray, labels: np.ndarray, cluster: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """How a walk on ``p`` leaves ``cluster``: ``(law, edges)``.

    ``edges`` lists the transitions out of the cluster with positive
    probability; ``law[i, j]`` is the probability that a walk started at the
    cluster's ``i``-th state (in index order) leaves through ``edges[j]``, by
    absorption: ``(I - P_cc)^{-1} R`` with ``R[i, j] = P(edges[j])`` when the
    edge starts at state ``i``.
    """
    inside = np.flatnonzero(labels == cluster)
    outside = labels != cluster
    edges = [(int(x), int(y)) for x in inside for y in np.flatnonzero(outside & (p[x] > 0))]
    r = np.zeros((len(inside), len(edges)))
    pos = {int(x): i for i, x in enumerate(inside)}
    for j, (x, y) in enumerate(edges):
        r[pos[x], j] = p[x, y]
    q = p[np.ix_(inside, inside)]
    return np.linalg.solve(np.eye(len(inside)) - q, r), edges


def walking_search(
    p: np.ndarray,
    labels: np.ndarray,
    start: int,
    goal: int,
    rng: np.random.Generator,
    *,
    max_crossings: int = 10_000,
    cache: dict[int, Any] | None = None,
) -> WalkResult:
    """Walk the model ``p`` from ``start`` until the ``goal`` cluster; reward the cluster changes taken.

    The process reward sees only the transitions the walk takes: an edge is
    found when, and only if, the walk crosses it. Each stay in a cluster is
    sampled from its exact exit law (:func:`exit_law`), so the sequence of
    crossings has exactly the law of the step-by-step walk. Pass the same
    ``cache`` (an empty dict) to several walks on the same ``p`` to solve
    each cluster's exit law once.
    """
    laws: dict[int, Any] = {} if cache is None else cache
    x = int(start)
    crossings: list[tuple[int, int]] = []
    while int(labels[x]) != goal and len(crossings) < max_crossings:
        c = int(labels[x])
        if c not in laws:
            law, edges = exit_law(p, labels, c)
            cum = np.cumsum(law / law.sum(axis=1, keepdims=True), axis=1)  # (m_c, edges)
            laws[c] = (cum, edges, {int(s): i for i, s in enumerate(np.flatnonzero(labels == c))})
        cum, edges, pos = laws[c]
        row = cum[pos[x]]
        j = min(int(np.searchsorted(row, rng.random() * row[-1], side="right")), len(edges) - 1)
        crossings.append(edges[j])
        x = edges[j][1]
    return WalkResult(
        edges=tuple(sorted(set(crossings))), crossings=tuple(crossings), arrived=int(labels[x]) == goal
    )


@dataclass(frozen=True)
class BudgetedWalk:
    """A budgeted walk: every crossing taken in order, the steps spent, and whether it arrived."""

    crossings: tuple[tuple[int, int], ...]
    steps: float
    arrived: bool


def _cluster_law(p: np.ndarray, labels: np.ndarray, cluster: int) -> tuple[Any, ...]:
    law, edges = exit_law(p, labels, cluster)
    inside = labels == cluster
    q = p[np.ix_(inside, inside)]
    mean_exit = np.linalg.solve(np.eye(len(q)) - q, np.ones(len(q)))  # (m_c,) expected steps to leave
    cum = np.cumsum(law / law.sum(axis=1, keepdims=True), axis=1)  # (m_c, edges)
    return cum, edges, {int(s): i for i, s in enumerate(np.flatnonzero(inside))}, mean_exit


def budgeted_search(
    p: np.ndarray,
    labels: np.ndarray,
    start: int,
    goal: int,
    budget: float,
    rng: np.random.Generator,
    *,
    cache: dict[int, Any] | None = None,
) -> BudgetedWalk:
    """Walk the model ``p`` from ``start`` for at most ``budget`` steps or until the ``goal`` cluster.

    Each stay in a cluster ends through an edge drawn from the exact exit law
    (:func:`exit_law`) after a number of steps drawn from a geometric law
    with the exact expected exit time from the entry state; a crossing whose
    stay would overrun the budget is not taken. The geometric time is exact
    for a walk started from the cluster's quasi-stationary law (the exit time
    is then geometric and independent of the exit edge); from an entry state
    it is off by the within-cluster mixing time, negligible against 1/eps.
    """
    laws: dict[int, Any] = {} if cache is None else cache
    x, spent = int(start), 0.0
    crossings: list[tuple[int, int]] = []
    while int(labels[x]) != goal:
        c = int(labels[x])
        if c not in laws:
            laws[c] = _cluster_law(p, labels, c)
        cum, edges, pos, mean_exit = laws[c]
        i = pos[x]
        stay = float(rng.geometric(min(1.0, 1.0 / float(mean_exit[i]))))
        if spent + stay > budget:
            spent = budget
            break
        spent += stay
        row = cum[i]
        j = min(int(np.searchsorted(row, rng.random() * row[-1], side="right")), len(edges) - 1)
        crossings.append(edges[j])
        x = edges[j][1]
    return BudgetedWalk(crossings=tuple(crossings), steps=spent, arrived=int(labels[x]) == goal)


def upweight(p: np.ndarray, edges: Sequence[tuple[int, int]], weight: float) -> np.ndarray:
    """The improved kernel: the rewarded edges out of a state share probability ``weight``."""
    if not 0.0 < weight < 1.0:
        raise ValueError(f"weight must lie in (0, 1), got {weight}")
    q = p.copy()
    sources: dict[int, list[int]] = {}
    for x, y in edges:
        sources.setdefault(x, []).append(y)
    for x, targets in sources.items():
        rest = np.ones(len(q), dtype=bool)
        rest[targets] = False
        q[x, rest] *= (1.0 - weight) / q[x, rest].sum()
        q[x, targets] = weight / len(targets)
    return q


def monte_carlo_hitting_time(
    p: np.ndarray, target: np.ndarray, start: int, walkers: int, max_steps: int, rng: np.random.Generator
) -> float:
    """Mean hitting time of ``walkers`` simulated walks (capped at ``max_steps``): a check of the solver."""
    cum = np.cumsum(p, axis=1)  # (n, n)
    x = np.full(walkers, start)
    times = np.full(walkers, max_steps, dtype=float)
    alive = ~target[x]
    times[~alive] = 0.0
    for t in range(1, max_steps + 1):
        if not alive.any():
            break
        idx = np.flatnonzero(alive)
        u = rng.random(len(idx))
        x[idx] = np.minimum((cum[x[idx]] < u[:, None]).sum(axis=1), len(p) - 1)
        hit = target[x[idx]]
        times[idx[hit]] = t
        alive[idx[hit]] = False
    return float(times.mean())
