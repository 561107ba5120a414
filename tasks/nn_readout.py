"""Nearest-neighbour read-out on the sphere (Amsel, Yehudai, Bruna 2024, Sec. 3-4).

A query ``x_0`` and ``N`` context points ``x_1..x_N`` are drawn i.i.d.
uniform on the unit sphere S^{d-1}; the target is the context point most
aligned with the query, ``x_{i*}`` with ``i* = argmax_i <x_0, x_i>``.
The query-blind baseline predicts the plain average of the context points:
it is what any attention layer outputs when its scores ignore the query
(uniform attention, V = I), and relative errors are measured against it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


@dataclass(frozen=True, kw_only=True)
class NNReadout:
    """One read-out task: embedding dimension d and context length N."""

    dim: int
    context: int


@dataclass(frozen=True, kw_only=True)
class DimensionPair:
    """The read-out at a small and a large dimension (same N), and a fixed head count H to compare."""

    small_dim: int
    big_dim: int
    context: int
    heads: int

    @property
    def small(self) -> NNReadout:
        return NNReadout(dim=self.small_dim, context=self.context)

    @property
    def big(self) -> NNReadout:
        return NNReadout(dim=self.big_dim, context=self.context)


def sphere(shape: tuple[int, ...], dim: int, generator: torch.Generator) -> torch.Tensor:
    """Points (*shape, dim) drawn uniformly on S^{dim-1}."""
    x = torch.randn(*shape, dim, generator=generator)
    return x / x.norm(dim=-1, keepdim=True)


def nearest(query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
    """The context point most aligned with the query: (B, d), (B, N, d) -> (B, d)."""
    best = torch.einsum("bd,bnd->bn", query, context).argmax(dim=-1)  # (B,)
    return context[torch.arange(context.shape[0]), best]


def sample(
    task: NNReadout, batch: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A batch: query (B, d), context (B, N, d) and nearest-neighbour target (B, d)."""
    query = sphere((batch,), task.dim, generator)
    context = sphere((batch, task.context), task.dim, generator)
    return query, context, nearest(query, context)


def sample_stacked(
    task: NNReadout, batch: int, generators: Sequence[torch.Generator]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`sample` for S generators at once: (S, B, d), (S, B, N, d), (S, B, d).

    Row s is ``sample(task, batch, generators[s])`` up to float reduction order:
    each generator draws its query then its context, as :func:`sample` draws them.
    """
    raw = [
        (torch.randn(batch, task.dim, generator=g), torch.randn(batch, task.context, task.dim, generator=g))
        for g in generators
    ]
    query = torch.stack([q for q, _ in raw])
    context = torch.stack([c for _, c in raw])
    query = query / query.norm(dim=-1, keepdim=True)
    context = context / context.norm(dim=-1, keepdim=True)
    s, n = len(generators), task.context
    target = nearest(query.reshape(s * batch, task.dim), context.reshape(s * batch, n, task.dim))
    return query, context, target.reshape(s, batch, task.dim)


def query_blind_error(context: torch.Tensor, target: torch.Tensor) -> float:
    """Mean ||mean_i x_i - target||^2 of the query-blind baseline (the context average)."""
    return float(((context.mean(dim=1) - target) ** 2).sum(dim=-1).mean())


def _check(name: str, low: int, high: int, floor: int) -> None:
    if not (floor <= low <= high):
        raise InvalidArgument(f"need {floor} <= min_{name}={low} <= max_{name}={high}")


def nn_readouts(
    *, min_dim: int = 4, max_dim: int = 16, min_context: int = 2, max_context: int = 8
) -> st.SearchStrategy[NNReadout]:
    """Read-out tasks with d in [min_dim, max_dim] and N in [min_context, max_context].

    Shrinking moves towards the smallest dimension and the shortest context
    (N = 2, the "even for short contexts" case of the lower bound).
    """
    _check("dim", min_dim, max_dim, 2)
    _check("context", min_context, max_context, 2)
    return st.builds(
        NNReadout,
        dim=st.integers(min_value=min_dim, max_value=max_dim),
        context=st.integers(min_value=min_context, max_value=max_context),
    )


def dimension_pairs(
    *,
    min_dim: int = 3,
    max_dim: int = 16,
    min_ratio: float = 3.0,
    min_context: int = 2,
    max_context: int = 8,
    min_heads: int = 2,
    max_heads: int = 4,
) -> st.SearchStrategy[DimensionPair]:
    """Pairs d_small < d_big with d_big >= min_ratio * d_small in [min_dim, max_dim], N, and H.

    Shrinking moves towards the smallest pair of dimensions, the shortest
    context and the fewest heads.
    """
    _check("dim", min_dim, max_dim, 2)
    _check("context", min_context, max_context, 2)
    _check("heads", min_heads, max_heads, 1)
    if not (isinstance(min_ratio, (int, float)) and min_ratio > 1.0):
        raise InvalidArgument(f"min_ratio={min_ratio!r} must be a number > 1")
    if math.ceil(min_ratio * min_dim) > max_dim:
        raise InvalidArgument(
            f"no pair fits: min_ratio * min_dim = {min_ratio * min_dim} > max_dim={max_dim}"
        )

    @st.composite
    def pairs(draw: st.DrawFn) -> DimensionPair:
        small = draw(st.integers(min_value=min_dim, max_value=int(max_dim // min_ratio)))
        big = draw(st.integers(min_value=math.ceil(min_ratio * small), max_value=max_dim))
        context = draw(st.integers(min_value=min_context, max_value=max_context))
        heads = draw(st.integers(min_value=min_heads, max_value=max_heads))
        return DimensionPair(small_dim=small, big_dim=big, context=context, heads=heads)

    return pairs()
