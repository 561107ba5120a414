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
- :func:`sparse_edge_search` is the search protocol: a walk explores each
  cluster with the model's easy steps, a verifier that knows the cluster
  labels rewards the candidate next states that change cluster, and the walk
  moves on through the first rewarded edge into a new cluster.
- :func:`upweight` is the improved model: every rewarded edge gets
  probability ``p`` (rows renormalised).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
