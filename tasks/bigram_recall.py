"""Noisy in-context recall over a background bigram model (Chen, Bruna, Bietti 2025, Sec. 3).

Tokens are integers in ``[0, N)``. Token ``TAU = 0`` is the generic "noise"
token, tokens ``1..K`` are the triggers, the other ``N - 1 - K`` tokens are
ordinary. A sequence of length ``T`` is a background Markov chain over the
ordinary tokens (a random bigram matrix fixed by the instance) into which one
trigger ``q`` is planted ``occurrences`` times at random positions, each time
followed by the sequence's own output token ``ybar`` (drawn uniformly from the
ordinary tokens, fresh per sequence). The last token is ``q`` again and the
next-token target is ``ybar`` with probability ``1 - alpha`` (in-context
recall) or ``TAU`` with probability ``alpha`` (the distributional association
``q -> TAU`` shared by all sequences).

Training sequences use the same noise in the context: every planted
occurrence after the first is followed by ``TAU`` with probability ``alpha``
(the first is always followed by ``ybar``, so the answer is in context).
Test sequences (``noisy_context=False``) never contain ``TAU``: as in the
paper's test set, the recall circuit itself cannot produce ``TAU``.

Everything is vectorised over a batch and driven by a ``torch.Generator``.
Not the same module as ``tasks/recall.py`` (a simpler recall task of another
paper); this one is self-contained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tasks.multinomial_chain import chain_states

__all__ = ["TAU", "BigramRecall", "RecallBatch", "bigram_matrix", "bigram_recalls", "sample"]

TAU = 0  # the generic noise token


@dataclass(frozen=True, kw_only=True)
class BigramRecall:
    """One noisy in-context recall task.

    ``vocab`` N (including ``TAU`` and the triggers), ``n_triggers`` K,
    ``seq_len`` T, noise probability ``alpha``, number of earlier trigger
    occurrences, and the background bigram: ``(1 - skew) * uniform + skew *
    Dirichlet(0.5)`` rows drawn from ``bigram_seed`` (skew 0 = uniform).
    """

    vocab: int
    n_triggers: int
    seq_len: int
    alpha: float
    occurrences: int = 2
    skew: float = 0.0
    bigram_seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.n_triggers <= self.vocab - 4:
            raise ValueError(f"need 1 <= n_triggers <= vocab - 4, got {self.n_triggers}, {self.vocab}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must lie in (0, 1), got {self.alpha}")
        if self.occurrences < 1 or self.seq_len < 3 * self.occurrences + 2:
            raise ValueError(f"seq_len={self.seq_len} too short for {self.occurrences} occurrences")
        if not 0.0 <= self.skew <= 1.0:
            raise ValueError(f"skew must lie in [0, 1], got {self.skew}")

    @property
    def triggers(self) -> tuple[int, ...]:
        """The trigger tokens ``1..K``."""
        return tuple(range(1, self.n_triggers + 1))

    @property
    def n_ordinary(self) -> int:
        """Number of ordinary tokens (background and output tokens)."""
        return self.vocab - 1 - self.n_triggers


def bigram_matrix(task: BigramRecall) -> torch.Tensor:
    """Row-stochastic background transition matrix over the ordinary tokens: ``(M, M)``, float64."""
    m = task.n_ordinary
    rng = np.random.default_rng(task.bigram_seed)
    rows = (1.0 - task.skew) / m + task.skew * rng.dirichlet(np.full(m, 0.5), size=m)
    return torch.as_tensor(rows / rows.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class RecallBatch:
    """A batch: inputs ``x (B, T)``, sampled targets ``y (B,)``, in-context answers ``ybar (B,)``."""

    x: torch.Tensor
    y: torch.Tensor
    ybar: torch.Tensor


def sample(
    task: BigramRecall,
    batch: int,
    generator: torch.Generator,
    *,
    noisy_context: bool = True,
    noisy_target: bool = True,
    transitions: torch.Tensor | None = None,
) -> RecallBatch:
    """Draw ``batch`` sequences; ``transitions`` caches :func:`bigram_matrix` (computed if None)."""
    t, occ, k = task.seq_len, task.occurrences, task.n_triggers
    first_ordinary = 1 + k
    p = bigram_matrix(task) if transitions is None else transitions
    # background chain over ordinary tokens (indices 0..M-1, shifted later)
    start = torch.randint(0, task.n_ordinary, (batch,), generator=generator)
    x = chain_states(p, start, t - 1, generator) + first_ordinary  # (B, T): torch.multinomial's draws
    q = torch.randint(1, k + 1, (batch,), generator=generator)  # query trigger per sequence
    ybar = torch.randint(0, task.n_ordinary, (batch,), generator=generator) + first_ordinary
    # occurrence slots: trigger at 3j + offset, j < occ, within the first T - 2 positions
    room = t - 2 - 3 * occ  # free positions to spread the slots
    gaps = torch.sort(torch.randint(0, room + 1, (batch, occ), generator=generator), dim=1).values
    pos = gaps + 3 * torch.arange(occ)  # (B, occ), strictly increasing by >= 3
    follow = ybar[:, None].expand(batch, occ).clone()
    if noisy_context and occ > 1:
        noise = torch.rand(batch, occ - 1, generator=generator) < task.alpha
        follow[:, 1:] = torch.where(noise, torch.full_like(follow[:, 1:], TAU), follow[:, 1:])
    rows = torch.arange(batch)[:, None]
    x[rows, pos] = q[:, None]
    x[rows, pos + 1] = follow
    x[:, -1] = q
    y = ybar.clone()
    if noisy_target:
        y = torch.where(torch.rand(batch, generator=generator) < task.alpha, torch.full_like(y, TAU), y)
    return RecallBatch(x=x, y=y, ybar=ybar)


def bigram_recalls(
    *,
    min_vocab: int = 32,
    max_vocab: int = 64,
    min_seq_len: int = 16,
    max_seq_len: int = 32,
    min_alpha: float = 0.2,
    max_alpha: float = 0.6,
    max_triggers: int = 4,
    max_skew: float = 1.0,
) -> st.SearchStrategy[BigramRecall]:
    """Noisy recall tasks with N, T, alpha, K, skew and bigram seed drawn in the given ranges.

    N is a multiple of 8, T a multiple of 4, alpha a multiple of 0.05, two
    earlier occurrences. Shrinks towards the smallest vocabulary and context,
    alpha = 0.5 (the paper's default), one trigger and a uniform background.
    """
    if not isinstance(min_vocab, int) or min_vocab < 16 or max_vocab < min_vocab:
        raise InvalidArgument(f"need 16 <= min_vocab <= max_vocab, got {min_vocab}, {max_vocab}")
    if not isinstance(min_seq_len, int) or min_seq_len < 12 or max_seq_len < min_seq_len:
        raise InvalidArgument(f"need 12 <= min_seq_len <= max_seq_len, got {min_seq_len}, {max_seq_len}")
    if not 0.0 < min_alpha <= 0.5 <= max_alpha < 1.0:
        raise InvalidArgument(f"need 0 < min_alpha <= 0.5 <= max_alpha < 1, got {min_alpha}, {max_alpha}")
    if not isinstance(max_triggers, int) or not 1 <= max_triggers <= min_vocab - 4:
        raise InvalidArgument(f"max_triggers={max_triggers!r} must be in [1, min_vocab - 4]")
    if not 0.0 <= max_skew <= 1.0:
        raise InvalidArgument(f"max_skew={max_skew!r} must lie in [0, 1]")
    lo_a, hi_a = round(min_alpha * 20), round(max_alpha * 20)
    # alpha is drawn as an offset from 0.5 so that it shrinks towards 0.5
    alpha_offsets = st.integers(0, max(10 - lo_a, hi_a - 10)).flatmap(
        lambda off: st.sampled_from(sorted({a for a in (10 + off, 10 - off) if lo_a <= a <= hi_a}))
    )
    return st.builds(
        lambda n8, t4, a20, k, skew, seed: BigramRecall(
            vocab=8 * n8,
            n_triggers=k,
            seq_len=4 * t4,
            alpha=a20 / 20,
            occurrences=2,
            skew=skew,
            bigram_seed=seed,
        ),
        st.integers(-(-min_vocab // 8), max_vocab // 8),
        st.integers(-(-min_seq_len // 4), max_seq_len // 4),
        alpha_offsets,
        st.integers(1, max_triggers),
        st.floats(0.0, max_skew, allow_nan=False),
        st.integers(0, 2**16 - 1),
    )
