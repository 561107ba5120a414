"""Multi-head attention with rank-r query-key factors (Amsel, Yehudai, Bruna 2024).

One attention layer read out at a query ``x_0`` over context points
``x_1..x_N`` (no MLP, no residual, the query does not attend to itself)::

    s_hi  = (Q_h^T x_0) . (K_h^T x_i)          Q_h, K_h in R^{d x r}: rank-r score of head h
    p_hi  = softmax_i(s_hi)                    attention of head h over the context
    out   = sum_h V_h sum_i p_hi x_i           V_h in R^{d x d}: a full value map per head

A full-rank head is ``H = 1, r = d``; the standard budget is ``H r = d``.
Every head has a full d x d value map, which gives low-rank heads *more*
value capacity than a standard head, so any gap is due to the query-key rank.
:func:`nearest_neighbour_head` is the analytic construction of the paper
(``Q K^T = beta I``, ``V = I``): softmax tends to argmax as beta grows, so one
full-rank head represents the nearest-neighbour read-out for any N.

:class:`DeepAttnRank` stacks L such layers on the query's stream (Sec. 6 of
the paper, depth): context tokens carry a one-hot position code, hidden
layers add their output to the query's residual stream, the last layer reads
out. :func:`two_layer_nn_construction` is our N = 2 construction with d + 1
rank-1 heads (d heads compare coordinates, one head picks the winner).

Training (:func:`train`) is Adam with cosine decay on fresh batches drawn by a
caller-supplied sampler, MSE loss; no weight decay (the scores must be free
to grow, since the target is a hard argmax).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from models.stacked import stack_parameters, unstack_into

# (batch, generator) -> (query (B, d), context (B, N, d), target (B, d))
Sampler = Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]


@dataclass(frozen=True, kw_only=True)
class RankConfig:
    """Embedding dimension d, number of heads H and query-key rank r per head."""

    dim: int
    heads: int
    rank: int

    def __post_init__(self) -> None:
        if not (self.dim >= 1 and self.heads >= 1 and 1 <= self.rank <= self.dim):
            raise ValueError(f"need d >= 1, H >= 1 and 1 <= r <= d, got {self}")


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Adam with cosine decay on fresh batches."""

    steps: int = 400
    batch: int = 256
    lr: float = 3e-3


class MultiHeadAttnRank(nn.Module):
    """H heads of rank-r query-key products with full per-head values, read out at the query."""

    def __init__(self, config: RankConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d, h, r = config.dim, config.heads, config.rank
        # init: Q, K ~ N(0, 1/d); V ~ N(0, 2 / (d (H + 1))), the variance of the authors' Xavier init of
        # the value-output map (attention-formers@24a779c5, models.py:34-38). The earlier 1 / (d H^2)
        # left H rank-1 heads on a plateau (rel ~0.68 instead of ~0.35 at d 8, N 2) for thousands of steps.
        self.q = nn.Parameter(torch.randn(h, d, r, generator=generator) / math.sqrt(d))  # (H, d, r)
        self.k = nn.Parameter(torch.randn(h, d, r, generator=generator) / math.sqrt(d))  # (H, d, r)
        self.v = nn.Parameter(torch.randn(h, d, d, generator=generator) * value_std(d, h))  # (H, d, d)

    def attention(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Attention probabilities (B, H, N) of every head over the context."""
        qp = torch.einsum("bd,hdr->bhr", query, self.q)  # (B, H, r)
        kp = torch.einsum("bnd,hdr->bhnr", context, self.k)  # (B, H, N, r)
        scores = torch.einsum("bhr,bhnr->bhn", qp, kp)  # (B, H, N)
        return torch.softmax(scores, dim=-1)

    def forward(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Read-out (B, d) for queries (B, d) and contexts (B, N, d)."""
        p = self.attention(query, context)  # (B, H, N)
        mixed = torch.einsum("bhn,bnd->bhd", p, context)  # (B, H, d): each head's average of the context
        return torch.einsum("bhd,hed->be", mixed, self.v)  # (B, d): sum_h V_h mixed_h

    def parameter_count(self) -> int:
        """Number of trainable scalars (H (2 d r + d^2))."""
        return sum(p.numel() for p in self.parameters())


def value_std(width: int, heads: int) -> float:
    """Std of the value maps at init: the authors' Xavier variance 2 / (width (heads + 1))."""
    return math.sqrt(2.0 / (width * (heads + 1)))


def nearest_neighbour_head(dim: int, beta: float) -> MultiHeadAttnRank:
    """The paper's construction: one full-rank head with Q K^T = beta I and V = I."""
    model = MultiHeadAttnRank(RankConfig(dim=dim, heads=1, rank=dim), torch.Generator().manual_seed(0))
    with torch.no_grad():
        eye = torch.eye(dim)
        model.q.copy_(math.sqrt(beta) * eye[None])
        model.k.copy_(math.sqrt(beta) * eye[None])
        model.v.copy_(eye[None])
    return model


def mse(model: nn.Module, query: torch.Tensor, context: torch.Tensor, target: torch.Tensor) -> float:
    """Mean over the batch of the squared error ||out - target||^2."""
    with torch.no_grad():
        return float(((model(query, context) - target) ** 2).sum(dim=-1).mean())


def train(model: nn.Module, sample: Sampler, config: TrainConfig, generator: torch.Generator) -> list[float]:
    """Adam (cosine-decayed lr) on fresh batches; returns the training loss of every step."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    losses = []
    for step in range(config.steps):
        for group in opt.param_groups:
            group["lr"] = config.lr * 0.5 * (1.0 + math.cos(math.pi * step / config.steps))
        query, context, target = sample(config.batch, generator)
        loss = ((model(query, context) - target) ** 2).sum(dim=-1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


@dataclass(frozen=True, kw_only=True)
class DeepRankConfig:
    """A stack of L attention layers, each of H heads of rank r, on d-dim inputs with N context points."""

    dim: int
    context: int
    heads: int
    rank: int
    layers: int

    def __post_init__(self) -> None:
        width = self.dim + self.context
        if not (self.dim >= 1 and self.context >= 1 and self.heads >= 1 and self.layers >= 1):
            raise ValueError(f"need d, N, H, L >= 1, got {self}")
        if not 1 <= self.rank <= width:
            raise ValueError(f"need 1 <= r <= d + N = {width}, got {self}")

    @property
    def width(self) -> int:
        """Stream width D = d + N: the input, then the position code (scratch space on the query)."""
        return self.dim + self.context


class DeepAttnRank(nn.Module):
    """L layers of H rank-r heads read out at the query; context tokens are [x_i, e_i], fixed.

    Layer l scores s_hi = (Q_h^T y) . (K_h^T z_i) with y the query's stream
    (starts as [x_0, 0]); a hidden layer adds sum_h V_h sum_i p_hi z_i to y,
    the last outputs sum_h W_h sum_i p_hi z_i in R^d. With L = 1 this is
    :class:`MultiHeadAttnRank` on position-coded context tokens. Only the
    query's row is computed: the context tokens are not updated by earlier layers.
    """

    def __init__(self, config: DeepRankConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d, h, r, n_layers, w = config.dim, config.heads, config.rank, config.layers, config.width
        # init as MultiHeadAttnRank: Q, K ~ N(0, 1/D); V, W ~ N(0, 2 / (D (H + 1)))
        # (L, H, D, r) query and key factors of every layer's heads
        self.q = nn.Parameter(torch.randn(n_layers, h, w, r, generator=generator) / math.sqrt(w))
        self.k = nn.Parameter(torch.randn(n_layers, h, w, r, generator=generator) / math.sqrt(w))
        self.v = nn.Parameter(  # (L-1, H, D, D): hidden layers write into the query's stream
            torch.randn(n_layers - 1, h, w, w, generator=generator) * value_std(w, h)
        )
        self.w = nn.Parameter(torch.randn(h, d, w, generator=generator) * value_std(w, h))  # (H, d, D)

    def tokens(self, query: torch.Tensor, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The query's initial stream (B, D) and the position-coded context tokens (B, N, D)."""
        b, n = context.shape[0], self.config.context
        positions = torch.eye(n, dtype=context.dtype).expand(b, n, n)  # (B, N, N): one-hot codes
        z = torch.cat([context, positions], dim=-1)  # (B, N, D)
        y = torch.cat([query, query.new_zeros(b, n)], dim=-1)  # (B, D)
        return y, z

    def forward(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Read-out (B, d) for queries (B, d) and contexts (B, N, d)."""
        y, z = self.tokens(query, context)
        for layer in range(self.config.layers):
            qp = torch.einsum("bD,hDr->bhr", y, self.q[layer])  # (B, H, r)
            kp = torch.einsum("bnD,hDr->bhnr", z, self.k[layer])  # (B, H, N, r)
            p = torch.softmax(torch.einsum("bhr,bhnr->bhn", qp, kp), dim=-1)  # (B, H, N)
            mixed = torch.einsum("bhn,bnD->bhD", p, z)  # (B, H, D)
            if layer == self.config.layers - 1:
                return torch.einsum("bhD,heD->be", mixed, self.w)  # (B, d)
            y = y + torch.einsum("bhD,heD->be", mixed, self.v[layer])  # (B, D): residual update
        raise AssertionError("unreachable: layers >= 1")

    def parameter_count(self) -> int:
        """Number of trainable scalars (L H 2 D r + (L - 1) H D^2 + H d D)."""
        return sum(p.numel() for p in self.parameters())


def two_layer_nn_construction(dim: int, alpha: float, gamma: float) -> DeepAttnRank:
    """Two layers of d rank-1 heads that approximate the nearest neighbour at N = 2 (our construction).

    Layer 1, head k: score alpha^2 x_0k x_ik, so head k puts weight
    sigmoid(+-alpha^2 x_0k (x_1k - x_2k)) on each point and copies the position
    code into the query's scratch slots: S_1 - S_2 = sum_k tanh(alpha^2 x_0k (x_1k - x_2k) / 2),
    which has the sign of <x_0, x_1 - x_2> for small alpha. Layer 2, head 0:
    score gamma (S_1 - S_2) (e_1 - e_2) . e_i, a rank-1 comparison; W_0 = [I, 0]
    reads out the winner. The error vanishes as alpha -> 0 with gamma alpha^2 -> infinity.
    """
    config = DeepRankConfig(dim=dim, context=2, heads=dim, rank=1, layers=2)
    model = DeepAttnRank(config, torch.Generator().manual_seed(0))
    sign = torch.tensor([1.0, -1.0])
    with torch.no_grad():
        for tensor in (model.q, model.k, model.v, model.w):
            tensor.zero_()
        for head in range(dim):  # layer 1: coordinate-wise comparison, written to the scratch slots
            model.q[0, head, head, 0] = abs(alpha)
            model.k[0, head, head, 0] = abs(alpha)
            model.v[0, head, dim:, dim:] = torch.eye(2)
        model.q[1, 0, dim:, 0] = gamma * sign  # layer 2: gamma (S_1 - S_2)
        model.k[1, 0, dim:, 0] = sign  # ... times +1 for point 1, -1 for point 2
        model.w[0, :, :dim] = torch.eye(dim)
    return model


# (batch, generators) -> query (S, B, d), context (S, B, N, d), target (S, B, d); row s from generators[s]
StackedSampler = Callable[[int, Sequence[torch.Generator]], tuple[torch.Tensor, torch.Tensor, torch.Tensor]]


def train_batched(
    models: Sequence[MultiHeadAttnRank] | Sequence[DeepAttnRank],
    sample: StackedSampler,
    config: TrainConfig,
    generators: Sequence[torch.Generator],
    *,
    freeze_first_layer: bool = False,
) -> list[list[float]]:
    """:func:`train` for S seeds at once: ``models[s]`` trained on batches from ``generators[s]``.

    The S models (one class, one config) run as one model over their stacked
    parameters (a leading seed dimension); one Adam over the stacked tensors
    minimises the sum of the S mean losses, so each seed gets its own gradient
    and, Adam being elementwise, its own update. Each seed's run is
    :func:`train`'s up to float reduction order; the trained parameters are
    copied back into ``models``. ``freeze_first_layer`` (a :class:`DeepAttnRank`
    only) zeroes the gradients of the first layer's query, key and value factors,
    so Adam leaves them at init. Returns every seed's training losses.
    """
    if not (len(models) == len(generators) > 0):
        raise ValueError(f"need one model per generator ({len(models)}, {len(generators)})")
    first = models[0]
    if any(type(m) is not type(first) or m.config != first.config for m in models):
        raise ValueError("the models of one batch need one class and one config")
    if freeze_first_layer and not isinstance(first, DeepAttnRank):
        raise ValueError("freeze_first_layer needs a DeepAttnRank")
    params = stack_parameters(models)
    if isinstance(first, DeepAttnRank) and freeze_first_layer and first.config.layers > 1:
        for name in ("q", "k", "v"):
            params[name].register_hook(_zero_first_layer_stacked)
    opt = torch.optim.Adam(list(params.values()), lr=config.lr)
    losses = []
    for step in range(config.steps):
        for group in opt.param_groups:
            group["lr"] = config.lr * 0.5 * (1.0 + math.cos(math.pi * step / config.steps))
        query, context, target = sample(config.batch, generators)
        per_seed = ((_stacked_forward(first, params, query, context) - target) ** 2).sum(dim=-1).mean(dim=1)
        opt.zero_grad(set_to_none=True)
        per_seed.sum().backward()
        opt.step()
        losses.append(per_seed.detach())
    unstack_into(models, params)
    return torch.stack(losses).T.tolist() if losses else [[] for _ in models]


def _zero_first_layer_stacked(grad: torch.Tensor) -> torch.Tensor:
    out = grad.clone()
    out[:, 0] = 0.0  # (S, L, ...): layer 0 of every seed
    return out


def _stacked_forward(
    model: nn.Module, params: dict[str, torch.Tensor], query: torch.Tensor, context: torch.Tensor
) -> torch.Tensor:
    """The read-out (S, B, d) of S stacked copies of ``model``'s class and config."""
    if isinstance(model, MultiHeadAttnRank):
        return _heads_stacked(params["q"], params["k"], query, context, context, params["v"])
    if isinstance(model, DeepAttnRank):
        return _deep_stacked(model.config, params, query, context)
    raise TypeError(f"no stacked forward for {type(model).__name__}")


def _heads_stacked(
    q: torch.Tensor, k: torch.Tensor, y: torch.Tensor, z: torch.Tensor, values: torch.Tensor, v: torch.Tensor
) -> torch.Tensor:
    """One layer of S stacked models: sum_h V_h sum_i p_hi z_i, (S, B, E).

    ``q, k (S, H, D, r)``, query stream ``y (S, B, D)``, tokens ``z (S, B, N, D)``,
    ``values``: what the heads average (``z`` or a slice), ``v (S, H, E, D')``.
    The products are grouped as S matrix products (one per seed) rather than
    the per-example einsums of the unbatched forward: the same sums, another order.
    """
    s, h, width, r = q.shape
    b, n = z.shape[1], z.shape[2]
    qp = torch.bmm(y, q.permute(0, 2, 1, 3).reshape(s, width, h * r)).view(s, b, 1, h, r)
    kp = torch.bmm(z.reshape(s, b * n, width), k.permute(0, 2, 1, 3).reshape(s, width, h * r))
    scores = (qp * kp.view(s, b, n, h, r)).sum(dim=-1)  # (S, B, N, H)
    p = torch.softmax(scores, dim=2)
    mixed = (p[..., None] * values[:, :, :, None, :]).sum(dim=2)  # (S, B, H, D'): N is short
    out_dim, in_dim = v.shape[2], v.shape[3]
    vt = v.permute(0, 1, 3, 2).reshape(s, h * in_dim, out_dim)  # [h D' + j, e] = V_h[e, j]
    return torch.bmm(mixed.reshape(s, b, h * in_dim), vt)


def _deep_stacked(
    config: DeepRankConfig, params: dict[str, torch.Tensor], query: torch.Tensor, context: torch.Tensor
) -> torch.Tensor:
    """:meth:`DeepAttnRank.forward` of S stacked models: (S, B, d) -> (S, B, d)."""
    s, b, n = context.shape[0], context.shape[1], config.context
    positions = torch.eye(n, dtype=context.dtype).expand(s, b, n, n)
    z = torch.cat([context, positions], dim=-1)  # (S, B, N, D)
    y = torch.cat([query, query.new_zeros(s, b, n)], dim=-1)  # (S, B, D)
    q, k = params["q"], params["k"]
    for layer in range(config.layers):
        if layer == config.layers - 1:
            return _heads_stacked(q[:, layer], k[:, layer], y, z, z, params["w"])
        y = y + _heads_stacked(q[:, layer], k[:, layer], y, z, z, params["v"][:, layer])
    raise AssertionError("unreachable: layers >= 1")
