"""One-layer linear self-attention (LSA) that predicts a weight vector, with a chain of thought.

Huang, Wang, Lee (2025) parameterisation, as we reconstruct it. Tokens are
columns of width ``D = 2d + 2``::

    example  z_i = [x_i; y_i; 0_d; 0]          i = 1..n
    CoT      c_k = [0_d; 0; w_k; 1]            k = 0..K-1,  w_0 = 0 (the query)

The layer is ``f(Z) = Z + W_pv Z (Z^T W_kq Z) / n`` with a causal mask: the
token at position t attends to every token at positions <= t (itself
included) with the linear score ``z_j^T W_kq z_t``. The prediction of the
next iterate is the ``w`` block of the output at the last CoT token::

    w_{k+1} = [c_k + W_pv (1/n) sum_{j <= t} z_j (z_j^T W_kq c_k)]_w

Without CoT the model reads ``w_1`` off the single query token ``c_0`` and
must output ``w*``; with CoT it is trained by teacher forcing on the GD path
``w_1..w_K`` and run autoregressively at test time. The ``1`` in the CoT
tokens lets ``W_kq c_k`` carry the constant ``-1`` that turns ``S w_k`` into
the gradient ``S w_k - h``, so multi-step GD is exactly representable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from models.stacked import stack_parameters, unstack_into

__all__ = [
    "LSAConfig",
    "LinearSelfAttention",
    "TrainConfig",
    "cot_tokens",
    "embed_prompt",
    "teacher_forced_loss",
    "train",
    "train_batched",
]


@dataclass(frozen=True, kw_only=True)
class LSAConfig:
    """Sizes and initialisation: ``W_kq, W_pv ~ N(0, init_scale^2)`` entrywise."""

    dim: int  # d, the regression dimension
    init_scale: float = 0.01

    def __post_init__(self) -> None:
        if self.dim < 1 or not self.init_scale > 0:
            raise ValueError(f"need dim >= 1 and init_scale > 0, got {self!r}")

    @property
    def width(self) -> int:
        """Token width D = 2d + 2."""
        return 2 * self.dim + 2


def embed_prompt(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Example tokens ``[x; y; 0; 0]``: ``x (B, n, d), y (B, n) -> (B, n, 2d+2)``."""
    b, n, d = x.shape
    zeros = x.new_zeros(b, n, d + 1)
    return torch.cat([x, y.unsqueeze(-1), zeros], dim=-1)


def cot_tokens(w: torch.Tensor) -> torch.Tensor:
    """CoT tokens ``[0; 0; w; 1]``: ``w (B, K, d) -> (B, K, 2d+2)``."""
    b, k, d = w.shape
    return torch.cat([w.new_zeros(b, k, d + 1), w, w.new_ones(b, k, 1)], dim=-1)


class LinearSelfAttention(nn.Module):
    """The LSA layer; :meth:`forward` predicts ``w_{k+1}`` at each CoT position."""

    def __init__(self, config: LSAConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        size = (config.width, config.width)
        self.w_kq = nn.Parameter(config.init_scale * torch.randn(size, generator=generator))
        self.w_pv = nn.Parameter(config.init_scale * torch.randn(size, generator=generator))

    def forward(self, examples: torch.Tensor, cot: torch.Tensor) -> torch.Tensor:
        """Next-iterate predictions at every CoT token: ``(B, n, D), (B, K, D) -> (B, K, d)``."""
        n, k, d = examples.shape[1], cot.shape[1], self.config.dim
        tokens = torch.cat([examples, cot], dim=1)  # (B, T, D), T = n + K
        keys = tokens @ self.w_kq  # (B, T, D): row j is z_j^T W_kq
        scores = keys @ cot.transpose(1, 2)  # (B, T, K): z_j^T W_kq c_q
        visible = torch.arange(n + k).unsqueeze(1) <= n + torch.arange(k).unsqueeze(0)  # (T, K) causal
        scores = scores * visible.to(scores.dtype)
        mixed = scores.transpose(1, 2) @ tokens / n  # (B, K, D): (1/n) sum_j (z_j^T W_kq c_q) z_j
        out = cot + mixed @ self.w_pv.T  # (B, K, D), residual
        return out[..., d + 1 : 2 * d + 1]

    @torch.no_grad()
    def rollout(self, x: torch.Tensor, y: torch.Tensor, steps: int) -> torch.Tensor:
        """Autoregressive CoT from ``w_0 = 0``: the model's own iterates ``w_1..w_steps``, (B, steps, d)."""
        examples = embed_prompt(x, y)
        ws = x.new_zeros(x.shape[0], 1, self.config.dim)  # (B, 1, d): w_0
        for _ in range(steps):
            nxt = self.forward(examples, cot_tokens(ws))[:, -1:]  # (B, 1, d)
            ws = torch.cat([ws, nxt], dim=1)
        return ws[:, 1:]


def teacher_forced_loss(
    model: LinearSelfAttention, x: torch.Tensor, y: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """Mean over prompts and steps of ``||w_hat_{k+1} - w_{k+1}||^2`` given the true ``w_0..w_{K-1}``.

    ``targets (B, K, d)`` are ``w_1..w_K``; ``K = 1`` with ``targets = w*`` is the no-CoT objective.
    """
    inputs = torch.cat([targets.new_zeros(targets.shape[0], 1, targets.shape[2]), targets[:, :-1]], dim=1)
    pred = model(embed_prompt(x, y), cot_tokens(inputs))  # (B, K, d)
    return ((pred - targets) ** 2).sum(-1).mean()


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Adam on fresh batches, cosine decay of the learning rate to ``lr * final_lr_ratio``, and
    the gradient norm clipped at ``clip`` (rare ill-conditioned prompts have huge GD targets)."""

    steps: int
    batch: int
    lr: float = 1e-2
    final_lr_ratio: float = 1e-2
    clip: float = 1.0


Sampler = Callable[[int], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]  # batch -> (x, y, targets)


def train(model: LinearSelfAttention, sample: Sampler, config: TrainConfig) -> np.ndarray:
    """Minimise :func:`teacher_forced_loss` on ``sample(batch)`` batches; returns the loss per step."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=config.steps, eta_min=config.lr * config.final_lr_ratio
    )
    losses = np.empty(config.steps)
    for step in range(config.steps):
        x, y, targets = sample(config.batch)
        loss = teacher_forced_loss(model, x, y, targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        opt.step()
        sched.step()
        losses[step] = float(loss.detach())
    return losses


def _forward_stacked(
    w_kq: torch.Tensor, w_pv: torch.Tensor, dim: int, examples: torch.Tensor, cot: torch.Tensor
) -> torch.Tensor:
    """:meth:`LinearSelfAttention.forward` of S models at once: ``w_* (S, D, D)``, ``examples (S, B, n, D)``,
    ``cot (S, B, K, D)`` -> ``(S, B, K, d)``."""
    s, b, n, width = examples.shape
    k = cot.shape[2]
    tokens = torch.cat([examples, cot], dim=2)  # (S, B, T, D)
    keys = torch.bmm(tokens.reshape(s, b * (n + k), width), w_kq).reshape(s, b, n + k, width)
    scores = keys @ cot.transpose(-1, -2)  # (S, B, T, K)
    visible = torch.arange(n + k).unsqueeze(1) <= n + torch.arange(k).unsqueeze(0)  # (T, K) causal
    scores = scores * visible.to(scores.dtype)
    mixed = scores.transpose(-1, -2) @ tokens / n  # (S, B, K, D)
    out = cot + torch.bmm(mixed.reshape(s, b * k, width), w_pv.transpose(1, 2)).reshape(s, b, k, width)
    return out[..., dim + 1 : 2 * dim + 1]


def _teacher_forced_losses(
    params: dict[str, torch.Tensor], dim: int, x: torch.Tensor, y: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """:func:`teacher_forced_loss` of S models, each on its own batch: ``x (S, B, n, d)``, ``y (S, B, n)``,
    ``targets (S, B, K, d)`` -> ``(S,)``."""
    s, b, n, d = x.shape
    k = targets.shape[2]
    flat = targets.reshape(s * b, k, d)
    inputs = torch.cat([flat.new_zeros(s * b, 1, d), flat[:, :-1]], dim=1)
    examples = embed_prompt(x.reshape(s * b, n, d), y.reshape(s * b, n)).reshape(s, b, n, -1)
    cot = cot_tokens(inputs).reshape(s, b, k, -1)
    pred = _forward_stacked(params["w_kq"], params["w_pv"], dim, examples, cot)  # (S, B, K, d)
    return ((pred - targets) ** 2).sum(-1).mean(dim=(1, 2))


Targets = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]  # (x, y, drawn) -> targets


def train_batched(
    models: Sequence[LinearSelfAttention],
    samples: Sequence[Sampler],
    config: TrainConfig,
    *,
    targets: Targets | None = None,
) -> np.ndarray:
    """:func:`train` for S models at once, model s on batches of ``samples[s]`` (drawn in the order
    :func:`train` draws them); returns the losses ``(S, steps)`` and leaves the trained weights in
    ``models``.

    One Adam over the stacked weights on the sum of the S losses gives each model its own update; the
    gradient norm is clipped per model (``clip_grad_norm_``'s formula), the cosine schedule is shared.
    With ``targets``, the samplers return ``(x, y, drawn)`` and the targets are ``targets(x, y, drawn)``
    computed once on all S batches together (it must act prompt by prompt, as ``gd_iterates`` does).
    """
    dim = models[0].config.dim
    params = stack_parameters(models)
    leaves = list(params.values())
    opt = torch.optim.Adam(leaves, lr=config.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=config.steps, eta_min=config.lr * config.final_lr_ratio
    )
    losses = np.empty((len(models), config.steps))
    for step in range(config.steps):
        drawn = [sample(config.batch) for sample in samples]  # each model's batch from its own sampler
        x, y, wanted = (torch.stack([batch[i] for batch in drawn]) for i in range(3))
        if targets is not None:  # (S, B, ...) -> (S*B, ...) -> (S, B, ...)
            flat = targets(x.flatten(0, 1), y.flatten(0, 1), wanted.flatten(0, 1))
            wanted = flat.unflatten(0, (len(models), config.batch))
        loss = _teacher_forced_losses(params, dim, x, y, wanted)  # (S,)
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()
        grads = [p.grad for p in leaves if p.grad is not None]
        with torch.no_grad():
            norms = torch.stack([torch.linalg.vector_norm(g.flatten(1), dim=1) for g in grads], dim=1)
            coef = (config.clip / (torch.linalg.vector_norm(norms, dim=1) + 1e-6)).clamp(max=1.0)  # (S,)
            for g in grads:
                g.mul_(coef.view(-1, *([1] * (g.dim() - 1))))
        opt.step()
        sched.step()
        losses[:, step] = loss.detach().numpy()
    unstack_into(models, params)
    return losses
