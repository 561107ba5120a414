"""Binary strings over {a, b}: even pairs, parity check and running-parity chains of thought.

Tokens are integers, ``a = 0`` and ``b = 1``; a batch of strings of several
lengths is an ``(N, T)`` integer array padded with ``PAD = -1`` on the right.
Labels are +1 / -1 floats. The data sets are exhaustive (every string of each
length), so there is no sampling noise: the only randomness of an experiment
is the initialisation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

PAD = -1
A, B = 0, 1


@dataclass(frozen=True, kw_only=True)
class StringProblem:
    """All binary strings with lengths in ``[min_len, max_len]`` and an init scale for the model."""

    min_len: int
    max_len: int
    init_scale: float

    def __post_init__(self) -> None:
        if not 1 <= self.min_len <= self.max_len:
            raise ValueError(f"need 1 <= min_len <= max_len, got {self.min_len}, {self.max_len}")
        if not self.init_scale >= 0:
            raise ValueError(f"init_scale must be >= 0, got {self.init_scale}")


def all_strings(min_len: int, max_len: int) -> np.ndarray:
    """Every binary string with length in ``[min_len, max_len]``: ``(N, max_len)``, padded with PAD.

    Ordered by length, then lexicographically; ``N = sum_L 2**L``.
    """
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got {min_len}, {max_len}")
    rows = []
    for length in range(min_len, max_len + 1):
        for bits in itertools.product((A, B), repeat=length):
            rows.append(list(bits) + [PAD] * (max_len - length))
    return np.asarray(rows, dtype=np.int64)


def lengths(strings: np.ndarray) -> np.ndarray:
    """Length of each padded string: ``(N,)``."""
    return (strings != PAD).sum(axis=1)


def even_pairs_labels(strings: np.ndarray) -> np.ndarray:
    """+1 iff the number of ``ab`` and ``ba`` substrings is even (equivalently first == last token)."""
    last = strings[np.arange(len(strings)), lengths(strings) - 1]
    return np.where(strings[:, 0] == last, 1.0, -1.0)


def count_pairs(string: np.ndarray) -> int:
    """Number of ``ab`` plus ``ba`` substrings of one (padded) string, by definition."""
    s = string[string != PAD]
    return int(np.sum(s[1:] != s[:-1]))


def parity_labels(strings: np.ndarray) -> np.ndarray:
    """+1 iff the number of ``b`` tokens is even."""
    return np.where((strings == B).sum(axis=1) % 2 == 0, 1.0, -1.0)


def running_parity(strings: np.ndarray) -> np.ndarray:
    """Prefix parities ``p_k = p_{k-1} XOR x_k`` with ``p_0 = a``: ``(N, T)`` tokens, PAD past the end."""
    bits = np.where(strings == PAD, 0, strings)
    return np.where(strings == PAD, PAD, np.cumsum(bits, axis=1) % 2)


def string_problems(
    *,
    min_length: int = 2,
    max_length: int = 8,
    min_init_scale: float = 1e-3,
    max_init_scale: float = 3e-2,
) -> st.SearchStrategy[StringProblem]:
    """Problems on all strings of lengths ``[Lmin, Lmax]`` with ``Lmin`` in ``{min_length, min_length+1}``.

    ``Lmax`` is drawn from ``[max(Lmin + 1, 4), max_length]`` and the init
    scale log-uniformly from ``[min_init_scale, max_init_scale]``. Shrinks
    towards the shortest strings (``Lmin = min_length``, ``Lmax = 4``) and the
    smallest init scale.
    """
    if not isinstance(min_length, int) or min_length < 1:
        raise InvalidArgument(f"min_length={min_length!r} must be an int >= 1")
    if not isinstance(max_length, int) or max_length < max(min_length + 2, 4):
        raise InvalidArgument(f"max_length={max_length!r} must be >= max(min_length + 2, 4)")
    if not 0 < min_init_scale <= max_init_scale:
        raise InvalidArgument(f"need 0 < min_init_scale={min_init_scale} <= max_init_scale={max_init_scale}")

    @st.composite
    def build(draw: st.DrawFn) -> StringProblem:
        lo = draw(st.integers(min_length, min_length + 1))
        hi = draw(st.integers(max(lo + 1, 4), max_length))
        log_scale = draw(st.floats(np.log10(min_init_scale), np.log10(max_init_scale)))
        return StringProblem(min_len=lo, max_len=hi, init_scale=float(min(10.0**log_scale, max_init_scale)))

    return build()


def parity_problems(
    *,
    min_length: int = 4,
    max_length: int = 6,
    min_init_scale: float = 1e-3,
    max_init_scale: float = 3e-2,
) -> st.SearchStrategy[StringProblem]:
    """Parity-check problems on all strings of one length ``L`` in ``[min_length, max_length]``.

    One length, because the chain of thought reads ``x_k`` from absolute
    position ``k`` while its query sits at position ``L + k - 1``. Shrinks
    towards ``L = min_length`` and the smallest init scale.
    """
    if not isinstance(min_length, int) or min_length < 2:
        raise InvalidArgument(f"min_length={min_length!r} must be an int >= 2")
    if not isinstance(max_length, int) or max_length < min_length:
        raise InvalidArgument(f"max_length={max_length!r} must be >= min_length={min_length}")
    if not 0 < min_init_scale <= max_init_scale:
        raise InvalidArgument(f"need 0 < min_init_scale={min_init_scale} <= max_init_scale={max_init_scale}")
    return st.builds(
        lambda length, log_scale: StringProblem(
            min_len=length, max_len=length, init_scale=float(min(10.0**log_scale, max_init_scale))
        ),
        st.integers(min_length, max_length),
        st.floats(np.log10(min_init_scale), np.log10(max_init_scale)),
    )
