"""One attention layer with the last token as query, then a linear readout (Huang, Liang, Yang 2025).

For a sequence ``x_1..x_L`` with embeddings ``e_l = onehot(x_l) (+) onehot(l)``
(token and position blocks, so ``D = n_tokens + n_positions``)::

    s_l   = e_L^T W e_l                   scores of every position against the last token
    p     = softmax(s_1..s_L)             attention probabilities
    h     = sum_l p_l e_l                 attention output (value = the embedding itself)
    z     = u^T h                         logit; loss = mean log(1 + exp(-y z))

Training is full-batch gradient descent on ``(W, u)`` jointly. The gradients
are written out by hand (checked against autograd in the unit tests): the
data set is tiny, so one step is a handful of batched tensor ops in float64.
Padding tokens are negative and masked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F


@dataclass(frozen=True, kw_only=True)
class AttentionConfig:
    """Sizes, initialisation and step sizes of the model and its GD trainer."""

    n_tokens: int = 2
    n_positions: int
    init_scale: float = 0.01  # u (and W unless zero_attention) start i.i.d. N(0, init_scale^2)
    zero_attention: bool = True  # start W at 0: the attention is uniform at t = 0
    lr_w: float = 3.0
    lr_u: float = 3.0
    weight_decay_u: float = 0.0  # GD on loss + (weight_decay_u / 2) ||u||^2 (0: the unregularised loss)

    @property
    def dim(self) -> int:
        return self.n_tokens + self.n_positions


@dataclass(frozen=True)
class Batch:
    """Embedded sequences: ``emb (N, T, D)``, ``mask (N, T)`` (True = real token), ``query (N, D)``."""

    emb: torch.Tensor
    mask: torch.Tensor
    query: torch.Tensor


@dataclass
class Params:
    """Attention matrix ``W (D, D)`` and readout ``u (D,)``."""

    W: torch.Tensor
    u: torch.Tensor


@dataclass(frozen=True)
class TrainResult:
    """Log-spaced checkpoints of one GD run; ``attention[i]`` is ``(N, T)`` at ``steps[i]``."""

    steps: np.ndarray
    loss: np.ndarray
    acc: np.ndarray
    u_norm: np.ndarray
    w_norm: np.ndarray
    attention: np.ndarray  # (checkpoints, N, T)
    params: Params
    u_path: np.ndarray  # (checkpoints, D): the readout u at each checkpoint


def embed(tokens: np.ndarray, config: AttentionConfig) -> Batch:
    """One-hot token (+) one-hot position embedding of padded ``tokens (N, T)``."""
    tok = torch.as_tensor(tokens, dtype=torch.long)
    n, t = tok.shape
    if t > config.n_positions:
        raise ValueError(f"sequences of {t} positions, model has {config.n_positions}")
    mask = tok >= 0  # (N, T)
    emb = torch.zeros(n, t, config.dim, dtype=torch.float64)
    emb[..., : config.n_tokens] = F.one_hot(tok.clamp(min=0), config.n_tokens).double()
    emb[..., config.n_tokens : config.n_tokens + t] = torch.eye(t, dtype=torch.float64)
    emb = emb * mask[..., None]
    last = mask.sum(dim=1) - 1  # (N,)
    return Batch(emb=emb, mask=mask, query=emb[torch.arange(n), last])


def init_params(config: AttentionConfig, generator: torch.Generator) -> Params:
    """Gaussian initialisation with standard deviation ``config.init_scale`` (W = 0 if ``zero_attention``)."""
    d = config.dim
    w = torch.randn(d, d, generator=generator, dtype=torch.float64) * config.init_scale
    if config.zero_attention:
        w.zero_()
    u = torch.randn(d, generator=generator, dtype=torch.float64) * config.init_scale
    return Params(W=w, u=u)


def attention(params: Params, batch: Batch) -> torch.Tensor:
    """Attention probabilities ``(N, T)`` of the last token over all positions."""
    scores = torch.einsum("nd,nld->nl", batch.query @ params.W, batch.emb)  # (N, T)
    scores = scores.masked_fill(~batch.mask, float("-inf"))
    return torch.softmax(scores, dim=1)


def logits(params: Params, batch: Batch) -> torch.Tensor:
    """Logits ``z (N,)``."""
    p = attention(params, batch)
    return torch.einsum("nl,nld->nd", p, batch.emb) @ params.u


def loss_and_grads(
    params: Params, batch: Batch, y: torch.Tensor
) -> tuple[float, float, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Logistic loss, accuracy, ``dL/dW``, ``dL/du`` and the attention, in one pass."""
    emb, q = batch.emb, batch.query
    p = attention(params, batch)  # (N, T)
    h = torch.einsum("nl,nld->nd", p, emb)  # (N, D)
    z = h @ params.u  # (N,)
    margin = y * z
    loss = F.softplus(-margin).mean()
    dz = -y * torch.sigmoid(-margin) / len(y)  # (N,)  dL/dz
    grad_u = h.T @ dz  # (D,)
    dp = (emb @ params.u) * dz[:, None]  # (N, T)  dL/dp_l = dz * u^T e_l
    ds = p * (dp - (p * dp).sum(dim=1, keepdim=True))  # (N, T)  softmax backward
    grad_w = q.T @ torch.einsum("nl,nld->nd", ds, emb)  # (D, D)
    acc = (margin > 0).double().mean()
    return float(loss), float(acc), grad_w, grad_u, p


def loss_and_grads_numpy(
    w: np.ndarray, u: np.ndarray, emb: np.ndarray, mask: np.ndarray, query: np.ndarray, y: np.ndarray
) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`loss_and_grads` in numpy on plain arrays (about 3x faster at these tiny sizes).

    ``w (D, D)``, ``u (D,)``, ``emb (N, T, D)``, ``mask (N, T)``, ``query (N, D)``,
    ``y (N,)``; returns the loss, the accuracy, ``dL/dW``, ``dL/du`` and the
    attention ``(N, T)``. The unit tests check it against the torch version.
    """
    scores = np.matmul(emb, (query @ w)[:, :, None])[:, :, 0]  # (N, T)
    scores[~mask] = -np.inf
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    p = scores / scores.sum(axis=1, keepdims=True)  # (N, T)
    h = np.matmul(p[:, None, :], emb)[:, 0]  # (N, D)
    margin = y * (h @ u)
    loss = float(np.mean(np.logaddexp(0.0, -margin)))
    dz = -y / (1.0 + np.exp(margin)) / len(y)  # (N,)  dL/dz
    grad_u = h.T @ dz
    dp = (emb @ u) * dz[:, None]  # (N, T)
    ds = p * (dp - (p * dp).sum(axis=1, keepdims=True))
    grad_w = query.T @ np.matmul(ds[:, None, :], emb)[:, 0]
    return loss, float(np.mean(margin > 0)), grad_w, grad_u, p


def pair_features(batch: Batch) -> np.ndarray:
    """``q_n (x) e_{n,l}`` for every sequence n and position l: ``(N*T, D*D)``, so that the scores of
    all positions are one product with ``W`` flattened (see :func:`loss_and_grads_stacked`)."""
    emb, query = batch.emb.numpy(), batch.query.numpy()
    n, t, d = emb.shape
    return (query[:, None, :, None] * emb[:, :, None, :]).reshape(n * t, d * d)


def loss_and_grads_stacked(
    w: np.ndarray,
    u: np.ndarray,
    emb: np.ndarray,
    mask: np.ndarray,
    pairs: np.ndarray,
    y: np.ndarray,
    pairs_t: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`loss_and_grads_numpy` for S models on the same data: ``w (S, D, D)``, ``u (S, D)``.

    ``pairs`` is :func:`pair_features` of the batch (``pairs_t``, optional: its transpose made
    contiguous, which multiplies about 3x faster than the transposed view). Every contraction
    over the data is one matrix product over all S models (``s_{nl} = <q_n (x) e_{nl}, W>``,
    ``dL/dW = sum_{nl} ds_{nl} q_n (x) e_{nl}``, ``dL/du = sum_{nl} dz_n p_{nl} e_{nl}``), not
    N small ones. Returns the losses ``(S,)``, accuracies ``(S,)``, ``dL/dW (S, D, D)``,
    ``dL/du (S, D)`` and the attention ``(S, N, T)``: model s's numbers are those of
    :func:`loss_and_grads_numpy`
    on ``w[s], u[s]`` up to float summation order.
    """
    runs, (n, t, d) = len(w), emb.shape
    flat = emb.reshape(n * t, d)
    if pairs_t is None:
        pairs_t = np.ascontiguousarray(pairs.T)
    scores = (w.reshape(runs, d * d) @ pairs_t).reshape(runs, n, t)  # (S, N, T)
    scores[:, ~mask] = -np.inf
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    p = scores / scores.sum(axis=-1, keepdims=True)  # (S, N, T)
    eu = (u @ flat.T).reshape(runs, n, t)  # u^T e_{nl}
    margin = y * (p * eu).sum(axis=-1)  # (S, N)
    loss = np.mean(np.logaddexp(0.0, -margin), axis=1)
    dz = -y / (1.0 + np.exp(margin)) / len(y)  # (S, N)  dL/dz
    grad_u = (p * dz[..., None]).reshape(runs, n * t) @ flat  # (S, D)
    dp = eu * dz[..., None]  # (S, N, T)
    ds = p * (dp - (p * dp).sum(axis=-1, keepdims=True))
    grad_w = (ds.reshape(runs, n * t) @ pairs).reshape(runs, d, d)
    return loss, np.mean(margin > 0, axis=1), grad_w, grad_u, p


def checkpoints(steps: int, count: int = 60) -> np.ndarray:
    """About ``count`` log-spaced integer steps in ``[1, steps]``, always including ``steps``."""
    return np.unique(np.geomspace(1, steps, count).round().astype(np.int64))


def train(
    batch: Batch,
    y: torch.Tensor,
    config: AttentionConfig,
    steps: int,
    generator: torch.Generator,
    *,
    give_up_at: int | None = None,
) -> TrainResult:
    """Full-batch GD from a Gaussian init, recording loss, accuracy, norms and attention at checkpoints.

    The record at step ``t`` is taken after ``t`` updates (before update ``t+1``).
    With ``give_up_at``, training stops there if the training accuracy is
    still below 1 (the record then ends at that step).
    """
    params = init_params(config, generator)
    w, u = params.W.numpy().copy(), params.u.numpy().copy()
    emb, mask, query = batch.emb.numpy(), batch.mask.numpy(), batch.query.numpy()
    labels = y.numpy().astype(np.float64)
    marks = set(checkpoints(steps).tolist())
    rec: dict[str, list] = {k: [] for k in ("steps", "loss", "acc", "u_norm", "w_norm", "attention", "u")}
    for step in range(steps + 1):
        loss, acc, grad_w, grad_u, p = loss_and_grads_numpy(w, u, emb, mask, query, labels)
        if step in marks:
            rec["steps"].append(step)
            rec["loss"].append(loss)
            rec["acc"].append(acc)
            rec["u_norm"].append(float(np.linalg.norm(u)))
            rec["w_norm"].append(float(np.linalg.norm(w)))
            rec["attention"].append(p.copy())
            rec["u"].append(u.copy())
        if step == steps or (step == give_up_at and acc < 1.0):
            break
        w -= config.lr_w * grad_w
        u -= config.lr_u * (grad_u + config.weight_decay_u * u)
    return _result(rec, w, u)


def train_batched(
    batch: Batch,
    y: torch.Tensor,
    config: AttentionConfig,
    steps: int,
    generators: Sequence[torch.Generator],
    *,
    give_up_at: int | None = None,
    tries: int = 1,
) -> list[tuple[TrainResult, int]]:
    """Several :func:`train` runs stepped together (stacked parameters), with stuck starts re-drawn.

    Run s is, with its own generator ``generators[s]``::

        for attempt in 1..tries:
            run = train(batch, y, config, steps, generators[s],
                        give_up_at=None if attempt == tries else give_up_at)
            if run.steps[-1] == steps: break

    and ``(run, attempt)`` is returned for it, with the numbers of that loop up to
    float reduction order. The runs step in lockstep: a run that gives up draws
    its next start and begins again at step 0 while the others go on; the loop
    ends when every run has reached ``steps``. Runs may share a generator only
    with ``tries = 1`` (they then draw their starts in the order of ``generators``,
    as a loop over them would).
    """
    if tries < 1:
        raise ValueError(f"tries must be >= 1, got {tries}")
    if tries > 1 and len({id(g) for g in generators}) < len(generators):
        raise ValueError("runs that re-draw their starts need generators of their own")
    emb, mask, pairs = batch.emb.numpy(), batch.mask.numpy(), pair_features(batch)
    pairs_t = np.ascontiguousarray(pairs.T)
    labels = y.numpy().astype(np.float64)
    marks = set(checkpoints(steps).tolist())
    runs, dim = len(generators), config.dim
    w, u = np.empty((runs, dim, dim)), np.empty((runs, dim))
    step, attempt = [0] * runs, [0] * runs
    recs: list[dict[str, list]] = [{} for _ in range(runs)]
    out: list[tuple[TrainResult, int] | None] = [None] * runs
    live = np.ones(runs)  # 0 for a finished run: it is carried along but no longer moves

    def start(s: int) -> None:
        params = init_params(config, generators[s])
        w[s], u[s] = params.W.numpy(), params.u.numpy()
        step[s], attempt[s] = 0, attempt[s] + 1
        recs[s] = {k: [] for k in ("steps", "loss", "acc", "u_norm", "w_norm", "attention", "u")}

    for s in range(runs):
        start(s)
    while any(r is None for r in out):
        loss, acc, grad_w, grad_u, p = loss_and_grads_stacked(w, u, emb, mask, pairs, labels, pairs_t)
        redraw = []
        for s in range(runs):
            t = step[s]
            if out[s] is not None:
                continue
            if t in marks:
                rec = recs[s]
                rec["steps"].append(t)
                rec["loss"].append(float(loss[s]))
                rec["acc"].append(float(acc[s]))
                rec["u_norm"].append(float(np.linalg.norm(u[s])))
                rec["w_norm"].append(float(np.linalg.norm(w[s])))
                rec["attention"].append(p[s].copy())
                rec["u"].append(u[s].copy())
            if t == steps:
                out[s] = (_result(recs[s], w[s].copy(), u[s].copy()), attempt[s])
                live[s] = 0.0
            elif attempt[s] < tries and t == give_up_at and acc[s] < 1.0:
                redraw.append(s)
            else:
                step[s] = t + 1
        w -= config.lr_w * grad_w * live[:, None, None]  # x * 1.0 == x: the live runs' own update
        u -= config.lr_u * (grad_u + config.weight_decay_u * u) * live[:, None]
        for s in redraw:
            start(s)
    return [r for r in out if r is not None]


def _result(rec: dict[str, list], w: np.ndarray, u: np.ndarray) -> TrainResult:
    """A run's TrainResult from its record lists and final weights."""
    return TrainResult(
        steps=np.asarray(rec["steps"], dtype=float),
        loss=np.asarray(rec["loss"]),
        acc=np.asarray(rec["acc"]),
        u_norm=np.asarray(rec["u_norm"]),
        w_norm=np.asarray(rec["w_norm"]),
        attention=np.stack(rec["attention"]),
        params=Params(W=torch.from_numpy(w), u=torch.from_numpy(u)),
        u_path=np.stack(rec["u"]),
    )
