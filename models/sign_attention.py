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


@torch.no_grad()
def _update(
    c: SignAttentionConfig, w: torch.Tensor, g: torch.Tensor, m: torch.Tensor, v: torch.Tensor, t: int
) -> None:
    """Step ``t`` (from 0) of the configured optimiser, in place on ``w`` (and Adam's moments ``m``, ``v``):
    elementwise, so one call on stacked seeds gives each seed its own update."""
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
                _update(c, w, g, m, v, t)
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


# ------------------------------------------------------------------ batched seeds


@dataclass(frozen=True)
class Compressed:
    """S seeds' inputs restricted to the coordinates where some token of that seed is non-zero.

    ``columns[s, :count[s]]`` are seed s's non-zero coordinates (ascending; the rest pad with 0);
    ``x (S, N, L, D)`` holds those columns of the inputs (zero in the padding). A coordinate where
    every input is zero gets an exactly zero gradient (every optimiser here leaves it at its
    initial value) and adds nothing to any projection, so training on the kept columns is the same
    run as on all ``d`` up to float reduction order (the matmuls sum over fewer zeros).
    """

    columns: torch.Tensor  # (S, D) long
    count: tuple[int, ...]  # (S,)
    x: torch.Tensor  # (S, N, L, D)

    def weights(self, w: torch.Tensor) -> torch.Tensor:
        """Full weights ``(S, R, d)`` restricted to the kept columns: ``(S, R, D)`` (zero in the padding)."""
        out = torch.zeros(w.shape[0], w.shape[1], self.x.shape[-1], dtype=w.dtype)
        for s, c in enumerate(self.count):
            out[s, :, :c] = w[s][:, self.columns[s, :c]]
        return out

    def expand(self, w: torch.Tensor, full: torch.Tensor) -> list[torch.Tensor]:
        """Per seed, ``full[s] (R, d)`` with the kept columns replaced by those of ``w (S, R, D)``."""
        out = []
        for s, c in enumerate(self.count):
            ws = full[s].clone()
            ws[:, self.columns[s, :c]] = w[s, :, :c]
            out.append(ws)
        return out


def compress(xs: list[torch.Tensor]) -> Compressed:
    """The non-zero columns of each seed's inputs ``xs[s] (N, L, d)`` (one shape for all seeds)."""
    if not xs or any(x.shape != xs[0].shape for x in xs):
        raise ValueError("need one or more input batches of one shape")
    cols = [torch.nonzero((x != 0).flatten(0, -2).any(0)).flatten() for x in xs]
    width = max(1, max(len(c) for c in cols))
    columns = torch.zeros(len(xs), width, dtype=torch.long)
    x = torch.zeros(len(xs), *xs[0].shape[:-1], width)
    for s, (c, xs_s) in enumerate(zip(cols, xs, strict=True)):
        columns[s, : len(c)] = c
        x[s, ..., : len(c)] = xs_s[..., c]
    return Compressed(columns=columns, count=tuple(len(c) for c in cols), x=x)


def readout(config: SignAttentionConfig, h: torch.Tensor) -> torch.Tensor:
    """Scores ``f (...)`` of the embeddings ``h = x @ w.T (..., L, 2 m_k + 2 m_v)`` (any leading dims)."""
    k, v = config.m_k, config.m_v
    q, key = h[..., :k], h[..., k : 2 * k]
    vals = h[..., 2 * k : 2 * k + v].mean(-1) - h[..., 2 * k + v :].mean(-1)  # (..., L)
    attn = torch.softmax(q @ key.transpose(-1, -2), dim=-1)  # (..., L, L)
    return (attn.sum(-2) * vals).sum(-1)


def attention_scores(config: SignAttentionConfig, h: torch.Tensor) -> torch.Tensor:
    """The softmax scores ``S (..., L, L)`` from the embeddings ``h (..., L, 2 m_k + 2 m_v)``."""
    k = config.m_k
    return torch.softmax(h[..., :k] @ h[..., k : 2 * k].transpose(-1, -2), dim=-1)


@dataclass(frozen=True)
class SparseInputs:
    """Inputs ``x (N, L, d)`` as each token's non-zero coordinates: ``index, value (N, L, K)`` (0-padded).

    :meth:`embed` is ``x @ w.T`` summed over the K kept coordinates instead of all d (the same
    numbers up to float reduction order), for evaluating many sparse inputs cheaply.
    """

    index: torch.Tensor  # (N, L, K) long
    value: torch.Tensor  # (N, L, K)

    @classmethod
    def of(cls, x: torch.Tensor) -> SparseInputs:
        flat = x.reshape(-1, x.shape[-1])
        rows, cols = torch.nonzero(flat, as_tuple=True)
        counts = torch.bincount(rows, minlength=flat.shape[0])
        width = max(1, int(counts.max())) if len(rows) else 1
        pos = torch.arange(len(rows)) - (torch.cumsum(counts, 0) - counts)[rows]
        index = torch.zeros(flat.shape[0], width, dtype=torch.long)
        value = torch.zeros(flat.shape[0], width, dtype=x.dtype)
        index[rows, pos] = cols
        value[rows, pos] = flat[rows, cols]
        return cls(index.reshape(*x.shape[:-1], width), value.reshape(*x.shape[:-1], width))

    def embed(self, w: torch.Tensor) -> torch.Tensor:
        """``x @ w.T (N, L, R)`` for weights ``w (R, d)``."""
        return (w.T[self.index] * self.value.unsqueeze(-1)).sum(-2)


class StackedSignAttention:
    """S copies of :class:`TwoLayerSoftmaxAttnClassifier` (one config) over stacked weights ``(S, R, D)``."""

    def __init__(self, config: SignAttentionConfig) -> None:
        self.config = config

    def _blocks(self, w: torch.Tensor) -> tuple[torch.Tensor, ...]:
        k, v = self.config.m_k, self.config.m_v
        return w[:, :k], w[:, k : 2 * k], w[:, 2 * k : 2 * k + v], w[:, 2 * k + v :]

    def forward(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Scores ``f (S, N)`` of ``x (S, N, L, D)``."""
        s, n, length, dim = x.shape
        h = torch.bmm(x.reshape(s, n * length, dim), w.transpose(1, 2)).reshape(s, n, length, -1)
        return readout(self.config, h)

    def losses(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Each seed's mean logistic loss ``(S,)``."""
        return torch.nn.functional.softplus(-y * self.forward(w, x)).mean(-1)

    def loss_and_grad(
        self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Each seed's mean loss ``(S,)`` and its gradient in that seed's weights ``(S, R, D)``.

        The backward pass written out (half the per-step cost of autograd at these sizes): with
        ``P = softmax(q k^T)``, ``f = sum_a (sum_l P[l, a]) vals[a]`` and ``g_f = -y sigmoid(-y f) / N``,
        ``vals`` gets ``g_f sum_l P[l, a]``, the logits ``P (g_P - sum_b P g_P)`` with ``g_P[l, a] =
        g_f vals[a]``, and ``w`` the embeddings' gradient times ``x``.
        """
        k, v = self.config.m_k, self.config.m_v
        s, n, length, dim = x.shape
        xf = x.reshape(s, n * length, dim)
        h = torch.bmm(xf, w.transpose(1, 2)).reshape(s, n, length, -1)
        q, key = h[..., :k], h[..., k : 2 * k]
        vals = h[..., 2 * k : 2 * k + v].mean(-1) - h[..., 2 * k + v :].mean(-1)  # (S, N, L)
        attn = torch.softmax(q @ key.transpose(-1, -2), dim=-1)  # (S, N, L, L)
        weight = attn.sum(-2)  # (S, N, L): each key's total weight
        z = -y * (weight * vals).sum(-1)
        g_f = -y * torch.sigmoid(z) / n  # (S, N)
        g_vals = (g_f.unsqueeze(-1) * weight / v).unsqueeze(-1).expand(s, n, length, v)
        g_attn = (g_f.unsqueeze(-1) * vals).unsqueeze(-2)  # (S, N, 1, L): the same for every query
        g_logits = attn * (g_attn - (attn * g_attn).sum(-1, keepdim=True))  # (S, N, L, L)
        g_h = torch.cat([g_logits @ key, g_logits.transpose(-1, -2) @ q, g_vals, -g_vals], -1)
        grad = torch.bmm(g_h.reshape(s, n * length, -1).transpose(1, 2), xf)
        return torch.nn.functional.softplus(z).mean(-1), grad

    def log_scores(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``log S (S, N, L, L)``."""
        wq, wk, _, _ = self._blocks(w)
        q = x @ wq.unsqueeze(1).transpose(-1, -2)  # (S, N, L, m_k)
        k = x @ wk.unsqueeze(1).transpose(-1, -2)
        return torch.log_softmax(q @ k.transpose(-1, -2), dim=-1)

    def projections(self, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> Projections:
        """:meth:`TwoLayerSoftmaxAttnClassifier.projections` of every seed, stacked on a leading axis."""
        wq, wk, vp, vm = self._blocks(w)
        xi, mu = x[:, :, 1], x[:, 0, 0] * y[:, :1]  # (S, N, D), (S, D)
        dv = (vp - vm).mean(1)  # (S, D)
        return Projections(
            value_noise=(xi @ dv.unsqueeze(-1)).squeeze(-1) * y,
            value_signal=(mu * dv).sum(-1),
            query_noise=xi @ wq.transpose(1, 2),
            key_noise=xi @ wk.transpose(1, 2),
            query_signal=(wq @ mu.unsqueeze(-1)).squeeze(-1),
            key_signal=(wk @ mu.unsqueeze(-1)).squeeze(-1),
        )

    def train(
        self,
        w: torch.Tensor,
        x: torch.Tensor,
        y: torch.Tensor,
        steps: int,
        every: int | None = None,
    ) -> tuple[np.ndarray, torch.Tensor, list[Trajectory]]:
        """:meth:`TwoLayerSoftmaxAttnClassifier.train` of S seeds at once, on stacked ``w (S, R, D)``.

        Each seed's gradient (:meth:`loss_and_grad`, the gradient of the sum of the S mean
        losses) is its own slice, and every optimiser here is elementwise, so each seed gets its
        own update. Returns the losses ``(S, steps + 1)``, the final weights and, when ``every``
        is given, each seed's :func:`trajectory` (logged at ``0, every, ..., steps``).
        """
        c = self.config
        if every is not None and (c.optimizer == "adam" or every < 1):
            raise ValueError("a trajectory needs a stateless optimiser (GD, SignGD) and every >= 1")
        if c.optimizer == "adam" and c.eps <= 0:  # 0 / (0 + 0) on an untouched coordinate unbatched
            raise ValueError(f"the stacked run on compressed columns needs Adam eps > 0, got {c.eps}")
        w = w.clone()
        m = torch.zeros_like(w)
        v = torch.zeros_like(w)
        losses = np.empty((w.shape[0], steps + 1))
        marks = set() if every is None else {*range(0, steps, every), steps}
        logs: dict[str, list[np.ndarray]] = {k: [] for k in ("value", "key", "query", "scores")}
        for t in range(steps + 1):
            loss, g = self.loss_and_grad(w, x, y)
            losses[:, t] = loss.numpy()
            if t in marks:
                with torch.no_grad():
                    p = self.projections(w, x, y)
                    logs["value"].append(p.value_noise.numpy())
                    logs["key"].append(p.key_noise.numpy())
                    logs["query"].append(p.query_noise.numpy())
                    logs["scores"].append(self.log_scores(w, x).numpy())
            if t == steps:
                break
            if c.freeze_values:
                g[:, 2 * c.m_k :] = 0.0
            with torch.no_grad():
                _update(c, w, g, m, v, t)
        if every is None:
            return losses, w, []
        at = sorted(marks)
        trajs = [
            Trajectory(
                steps=np.asarray(at, dtype=float),
                loss=losses[s, at],
                value_noise=np.stack([a[s] for a in logs["value"]]),
                key_noise=np.stack([a[s] for a in logs["key"]]),
                query_noise=np.stack([a[s] for a in logs["query"]]),
                log_scores=np.stack([a[s] for a in logs["scores"]]),
                weights=w[s],
            )
            for s in range(w.shape[0])
        ]
        return losses, w, trajs
