"""Hypothesis's draws depend on the seed only, not on the constants of whatever modules are loaded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from theorycheck.draws import seed_only_draws


def _draws(context: Callable[[], Any]) -> list[list[int]]:
    seen: list[list[int]] = []

    @seed(12345)
    @settings(max_examples=20, phases=[Phase.generate], database=None, deadline=None)
    @given(st.lists(st.integers(0, 10_000), min_size=40, max_size=40))
    def record(values: list[int]) -> None:
        seen.append(values)

    with context():
        record()
    return seen


@contextlib.contextmanager
def _module_constants_loaded() -> Iterator[None]:
    """As if a module full of integer literals had been imported (Hypothesis's local pool grows)."""
    pool = providers._get_local_constants()
    added = set(range(1, 10_000, 7)) - set(pool.integers)
    pool.integers |= added
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        pool.integers -= added
        providers.CONSTANTS_CACHE.cache.clear()


@pytest.mark.parametrize("shielded", [True, False])
def test_loaded_module_constants_change_the_draws_only_when_not_shielded(shielded: bool):
    context = seed_only_draws if shielded else contextlib.nullcontext
    before = _draws(context)
    with _module_constants_loaded():
        after = _draws(context)
    assert (after == before) is shielded
