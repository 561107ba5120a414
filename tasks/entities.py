"""Entity pairs for the reversal curse: "A_i -> B_i" known, "B_i <- A_i" asked.

An :class:`EntityPairs` instance names ``M = 2 n`` entity tokens, split into
two disjoint sets: heads ``A_i = i`` and tails ``B_i = n + perm[i]``, where
``perm`` is the drawn pairing permutation. Forward sentences exist for every
pair; reverse sentences only for the first ``n_train`` pairs; the test asks
for the reverse of the held-out pairs ``i >= n_train`` (Zhu et al. 2024,
Sec. 3). Everything here is plain integers or numpy arrays; models live in
``models/`` and never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

__all__ = ["EntityPairs", "entity_pairings"]


@dataclass(frozen=True, kw_only=True)
class EntityPairs:
    """``n`` pairs of distinct entity tokens; reverse sentences known for ``i < n_train``.

    ``pairing[i]`` is the offset of ``B_i`` inside the tail set, so the tail
    token is ``n + pairing[i]``. Token ids ``0 .. M-1`` are entities; a model
    that needs relation tokens numbers them ``M`` and ``M + 1``.
    """

    pairing: tuple[int, ...]
    n_train: int

    def __post_init__(self) -> None:
        n = len(self.pairing)
        if n < 2:
            raise ValueError(f"need at least 2 pairs, got {n}")
        if sorted(self.pairing) != list(range(n)):
            raise ValueError(f"pairing {self.pairing!r} is not a permutation of 0..{n - 1}")
        if not 1 <= self.n_train < n:
            raise ValueError(f"n_train={self.n_train} must leave both trained and held-out pairs (n={n})")

    @property
    def n_pairs(self) -> int:
        """Number of pairs ``n``."""
        return len(self.pairing)

    @property
    def n_entities(self) -> int:
        """Entity vocabulary size ``M = 2 n``."""
        return 2 * self.n_pairs

    @property
    def n_test(self) -> int:
        """Number of held-out pairs, whose reverse is asked."""
        return self.n_pairs - self.n_train

    @property
    def heads(self) -> np.ndarray:
        """Token ids of ``A_0 .. A_{n-1}``."""
        return np.arange(self.n_pairs, dtype=np.int64)

    @property
    def tails(self) -> np.ndarray:
        """Token ids of ``B_0 .. B_{n-1}`` (disjoint from the heads)."""
        return self.n_pairs + np.asarray(self.pairing, dtype=np.int64)

    def forward_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, targets) of every forward fact ``A_i -> B_i``."""
        return self.heads, self.tails

    def reverse_train_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, targets) of the reverse facts ``B_i -> A_i`` seen in training (i < n_train)."""
        k = self.n_train
        return self.tails[:k], self.heads[:k]

    def reverse_test_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, targets) of the held-out reverse facts ``B_i -> A_i`` (i >= n_train)."""
        k = self.n_train
        return self.tails[k:], self.heads[k:]

    def training_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """All training (input, target) pairs: every forward fact, then the trained reverse ones."""
        fx, fy = self.forward_pairs()
        rx, ry = self.reverse_train_pairs()
        return np.concatenate([fx, rx]), np.concatenate([fy, ry])

    def sentences(self) -> tuple[np.ndarray, np.ndarray]:
        """Token sequences of length 3 for a sequence model: (train, test).

        Train: ``[A_i, R, B_i]`` for all i and ``[B_i, R_inv, A_i]`` for
        i < n_train; test: ``[B_i, R_inv, A_i]`` for i >= n_train, with
        ``R = M`` and ``R_inv = M + 1`` (vocabulary ``M + 2``).
        """
        m = self.n_entities
        fx, fy = self.forward_pairs()
        rx, ry = self.reverse_train_pairs()
        tx, ty = self.reverse_test_pairs()
        forward = np.stack([fx, np.full_like(fx, m), fy], axis=1)
        reverse = np.stack([rx, np.full_like(rx, m + 1), ry], axis=1)
        test = np.stack([tx, np.full_like(tx, m + 1), ty], axis=1)
        return np.concatenate([forward, reverse]), test


def _check_bounds(name_lo: str, lo: float, name_hi: str, hi: float, floor: float) -> None:
    if lo < floor:
        raise InvalidArgument(f"{name_lo}={lo!r} must be at least {floor}")
    if hi < lo:
        raise InvalidArgument(f"{name_hi}={hi!r} must be at least {name_lo}={lo!r}")


def entity_pairings(
    *,
    min_pairs: int = 10,
    max_pairs: int = 200,
    min_train_fraction: float = 0.5,
    max_train_fraction: float = 0.9,
) -> st.SearchStrategy[EntityPairs]:
    """Draw :class:`EntityPairs`: ``n`` in [min_pairs, max_pairs] pairs (``M = 2n``, even).

    The pairing is the argsort of a list of distinct integer keys, so the
    list's length is ``n`` and its order the permutation; the fraction of
    pairs whose reverse is trained is drawn in percent. Shrinks towards the
    fewest pairs, the identity pairing (``B_i = n + i``) and the smallest
    train fraction.
    """
    _check_bounds("min_pairs", min_pairs, "max_pairs", max_pairs, 2)
    _check_bounds("min_train_fraction", min_train_fraction, "max_train_fraction", max_train_fraction, 0.0)
    if max_train_fraction >= 1.0:
        raise InvalidArgument(f"max_train_fraction={max_train_fraction!r} must be below 1 (held-out pairs)")
    lo_pct = int(np.ceil(100 * min_train_fraction))
    hi_pct = int(np.floor(100 * max_train_fraction))
    if hi_pct < lo_pct:
        raise InvalidArgument("the train fraction range holds no whole percent")
    keys = st.lists(st.integers(min_value=0), min_size=min_pairs, max_size=max_pairs, unique=True)
    return st.builds(_pairs_from, keys, st.integers(min_value=lo_pct, max_value=hi_pct))


def _pairs_from(keys: list[int], percent: int) -> EntityPairs:
    pairing = tuple(int(i) for i in np.argsort(np.asarray(keys), kind="stable"))
    n = len(pairing)
    n_train = min(max(1, round(n * percent / 100)), n - 1)
    return EntityPairs(pairing=pairing, n_train=n_train)
