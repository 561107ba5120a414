"""One-layer self-attention classifier of Zhang, Meng, Cao (2025), its GD trainer, and L2 logistic regression.

For a sample ``Z (p, D)`` whose ``D`` columns are tokens of dimension ``p``::

    A     = Z^T W Z                        (D, D) scores, A[k, j] = z_k^T W z_j
    S     = softmax over k of A            column j: attention of query j over the keys k
    f(Z)  = v^T Z S 1_D / D                attended values averaged over the D queries

with a merged query-key matrix ``W (p, p)`` and a value vector ``v (p,)``,
both zero at initialisation (so ``S`` starts exactly uniform). The paper sums
over queries (no ``1/D``); the mean only rescales the output, i.e. the step
size, and keeps GD with a fixed step stable as ``D`` grows.
Training is plain GD on the logistic loss ``log(1 + exp(-y f))`` over a fresh
batch each step (a stand-in for the population loss).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

Sampler = Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True, kw_only=True)
class GroupAttentionConfig:
    """Token dimension ``dim = d + D`` and number of tokens ``groups = D``."""

    dim: int
    groups: int


class OneLayerSelfAttnClassifier(nn.Module):
    """Merged query-key ``W`` and value vector ``v``, zero-initialised; output averaged over queries."""

    def __init__(self, config: GroupAttentionConfig) -> None:
        super().__init__()
        self.config = config
        self.W = nn.Parameter(torch.zeros(config.dim, config.dim))
        self.v = nn.Parameter(torch.zeros(config.dim))

    def attention(self, z: torch.Tensor) -> torch.Tensor:
        """``S (n, D, D)``: ``S[:, k, j]`` is the attention of query ``j`` on key ``k`` (columns sum to 1)."""
        scores = z.transpose(1, 2) @ self.W @ z  # (n, D, D)
        return torch.softmax(scores, dim=1)

    def attended(self, z: torch.Tensor) -> torch.Tensor:
        """``Z S 1 / D (n, p)``: the attended token averaged over the queries."""
        return (z @ self.attention(z)).mean(dim=2)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Logits ``f(Z) (n,)`` for tokens ``z (n, p, D)``."""
        return self.attended(z) @ self.v


@dataclass(frozen=True, kw_only=True)
class GDConfig:
    """Plain GD: ``steps`` updates with step ``lr`` on fresh batches of ``batch`` samples."""

    steps: int
    lr: float
    batch: int


@dataclass(frozen=True)
class GDLog:
    """Checkpoints of a run: training loss and the probe-averaged attention ``(K, D, D)`` at ``steps``."""

    steps: tuple[int, ...]
    loss: tuple[float, ...]
    attention: torch.Tensor


def logistic_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean ``log(1 + exp(-y * logits))``."""
    return F.softplus(-y * logits).mean()


def train_gd(
    model: OneLayerSelfAttnClassifier,
    sample: Sampler,
    config: GDConfig,
    gen: torch.Generator,
    *,
    probe: torch.Tensor,
    log_steps: Sequence[int] = (),
    freeze_attention: bool = False,
) -> GDLog:
    """Run GD on ``(W, v)`` jointly; at each step in ``log_steps`` record loss and attention on ``probe``.

    ``freeze_attention``: train ``v`` only, ``W`` stays at its initial value (a control).
    """
    want = set(log_steps)
    steps, losses, attn = [], [], []
    params = [model.v] if freeze_attention else [model.W, model.v]
    for t in range(1, config.steps + 1):
        z, y = sample(config.batch, gen)
        loss = logistic_loss(model(z), y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.sub_(config.lr * g)
        if t in want:
            with torch.no_grad():
                steps.append(t)
                losses.append(float(loss.detach()))
                attn.append(model.attention(probe).mean(dim=0))
    empty = torch.zeros(0, model.config.groups, model.config.groups)
    return GDLog(tuple(steps), tuple(losses), torch.stack(attn) if attn else empty)


def train_gd_batched(
    models: Sequence[OneLayerSelfAttnClassifier],
    sample: Sampler,
    config: GDConfig,
    gens: Sequence[torch.Generator],
    *,
    probes: Sequence[torch.Tensor],
    log_steps: Sequence[int] = (),
    freeze_attention: bool = False,
) -> list[GDLog]:
    """``train_gd`` for S seeds at once: ``models[s]`` trained on batches from ``gens[s]``, one log each.

    The S models run as one model over stacked parameters ``W (S, p, p)``,
    ``v (S, p)``; each step draws every seed's batch from its own generator,
    as ``train_gd`` does, and takes the gradient of the sum of the S losses
    (seed s's parameters get seed s's gradient). Each seed's run is
    ``train_gd``'s up to floating-point reduction order; the trained
    parameters are copied back into ``models``.
    """
    if not (len(models) == len(gens) == len(probes) > 0):
        raise ValueError(
            f"need one model, generator and probe per seed ({len(models)}, {len(gens)}, {len(probes)})"
        )
    want = set(log_steps)
    w = torch.stack([m.W.detach() for m in models]).requires_grad_(not freeze_attention)  # (S, p, p)
    v = torch.stack([m.v.detach() for m in models]).requires_grad_()  # (S, p)
    params = [v] if freeze_attention else [w, v]
    logs: list[tuple[list[int], list[float], list[torch.Tensor]]] = [([], [], []) for _ in models]
    for t in range(1, config.steps + 1):
        batches = [sample(config.batch, g) for g in gens]
        z = torch.stack([b[0] for b in batches])  # (S, n, p, D)
        y = torch.stack([b[1] for b in batches])  # (S, n)
        logits = _stacked_logits(z, w, v)  # (S, n)
        losses = F.softplus(-y * logits).mean(dim=1)  # (S,)
        grads = torch.autograd.grad(losses.sum(), params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.sub_(config.lr * g)
        if t in want:
            with torch.no_grad():
                for s, (steps, loss, attn) in enumerate(logs):
                    steps.append(t)
                    loss.append(float(losses[s]))
                    probe = probes[s]
                    attn.append(torch.softmax(probe.transpose(1, 2) @ w[s] @ probe, dim=1).mean(dim=0))
    with torch.no_grad():
        for s, model in enumerate(models):
            model.W.copy_(w[s])
            model.v.copy_(v[s])
    groups = models[0].config.groups
    return [
        GDLog(tuple(steps), tuple(loss), torch.stack(attn) if attn else torch.zeros(0, groups, groups))
        for steps, loss, attn in logs
    ]


def _stacked_logits(z: torch.Tensor, w: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """``f(Z)`` of S stacked models: tokens ``z (S, n, p, D)``, ``W (S, p, p)``, ``v (S, p)`` -> ``(S, n)``.

    The forward pass of ``OneLayerSelfAttnClassifier`` with the products
    grouped for a leading seed dimension: ``Z^T W`` as one matrix product per
    seed over all samples' tokens, the rest as einsums (about twice as fast
    as broadcasting ``@`` over (S, n) tiny matrices).
    """
    seeds, n, p, groups = z.shape
    keys = torch.bmm(z.transpose(2, 3).reshape(seeds, n * groups, p), w).reshape(seeds, n, groups, p)
    attention = torch.softmax(torch.einsum("snkp,snpj->snkj", keys, z), dim=2)  # (S, n, D, D)
    attended = torch.einsum("snpk,snkj->snp", z, attention) / groups  # (S, n, p): Z S 1 / D
    return torch.einsum("snp,sp->sn", attended, v)


def fit_logistic(
    features: torch.Tensor, y: torch.Tensor, *, l2: float = 1e-3, max_iter: int = 200
) -> tuple[torch.Tensor, torch.Tensor]:
    """L2-regularised logistic regression by L-BFGS: weights ``(p,)`` and intercept ``()``.

    Minimises ``mean log(1 + exp(-y (x.w + b))) + l2 / 2 * ||w||^2`` in float64.
    """
    x = features.double()
    t = y.double()
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = logistic_loss(x @ w + b, t) + 0.5 * l2 * (w @ w)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach(), b.detach()


def logistic_error(w: torch.Tensor, b: torch.Tensor, features: torch.Tensor, y: torch.Tensor) -> float:
    """0-1 error of the linear classifier ``sign(x.w + b)`` (ties count as errors)."""
    margin = y.double() * (features.double() @ w + b)
    return float((margin <= 0).double().mean())
