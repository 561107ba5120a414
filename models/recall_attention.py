"""One-layer attention for in-context recall (Nguyen & Nguyen-Tang 2025), structured or full.

Tokens are one-hot in ``R^V`` (frozen, orthonormal embeddings; the noise token
is ``V - 1``). The key of position ``t`` is the *previous* token
``x_{t-1}`` (the previous-token channel stands for a frozen first layer; the
key of position 0 is the zero vector), the query is the last token ``x_T``
and the value is the token itself::

    s_t   = e(x_T)^T W_QK e(x_{t-1})                      scores       (B, T)
    w     = softmax(s) | s / T | relu(s) / T              attention    (B, T)
    h     = sum_t w_t e(x_t)                              bag of tokens (B, V)
    z     = W_OV h + W_F e(x_T)                           logits       (B, V)

Parameterisations:

- ``structured``: three scalars, ``W_QK = a I``, ``W_OV = b I`` and the noise
  map ``W_F = c e_tau (sum_q e_q)^T`` (``q`` over the trigger tokens). The
  Bayes-optimal family of the paper lies in it (``a, b -> oo`` with
  ``c - b`` tuned to ``log((1 - alpha) / alpha)``), and it is equivariant
  under permutations of the non-trigger tokens.
- ``full``: the three ``V x V`` matrices are free (Gaussian init, std 0.02).

Ablations (the premises of the construction, removed for controls):
``keys="current"`` keys every position by its own token instead of the
previous one (no previous-token channel: the trigger can no longer point at
the token after it), and ``noise_map=False`` pins the structured ``c`` at 0
(no way to put the noise mass on ``tau`` alone).

The loss is the expected cross-entropy over the label noise,
``-(1 - alpha) log p(ybar) - alpha log p(tau)`` ("soft labels"); its minimum
is ``H(alpha)``. Trainers: normalised GD (``p -= lr g / ||g||`` over all
parameters), plain GD and Adam, full batch on a fixed training set, logging
the loss on a separate evaluation set. All in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ATTENTIONS = ("softmax", "linear", "relu")
PARAMS = ("structured", "full")
KEYS = ("previous", "current")
OPTIMIZERS = ("ngd", "gd", "adam")


@dataclass(frozen=True, kw_only=True)
class RecallConfig:
    """Sizes and parameterisation of :class:`OneLayerRecall`."""

    vocab_size: int  # V, the noise token is V - 1
    triggers: int  # K, the trigger tokens are 0 .. K-1 (read by the structured noise map)
    attention: str = "softmax"
    param: str = "structured"
    init: float | None = None  # structured a = b at init (None: 0 for softmax, 0.5 for linear/relu)
    init_std: float = 0.02  # full matrices
    keys: str = "previous"  # key of position t: x_{t-1} (the previous-token channel) or x_t itself
    noise_map: bool = True  # structured: c trainable (True) or pinned at 0

    def __post_init__(self) -> None:
        if self.attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {ATTENTIONS}, got {self.attention!r}")
        if self.param not in PARAMS:
            raise ValueError(f"param must be one of {PARAMS}, got {self.param!r}")
        if self.keys not in KEYS:
            raise ValueError(f"keys must be one of {KEYS}, got {self.keys!r}")
        if not 1 <= self.triggers < self.vocab_size - 1:
            raise ValueError(f"need 1 <= triggers < vocab_size - 1, got {self.triggers}, {self.vocab_size}")

    @property
    def structured_init(self) -> float:
        """Initial a = b: at a = b = 0 linear/ReLU attention has zero gradient (a saddle), so 0.5."""
        if self.init is not None:
            return self.init
        return 0.0 if self.attention == "softmax" else 0.5


class OneLayerRecall(nn.Module):
    """Last-token attention over previous-token keys with a noise map; see the module docstring."""

    eye: torch.Tensor  # (V, V) buffer
    noise_map: torch.Tensor  # (V, V) buffer

    def __init__(self, config: RecallConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        v = config.vocab_size
        trig = torch.zeros(v, dtype=torch.float64)
        trig[: config.triggers] = 1.0
        noise = torch.zeros(v, dtype=torch.float64)
        noise[v - 1] = 1.0
        self.register_buffer("eye", torch.eye(v, dtype=torch.float64))
        self.register_buffer("noise_map", torch.outer(noise, trig))  # e_tau (sum_q e_q)^T  (V, V)
        if config.param == "structured":
            a0 = config.structured_init
            self.a = nn.Parameter(torch.tensor(a0, dtype=torch.float64))
            self.b = nn.Parameter(torch.tensor(a0, dtype=torch.float64))
            c0 = torch.tensor(0.0, dtype=torch.float64)
            self.c = nn.Parameter(c0) if config.noise_map else nn.Parameter(c0, requires_grad=False)
        else:
            s = config.init_std
            self.w_qk = nn.Parameter(s * torch.randn(v, v, generator=generator, dtype=torch.float64))
            self.w_ov = nn.Parameter(s * torch.randn(v, v, generator=generator, dtype=torch.float64))
            self.w_f = nn.Parameter(s * torch.randn(v, v, generator=generator, dtype=torch.float64))

    def matrices(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(W_QK, W_OV, W_F)``, each ``(V, V)``."""
        if self.config.param == "structured":
            return self.a * self.eye, self.b * self.eye, self.c * self.noise_map
        return self.w_qk, self.w_ov, self.w_f

    def attention(self, tokens: torch.Tensor) -> torch.Tensor:
        """Attention weights of the last token over all positions: ``(B, T)``."""
        w_qk, _, _ = self.matrices()
        b, t = tokens.shape
        last = tokens[:, -1]  # (B,)
        scores = torch.zeros(b, t, dtype=torch.float64)
        if self.config.keys == "current":
            scores = w_qk[last[:, None], tokens]  # key of position t is x_t itself (ablation)
        else:
            scores[:, 1:] = w_qk[last[:, None], tokens[:, :-1]]  # key of position t is x_{t-1}; of 0 is 0
        if self.config.attention == "softmax":
            return torch.softmax(scores, dim=1)
        if self.config.attention == "linear":
            return scores / t
        return F.relu(scores) / t

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Next-token logits ``(B, V)`` for ``tokens (B, T)``."""
        _, w_ov, w_f = self.matrices()
        w = self.attention(tokens)  # (B, T)
        h = torch.zeros(tokens.shape[0], self.config.vocab_size, dtype=torch.float64)
        h = h.scatter_add(1, tokens, w)  # (B, V): attention mass per token
        return h @ w_ov.T + w_f[:, tokens[:, -1]].T  # (B, V)


def recall_loss(logits: torch.Tensor, ybar: torch.Tensor, alpha: float) -> torch.Tensor:
    """Expected cross-entropy over the label noise: ``-(1-alpha) log p(ybar) - alpha log p(tau)``."""
    logp = torch.log_softmax(logits, dim=1)  # (B, V)
    loss = -(1.0 - alpha) * logp.gather(1, ybar[:, None]).squeeze(1)
    if alpha > 0:
        loss = loss - alpha * logp[:, -1]
    return loss.mean()


def accuracy(logits: torch.Tensor, ybar: torch.Tensor) -> float:
    """Top-1 agreement with the in-context answer (the Bayes top-1 when alpha < 1/2)."""
    return float((logits.argmax(dim=1) == ybar).double().mean())


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Full-batch optimiser settings."""

    steps: int
    lr: float
    optimizer: str = "ngd"
    log_every: int = 1

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.steps < 1 or self.log_every < 1 or not self.lr > 0:
            raise ValueError("steps, log_every and lr must be positive")


@dataclass(frozen=True)
class TrainLog:
    """Logged steps with the training and evaluation losses at each."""

    steps: np.ndarray
    train_loss: np.ndarray
    eval_loss: np.ndarray


def train(
    model: OneLayerRecall,
    data: tuple[torch.Tensor, torch.Tensor],
    evaluation: tuple[torch.Tensor, torch.Tensor],
    alpha: float,
    config: TrainConfig,
) -> TrainLog:
    """Train on ``data = (tokens, ybar)`` with soft labels; log the loss on ``evaluation`` (incl. step 0)."""
    params = [p for p in model.parameters() if p.requires_grad]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]  # Adam (m, v)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    steps, train_losses, eval_losses = [], [], []
    for step in range(config.steps + 1):
        loss = recall_loss(model(data[0]), data[1], alpha)
        if step % config.log_every == 0 or step == config.steps:
            with torch.no_grad():
                steps.append(step)
                train_losses.append(float(loss.detach()))
                eval_losses.append(float(recall_loss(model(evaluation[0]), evaluation[1], alpha)))
        if step == config.steps:
            break
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            if config.optimizer == "adam":  # written out: torch.optim's first use costs seconds of imports
                k = step + 1
                for p, g, (m, v) in zip(params, grads, moments, strict=True):
                    m.mul_(beta1).add_(g, alpha=1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    p.sub_(config.lr * (m / (1 - beta1**k)) / ((v / (1 - beta2**k)).sqrt() + eps))
                continue
            scale = config.lr
            if config.optimizer == "ngd":
                norm = torch.stack([(g * g).sum() for g in grads]).sum().sqrt()
                scale = config.lr / max(float(norm), 1e-300)
            for p, g in zip(params, grads, strict=True):
                p.sub_(scale * g)
    return TrainLog(np.asarray(steps, float), np.asarray(train_losses), np.asarray(eval_losses))


@dataclass(frozen=True)
class _StackedSet:
    """What the structured forward needs of S token sets ``(S, B, T)``, computed once per set.

    A structured score is ``a`` where the key matches the query ``x_T`` and 0 elsewhere, so the
    attention has two values per row and the bag of tokens is ``w_match C_match + w_other C_other``
    with the per-row token counts ``C`` over the matching and the other positions.
    """

    matched: torch.Tensor  # (S, B, V): count of each token over positions whose key matches x_T
    other: torch.Tensor  # (S, B, V): over the other positions
    k: torch.Tensor  # (S, B): number of matching positions
    length: int  # T
    noise: torch.Tensor  # (S, B, V): [x_T is a trigger] e_tau (the noise map's direction)

    @classmethod
    def of(cls, tokens: torch.Tensor, config: RecallConfig, trig: torch.Tensor) -> _StackedSet:
        s, n, t = tokens.shape
        last = tokens[:, :, -1:]
        if config.keys == "current":
            match = (tokens == last).double()
        else:
            match = torch.cat([torch.zeros(s, n, 1), (tokens[:, :, :-1] == last).double()], dim=2)
        zeros = torch.zeros(s, n, config.vocab_size, dtype=torch.float64)
        matched = zeros.scatter_add(2, tokens, match)
        other = zeros.scatter_add(2, tokens, 1.0 - match)
        noise = zeros.clone()
        noise[:, :, -1] = trig[last[:, :, 0]]
        return cls(matched, other, match.sum(dim=2), t, noise)


def _stacked_logits(params: dict[str, torch.Tensor], config: RecallConfig, data: _StackedSet) -> torch.Tensor:
    """Logits ``(S, B, V)`` of S structured models (a, b, c in ``params``: ``(S,)``) on one stacked set.

    The same function as :meth:`OneLayerRecall.forward` in closed form for the structured family:
    the softmax over scores in ``{0, a}`` from its two values (``e^(a-m)`` and ``e^-m`` over their
    row sum, ``m = max(a, 0)``), linear / ReLU as ``a / T`` and ``relu(a) / T`` on the matching
    positions, ``W_OV h = b h`` and ``W_F e(x_T) = c [x_T is a trigger] e_tau``; equal to the
    per-seed forward up to float rounding, without the (B, T) attention or any V x V matrix.
    """
    a, b, c = (params[k][:, None, None] for k in ("a", "b", "c"))
    if config.attention == "softmax":
        m = a.clamp(min=0.0)
        e_match, e_other = torch.exp(a - m), torch.exp(-m)  # (S, 1, 1)
        z = data.k[:, :, None] * e_match + (data.length - data.k[:, :, None]) * e_other  # (S, B, 1)
        h = (e_match / z) * data.matched + (e_other / z) * data.other
    elif config.attention == "linear":
        h = (a / data.length) * data.matched
    else:
        h = (F.relu(a) / data.length) * data.matched
    return b * h + c * data.noise


def _stacked_loss(logits: torch.Tensor, ybar: torch.Tensor, alpha: float) -> torch.Tensor:
    """:func:`recall_loss` of each of S models: ``logits (S, B, V)``, ``ybar (S, B)`` -> ``(S,)``."""
    logp = torch.log_softmax(logits, dim=2)
    loss = -(1.0 - alpha) * logp.gather(2, ybar[:, :, None]).squeeze(2)
    if alpha > 0:
        loss = loss - alpha * logp[:, :, -1]
    return loss.mean(dim=1)


def train_batched(
    models: list[OneLayerRecall],
    data: list[tuple[torch.Tensor, torch.Tensor]],
    evaluation: list[tuple[torch.Tensor, torch.Tensor]],
    alpha: float,
    config: TrainConfig,
) -> list[TrainLog]:
    """:func:`train` of S structured models of one config (each on its own data) as one stacked model.

    NGD normalises each seed's gradient by its own norm, so every seed takes exactly its own step; the
    result (copied back into ``models``) and the logs equal the per-seed runs up to float reduction
    order. Plain GD and NGD only (Adam is not batched here); every model must share one config.
    """
    from models.stacked import stack_parameters, unstack_into

    cfg = models[0].config
    if cfg.param != "structured" or any(m.config != cfg for m in models):
        raise ValueError("train_batched needs structured models of one config")
    if config.optimizer == "adam":
        raise ValueError("train_batched supports the optimizers 'ngd' and 'gd'")
    params = stack_parameters(models)
    trainable = [params[k] for k in ("a", "b", "c") if params[k].requires_grad]
    trig = torch.zeros(cfg.vocab_size, dtype=torch.float64)
    trig[: cfg.triggers] = 1.0
    x, y = _StackedSet.of(torch.stack([d[0] for d in data]), cfg, trig), torch.stack([d[1] for d in data])
    ex = _StackedSet.of(torch.stack([e[0] for e in evaluation]), cfg, trig)
    ey = torch.stack([e[1] for e in evaluation])
    steps, train_losses, eval_losses = [], [], []
    for step in range(config.steps + 1):
        loss = _stacked_loss(_stacked_logits(params, cfg, x), y, alpha)  # (S,)
        if step % config.log_every == 0 or step == config.steps:
            with torch.no_grad():
                steps.append(step)
                train_losses.append(loss.detach())
                eval_losses.append(_stacked_loss(_stacked_logits(params, cfg, ex), ey, alpha))
        if step == config.steps:
            break
        grads = torch.autograd.grad(loss.sum(), trainable)
        with torch.no_grad():
            if config.optimizer == "ngd":
                norm = torch.stack([g * g for g in grads]).sum(dim=0).sqrt()  # (S,)
                scale = config.lr / norm.clamp(min=1e-300)
            else:
                scale = torch.full((len(models),), config.lr, dtype=torch.float64)
            for p, g in zip(trainable, grads, strict=True):
                p.sub_(scale * g)
    unstack_into(models, params)
    tr, ev = torch.stack(train_losses, dim=1).numpy(), torch.stack(eval_losses, dim=1).numpy()
    at = np.asarray(steps, float)
    return [TrainLog(at.copy(), tr[i].copy(), ev[i].copy()) for i in range(len(models))]
