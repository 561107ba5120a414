"""Softmax attention from the query to the demonstrations, then a ReLU MLP (Bu et al. 2024).

For demonstrations ``x_1..x_L`` with labels ``y_l in {-1, +1}`` and a query ``x_q``::

    s_l = x_q^T W x_l                     (B, L) scores, W (d, d) starts at zero
    p   = softmax(s_1..s_L)               (B, L) attention over the demonstrations
    h   = sum_l p_l y_l                   (B,)   attended label
    f   = sum_r a_r relu(w_r h + b_r)     (B,)   MLP of width m, head a_r = +-1/m fixed
    loss = mean log(1 + exp(-y_q f))      cross-entropy on the +-1 label

Trained by plain gradient descent on ``(W, w, b)`` with a fresh batch of
prompts each step (the population / online regime). A query-only baseline
(``QueryOnlyMLP``) sees ``x_q`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

Batch = tuple[
    torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor
]  # x (B,L,d), y (B,L), query (B,d), target (B,)


@dataclass(frozen=True, kw_only=True)
class AttnMLPConfig:
    """Embedding dimension, MLP width and the scale of the first-layer initialisation."""

    dim: int
    width: int = 16
    init_scale: float = 1.0  # w_r, b_r ~ N(0, init_scale^2)


def _fixed_head(width: int) -> torch.Tensor:
    """``a_r = +1/m`` for the first half of the units, ``-1/m`` for the rest."""
    half = width // 2
    return torch.cat([torch.ones(half), -torch.ones(width - half)]) / width


class AttnMLPClassifier(nn.Module):
    """One softmax attention layer (query to demonstrations) and a two-layer ReLU MLP."""

    head: torch.Tensor  # (m,) fixed second layer, a buffer

    def __init__(self, config: AttnMLPConfig, generator: torch.Generator) -> None:
        super().__init__()
        d, m = config.dim, config.width
        self.W = nn.Parameter(torch.zeros(d, d))  # (d, d)
        self.w = nn.Parameter(config.init_scale * torch.randn(m, generator=generator))  # (m,)
        self.b = nn.Parameter(config.init_scale * torch.randn(m, generator=generator))  # (m,)
        self.register_buffer("head", _fixed_head(m))  # (m,)

    def attention(self, x: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
        """Attention probabilities ``(B, L)``."""
        scores = torch.einsum("bd,bld->bl", query @ self.W, x)  # (B, L)
        return torch.softmax(scores, dim=-1)

    def attended_label(self, x: torch.Tensor, y: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
        """``h = sum_l p_l y_l``: ``(B,)``."""
        return (self.attention(x, query) * y).sum(-1)

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """Logits ``f (B,)`` of the attended labels ``h (B,)``: the MLP."""
        hidden = F.relu(h[:, None] * self.w + self.b)  # (B, m)
        return hidden @ self.head  # (B,)

    def forward(self, x: torch.Tensor, y: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
        """Logits ``f (B,)``."""
        return self.readout(self.attended_label(x, y, query))


class QueryOnlyMLP(nn.Module):
    """Baseline that sees the query word only: ``f = sum_r a_r relu(w_r^T x_q + b_r)``, head fixed."""

    head: torch.Tensor  # (m,)

    def __init__(self, config: AttnMLPConfig, generator: torch.Generator) -> None:
        super().__init__()
        d, m = config.dim, config.width
        self.w = nn.Parameter(config.init_scale * torch.randn(m, d, generator=generator) / d**0.5)
        self.b = nn.Parameter(config.init_scale * torch.randn(m, generator=generator))
        self.register_buffer("head", _fixed_head(m))

    def forward(self, x: torch.Tensor, y: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
        """Logits ``(B,)``; the demonstrations are ignored."""
        return F.relu(query @ self.w.T + self.b) @ self.head


def logistic_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean ``log(1 + exp(-y f))``."""
    return F.softplus(-target * logits).mean()


@torch.no_grad()
def error_rate(model: nn.Module, batch: Batch, chunk: int = 4096) -> float:
    """0-1 error of ``sign(f)`` on a batch (ties ``f = 0`` count as errors)."""
    x, y, query, target = batch
    wrong = 0
    for i in range(0, len(target), chunk):
        f = model(x[i : i + chunk], y[i : i + chunk], query[i : i + chunk])
        wrong += int((f * target[i : i + chunk] <= 0).sum())
    return wrong / len(target)


def frozen_attention_error_rate(
    model: AttnMLPClassifier, batch: Batch, chunk: int = 4096
) -> Callable[[nn.Module], float]:
    """``error_rate(model, batch, chunk)`` for a model whose attention ``W`` is frozen.

    The attended labels depend on the batch and ``W`` only, so they are computed
    once here (the same calls on the same chunks as ``error_rate``) and each call
    of the returned function runs only the MLP on them: the same logits bit for bit.
    """
    if model.W.requires_grad:
        raise ValueError("the attention matrix W must be frozen (requires_grad False)")
    x, y, query, target = batch
    with torch.no_grad():
        chunks = [
            (
                model.attended_label(x[i : i + chunk], y[i : i + chunk], query[i : i + chunk]),
                target[i : i + chunk],
            )
            for i in range(0, len(target), chunk)
        ]

    @torch.no_grad()
    def evaluate(m: nn.Module) -> float:
        if m is not model:
            raise ValueError("the attended labels were computed for another model")
        return sum(int((model.readout(h) * t <= 0).sum()) for h, t in chunks) / len(target)

    return evaluate


@dataclass(frozen=True, kw_only=True)
class GDConfig:
    """Plain gradient descent on fresh batches."""

    steps: int
    batch: int = 256
    lr: float = 2.0
    eval_every: int = 5


@dataclass(frozen=True)
class TrainLog:
    """Training loss per step and the evaluated metric at steps ``eval_steps`` (0 included)."""

    losses: tuple[float, ...]
    eval_steps: tuple[int, ...]
    evals: tuple[float, ...]


def train_gd(
    model: nn.Module,
    sample: Callable[[int], Batch],
    config: GDConfig,
    evaluate: Callable[[nn.Module], float] | None = None,
) -> TrainLog:
    """GD with step ``lr`` on a fresh batch per step; ``evaluate`` runs every ``eval_every`` steps."""
    params = [p for p in model.parameters() if p.requires_grad]
    losses: list[float] = []
    eval_steps: list[int] = []
    evals: list[float] = []
    for step in range(config.steps + 1):
        if evaluate is not None and step % config.eval_every == 0:
            eval_steps.append(step)
            evals.append(evaluate(model))
        if step == config.steps:
            break
        x, y, query, target = sample(config.batch)
        loss = logistic_loss(model(x, y, query), target)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.sub_(config.lr * g)
        losses.append(float(loss.detach()))
    return TrainLog(tuple(losses), tuple(eval_steps), tuple(evals))
