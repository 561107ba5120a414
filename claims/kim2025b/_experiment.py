"""Shared experiments of kim2025b: exact hitting times of drawn clustered chains over an eps grid.

One unit = one instance (the graph's shape) and one seed, which draws the
dense within-cluster weights (and drives the searches). Hitting times are
exact float64 linear algebra.

``metastable_sweep`` (the pretrained chain and its meta-chain, on graphs of
clusters in series) and its control ``no_barrier`` (the sparse edges keep
probability ``eps_max`` at every grid point: the metastable premise removed).

``search_sweep`` (the search claim, on graphs with a dead end off every
non-final cluster): at every eps, ``SEARCHES`` independent searches, each
``ROLLOUTS`` budgeted walks of the pretrained chain from the start
(``models.markov_search.budgeted_search``) with a budget of
``BUDGET * n / eps`` steps per walk (n states: about one pass's cost when the
exit states carry a 1/m share of their cluster). A process reward marks the
crossings that make progress (cluster c to c + 1 on the way to the answer);
dead-end entries, returns and backward steps are not rewarded. Every rewarded
edge gets probability ``BOOST`` (rows renormalised), our stand-in for the
paper's fine-tuning; T_search is the median, over the searches, of the
improved model's exact hitting time. Its controls:

* ``fixed_budget``: the search's budget does not grow with the barrier: every
  eps gets the budget of ``eps_max`` (``BUDGET * n / eps_max`` steps).

``reward_every_crossing`` (not a control, a measured variant): the verifier
rewards every cluster change the walks took (dead-end entries and returns,
backward steps), the spec's "reward on any cluster change".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from models.markov_search import budgeted_search, hitting_time, hitting_times, meta_chain, upweight
from tasks.clustered_graphs import ClusteredChain, ClusteredGraph, sample_chain, transition_matrix
from theorycheck import Measurement, Tier

BOOST = 0.5  # probability given to the rewarded edges out of a state after search
ROLLOUTS = 4  # budgeted walks from the start per search
BUDGET = 1.0  # steps per walk, in units of n / eps (n states)


def searches(tier: Tier) -> int:
    """Independent searches per eps; T_search is the median of their improved times."""
    return tier.pick(smoke=5, default=15)


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


def _sweep(graph: ClusteredGraph, seed: int, tier: Tier, *, barrier: bool) -> Measurement:
    chain = sample_chain(graph, np.random.default_rng(seed))
    grid = eps_grid(tier)
    pre, rel, rel_uniform = [], [], []
    start_cluster = int(chain.labels[chain.start])
    for eps in grid:
        p = transition_matrix(chain, float(eps) if barrier else float(grid[-1]))
        t_meta = _meta_time(meta_chain(p, chain.labels), start_cluster, chain.target)
        t_uniform = _meta_time(uniform_meta_chain(p, chain.labels), start_cluster, chain.target)
        t_pre = hitting_time(p, chain.labels, chain.start, chain.target)
        pre.append(t_pre)
        rel.append(abs(t_pre / t_meta - 1.0))
        rel_uniform.append(abs(t_pre / t_uniform - 1.0))
    sweep = grid.tolist()
    eps_min = float(grid[0])
    p_min = transition_matrix(chain, eps_min if barrier else float(grid[-1]))
    first_exit = float(hitting_times(p_min, chain.labels != start_cluster)[chain.start])
    q_min = meta_chain(p_min, chain.labels)
    return Measurement.one(
        series={
            "hitting_time": (sweep, pre),
            "meta_rel_err": (sweep, rel),
            "meta_rel_err_uniform": (sweep, rel_uniform),
        },
        scalars={
            "time_ratio": float(pre[0] / _meta_time(q_min, start_cluster, chain.target)),
            "time_eps": float(pre[0] * eps_min),
            "first_exit_eps": first_exit * eps_min,
            "eps_min": eps_min,
            "eps_max": float(grid[-1]),
        },
    )


def metastable_sweep(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Hitting times of the pretrained and meta chains over the eps grid."""
    return _sweep(graph, seed, tier, barrier=True)


def no_barrier(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the sparse edges keep probability eps_max at every grid point (no metastability)."""
    return _sweep(graph, seed, tier, barrier=False)


def _progress(chain: ClusteredChain, x: int, y: int) -> bool:
    """The process reward: the crossing moves one cluster closer to the answer."""
    return bool(chain.labels[x] < chain.target and chain.labels[y] == chain.labels[x] + 1)


def _search(
    chain: ClusteredChain, eps: float, budget_eps: float, tier: Tier, rng: np.random.Generator, *, every: bool
) -> tuple[float, float, float]:
    """(median improved time, fraction of searches that missed a progress edge, mean crossings per walk)."""
    p = transition_matrix(chain, eps)
    budget = BUDGET * len(p) / budget_eps
    progress_edges = {(x, y) for x, y in chain.sparse if _progress(chain, x, y)}
    laws: dict[int, Any] = {}
    times, missed, crossed = [], [], []
    for _ in range(searches(tier)):
        found: set[tuple[int, int]] = set()
        for _ in range(ROLLOUTS):
            walk = budgeted_search(p, chain.labels, chain.start, chain.target, budget, rng, cache=laws)
            found |= {e for e in walk.crossings if every or _progress(chain, *e)}
            crossed.append(len(walk.crossings))
        improved = upweight(p, sorted(found), BOOST) if found else p
        times.append(hitting_time(improved, chain.labels, chain.start, chain.target))
        missed.append(not progress_edges <= found)
    return float(np.median(times)), float(np.mean(missed)), float(np.mean(crossed))


def _search_sweep(graph: ClusteredGraph, seed: int, tier: Tier, *, scaled: bool, every: bool) -> Measurement:
    rng = np.random.default_rng(seed)
    chain = sample_chain(graph, rng)
    grid = eps_grid(tier)
    pre, searched, missed, crossed = [], [], [], []
    for eps in grid:
        budget_eps = float(eps if scaled else grid[-1])
        t, miss, cross = _search(chain, float(eps), budget_eps, tier, rng, every=every)
        p = transition_matrix(chain, float(eps))
        pre.append(hitting_time(p, chain.labels, chain.start, chain.target))
        searched.append(t)
        missed.append(miss)
        crossed.append(cross)
    return Measurement.one(
        series={"search_hitting_time": (grid.tolist(), searched), "hitting_time": (grid.tolist(), pre)},
        scalars={
            "miss_rate": float(np.mean(missed)),
            "miss_rate_at_min_eps": missed[0],
            "crossings_per_walk": float(np.mean(crossed)),
            "speedup_at_min_eps": float(pre[0] / searched[0]),
            "eps_min": float(grid[0]),
        },
    )


def search_sweep(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Pretrained and searched (median over searches) hitting times over the eps grid."""
    return _search_sweep(graph, seed, tier, scaled=True, every=False)


def fixed_budget(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the search's budget is that of eps_max at every eps (it does not grow with 1/eps)."""
    return _search_sweep(graph, seed, tier, scaled=False, every=False)


def reward_every_crossing(graph: ClusteredGraph, seed: int, tier: Tier) -> Measurement:
    """Control: the verifier rewards every cluster change taken, dead ends and backward steps included."""
    return _search_sweep(graph, seed, tier, scaled=True, every=True)
