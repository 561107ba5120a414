"""Concept-based sparse-coding prompts for in-context classification (Bu et al. 2024).

Word embeddings are sparse combinations of an orthonormal dictionary plus
small Gaussian noise. Rows of the dictionary ``Q (d, d)``::

    a_1..a_K        first semantic value of each concept
    b_1..b_K        second semantic value of each concept
    e_1..e_{d-2K}   task-irrelevant directions

A prompt picks a concept ``k`` and a prompt-specific sign ``flip``. Each of its
``L`` demonstration words and its query word is ``a_k`` or ``b_k`` (fair coin)
plus ``s`` distinct irrelevant directions with random signs (times
``irrelevant_scale``) plus ``N(0, sigma^2 I_d)``; the label is ``+flip`` for an
``a_k`` word and ``-flip`` for a ``b_k`` word. The label rule is therefore
carried by the prompt only: a predictor that sees the query alone is at chance.

OOD shifts (prompt length, irrelevant count and scale, noise) are other
instances built with :meth:`ConceptTask.shifted`; the dictionary is shared.
With ``dictionary=None`` the sampler uses the standard basis: GD from a zero
(or isotropic) initialisation is equivariant under the orthogonal change of
basis ``x -> Q^T x`` and the noise is isotropic, so the two are the same
experiment up to a rotation of the learned ``W``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


@dataclass(frozen=True, kw_only=True)
class ConceptTask:
    """Sizes and noise levels of the concept prompts."""

    concepts: int  # K
    dim: int  # d
    length: int  # L demonstrations per prompt
    irrelevant: int  # s irrelevant components per word
    irrelevant_scale: float = 1.0
    noise: float  # sigma

    def __post_init__(self) -> None:
        ints = (self.concepts, self.dim, self.length, self.irrelevant)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in ints):
            raise ValueError(f"concepts, dim, length, irrelevant must be ints, got {ints}")
        if self.concepts < 1 or self.length < 1 or self.irrelevant < 0:
            raise ValueError(f"need concepts >= 1, length >= 1, irrelevant >= 0, got {ints}")
        if self.irrelevant > self.dim - 2 * self.concepts:
            raise ValueError(
                f"{self.irrelevant} irrelevant components need dim >= 2K + s = "
                f"{2 * self.concepts + self.irrelevant}, got dim={self.dim}"
            )
        if not (self.noise >= 0 and self.irrelevant_scale >= 0):
            raise ValueError(f"noise={self.noise} and irrelevant_scale={self.irrelevant_scale} must be >= 0")

    def shifted(
        self,
        *,
        length: int | None = None,
        irrelevant: int | None = None,
        irrelevant_scale: float | None = None,
        noise: float | None = None,
    ) -> ConceptTask:
        """The same concepts and dictionary under an OOD shift of the prompt distribution."""
        return replace(
            self,
            length=self.length if length is None else length,
            irrelevant=self.irrelevant if irrelevant is None else irrelevant,
            irrelevant_scale=self.irrelevant_scale if irrelevant_scale is None else irrelevant_scale,
            noise=self.noise if noise is None else noise,
        )

    @property
    def length_floor(self) -> float:
        """``2^-L``: chance that no demonstration shares the query's semantic value.

        On such a prompt every demonstration carries the other label, so any
        predictor that averages demonstration labels (softmax attention) is wrong.
        """
        return 2.0 ** (-self.length)


@dataclass(frozen=True)
class PromptBatch:
    """Demonstrations ``x (B, L, d)``, labels ``y (B, L)``, ``query (B, d)``, ``target (B,)`` in {-1, +1}."""

    x: torch.Tensor
    y: torch.Tensor
    query: torch.Tensor
    target: torch.Tensor


def concept_dictionary(task: ConceptTask, generator: torch.Generator) -> torch.Tensor:
    """A random orthonormal dictionary ``Q (d, d)``; rows a_1..a_K, b_1..b_K, then irrelevant ones."""
    g = torch.randn(task.dim, task.dim, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(g)
    q = q * torch.sign(torch.diagonal(r))  # Haar-distributed
    return q.T.contiguous().float()


def _distinct_indices(
    population: int, count: int, shape: tuple[int, ...], generator: torch.Generator
) -> torch.Tensor:
    """``count`` distinct uniform indices in ``[0, population)`` per entry: ``(*shape, count)``, sorted.

    Sequential sampling without replacement: the j-th draw is uniform over the
    ``population - j`` unused indices, shifted past the (sorted) earlier picks.
    """
    picks = torch.empty(*shape, 0, dtype=torch.long)
    for j in range(count):
        r = torch.randint(population - j, shape, generator=generator)
        for i in range(j):  # ascending earlier picks: skip each one at or below r
            r = r + (r >= picks[..., i]).long()
        picks = torch.sort(torch.cat([picks, r[..., None]], dim=-1), dim=-1).values
    return picks


def sample_prompts(
    task: ConceptTask, batch: int, generator: torch.Generator, dictionary: torch.Tensor | None = None
) -> PromptBatch:
    """``batch`` fresh prompts; ``dictionary=None`` means the standard basis."""
    k_, d, n, s = task.concepts, task.dim, task.length + 1, task.irrelevant
    concept = torch.randint(k_, (batch,), generator=generator)  # (B,)
    flip = 2 * torch.randint(2, (batch,), generator=generator) - 1  # (B,)
    value = torch.randint(2, (batch, n), generator=generator)  # (B, n): 0 -> a_k, 1 -> b_k
    x = torch.randn(batch, n, d, generator=generator).mul_(task.noise)  # (B, n, d); in place: no copy
    semantic = (concept[:, None] + k_ * value)[..., None]  # (B, n, 1): row index of a_k or b_k
    x.scatter_add_(2, semantic, torch.ones(batch, n, 1))
    if s > 0:
        picks = _distinct_indices(d - 2 * k_, s, (batch, n), generator) + 2 * k_  # (B, n, s)
        signs = (2 * torch.randint(2, (batch, n, s), generator=generator) - 1).float()
        x.scatter_add_(2, picks, task.irrelevant_scale * signs)
    if dictionary is not None:
        x = x @ dictionary  # coordinates -> embedding space
    labels = (flip[:, None] * (1 - 2 * value)).float()  # (B, n): +flip for a_k, -flip for b_k
    return PromptBatch(x=x[:, :-1], y=labels[:, :-1], query=x[:, -1], target=labels[:, -1])


def concept_tasks(
    *,
    min_concepts: int = 2,
    max_concepts: int = 8,
    min_dim: int = 32,
    max_dim: int = 64,
    min_length: int = 14,
    max_length: int = 24,
    min_irrelevant: int = 1,
    max_irrelevant: int = 3,
    min_noise: float = 0.05,
    max_noise: float = 0.15,
) -> st.SearchStrategy[ConceptTask]:
    """Concept tasks with every size in its ``[min_*, max_*]`` range (``irrelevant_scale`` = 1).

    ``dim`` is drawn at least ``2 K + 2 s`` so the doubled-irrelevant shift fits.
    Shrinking moves towards the fewest concepts, the smallest dimension, the
    shortest prompts, the fewest irrelevant components and the lowest noise.
    """
    pairs = (
        ("concepts", min_concepts, max_concepts, 1),
        ("dim", min_dim, max_dim, 2),
        ("length", min_length, max_length, 1),
        ("irrelevant", min_irrelevant, max_irrelevant, 0),
    )
    for name, lo, hi, least in pairs:
        if not isinstance(lo, int) or isinstance(lo, bool) or lo < least:
            raise InvalidArgument(f"min_{name}={lo!r} must be an int >= {least}")
        if not isinstance(hi, int) or isinstance(hi, bool) or hi < lo:
            raise InvalidArgument(f"max_{name}={hi!r} must be an int >= min_{name}={lo}")
    if max_dim < 2 * min_concepts + 2 * min_irrelevant:
        raise InvalidArgument(f"max_dim={max_dim} leaves no room for 2K + 2s dictionary rows")
    for name, value in (("min_noise", min_noise), ("max_noise", max_noise)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise InvalidArgument(f"{name}={value!r} must be a finite number")
    if min_noise < 0 or max_noise < min_noise:
        raise InvalidArgument(f"need 0 <= min_noise <= max_noise, got {min_noise}, {max_noise}")

    @st.composite
    def build(draw: st.DrawFn) -> ConceptTask:
        k = draw(st.integers(min_concepts, max_concepts))
        s = draw(st.integers(min_irrelevant, max_irrelevant))
        d = draw(st.integers(max(min_dim, 2 * k + 2 * s), max(max_dim, 2 * k + 2 * s)))
        length = draw(st.integers(min_length, max_length))
        sigma = draw(st.floats(min_noise, max_noise, allow_nan=False, allow_infinity=False))
        return ConceptTask(concepts=k, dim=d, length=length, irrelevant=s, noise=round(sigma, 4))

    return build()
