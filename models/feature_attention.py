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
claims' gaps). ``pretrain_batched`` trains the models of several seeds as one
stacked model (a leading seed dimension), each seed on its own batches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from models.stacked import stack_parameters, unstack_into

Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # x, y, xq, fq
# (batch, length, queries) -> x (S, B, N, d), y (S, B, N), xq (S, B, Q, d), fq (S, B, Q); row s from seed s
StackedSampler = Callable[[int, int, int], Batch]


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
        if not torch.is_grad_enabled():  # evaluation: the same elementwise results, in place (no copies)
            return (x @ self.W.T).add_(self.b).relu_()
        return torch.relu(x @ self.W.T + self.b)

    def forward(self, x: torch.Tensor, y: torch.Tensor, xq: torch.Tensor) -> torch.Tensor:
        """Predictions ``(B, Q)`` at queries ``xq (B, Q, d)`` from prompts ``x (B, N, d)``, ``y (B, N)``."""
        phi = self.features(x)  # (B, N, m)
        mean = phi.mean(dim=1, keepdim=True)  # (B, 1, m)
        if torch.is_grad_enabled():
            centred, phq = phi - mean, self.features(xq) - mean  # (B, N, m), (B, Q, m)
        else:  # evaluation: phi and phi(xq) are not needed uncentred, centred in place
            centred, phq = phi.sub_(mean), self.features(xq).sub_(mean)
        h = torch.einsum("bn,bnm->bm", y, centred) / x.shape[1]  # (B, m)
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


def pretrain_batched(
    models: Sequence[FeatureLinearAttention], sample: StackedSampler, config: PretrainConfig
) -> list[list[float]]:
    """:func:`pretrain` for S seeds at once: ``models[s]`` trained on row s of ``sample``'s batches.

    The S models (one config) run as one model over their stacked parameters
    (a leading seed dimension); one Adam over the stacked tensors, with the same
    linear lr decay, minimises the sum of the S mean losses, so each seed gets
    its own gradient and, Adam being elementwise, its own update. Each seed's run
    is :func:`pretrain`'s up to float reduction order; the trained parameters are
    copied back into ``models``. Returns every seed's per-step losses.
    """
    if not models or any(m.config != models[0].config for m in models):
        raise ValueError("the models of one batch need one config (and there must be at least one)")
    params = stack_parameters(models)
    opt = torch.optim.Adam(list(params.values()), lr=config.lr, foreach=True)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - 0.9 * s / config.steps)  # as pretrain
    losses = []
    for _ in range(config.steps):
        x, y, xq, fq = sample(config.batch, config.length, config.queries)
        out = stacked_forward(params["W"], params["b"], params["gamma"], x, y, xq)
        per_seed = ((out - fq) ** 2).mean(dim=(1, 2))  # (S,)
        opt.zero_grad(set_to_none=True)
        per_seed.sum().backward()
        opt.step()
        decay.step()
        losses.append(per_seed.detach())
    unstack_into(models, params)
    return torch.stack(losses).T.tolist() if losses else [[] for _ in models]


def stacked_forward(
    w: torch.Tensor, b: torch.Tensor, gamma: torch.Tensor, x: torch.Tensor, y: torch.Tensor, xq: torch.Tensor
) -> torch.Tensor:
    """The forward of S stacked models, ``W (S, m, d)``, ``b (S, m)``, ``gamma (S, m, m)``, on prompts
    ``x (S, B, N, d)``, ``y (S, B, N)``, queries ``xq (S, B, Q, d)``: predictions ``(S, B, Q)``.

    The same sums as :meth:`FeatureLinearAttention.forward`, grouped as one matrix product per seed.
    """
    s, batch, n, d = x.shape
    wt = w.transpose(1, 2)  # (S, d, m)
    phi = torch.relu(torch.bmm(x.reshape(s, batch * n, d), wt) + b[:, None, :]).view(s, batch, n, -1)
    mean = phi.mean(dim=2, keepdim=True)  # (S, B, 1, m)
    h = (y[..., None] * (phi - mean)).sum(dim=2) / n  # (S, B, m)
    gh = torch.bmm(h, gamma.transpose(1, 2))  # (S, B, m): Gamma h
    phq = torch.relu(torch.bmm(xq.reshape(s, -1, d), wt) + b[:, None, :]).view(s, batch, -1, wt.shape[2])
    return ((phq - mean) * gh[:, :, None, :]).sum(dim=-1)


@torch.no_grad()
def icl_error(model: FeatureLinearAttention, batch: Batch) -> float:
    """Mean squared error of the in-context prediction against the clean targets of ``batch``."""
    x, y, xq, fq = batch
    return float(((model(x, y, xq) - fq) ** 2).mean())
