"""The bilinear next-token model of Zhu et al. (2024), Sec. 3, and its GD trainer.

``p(y | x) = softmax_y(e_x^T Theta e_y)`` over a vocabulary of ``M`` tokens,
with frozen embeddings ``E ~ N(0, I/d)`` (rows nearly orthonormal for large
``d``) and ``Theta in R^{d x d}`` trained from zero by full-batch gradient
descent on the cross-entropy of (input, target) token pairs.

The model takes plain index arrays, so it does not depend on ``tasks/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["Bilinear", "BilinearConfig", "GDConfig", "TrainLog", "train_gd"]


@dataclass(frozen=True, kw_only=True)
class BilinearConfig:
    """Vocabulary size ``M`` and embedding dimension ``d``."""

    vocab: int
    d: int
    symmetric: bool = False  # Theta constrained to (W + W^T) / 2: p(y | x) and p(x | y) share one logit

    def __post_init__(self) -> None:
        if self.vocab < 2 or self.d < 1:
            raise ValueError(f"need vocab >= 2 and d >= 1, got vocab={self.vocab}, d={self.d}")


class Bilinear(nn.Module):
    """Logits ``E[x] @ Theta @ E^T`` with ``E`` frozen (a buffer) and ``Theta`` from zero."""

    def __init__(self, config: BilinearConfig, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d = config.d
        embed = torch.randn(config.vocab, d, generator=generator, dtype=torch.float64) / d**0.5
        self.register_buffer("embed", embed)  # (M, d), frozen
        self.theta = nn.Parameter(torch.zeros(d, d, dtype=torch.float64))  # (d, d)

    embed: torch.Tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits over all ``M`` tokens, shape (N, M), for input tokens ``x`` of shape (N,)."""
        theta = (self.theta + self.theta.T) / 2 if self.config.symmetric else self.theta
        return self.embed[x] @ theta @ self.embed.T

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of targets ``y`` given inputs ``x``."""
        return F.cross_entropy(self(x), y)

    @torch.no_grad()
    def probabilities(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """``p(y_k | x_k)`` for each pair, shape (N,)."""
        return torch.softmax(self(x), dim=-1).gather(1, y[:, None])[:, 0]


@dataclass(frozen=True, kw_only=True)
class GDConfig:
    """Full-batch gradient descent: ``steps`` steps of size ``lr``, logged every ``log_every``."""

    steps: int
    lr: float
    log_every: int

    def __post_init__(self) -> None:
        if self.steps < 1 or self.log_every < 1 or not self.lr > 0:
            raise ValueError(f"bad GD config {self!r}")


@dataclass(frozen=True)
class TrainLog:
    """Logged steps with the training and held-out losses at each."""

    steps: tuple[int, ...]
    train_loss: tuple[float, ...]
    test_loss: tuple[float, ...]


def train_gd(
    model: Bilinear,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    config: GDConfig,
) -> TrainLog:
    """Full-batch GD (no momentum) on the mean cross-entropy of ``train``.

    Logs step 0, every ``log_every`` steps and the last step.
    """
    x, y = (torch.as_tensor(a, dtype=torch.long) for a in train)
    tx, ty = (torch.as_tensor(a, dtype=torch.long) for a in test)
    steps, train_loss, test_loss = [], [], []

    def log(step: int, value: float) -> None:
        with torch.no_grad():
            steps.append(step)
            train_loss.append(value)
            test_loss.append(float(model.loss(tx, ty)))

    for step in range(config.steps + 1):
        loss = model.loss(x, y)
        if step % config.log_every == 0 or step == config.steps:
            log(step, float(loss.detach()))
        if step == config.steps:
            break
        (grad,) = torch.autograd.grad(loss, [model.theta])
        with torch.no_grad():
            model.theta.sub_(config.lr * grad)
    return TrainLog(tuple(steps), tuple(train_loss), tuple(test_loss))
