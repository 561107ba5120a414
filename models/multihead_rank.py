"""Multi-head attention with rank-r query-key factors (Amsel, Yehudai, Bruna 2024).

One attention layer read out at a query ``x_0`` over context points
``x_1..x_N`` (no MLP, no residual, the query does not attend to itself)::

    s_hi  = (Q_h^T x_0) . (K_h^T x_i)          Q_h, K_h in R^{d x r}: rank-r score of head h
    p_hi  = softmax_i(s_hi)                    attention of head h over the context
    out   = sum_h V_h sum_i p_hi x_i           V_h in R^{d x d}: a full value map per head

A full-rank head is ``H = 1, r = d``; the standard budget is ``H r = d``.
Every head has a full d x d value map, which gives low-rank heads *more*
value capacity than a standard head, so any gap is due to the query-key rank.
:func:`nearest_neighbour_head` is the analytic construction of the paper
(``Q K^T = beta I``, ``V = I``): softmax tends to argmax as beta grows, so one
full-rank head represents the nearest-neighbour read-out for any N.

Training (:func:`train`) is Adam with cosine decay on fresh batches drawn by a
caller-supplied sampler, MSE loss; no weight decay (the scores must be free
to grow, since the target is a hard argmax).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

# (batch, generator) -> (query (B, d), context (B, N, d), target (B, d))
Sampler = Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]


@dataclass(frozen=True, kw_only=True)
class RankConfig:
    """Embedding dimension d, number of heads H and query-key rank r per head."""

    dim: int
    heads: int
    rank: int

    def __post_init__(self) -> None:
        if not (self.dim >= 1 and self.heads >= 1 and 1 <= self.rank <= self.dim):
            raise ValueError(f"need d >= 1, H >= 1 and 1 <= r <= d, got {self}")


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Adam with cosine decay on fresh batches."""

    steps: int = 400
    batch: int = 256
    lr: float = 3e-3


class MultiHeadAttnRank(nn.Module):
    """H heads of rank-r query-key products with full per-head values, read out at the query."""

    def __init__(self, config: RankConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d, h, r = config.dim, config.heads, config.rank
        # init: Q, K ~ N(0, 1/d); V ~ N(0, 1/(d H^2)) so the summed output starts small
        self.q = nn.Parameter(torch.randn(h, d, r, generator=generator) / math.sqrt(d))  # (H, d, r)
        self.k = nn.Parameter(torch.randn(h, d, r, generator=generator) / math.sqrt(d))  # (H, d, r)
        self.v = nn.Parameter(torch.randn(h, d, d, generator=generator) / (math.sqrt(d) * h))  # (H, d, d)

    def attention(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Attention probabilities (B, H, N) of every head over the context."""
        qp = torch.einsum("bd,hdr->bhr", query, self.q)  # (B, H, r)
        kp = torch.einsum("bnd,hdr->bhnr", context, self.k)  # (B, H, N, r)
        scores = torch.einsum("bhr,bhnr->bhn", qp, kp)  # (B, H, N)
        return torch.softmax(scores, dim=-1)

    def forward(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Read-out (B, d) for queries (B, d) and contexts (B, N, d)."""
        p = self.attention(query, context)  # (B, H, N)
        mixed = torch.einsum("bhn,bnd->bhd", p, context)  # (B, H, d): each head's average of the context
        return torch.einsum("bhd,hed->be", mixed, self.v)  # (B, d): sum_h V_h mixed_h

    def parameter_count(self) -> int:
        """Number of trainable scalars (H (2 d r + d^2))."""
        return sum(p.numel() for p in self.parameters())


def nearest_neighbour_head(dim: int, beta: float) -> MultiHeadAttnRank:
    """The paper's construction: one full-rank head with Q K^T = beta I and V = I."""
    model = MultiHeadAttnRank(RankConfig(dim=dim, heads=1, rank=dim), torch.Generator().manual_seed(0))
    with torch.no_grad():
        eye = torch.eye(dim)
        model.q.copy_(math.sqrt(beta) * eye[None])
        model.k.copy_(math.sqrt(beta) * eye[None])
        model.v.copy_(eye[None])
    return model


def mse(model: MultiHeadAttnRank, query: torch.Tensor, context: torch.Tensor, target: torch.Tensor) -> float:
    """Mean over the batch of the squared error ||out - target||^2."""
    with torch.no_grad():
        return float(((model(query, context) - target) ** 2).sum(dim=-1).mean())


def train(
    model: MultiHeadAttnRank, sample: Sampler, config: TrainConfig, generator: torch.Generator
) -> list[float]:
    """Adam (cosine-decayed lr) on fresh batches; returns the training loss of every step."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    losses = []
    for step in range(config.steps):
        for group in opt.param_groups:
            group["lr"] = config.lr * 0.5 * (1.0 + math.cos(math.pi * step / config.steps))
        query, context, target = sample(config.batch, generator)
        loss = ((model(query, context) - target) ** 2).sum(dim=-1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses
