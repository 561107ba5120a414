"""Shared experiment of kim2025b: exact hitting times of a drawn clustered chain over an eps grid.

One unit = one instance (the graph's shape) and one seed, which draws the
dense within-cluster weights and drives the search walk. Everything else is
exact float64 linear algebra: no simulation noise enters a hitting time.
"""

from __future__ import annotations

import numpy as np

from models.markov_search import hitting_time, hitting_times, meta_chain, sparse_edge_search, upweight
from tasks.clustered_graphs import ClusteredGraph, sample_chain, transition_matrix
from theorycheck import Measurement, Tier

SEARCH_BUDGET = 2000  # easy steps the search may take in each reached cluster
BOOST = 0.5  # probability given to the rewarded edges out of a state after search


def eps_grid(tier: Tier) -> np.ndarray:
    """The sparse-edge probabilities swept, ascending: 3 decades (2 at smoke)."""
    return tier.pick(smoke=np.logspace(-4, -2, 5), default=np.logspace(-5, -2, 10))


def metastable_sweep(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Hitting times of the pretrained, searched and meta chains over the eps grid."""
    rng = np.random.default_rng(seed)
    chain = sample_chain(graph, rng)
    grid = eps_grid(tier)
    # The local search never samples a sparse edge, so what it finds does not depend on eps:
    # run it once, on the chain with the largest eps.
    search = sparse_edge_search(
        transition_matrix(chain, float(grid[-1])),
        chain.labels,
        chain.start,
        SEARCH_BUDGET,
        rng,
        goal=chain.target,
    )
    pre, searched, meta = [], [], []
    for eps in grid:
        p = transition_matrix(chain, float(eps))
        pre.append(hitting_time(p, chain.labels, chain.start, chain.target))
        searched.append(
            hitting_time(upweight(p, search.edges, BOOST), chain.labels, chain.start, chain.target)
        )
        q = meta_chain(p, chain.labels)  # (K, K) distilled chain
        meta.append(float(hitting_times(q, np.arange(len(q)) == chain.target)[chain.labels[chain.start]]))
    pre_a, searched_a, meta_a = np.array(pre), np.array(searched), np.array(meta)
    sweep = grid.tolist()
    eps_min = float(grid[0])
    p_min = transition_matrix(chain, eps_min)
    first_exit = float(hitting_times(p_min, chain.labels != chain.labels[chain.start])[chain.start])
    forward = {(x, y) for x, y in chain.sparse if chain.labels[y] == chain.labels[x] + 1}
    return Measurement.one(
        series={
            "hitting_time": (sweep, pre_a.tolist()),
            "search_hitting_time": (sweep, searched_a.tolist()),
            "speedup": (sweep, (pre_a / searched_a).tolist()),
        },
        scalars={
            "time_ratio": float(pre_a[0] / meta_a[0]),
            "time_eps": float(pre_a[0] * eps_min),
            "first_exit_eps": first_exit * eps_min,
            "search_steps": float(search.steps),
            "path_edges_found": float(len(forward & set(search.edges)) / len(forward)),
            "speedup_at_min_eps": float(pre_a[0] / searched_a[0]),
            "eps_min": eps_min,
            "eps_max": float(grid[-1]),
            "search_time_min_eps": float(searched_a[0]),
            "search_time_max_eps": float(searched_a[-1]),
        },
    )
