"""Two-layer softmax-attention classifier trained by GD, SignGD or Adam (Li et al. 2025, arXiv:2410.04870).

For an input ``X = [x_1, x_2]`` of ``L = 2`` tokens in ``R^d`` (signal, noise)::

    q_l = W_Q x_l, k_a = W_K x_a                  (m_k,) each
    S[l, a] = softmax_a(<q_l, k_a>)               (L, L): query token l attends to key token a
    F_j = sum_l sum_a S[l, a] mean_r <w_{V,j,r}, x_a>   j in {+, -}, r over the m_v value neurons
    f(X) = F_+ - F_-                              scalar score; loss = mean log(1 + exp(-y f))

W_Q, W_K are ``(m_k, d)``, the two value maps ``(m_v, d)`` each; everything
starts i.i.d. ``N(0, sigma_0^2)``. All four matrices live as blocks of one
``(2 m_k + 2 m_v, d)`` tensor so that one matmul embeds a batch and one
optimiser step updates everything. Trainers: full-batch GD
(``p -= lr g``), SignGD (``p -= lr sign(g)``) and Adam (bias-corrected,
``p -= lr m_hat / (sqrt(v_hat) + eps)``). Hooks return the softmax scores and
the value / key / query projections on the signal and noise tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

Optimizer = Literal["gd", "signgd", "adam"]


@dataclass(frozen=True, kw_only=True)
class SignAttentionConfig:
    """Widths, initialisation scale and optimiser of one run."""

    d: int
    m_k: int = 16
    m_v: int = 16
    sigma_0: float = 0.01
    optimizer: Optimizer = "signgd"
    lr: float = 1e-3
    beta1: float = 0.9  # Adam only
    beta2: float = 0.999  # Adam only
    eps: float = 1e-8  # Adam only
    freeze_values: bool = False  # keep both value maps at their initial weights (an ablation)

    def __post_init__(self) -> None:
        if self.optimizer not in ("gd", "signgd", "adam"):
            raise ValueError(f"optimizer {self.optimizer!r} is not 'gd', 'signgd' or 'adam'")
        if not (self.d >= 2 and self.m_k >= 1 and self.m_v >= 1 and self.sigma_0 > 0 and self.lr > 0):
            raise ValueError(f"bad config {self}")


@dataclass(frozen=True)
class Projections:
    """Per-sample projections of the weights on the two tokens (``y`` folded into the value terms).

    ``value_noise[i] = mean_r <w_{V,+,r} - w_{V,-,r}, y_i xi_i>``, ``value_signal`` the same on ``mu``;
    ``query_noise[i, r] = <w_{Q,r}, xi_i>``, ``key_noise`` likewise; ``*_signal`` on ``mu`` (one row).
    """

    value_noise: torch.Tensor  # (N,)
    value_signal: torch.Tensor  # ()
    query_noise: torch.Tensor  # (N, m_k)
    key_noise: torch.Tensor  # (N, m_k)
    query_signal: torch.Tensor  # (m_k,)
    key_signal: torch.Tensor  # (m_k,)


@dataclass(frozen=True)
class TrainResult:
    """One run: the training loss after every step (``loss[t]`` is the loss at step ``t``) and weights."""

    loss: np.ndarray  # (steps + 1,)
    weights: torch.Tensor  # (2 m_k + 2 m_v, d)


class TwoLayerSoftmaxAttnClassifier:
    """The paper's model as a pure function of a weight tensor; see the module docstring."""

    def __init__(self, config: SignAttentionConfig) -> None:
        self.config = config

    def init(self, gen: torch.Generator) -> torch.Tensor:
        """Fresh weights ``(2 m_k + 2 m_v, d)``: rows Q, K, V+, V- in that order."""
        c = self.config
        return torch.randn(2 * c.m_k + 2 * c.m_v, c.d, generator=gen) * c.sigma_0

    def _blocks(self, w: torch.Tensor) -> tuple[torch.Tensor, ...]:
        k, v = self.config.m_k, self.config.m_v
        return w[:k], w[k : 2 * k], w[2 * k : 2 * k + v], w[2 * k + v :]

    def scores(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Softmax scores ``S (N, L, L)``: ``S[i, l, a]`` is query token l's weight on key token a."""
        wq, wk, _, _ = self._blocks(w)
        q = x @ wq.T  # (N, L, m_k)
        k = x @ wk.T  # (N, L, m_k)
        return torch.softmax(q @ k.transpose(1, 2), dim=-1)  # (N, L, L)

    def log_scores(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``log S (N, L, L)``, exact where ``S`` itself underflows to 0 in float32."""
        wq, wk, _, _ = self._blocks(w)
        q = x @ wq.T  # (N, L, m_k)
        k = x @ wk.T  # (N, L, m_k)
        return torch.log_softmax(q @ k.transpose(1, 2), dim=-1)  # (N, L, L)

    def forward(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Scores ``f(X) (N,)`` of a batch ``x (N, L, d)``."""
        k, v = self.config.m_k, self.config.m_v
        h = x @ w.T  # (N, L, 2 m_k + 2 m_v)
        q, key = h[..., :k], h[..., k : 2 * k]  # (N, L, m_k)
        vals = h[..., 2 * k : 2 * k + v].mean(-1) - h[..., 2 * k + v :].mean(-1)  # (N, L): F_+ - F_- values
        attn = torch.softmax(q @ key.transpose(1, 2), dim=-1)  # (N, L_query, L_key)
        return (attn.sum(1) * vals).sum(-1)  # (N,): sum over queries and keys

    def loss(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean logistic loss ``log(1 + exp(-y f))``."""
        return torch.nn.functional.softplus(-y * self.forward(w, x)).mean()

    def accuracy(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> float:
        """Fraction of ``sign(f) == y`` (a zero score counts as wrong)."""
        with torch.no_grad():
            return float((self.forward(w, x) * y > 0).float().mean())

    def projections(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> Projections:
        """Value / query / key projections on each sample's noise token and on the signal direction."""
        wq, wk, vp, vm = self._blocks(w)
        xi, mu = x[:, 1], x[0, 0] * y[0]  # (N, d), (d,): token 0 of sample 0 is y_0 mu
        dv = (vp - vm).mean(0)  # (d,)
        return Projections(
            value_noise=(xi @ dv) * y,
            value_signal=mu @ dv,
            query_noise=xi @ wq.T,
            key_noise=xi @ wk.T,
            query_signal=wq @ mu,
            key_signal=wk @ mu,
        )

    def train(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor, steps: int) -> TrainResult:
        """Full-batch training from ``w`` for ``steps`` steps with the configured optimiser."""
        c = self.config
        w = w.clone().requires_grad_(True)
        m = torch.zeros_like(w)
        v = torch.zeros_like(w)
        losses = np.empty(steps + 1)
        for t in range(steps + 1):
            loss = self.loss(w, x, y)
            losses[t] = float(loss.detach())
            if t == steps:
                break
            (g,) = torch.autograd.grad(loss, w)
            if c.freeze_values:
                g[2 * c.m_k :] = 0.0  # sign(0) = 0: no optimiser moves a frozen row
            with torch.no_grad():
                if c.optimizer == "gd":
                    w -= c.lr * g
                elif c.optimizer == "signgd":
                    w -= c.lr * torch.sign(g)
                else:
                    m.mul_(c.beta1).add_(g, alpha=1 - c.beta1)
                    v.mul_(c.beta2).addcmul_(g, g, value=1 - c.beta2)
                    m_hat = m / (1 - c.beta1 ** (t + 1))
                    v_hat = v / (1 - c.beta2 ** (t + 1))
                    w -= c.lr * m_hat / (v_hat.sqrt() + c.eps)
        return TrainResult(loss=losses, weights=w.detach())


@dataclass(frozen=True)
class Trajectory:
    """Snapshots of one run every ``every`` steps (the stage quantities of the paper's Fig. 2).

    ``value_noise[k]``, ``key_noise[k]``, ``query_noise[k]`` are the
    :class:`Projections` fields at step ``steps[k]``; ``log_scores[k]`` the log
    softmax scores on the training inputs; ``loss[k]`` the training loss.
    """

    steps: np.ndarray  # (K,)
    loss: np.ndarray  # (K,)
    value_noise: np.ndarray  # (K, N)
    key_noise: np.ndarray  # (K, N, m_k)
    query_noise: np.ndarray  # (K, N, m_k)
    log_scores: np.ndarray  # (K, N, L, L)
    weights: torch.Tensor  # (2 m_k + 2 m_v, d) at the last step


def trajectory(
    model: TwoLayerSoftmaxAttnClassifier,
    w: torch.Tensor,
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    every: int = 1,
) -> Trajectory:
    """Train like ``model.train(w, x, y, steps)``, logging the stage quantities at t = 0, every, ..., steps.

    Only for the stateless optimisers (GD, SignGD), where training in chunks of
    ``every`` steps is the same run as training in one go.
    """
    if model.config.optimizer == "adam":
        raise ValueError("trajectory() trains in chunks, which would reset Adam's moments")
    if steps < 0 or every < 1:
        raise ValueError(f"need steps >= 0 and every >= 1, got {steps}, {every}")
    marks = sorted({*range(0, steps, every), steps})
    logs: dict[str, list[np.ndarray]] = {k: [] for k in ("loss", "value", "key", "query", "scores")}
    w = w.clone()
    for k, t in enumerate(marks):
        if k > 0:
            w = model.train(w, x, y, t - marks[k - 1]).weights
        with torch.no_grad():
            p = model.projections(w, x, y)
            logs["loss"].append(np.asarray(float(model.loss(w, x, y))))
            logs["value"].append(p.value_noise.numpy())
            logs["key"].append(p.key_noise.numpy())
            logs["query"].append(p.query_noise.numpy())
            logs["scores"].append(model.log_scores(w, x).numpy())
    return Trajectory(
        steps=np.asarray(marks, dtype=float),
        loss=np.stack(logs["loss"]),
        value_noise=np.stack(logs["value"]),
        key_noise=np.stack(logs["key"]),
        query_noise=np.stack(logs["query"]),
        log_scores=np.stack(logs["scores"]),
        weights=w,
    )


def sign_alignment(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Fraction of entries where ``a`` and ``b`` share their sign, per leading index (e.g. per snapshot).

    For ``a = Trajectory.query_noise``, ``b = Trajectory.key_noise`` (``(K, N, m_k)``) this is, at
    each logged step, the share of (sample i, neuron r) pairs with
    ``sign <w_{Q,r}, xi_i> == sign <w_{K,r}, xi_i>``, every pair weighted equally. A zero
    counts as its own sign (it agrees only with another zero).
    """
    if a.shape != b.shape or a.ndim < 1:
        raise ValueError(f"need two arrays of one shape with a leading axis, got {a.shape} and {b.shape}")
    same = np.sign(a) == np.sign(b)  # (K, ...)
    return same.reshape(len(same), -1).mean(1)
