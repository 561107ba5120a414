"""Unit tests of tasks.strings: enumeration, labels and strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.strings import (
    PAD,
    StringProblem,
    all_strings,
    count_pairs,
    even_pairs_labels,
    lengths,
    parity_labels,
    parity_problems,
    running_parity,
    string_problems,
)


def test_all_strings_is_exhaustive_and_padded() -> None:
    s = all_strings(2, 4)
    assert s.shape == (4 + 8 + 16, 4)
    assert len({tuple(r) for r in s}) == len(s)
    assert np.array_equal(np.bincount(lengths(s)), [0, 0, 4, 8, 16])
    assert np.all(s[lengths(s) == 2][:, 2:] == PAD)


def test_even_pairs_is_first_equals_last() -> None:
    s = all_strings(1, 6)
    by_definition = np.array([1.0 if count_pairs(r) % 2 == 0 else -1.0 for r in s])
    assert np.array_equal(even_pairs_labels(s), by_definition)
    assert even_pairs_labels(s).mean() == pytest.approx(0.0, abs=0.02)


def test_parity_and_running_parity_agree() -> None:
    s = all_strings(5, 5)
    p = running_parity(s)
    assert np.array_equal(np.where(p[:, -1] == 0, 1.0, -1.0), parity_labels(s))
    assert np.array_equal(p[:, 0], s[:, 0])
    assert np.all(running_parity(all_strings(2, 3))[:4, 2] == PAD)


@settings(max_examples=20, deadline=None)
@given(string_problems(min_length=2, max_length=7))
def test_string_problems_stay_in_range(p: StringProblem) -> None:
    assert p.min_len in (2, 3) and max(p.min_len + 1, 4) <= p.max_len <= 7
    assert 1e-3 <= p.init_scale <= 3e-2


@settings(max_examples=10, deadline=None)
@given(parity_problems(min_length=4, max_length=6))
def test_parity_problems_have_one_length(p: StringProblem) -> None:
    assert p.min_len == p.max_len and 4 <= p.max_len <= 6


def test_strategies_validate_bounds() -> None:
    with pytest.raises(InvalidArgument):
        string_problems(min_length=2, max_length=3).example()
    with pytest.raises(InvalidArgument):
        parity_problems(min_length=5, max_length=4).example()
    with pytest.raises(InvalidArgument):
        string_problems(min_init_scale=0.1, max_init_scale=0.01).example()
