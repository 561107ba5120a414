"""One-layer multi-head attention over edge columns, for path finding in trees (Yang et al. 2025).

The prompt and the written chain of thought are a set of columns; column ``j``
holds two token slots and a type, embedded as one-hots (``V`` tokens,
``T`` types; type 0 marks an empty column, which is masked out)::

    k_j   = [onehot(a_j); onehot(b_j); onehot(type_j)]        (D = 2V + T)
    q     = [onehot(current token); onehot(stage)]            (Q = V + S)
    s_hj  = q^T W_h k_j                                       scores, head h
    p_h   = softmax_j(s_hj)                                   attention of head h
    z     = sum_h U_h (sum_j p_hj k_j)                        logits over the V tokens (value = column)

Each head has its own key-query matrix ``W_h (Q, D)`` and output map
``U_h (V, D)``: one layer, no MLP, no residual, as in the paper's simplified
theory model. Which column is "the parent edge" is learned from content, so
the model is exactly invariant to the order of the columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True, kw_only=True)
class PathAttentionConfig:
    """Sizes and initialisation of :class:`PathAttention`."""

    vocab: int
    heads: int = 1
    n_types: int = 4  # column types; type 0 = empty column (masked)
    n_stages: int = 2
    init_scale: float = 0.1  # W and U start i.i.d. N(0, init_scale^2)

    @property
    def key_dim(self) -> int:
        return 2 * self.vocab + self.n_types

    @property
    def query_dim(self) -> int:
        return self.vocab + self.n_stages


@dataclass(frozen=True)
class Columns:
    """A batch: slots ``a, b`` and ``ctype`` ``(N, C)`` (-1 = empty slot); ``cur, stage`` ``(N,)``."""

    a: torch.Tensor
    b: torch.Tensor
    ctype: torch.Tensor
    cur: torch.Tensor
    stage: torch.Tensor

    def __len__(self) -> int:
        return int(self.cur.shape[0])

    def take(self, idx: torch.Tensor) -> Columns:
        """The examples at ``idx``."""
        return Columns(self.a[idx], self.b[idx], self.ctype[idx], self.cur[idx], self.stage[idx])


class PathAttention(nn.Module):
    """The one-layer ``heads``-head attention model above."""

    def __init__(self, config: PathAttentionConfig, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        h, v = config.heads, config.vocab
        s = config.init_scale
        self.W = nn.Parameter(s * torch.randn(h, config.query_dim, config.key_dim, generator=generator))
        self.U = nn.Parameter(s * torch.randn(h, v, config.key_dim, generator=generator))

    def _keys(self, x: Columns) -> torch.Tensor:
        v = self.config.vocab

        def hot(t: torch.Tensor, n: int) -> torch.Tensor:
            return F.one_hot(t.clamp(min=0), n).float() * (t >= 0).unsqueeze(-1).float()

        return torch.cat([hot(x.a, v), hot(x.b, v), hot(x.ctype, self.config.n_types)], dim=-1)  # (N, C, D)

    def forward(self, x: Columns) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``(N, V)`` and attention ``(N, H, C)``."""
        cfg = self.config
        k = self._keys(x)  # (N, C, D)
        q = torch.cat(
            [F.one_hot(x.cur, cfg.vocab), F.one_hot(x.stage, cfg.n_stages)], dim=-1
        ).float()  # (N, Q)
        qw = torch.einsum("nq,hqd->nhd", q, self.W)  # (N, H, D)
        scores = torch.einsum("nhd,ncd->nhc", qw, k)  # (N, H, C)
        scores = scores.masked_fill((x.ctype == 0).unsqueeze(1), float("-inf"))
        attn = torch.softmax(scores, dim=-1)  # (N, H, C)
        read = torch.einsum("nhc,ncd->nhd", attn, k)  # (N, H, D)
        logits = torch.einsum("nhd,hvd->nv", read, self.U)  # (N, V)
        return logits, attn

    @torch.no_grad()
    def predict(self, x: Columns) -> tuple[torch.Tensor, torch.Tensor]:
        """Argmax tokens ``(N,)`` and attention ``(N, H, C)``."""
        logits, attn = self(x)
        return logits.argmax(dim=-1), attn


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Adam on mini-batches drawn with replacement from a fixed pool of teacher-forced steps."""

    steps: int = 400
    batch: int = 128
    lr: float = 0.05
    cosine: bool = True  # decay the step size to 0 along a cosine over the run


def train(
    model: PathAttention,
    data: Columns,
    target: torch.Tensor,
    config: TrainConfig,
    *,
    generator: torch.Generator,
) -> list[float]:
    """Minimise the cross-entropy of ``target`` ``(N,)``; returns the loss at every step."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    losses = []
    for step in range(config.steps):
        if config.cosine:
            opt.param_groups[0]["lr"] = 0.5 * config.lr * (1 + math.cos(math.pi * step / config.steps))
        idx = torch.randint(len(data), (config.batch,), generator=generator)
        logits, _ = model(data.take(idx))
        loss = F.cross_entropy(logits, target[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


def _key_positions(config: PathAttentionConfig, x: Columns, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Where each column's one-hot entries sit in its key, ``(N, width, 3)``, and their values (1 or 0).

    Slot ``a`` at ``a``, slot ``b`` at ``V + b``, the type at ``2V + type``;
    an empty slot (-1) and the slots of the columns appended to reach
    ``width`` (type 0, masked) add 0 at position 0.
    """
    v = config.vocab
    n, c = x.a.shape
    pos = torch.zeros((n, width, 3), dtype=torch.int64)
    val = torch.zeros((n, width, 3))
    pos[:, :c, 0] = x.a.clamp(min=0)
    pos[:, :c, 1] = v + x.b.clamp(min=0)
    pos[:, :, 2] = 2 * v
    pos[:, :c, 2] += x.ctype
    val[:, :c, 0] = (x.a >= 0).float()
    val[:, :c, 1] = (x.b >= 0).float()
    val[:, :, 2] = 1.0
    return pos, val


def _stacked_logits(
    config: PathAttentionConfig,
    w: torch.Tensor,
    u: torch.Tensor,
    pos: torch.Tensor,
    val: torch.Tensor,
    query: torch.Tensor,
) -> torch.Tensor:
    """Logits ``(S, B, V)`` of S stacked models ``W (S, H, Q, D)``, ``U (S, H, V, D)``.

    :meth:`PathAttention.forward` with a leading seed dimension, on key
    positions and values ``pos, val (S, B, C, 3)`` (see :func:`_key_positions`) and query
    positions ``query (S, B, 2)`` (current token, ``V + stage``). The keys are
    the same one-hots, built by one scatter; an appended empty column gets
    attention exactly 0.
    """
    k = torch.zeros((*pos.shape[:-1], config.key_dim)).scatter_add_(-1, pos, val)  # (S, B, C, D)
    q = torch.zeros((*query.shape[:-1], config.query_dim)).scatter_(-1, query, 1.0)  # (S, B, Q)
    qw = torch.einsum("sbq,shqd->sbhd", q, w)
    scores = torch.einsum("sbhd,sbcd->sbhc", qw, k)
    scores = scores.masked_fill((pos[..., 2] == 2 * config.vocab).unsqueeze(2), float("-inf"))
    attn = torch.softmax(scores, dim=-1)
    read = torch.einsum("sbhc,sbcd->sbhd", attn, k)
    return torch.einsum("sbhd,shvd->sbv", read, u)


def train_batched(
    models: Sequence[PathAttention],
    data: Sequence[Columns],
    targets: Sequence[torch.Tensor],
    config: TrainConfig,
    *,
    generators: Sequence[torch.Generator],
) -> list[list[float]]:
    """:func:`train` for S models at once (same config, own pool and generator each); one loss list each.

    The S models run as one model over stacked parameters ``W (S, H, Q, D)``,
    ``U (S, H, V, D)``; each step draws every model's mini-batch from its own
    pool with its own generator, exactly as :func:`train` does, and one Adam
    (elementwise, one shared step-size schedule) minimises the sum of the S
    mean losses, so model s gets its own gradient and update. Each run is
    :func:`train`'s up to floating-point reduction order; the trained
    parameters are copied back into ``models``.
    """
    if not (len(models) == len(data) == len(targets) == len(generators) > 0):
        raise ValueError(
            f"need one model, pool, target and generator per run "
            f"({len(models)}, {len(data)}, {len(targets)}, {len(generators)})"
        )
    cfg = models[0].config
    if any(m.config != cfg for m in models):
        raise ValueError("the stacked models must share one PathAttentionConfig")
    width = max(x.a.shape[1] for x in data)
    sizes = [len(x) for x in data]
    keys = [_key_positions(cfg, x, width) for x in data]
    pos = torch.cat([p for p, _ in keys])  # all pools, one after another
    val = torch.cat([v for _, v in keys])
    query = torch.cat([torch.stack([x.cur, cfg.vocab + x.stage], dim=-1) for x in data])
    target = torch.cat(list(targets))
    offsets = torch.tensor([0, *sizes[:-1]]).cumsum(0).unsqueeze(1)  # (S, 1): where each pool starts
    w = torch.stack([m.W.detach() for m in models]).requires_grad_()
    u = torch.stack([m.U.detach() for m in models]).requires_grad_()
    opt = torch.optim.Adam([w, u], lr=config.lr)
    n, b = len(models), config.batch
    losses: list[list[float]] = [[] for _ in models]
    for step in range(config.steps):
        if config.cosine:
            opt.param_groups[0]["lr"] = 0.5 * config.lr * (1 + math.cos(math.pi * step / config.steps))
        idx = torch.stack(
            [torch.randint(size, (b,), generator=g) for size, g in zip(sizes, generators, strict=True)]
        )
        flat = (idx + offsets).reshape(-1)
        shape = (n, b, width, 3)
        take = pos.index_select(0, flat).reshape(shape), val.index_select(0, flat).reshape(shape)
        logits = _stacked_logits(cfg, w, u, *take, query.index_select(0, flat).reshape(n, b, 2))
        each = F.cross_entropy(logits.reshape(n * b, -1), target.index_select(0, flat), reduction="none")
        per_run = each.reshape(n, b).mean(dim=1)  # (S,)
        opt.zero_grad()
        per_run.sum().backward()
        opt.step()
        for s, value in enumerate(per_run.detach().tolist()):
            losses[s].append(value)
    with torch.no_grad():
        for s, model in enumerate(models):
            model.W.copy_(w[s])
            model.U.copy_(u[s])
    return losses
