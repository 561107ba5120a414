"""The one-layer positional-attention CoT model of Kim & Suzuki (2024), its one-step GD trainer, an MLP.

A sequence holds ``d`` input bits followed by ``T - d`` chain-of-thought
tokens, all in {-1, +1}. Each output position ``m >= d`` reads the tokens
before it through softmax attention whose logits depend on positions only,
then applies a fixed link function::

    A[m, :]  = softmax(W[m, :m])            attention of output position m; W (T, T), W = 0 at init
    z_m      = sum_{j < m} A[m, j] x_j      attention output (the value is the token itself)
    yhat_m   = phi(z_m),  phi(z) = 2 z^2 - 1

``phi`` maps the average of two +-1 bits to their product (0 -> -1, +-1 ->
+1), so ``W`` that puts weight 1/2 on each child of a CoT node computes its
2-parity exactly. Only ``W`` is trained, by full-batch gradient descent on the
squared loss ``0.5 * mean_samples sum_m (yhat_m - x_m)^2`` over the output
positions. With *teacher forcing* the inputs at CoT positions are the true
intermediate parities; at evaluation the model *generates* them,
``x_m = sign(yhat_m)``, one position after another.

Setting ``T = d + 1`` gives the same model without a chain of thought: one
output position that must produce the k-parity from the inputs directly.

The MLP baseline (two layers, ReLU) trained by Adam on the final label is the
standard learner of parities without intermediate supervision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True, kw_only=True)
class ParityCoTConfig:
    """``d`` input positions, ``T`` positions in all (outputs are ``d .. T-1``)."""

    d: int
    length: int

    def __post_init__(self) -> None:
        if not 1 <= self.d < self.length:
            raise ValueError(f"need 1 <= d < length, got d={self.d}, length={self.length}")


def link(z: torch.Tensor) -> torch.Tensor:
    """The fixed link ``phi(z) = 2 z^2 - 1``: the product of two +-1 bits from their mean."""
    return 2.0 * z * z - 1.0


class PositionalAttentionCoT(nn.Module):
    """One softmax-attention layer with positional logits ``W`` and the fixed link ``phi``."""

    def __init__(self, config: ParityCoTConfig) -> None:
        super().__init__()
        self.config = config
        t = config.length
        self.W = nn.Parameter(torch.zeros(t, t, dtype=torch.float64))  # (T, T): zero = uniform attention
        self.causal: torch.Tensor
        self.register_buffer("causal", torch.ones(t, t, dtype=torch.bool).tril(-1))  # (T, T): j < m

    def attention(self) -> torch.Tensor:
        """Attention of the output rows: ``(T - d, T)``, each row a distribution over ``j < m``."""
        d = self.config.d
        logits = self.W[d:].masked_fill(~self.causal[d:], float("-inf"))  # (T-d, T)
        return torch.softmax(logits, dim=-1)

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        """Teacher-forced predictions ``(n, T - d)`` of every output position from ``seq (n, T)``."""
        z = seq @ self.attention().T  # (n, T-d)
        return link(z)

    @torch.no_grad()
    def generate(self, x: torch.Tensor) -> torch.Tensor:
        """Autoregressive CoT from inputs ``x (n, d)``: ``(n, T)`` with generated tokens ``sign(yhat_m)``."""
        d, t = self.config.d, self.config.length
        attn = self.attention()  # (T-d, T)
        seq = torch.zeros(x.shape[0], t, dtype=torch.float64)
        seq[:, :d] = x
        for i, m in enumerate(range(d, t)):
            yhat = link(seq[:, :m] @ attn[i, :m])  # (n,)
            seq[:, m] = torch.where(yhat >= 0, 1.0, -1.0)
        return seq


def cot_loss(model: PositionalAttentionCoT, seq: torch.Tensor, *, final_only: bool = False) -> torch.Tensor:
    """``0.5 * mean_samples sum_m (yhat_m - x_m)^2`` over the output positions, teacher forced.

    ``final_only``: the loss of the last position alone (the intermediate
    parities are fed in but not supervised).
    """
    target = seq[:, model.config.d :]  # (n, T-d)
    sq = (model(seq) - target) ** 2
    return 0.5 * (sq[:, -1:] if final_only else sq).sum(dim=1).mean()


@dataclass(frozen=True)
class StepResult:
    """Training loss before and after the update and the largest logit change."""

    loss_before: float
    loss_after: float
    max_update: float


def one_gd_step(
    model: PositionalAttentionCoT, seq: torch.Tensor, lr: float, *, final_only: bool = False
) -> StepResult:
    """One full-batch gradient step ``W <- W - lr * grad`` on the teacher-forced CoT loss."""
    model.zero_grad()
    loss = cot_loss(model, seq, final_only=final_only)
    loss.backward()
    assert model.W.grad is not None
    with torch.no_grad():
        update = lr * model.W.grad
        model.W.sub_(update)
        after = cot_loss(model, seq, final_only=final_only)
    return StepResult(float(loss.detach()), float(after), float(update.abs().max()))


def children_mass(model: PositionalAttentionCoT, children: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Attention mass each output position puts on its two true children: ``(T - d,)``."""
    attn = model.attention().detach()
    idx = torch.as_tensor(children, dtype=torch.long)  # (T-d, 2)
    return attn.gather(1, idx).sum(dim=1).numpy()


# ---------------------------------------------------------------- MLP baseline


@dataclass(frozen=True, kw_only=True)
class MLPConfig:
    """Two-layer ReLU network on ``d`` bits and its Adam trainer (minibatches drawn with replacement)."""

    d: int
    width: int = 256
    steps: int = 1000
    lr: float = 1e-3
    batch: int = 256


class ParityMLP(nn.Module):
    """``f(x) = u^T relu(V x + b)``: the usual learner of parities from the final label only."""

    def __init__(self, config: MLPConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        self.V = nn.Parameter(torch.randn(config.width, config.d, generator=generator) / config.d**0.5)
        self.b = nn.Parameter(torch.zeros(config.width))
        self.u = nn.Parameter(torch.randn(config.width, generator=generator) / config.width**0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores ``(n,)`` of inputs ``x (n, d)``; the prediction is their sign."""
        h = torch.relu(x @ self.V.T + self.b)  # (n, width)
        return h @ self.u


def train_mlp(model: ParityMLP, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> np.ndarray:
    """Adam on the logistic loss ``log(1 + exp(-y f(x)))`` of the +-1 labels; returns the loss per step."""
    cfg = model.config
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    losses = np.empty(cfg.steps)
    for step in range(cfg.steps):
        idx = torch.randint(0, x.shape[0], (cfg.batch,), generator=generator)
        loss = torch.nn.functional.softplus(-y[idx] * model(x[idx])).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = float(loss.detach())
    return losses


class _OutputLayer(torch.autograd.Function):
    """``h @ u`` of S stacked MLPs, ``h (S, n, w)``, ``u (S, w)`` -> ``(S, n)``, with the per-seed values.

    Forward: the row form ``u^T h^T`` (a bmm with one row) runs the same kernel as the per-seed gemv
    ``h @ u``. Backward: ``grad_h = grad u^T`` (exact products, as the per-seed outer product, in
    ``h``'s own layout: the ReLU backward is ~10x slower on a transposed gradient) and
    ``grad_u = grad^T h`` (the per-seed ``h^T grad`` kernel's values).
    """

    @staticmethod
    def forward(ctx: Any, h: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(h, u)
        return torch.bmm(u[:, None, :], h.transpose(1, 2)).squeeze(1)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, u = ctx.saved_tensors
        return grad[:, :, None] * u[:, None, :], torch.bmm(grad[:, None, :], h).squeeze(1)


def train_mlp_batched(
    models: Sequence[ParityMLP],
    xs: Sequence[torch.Tensor],
    ys: Sequence[torch.Tensor],
    generators: Sequence[torch.Generator],
    probe: Callable[[int], None] | None = None,
    every: int = 50,
) -> np.ndarray:
    """:func:`train_mlp` of S MLPs of one config (seed s on ``xs[s], ys[s]``, its minibatches from
    ``generators[s]``) as one stacked model; returns the losses ``(S, steps)``.

    Adam is elementwise and the loss is the sum of the seeds' mean losses, so each seed takes its own
    steps (equal to the per-seed runs up to float reduction order); the result is copied back into
    ``models``. ``probe(step)``, if given, runs after every ``every``-th step with the models holding
    the current parameters.
    """
    from models.stacked import stack_parameters, unstack_into

    cfg = models[0].config
    if any(m.config != cfg for m in models) or not len(models) == len(xs) == len(ys) == len(generators):
        raise ValueError("train_mlp_batched needs one config and one data set and generator per model")
    params = stack_parameters(models)
    v, b, u = params["V"], params["b"], params["u"]
    opt = torch.optim.Adam([v, b, u], lr=cfg.lr)
    x, y = torch.stack(list(xs)), torch.stack(list(ys))  # (S, n, d), (S, n)
    rows = torch.arange(len(models))[:, None]
    losses = torch.empty(len(models), cfg.steps)
    for step in range(cfg.steps):
        idx = torch.stack([torch.randint(0, xs[0].shape[0], (cfg.batch,), generator=g) for g in generators])
        h = torch.relu(torch.bmm(x[rows, idx], v.transpose(1, 2)) + b[:, None, :])  # (S, batch, width)
        out = _OutputLayer.apply(h, u)  # (S, batch)
        loss = torch.nn.functional.softplus(-y[rows, idx] * out).mean(dim=1)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        losses[:, step] = loss.detach()
        if probe is not None and (step + 1) % every == 0:
            unstack_into(models, params)
            probe(step + 1)
    unstack_into(models, params)
    return losses.double().numpy()
