"""Shared experiment of kim2025b: exact hitting times of a drawn clustered chain over an eps grid.

One unit = one instance (the graph's shape) and one seed, which draws the
dense within-cluster weights and drives the search walks. Hitting times are
exact float64 linear algebra; the only randomness after the weights is which
sparse edges a search walk happens to take.

The search must walk (``models.markov_search.walking_search``): at every eps
of the grid a fresh walk samples the pretrained chain's own transitions from
the start state until it reaches the answer cluster, and a process reward
marks the cluster-changing transitions it actually took (the verifier never
reads a row's support). Every rewarded edge is then given probability
``BOOST`` (rows renormalised), our stand-in for the paper's fine-tuning. The
walk itself pays the barrier (it is a pretrained run, about 1/eps steps);
what it buys is an improved model for every later run.

Controls (the premise removed, same seeds and instances):

* ``no_process_reward``: the walk runs but nothing is rewarded, so nothing is
  upweighted (the search without its verifier).
* ``dense_reward``: the verifier rewards, at every crossing, an easy
  (within-cluster) transition out of the crossing's source state instead of
  the crossing itself (a reward that does not single out the sparse edges).
* ``no_barrier``: the hard steps do not get harder: the sparse edges keep
  probability ``eps_max`` at every grid point (the metastable premise removed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from models.markov_search import (
    WalkResult,
    hitting_time,
    hitting_times,
    meta_chain,
    upweight,
    walking_search,
)
from tasks.clustered_graphs import ClusteredGraph, sample_chain, transition_matrix
from theorycheck import Measurement, Tier

BOOST = 0.5  # probability given to the rewarded edges out of a state after search


def searches(tier: Tier) -> int:
    """Independent search walks per eps; T_search is their mean (the expected improved time)."""
    return tier.pick(smoke=4, default=16)


def eps_grid(tier: Tier) -> np.ndarray:
    """The sparse-edge probabilities swept, ascending: 3 decades (2 at smoke)."""
    return tier.pick(smoke=np.logspace(-4, -2, 5), default=np.logspace(-5, -2, 10))


def _meta_time(q: np.ndarray, start_cluster: int, target: int) -> float:
    return float(hitting_times(q, np.arange(len(q)) == target)[start_cluster])


def uniform_meta_chain(p: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The near-miss meta-chain: cluster-to-cluster rates averaged uniformly over a cluster's states."""
    k = int(labels.max()) + 1
    meta = np.zeros((k, k))
    for c in range(k):
        inside = labels == c
        for d in range(k):
            if d != c:
                meta[c, d] = float(p[np.ix_(inside, labels == d)].sum(axis=1).mean())
        meta[c, c] = 1.0 - meta[c].sum()
    return meta


def _rewarded(
    mode: str,
    crossings: Sequence[tuple[int, int]],
    p: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    if mode == "walk":
        return sorted(set(crossings))
    if mode == "none":
        return []
    found = set()  # "dense": an easy transition out of each crossing's source instead of the crossing
    for x, _ in crossings:
        easy = [int(y) for y in np.flatnonzero((labels == labels[x]) & (p[x] > 0)) if y != x]
        found.add((x, easy[int(rng.integers(len(easy)))]))
    return sorted(found)


def _sweep(graph: ClusteredGraph, seed: int, tier: Tier, *, search: str, barrier: bool) -> Measurement:
    rng = np.random.default_rng(seed)
    chain = sample_chain(graph, rng)
    grid = eps_grid(tier)
    pre, searched, rel, rel_uniform, crossings, backward = [], [], [], [], [], []
    forward = {(x, y) for x, y in chain.sparse if chain.labels[y] == chain.labels[x] + 1}
    back_edges = set(chain.sparse) - forward
    start_cluster = int(chain.labels[chain.start])
    for eps in grid:
        p = transition_matrix(chain, float(eps) if barrier else float(grid[-1]))
        t_pre = hitting_time(p, chain.labels, chain.start, chain.target)
        times: list[float] = []
        walks: list[WalkResult] = []
        laws: dict[int, Any] = {}
        for _ in range(searches(tier)):
            walk = walking_search(p, chain.labels, chain.start, chain.target, rng, cache=laws)
            found = _rewarded(search, walk.crossings, p, chain.labels, rng)
            improved = upweight(p, found, BOOST) if found else p
            times.append(hitting_time(improved, chain.labels, chain.start, chain.target))
            walks.append(walk)
        t_search = float(np.mean(times))
        t_meta = _meta_time(meta_chain(p, chain.labels), start_cluster, chain.target)
        t_uniform = _meta_time(uniform_meta_chain(p, chain.labels), start_cluster, chain.target)
        pre.append(t_pre)
        searched.append(t_search)
        rel.append(abs(t_pre / t_meta - 1.0))
        rel_uniform.append(abs(t_pre / t_uniform - 1.0))
        crossings.append(np.mean([len(w.crossings) for w in walks]))
        backward.append(np.mean([len(back_edges & set(w.crossings)) for w in walks]))
    pre_a, searched_a = np.array(pre), np.array(searched)
    sweep = grid.tolist()
    eps_min = float(grid[0])
    p_min = transition_matrix(chain, eps_min if barrier else float(grid[-1]))
    first_exit = float(hitting_times(p_min, chain.labels != start_cluster)[chain.start])
    q_min = meta_chain(p_min, chain.labels)
    return Measurement.one(
        series={
            "hitting_time": (sweep, pre_a.tolist()),
            "search_hitting_time": (sweep, searched_a.tolist()),
            "speedup": (sweep, (pre_a / searched_a).tolist()),
            "meta_rel_err": (sweep, rel),
            "meta_rel_err_uniform": (sweep, rel_uniform),
        },
        scalars={
            "time_ratio": float(pre_a[0] / _meta_time(q_min, start_cluster, chain.target)),
            "time_eps": float(pre_a[0] * eps_min),
            "first_exit_eps": first_exit * eps_min,
            "crossings_mean": float(np.mean(crossings)),
            "backward_crossed_mean": float(np.mean(backward)),
            "forward_edges": float(len(forward)),
            "speedup_at_min_eps": float(pre_a[0] / searched_a[0]),
            "eps_min": eps_min,
            "eps_max": float(grid[-1]),
        },
    )


def metastable_sweep(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Hitting times of the pretrained, searched (walking search) and meta chains over the eps grid."""
    return _sweep(graph, seed, tier, search="walk", barrier=True)


def no_process_reward(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the search walks but its verifier rewards nothing, so no edge is upweighted."""
    return _sweep(graph, seed, tier, search="none", barrier=True)


def dense_reward(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the verifier rewards an easy transition out of each crossing's source, not the crossing."""
    return _sweep(graph, seed, tier, search="dense", barrier=True)


def no_barrier(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the sparse edges keep probability eps_max at every grid point (no metastability)."""
    return _sweep(graph, seed, tier, search="walk", barrier=False)
