"""Unit tests of tasks/entities.py: the EntityPairs instance and the entity_pairings strategy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tasks.entities import EntityPairs, entity_pairings
from theorycheck.instances import from_json, to_json


@settings(max_examples=30, deadline=None, database=None)
@given(entity_pairings(min_pairs=2, max_pairs=40))
def test_drawn_pairs_are_disjoint_and_split(pairs: EntityPairs) -> None:
    heads, tails = pairs.heads, pairs.tails
    assert pairs.n_entities == 2 * pairs.n_pairs
    assert set(heads.tolist()).isdisjoint(tails.tolist())
    assert sorted([*heads.tolist(), *tails.tolist()]) == list(range(pairs.n_entities))
    assert 1 <= pairs.n_train < pairs.n_pairs
    assert pairs.n_train + pairs.n_test == pairs.n_pairs


@settings(max_examples=20, deadline=None, database=None)
@given(entity_pairings(min_pairs=4, max_pairs=30))
def test_training_and_test_pairs(pairs: EntityPairs) -> None:
    x, y = pairs.training_pairs()
    assert len(x) == pairs.n_pairs + pairs.n_train
    tx, ty = pairs.reverse_test_pairs()
    assert len(tx) == pairs.n_test
    trained = set(zip(x.tolist(), y.tolist(), strict=True))
    for b, a in zip(tx.tolist(), ty.tolist(), strict=True):
        assert (b, a) not in trained  # held-out reverse never trained
        assert (a, b) in trained  # but its forward fact is


def test_sentences_layout() -> None:
    pairs = EntityPairs(pairing=(2, 0, 1), n_train=2)
    train, test = pairs.sentences()
    m = pairs.n_entities
    assert train.shape == (5, 3) and test.shape == (1, 3)
    assert train[:3, 1].tolist() == [m] * 3 and train[3:, 1].tolist() == [m + 1] * 2
    assert train[0].tolist() == [0, m, 3 + 2]  # [A_0, R, B_0] with B_0 = n + pairing[0]
    assert test[0].tolist() == [3 + 1, m + 1, 2]


def test_shrinks_to_fewest_pairs_identity() -> None:
    from hypothesis import find

    smallest = find(entity_pairings(min_pairs=3, max_pairs=50), lambda p: True)
    assert smallest.pairing == (0, 1, 2)
    assert smallest.n_train == 2  # round(3 * 0.5) = 2


def test_json_round_trip() -> None:
    pairs = EntityPairs(pairing=(1, 0, 2, 3), n_train=3)
    assert from_json(to_json(pairs)) == pairs


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_pairs": 1},
        {"min_pairs": 10, "max_pairs": 5},
        {"max_train_fraction": 1.0},
        {"min_train_fraction": 0.8, "max_train_fraction": 0.6},
    ],
)
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument):
        entity_pairings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("pairing,n_train", [((0,), 0), ((0, 0), 1), ((0, 1), 0), ((0, 1), 2)])
def test_bad_instances(pairing: tuple[int, ...], n_train: int) -> None:
    with pytest.raises(ValueError):
        EntityPairs(pairing=pairing, n_train=n_train)


def test_strategy_is_deterministic_given_data() -> None:
    @settings(max_examples=5, deadline=None, database=None, derandomize=True)
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        p = data.draw(entity_pairings(min_pairs=5, max_pairs=8))
        assert np.all(np.sort(p.tails) == np.arange(p.n_pairs, 2 * p.n_pairs))

    draw()
