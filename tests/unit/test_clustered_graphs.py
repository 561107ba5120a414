"""Unit tests of tasks.clustered_graphs: the instance type, its strategy and the chain sampler."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.clustered_graphs import ClusteredGraph, clustered_graphs, sample_chain, transition_matrix


@settings(max_examples=30, deadline=None, database=None)
@given(clustered_graphs())
def test_drawn_graphs_respect_bounds(graph: ClusteredGraph) -> None:
    assert 2 <= graph.clusters <= 6
    assert all(3 <= m <= 12 for m in graph.sizes)
    assert all(0 <= e < m for e, m in zip(graph.exits, graph.sizes, strict=True))
    assert all(0 <= e < m for e, m in zip(graph.entries, graph.sizes, strict=True))
    assert 0.0 <= graph.missing <= 0.3 and 0.0 <= graph.spread <= 0.5


@settings(max_examples=20, deadline=None, database=None)
@given(clustered_graphs())
def test_chain_is_stochastic_block_diagonal_with_eps_edges(graph: ClusteredGraph) -> None:
    chain = sample_chain(graph, np.random.default_rng(0))
    n = graph.states
    assert chain.dense.shape == (n, n) and chain.labels.shape == (n,)
    np.testing.assert_allclose(chain.dense.sum(axis=1), 1.0)
    across = chain.labels[:, None] != chain.labels[None, :]
    assert np.all(chain.dense[across] == 0.0)
    assert len(chain.sparse) == (graph.clusters - 1) * (2 if graph.backward else 1)
    p = transition_matrix(chain, 1e-3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert all(p[x, y] == pytest.approx(1e-3) for x, y in chain.sparse)
    assert np.count_nonzero(p[across]) == len(chain.sparse)


def test_sampler_is_seeded() -> None:
    graph = ClusteredGraph(sizes=(4, 5), exits=(1, 2), entries=(0, 3), missing=0.2, spread=0.5, backward=True)
    a = sample_chain(graph, np.random.default_rng(7))
    b = sample_chain(graph, np.random.default_rng(7))
    assert np.array_equal(a.dense, b.dense) and a.sparse == b.sparse == ((1, 7), (7, 1))


def test_zero_spread_complete_cluster_is_uniform() -> None:
    graph = ClusteredGraph(
        sizes=(3, 3), exits=(0, 0), entries=(0, 0), missing=0.0, spread=0.0, backward=False
    )
    chain = sample_chain(graph, np.random.default_rng(0))
    np.testing.assert_allclose(chain.dense[:3, :3], 1.0 / 3.0)


@pytest.mark.parametrize(
    "kwargs",
    [{"min_clusters": 1}, {"min_size": 5, "max_size": 4}, {"max_missing": 1.0}, {"max_spread": -0.1}],
)
def test_invalid_bounds_raise(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument):
        clustered_graphs(**kwargs)  # type: ignore[arg-type]


def test_invalid_graph_raises() -> None:
    with pytest.raises(ValueError):
        ClusteredGraph(sizes=(3, 3), exits=(3, 0), entries=(0, 0), missing=0.0, spread=0.0, backward=False)
