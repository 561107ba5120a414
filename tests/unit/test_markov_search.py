"""Unit tests of models.markov_search: exact hitting times, meta-chain, search and upweighting."""

from __future__ import annotations

import numpy as np
import pytest

from models.markov_search import (
    hitting_time,
    hitting_times,
    meta_chain,
    monte_carlo_hitting_time,
    sparse_edge_search,
    stationary,
    upweight,
)
from tasks.clustered_graphs import ClusteredGraph, sample_chain, transition_matrix

GRAPH = ClusteredGraph(
    sizes=(4, 5, 3), exits=(2, 4, 0), entries=(0, 1, 2), missing=0.2, spread=0.5, backward=True
)


def test_two_state_hitting_time_is_geometric() -> None:
    p = np.array([[0.9, 0.1], [0.0, 1.0]])
    assert hitting_times(p, np.array([False, True]))[0] == pytest.approx(10.0)


def test_stationary_is_invariant() -> None:
    chain = sample_chain(GRAPH, np.random.default_rng(1))
    p = transition_matrix(chain, 0.05)
    pi = stationary(p)
    np.testing.assert_allclose(pi @ p, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1.0)


def test_solver_agrees_with_monte_carlo() -> None:
    chain = sample_chain(GRAPH, np.random.default_rng(2))
    p = transition_matrix(chain, 0.1)
    exact = hitting_time(p, chain.labels, chain.start, chain.target)
    mc = monte_carlo_hitting_time(
        p, chain.labels == chain.target, chain.start, 4000, 5000, np.random.default_rng(3)
    )
    assert mc == pytest.approx(exact, rel=0.06)


def test_meta_chain_is_stochastic_and_matches_full_chain_for_small_eps() -> None:
    chain = sample_chain(GRAPH, np.random.default_rng(4))
    p = transition_matrix(chain, 1e-5)
    q = meta_chain(p, chain.labels)
    assert q.shape == (3, 3)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    meta = hitting_times(q, np.arange(3) == 2)[0]
    assert hitting_time(p, chain.labels, chain.start, chain.target) / meta == pytest.approx(1.0, abs=1e-3)


def test_search_finds_path_edges_and_upweighting_removes_eps() -> None:
    chain = sample_chain(GRAPH, np.random.default_rng(5))
    found = sparse_edge_search(
        transition_matrix(chain, 1e-2), chain.labels, chain.start, 2000, np.random.default_rng(6), goal=2
    )
    assert found.clusters_reached == 3 and found.steps > 0
    assert {(2, 5), (8, 11)} <= set(found.edges)  # exit_0 -> entry_1, exit_1 -> entry_2
    times = [
        hitting_time(upweight(transition_matrix(chain, e), found.edges, 0.5), chain.labels, 0, 2)
        for e in (1e-2, 1e-5)
    ]
    assert times[0] == pytest.approx(times[1], rel=1e-9)
    assert times[0] < 0.01 * hitting_time(transition_matrix(chain, 1e-5), chain.labels, 0, 2)


def test_upweight_keeps_rows_stochastic() -> None:
    p = np.array([[0.5, 0.49, 0.01], [0.3, 0.7, 0.0], [0.0, 0.0, 1.0]])
    q = upweight(p, [(0, 2)], 0.5)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    assert q[0, 2] == 0.5 and q[0, 0] / q[0, 1] == pytest.approx(0.5 / 0.49)
    with pytest.raises(ValueError):
        upweight(p, [(0, 2)], 1.0)


def test_exit_law_is_a_distribution_and_matches_the_walk() -> None:
    from models.markov_search import exit_law

    chain = sample_chain(GRAPH, np.random.default_rng(7))
    p = transition_matrix(chain, 0.05)
    law, edges = exit_law(p, chain.labels, 1)
    np.testing.assert_allclose(law.sum(axis=1), 1.0)
    assert {(y, z) for y, z in edges} == {(x, y) for x, y in chain.sparse if chain.labels[x] == 1}
    # Monte Carlo: walks started at the entry of cluster 1 leave through the forward edge at the exact rate
    entry = int(np.flatnonzero(chain.labels == 1)[0]) + GRAPH.entries[1]
    forward = edges.index(next(e for e in edges if chain.labels[e[1]] == 2))
    row = int(np.flatnonzero(np.flatnonzero(chain.labels == 1) == entry)[0])
    rng = np.random.default_rng(8)
    hits = 0
    for _ in range(2000):
        x = entry
        while chain.labels[x] == 1:
            x = int(rng.choice(len(p), p=p[x]))
        hits += int(chain.labels[x] == 2)
    assert hits / 2000 == pytest.approx(law[row, forward], abs=0.04)


def test_walking_search_crosses_every_forward_edge_and_rewards_only_crossings() -> None:
    from models.markov_search import walking_search

    chain = sample_chain(GRAPH, np.random.default_rng(9))
    p = transition_matrix(chain, 1e-4)
    walk = walking_search(p, chain.labels, chain.start, 2, np.random.default_rng(10))
    assert walk.arrived
    forward = {(x, y) for x, y in chain.sparse if chain.labels[y] == chain.labels[x] + 1}
    assert forward <= set(walk.edges) <= set(chain.sparse)
    assert set(walk.edges) == set(walk.crossings)
    again = walking_search(p, chain.labels, chain.start, 2, np.random.default_rng(10), cache={})
    assert again == walk


def test_budgeted_search_stops_at_its_budget_and_reaches_the_goal_with_room() -> None:
    from models.markov_search import budgeted_search

    chain = sample_chain(GRAPH, np.random.default_rng(9))
    p = transition_matrix(chain, 1e-3)
    none = budgeted_search(p, chain.labels, chain.start, 2, 0.0, np.random.default_rng(1))
    assert none.crossings == () and not none.arrived and none.steps == 0.0
    far = budgeted_search(p, chain.labels, chain.start, 2, 1e9, np.random.default_rng(1))
    assert far.arrived and set(far.crossings) <= set(chain.sparse)


def test_budgeted_search_time_matches_the_exact_hitting_time() -> None:
    from models.markov_search import budgeted_search

    chain = sample_chain(GRAPH, np.random.default_rng(3))
    p = transition_matrix(chain, 1e-3)
    rng, cache = np.random.default_rng(4), {}
    steps = [budgeted_search(p, chain.labels, 0, 2, 1e12, rng, cache=cache).steps for _ in range(3000)]
    exact = hitting_time(p, chain.labels, 0, 2)
    assert np.mean(steps) == pytest.approx(exact, rel=0.06)  # geometric stays: exact up to mixing


def test_dead_ends_add_a_decoy_cluster_with_one_way_in_and_one_way_out() -> None:
    graph = ClusteredGraph(
        sizes=(4, 5, 3),
        exits=(2, 4, 0),
        entries=(0, 1, 2),
        missing=0.0,
        spread=0.3,
        backward=False,
        dead_ends=True,
        decoys=(1, 3),
    )
    chain = sample_chain(graph, np.random.default_rng(2))
    assert graph.states == 12 + 6 and sorted(set(chain.labels.tolist())) == [0, 1, 2, 3, 4]
    p = transition_matrix(chain, 1e-3)
    assert np.allclose(p.sum(axis=1), 1.0)
    for dead, decoy in ((3, 1), (4, 4 + 3)):
        into = [(x, y) for x, y in chain.sparse if chain.labels[y] == dead]
        out = [(x, y) for x, y in chain.sparse if chain.labels[x] == dead]
        assert into == [(decoy, into[0][1])] and out == [(out[0][0], decoy)]
