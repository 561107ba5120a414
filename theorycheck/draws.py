"""Making Hypothesis's draws a function of the seed alone.

Hypothesis (6.13x and later) sometimes draws a "local constant": a literal
harvested from every non-library module imported so far in the process. In a
run of many claims that pool depends on which claims a worker ran before, so
the same session seed drew different instances under different xdist
schedules (R-9). :func:`seed_only_draws` switches the local pool off while a
claim draws; the global pool (0, 1, boundary values ...) stays, it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:  # internal API: without it there is no local pool to switch off
    from hypothesis.internal.conjecture import providers as _providers
except ImportError:  # pragma: no cover
    _providers = None  # type: ignore[assignment]


@contextmanager
def seed_only_draws() -> Iterator[None]:
    """Within the block, Hypothesis draws no constants taken from loaded modules."""
    original: Any = getattr(_providers, "_get_local_constants", None)
    if original is None:
        yield
        return
    empty = _providers.Constants()
    _providers.CONSTANTS_CACHE.cache.clear()
    _providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        _providers._get_local_constants = original
        _providers.CONSTANTS_CACHE.cache.clear()
