"""ReLU feature layer + linear attention with labels as values (Oko, Song, Suzuki, Wu 2024).

The paper's transformer is an MLP feature map applied token-wise, followed by
one linear-attention layer whose values are the labels; its output at a query
token is a bilinear form between the query's features and the label-weighted
average of the prompt's features::

    phi(x)   = ReLU(W x + b)                                   (m,)    W (m, d), b (m,)
    phibar   = (1/N) sum_i phi(x_i)                            prompt mean (centring)
    h        = (1/N) sum_i y_i (phi(x_i) - phibar)             (m,)    attention with values y_i
    yhat(xq) = (phi(xq) - phibar)^T Gamma h                    Gamma (m, m)

Pretraining learns ``W, b, Gamma`` on fresh prompts from the task prior; the
feature layer can then specialise to the tasks' low-dimensional subspace,
while the in-context step (the average ``h``) only estimates the m feature
coefficients of the new task. ``pretrain`` is Adam on the squared error of
several query points per prompt (the paper trains layer-wise by GD; see the
claims' gaps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # x, y, xq, fq


@dataclass(frozen=True, kw_only=True)
class FeatureAttentionConfig:
    """Input dimension d and feature width m."""

    dim: int
    width: int = 64


@dataclass(frozen=True, kw_only=True)
class PretrainConfig:
    """Adam on fresh prompts: steps, prompts per batch, prompt length, queries per prompt, lr."""

    steps: int = 300
    batch: int = 32
    length: int = 32
    queries: int = 8
    lr: float = 3e-3


class FeatureLinearAttention(nn.Module):
    """``yhat = (phi(xq) - phibar)^T Gamma (1/N) sum_i y_i (phi(x_i) - phibar)``."""

    def __init__(self, config: FeatureAttentionConfig, generator: torch.Generator) -> None:
        super().__init__()
        d, m = config.dim, config.width
        self.config = config
        self.W = nn.Parameter(torch.randn(m, d, generator=generator) / math.sqrt(d))  # rows ~ unit norm
        self.b = nn.Parameter(0.5 * torch.randn(m, generator=generator))
        self.gamma = nn.Parameter(torch.eye(m) / m)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """``phi(x) (..., m)`` of inputs ``x (..., d)``."""
        return torch.relu(x @ self.W.T + self.b)

    def forward(self, x: torch.Tensor, y: torch.Tensor, xq: torch.Tensor) -> torch.Tensor:
        """Predictions ``(B, Q)`` at queries ``xq (B, Q, d)`` from prompts ``x (B, N, d)``, ``y (B, N)``."""
        phi = self.features(x)  # (B, N, m)
        mean = phi.mean(dim=1, keepdim=True)  # (B, 1, m)
        h = torch.einsum("bn,bnm->bm", y, phi - mean) / x.shape[1]  # (B, m)
        phq = self.features(xq) - mean  # (B, Q, m)
        return torch.einsum("bqm,mk,bk->bq", phq, self.gamma, h)


def pretrain(
    model: FeatureLinearAttention,
    sample: Callable[[int, int, int], Batch],
    config: PretrainConfig,
) -> list[float]:
    """Adam (lr decayed linearly to a tenth) on fresh prompts; ``sample(batch, length, queries)``
    draws ``(x, y, xq, fq)``.

    Returns the per-step mean squared error against the clean query targets.
    """
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - 0.9 * s / config.steps)  # lr -> lr / 10
    losses = []
    for _ in range(config.steps):
        x, y, xq, fq = sample(config.batch, config.length, config.queries)
        loss = ((model(x, y, xq) - fq) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        decay.step()
        losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def icl_error(model: FeatureLinearAttention, batch: Batch) -> float:
    """Mean squared error of the in-context prediction against the clean targets of ``batch``."""
    x, y, xq, fq = batch
    return float(((model(x, y, xq) - fq) ** 2).mean())
