"""A two-layer, one-head-per-layer causal transformer with FF switches and test-time ablations.

The model of Chen, Bruna, Bietti (2025), Sec. 3 (after Bietti et al. 2023,
"Birth of a transformer"): token plus learned absolute position embeddings,
two residual blocks ``h += attn(h); h += ff(h)`` with a single softmax head
each and no LayerNorm, a ReLU feed-forward block of width ``4 d`` in the
layers chosen by ``ff_layers``, and a linear unembedding. Test-time
interventions: ``no_ff`` drops the FF output of the given layers,
``no_attn`` drops the attention output of the given layers, and
:func:`truncated` returns a copy whose chosen weight matrix is replaced by
its best rank-``k`` approximation (LASER-style, keeping the top singular
directions). Different from ``models/transformer.py`` (pre-LayerNorm,
multi-head). Returns plain tensors and floats only.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from models.stacked import stack_parameters, unstack_into

__all__ = [
    "AdamConfig",
    "FFAttentionTransformer",
    "ModelConfig",
    "TrainLog",
    "stacked_logits",
    "train_adam",
    "train_adam_batched",
    "truncated",
]


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    """Vocabulary, width, context length and which of the two layers (0, 1) carry an FF block."""

    vocab: int
    d_model: int
    seq_len: int
    ff_layers: tuple[int, ...] = (1,)
    ff_ratio: int = 4
    embed_std: float = 1.0

    def __post_init__(self) -> None:
        if min(self.vocab, self.d_model, self.seq_len, self.ff_ratio) < 1:
            raise ValueError(f"every size must be positive: {self!r}")
        if not set(self.ff_layers) <= {0, 1}:
            raise ValueError(f"ff_layers must be a subset of (0, 1), got {self.ff_layers}")


class Head(nn.Module):
    """One causal softmax attention head with a full-width value/output map."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)

    def forward(self, h: torch.Tensor, last_only: bool = False) -> torch.Tensor:
        _, t, d = h.shape  # batch, time, width
        k, v = self.wk(h), self.wv(h)  # (B, T, d)
        if last_only:  # only the last query: (B, 1, d) output
            q = self.wq(h[:, -1:])  # (B, 1, d)
            att = q @ k.transpose(1, 2) / math.sqrt(d)  # (B, 1, T)
        else:
            q = self.wq(h)  # (B, T, d)
            att = q @ k.transpose(1, 2) / math.sqrt(d)  # (B, T, T)
            mask = torch.ones(t, t, dtype=torch.bool, device=h.device).tril()
            att = att.masked_fill(~mask, float("-inf"))
        return self.wo(att.softmax(dim=-1) @ v)  # (B, T or 1, d)


class FeedForward(nn.Module):
    """``w2 relu(w1 h)``: input matrix ``w1 (r d, d)``, output matrix ``w2 (d, r d)``."""

    def __init__(self, d: int, ratio: int) -> None:
        super().__init__()
        self.w1 = nn.Linear(d, ratio * d, bias=False)
        self.w2 = nn.Linear(ratio * d, d, bias=False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.w2(F.relu(self.w1(h)))


@dataclass(frozen=True)
class Readout:
    """Last-position logits of the full model and with the layer-2 FF output dropped: ``(B, V)`` each."""

    full: torch.Tensor
    no_ff: torch.Tensor


class FFAttentionTransformer(nn.Module):
    """Two residual blocks, one head each, optional FF per layer, no LayerNorm."""

    def __init__(self, config: ModelConfig, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.tok = nn.Embedding(config.vocab, d)
        self.pos = nn.Parameter(torch.zeros(config.seq_len, d))
        self.heads = nn.ModuleList([Head(d), Head(d)])
        self.ffs = nn.ModuleDict({str(i): FeedForward(d, config.ff_ratio) for i in config.ff_layers})
        self.unembed = nn.Linear(d, config.vocab, bias=False)
        with torch.no_grad():  # seeded init, PyTorch's default scales: N(0, 1) embeddings,
            for name, p in self.named_parameters():  # matrices with variance 1 / (3 fan_in)
                std = config.embed_std if name in ("tok.weight", "pos") else 1 / math.sqrt(3 * p.shape[-1])
                p.copy_(torch.randn(p.shape, generator=generator) * std)

    def forward(
        self,
        x: torch.Tensor,
        *,
        no_ff: tuple[int, ...] = (),
        no_attn: tuple[int, ...] = (),
        last_only: bool = False,
    ) -> torch.Tensor:
        """Logits ``(B, T, V)``, or ``(B, V)`` at the last position when ``last_only``."""
        h = self.tok(x) + self.pos[: x.shape[1]]  # (B, T, d)
        h = self._block(0, h, no_ff, no_attn, last_only=False)
        h = self._block(1, h, no_ff, no_attn, last_only=last_only)
        logits = self.unembed(h)
        return logits[:, -1] if last_only else logits

    def readout(self, x: torch.Tensor) -> Readout:
        """Last-position logits with and without the layer-2 FF, from one forward pass."""
        h = self.tok(x) + self.pos[: x.shape[1]]
        h = self._block(0, h, (), (), last_only=False)
        h = h[:, -1:] + self.heads[1](h, last_only=True)  # (B, 1, d)
        ff = self.ffs["1"](h) if "1" in self.ffs else torch.zeros_like(h)
        return Readout(full=self.unembed(h + ff)[:, 0], no_ff=self.unembed(h)[:, 0])

    def _block(
        self, i: int, h: torch.Tensor, no_ff: tuple[int, ...], no_attn: tuple[int, ...], *, last_only: bool
    ) -> torch.Tensor:
        if last_only:
            out = h[:, -1:] + (0 if i in no_attn else self.heads[i](h, last_only=True))
        else:
            out = h + (0 if i in no_attn else self.heads[i](h))
        if str(i) in self.ffs and i not in no_ff:
            out = out + self.ffs[str(i)](out)
        return out


def truncated(model: FFAttentionTransformer, matrix: str, rank: int) -> FFAttentionTransformer:
    """A copy of ``model`` whose weight ``matrix`` (a parameter name, e.g. ``ffs.1.w1.weight``)
    is replaced by its best rank-``rank`` approximation (top singular directions kept)."""
    out = copy.deepcopy(model)
    weight = dict(out.named_parameters())[matrix]
    with torch.no_grad():
        u, s, vh = torch.linalg.svd(weight, full_matrices=False)
        s[rank:] = 0.0
        weight.copy_((u * s) @ vh)
    return out


@dataclass(frozen=True, kw_only=True)
class AdamConfig:
    """Adam on fresh batches: steps, learning rate, batch size, logging cadence."""

    steps: int
    lr: float = 1e-3
    batch: int = 128
    log_every: int = 10
    log_steps: tuple[int, ...] = ()  # extra steps to probe (e.g. a dense early grid)
    optimizer: str = "adam"  # "adam", or "sgd" (with ``momentum`` and ``weight_decay``)
    momentum: float = 0.0
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer {self.optimizer!r} is not 'adam' or 'sgd'")


@dataclass
class TrainLog:
    """Logged steps and, per step, the probes' values (name -> list of floats)."""

    steps: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    loss: list[float] = field(default_factory=list)

    def record(self, step: int, probes: dict[str, float]) -> None:
        self.steps.append(step)
        for name, v in probes.items():
            self.values.setdefault(name, []).append(float(v))


def train_adam(
    model: FFAttentionTransformer,
    draw: Callable[[int], tuple[torch.Tensor, torch.Tensor]],
    probe: Callable[[FFAttentionTransformer], dict[str, float]],
    config: AdamConfig,
) -> TrainLog:
    """Minimise the last-position cross-entropy on fresh batches (Adam, or SGD with momentum).

    ``draw(batch) -> (x (B, T), y (B,))`` gives a training batch; ``probe(model)
    -> dict[str, float]`` is called (under no_grad) at step 0, every
    ``log_every`` steps, at each of ``log_steps``, and after the last step.
    """
    trainable = [p for p in model.parameters() if p.requires_grad]  # frozen parameters stay put
    opt = _optimizer(trainable, config)
    log = TrainLog()
    extra = set(config.log_steps)
    for step in range(config.steps + 1):
        if step % config.log_every == 0 or step == config.steps or step in extra:
            with torch.no_grad():
                log.record(step, probe(model))
        if step == config.steps:
            break
        x, y = draw(config.batch)
        loss = F.cross_entropy(model(x, last_only=True), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        log.loss.append(float(loss.detach()))
    return log


def _optimizer(params: Sequence[torch.Tensor], config: AdamConfig) -> torch.optim.Optimizer:
    """The optimiser ``config`` names over ``params`` (elementwise updates: Adam, SGD with momentum)."""
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            list(params), lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
        )
    return torch.optim.Adam(list(params), lr=config.lr, weight_decay=config.weight_decay)


def stacked_logits(params: dict[str, torch.Tensor], config: ModelConfig, x: torch.Tensor) -> torch.Tensor:
    """Last-position logits ``(S, B, V)`` of S models with stacked parameters on inputs ``x (S, B, T)``.

    ``params`` maps each parameter name of :class:`FFAttentionTransformer`
    to its S values stacked on a leading dimension; the forward pass is
    ``model(x[s], last_only=True)`` of each seed, with every matrix product
    a batched one (one per layer for all seeds).
    """
    seeds, batch, t = x.shape
    d = config.d_model

    def linear(h: torch.Tensor, name: str) -> torch.Tensor:  # h (S, ..., in) @ W[s]^T, W (S, out, in)
        w = params[name]
        return torch.bmm(h.reshape(seeds, -1, h.shape[-1]), w.transpose(1, 2)).reshape(*h.shape[:-1], -1)

    def head(i: int, h: torch.Tensor, last_only: bool) -> torch.Tensor:  # h (S, B, T, d)
        k, v = linear(h, f"heads.{i}.wk.weight"), linear(h, f"heads.{i}.wv.weight")
        q = linear(h[:, :, -1:] if last_only else h, f"heads.{i}.wq.weight")
        att = q @ k.transpose(-1, -2) / math.sqrt(d)  # (S, B, 1 or T, T)
        if not last_only:
            mask = torch.ones(t, t, dtype=torch.bool, device=h.device).tril()
            att = att.masked_fill(~mask, float("-inf"))
        return linear(att.softmax(dim=-1) @ v, f"heads.{i}.wo.weight")

    def ff(i: int, h: torch.Tensor) -> torch.Tensor:
        return linear(F.relu(linear(h, f"ffs.{i}.w1.weight")), f"ffs.{i}.w2.weight")

    tok = params["tok.weight"]  # (S, V, d)
    flat = x.reshape(seeds, batch * t, 1).expand(seeds, batch * t, d)
    h = torch.gather(tok, 1, flat).reshape(seeds, batch, t, d) + params["pos"][:, None, :t]
    h = h + head(0, h, last_only=False)
    if 0 in config.ff_layers:
        h = h + ff(0, h)
    h = h[:, :, -1:] + head(1, h, last_only=True)
    if 1 in config.ff_layers:
        h = h + ff(1, h)
    return linear(h, "unembed.weight")[:, :, 0]


def train_adam_batched(
    models: Sequence[FFAttentionTransformer],
    draws: Sequence[Callable[[int], tuple[torch.Tensor, torch.Tensor]]],
    probes: Sequence[Callable[[FFAttentionTransformer], dict[str, float]]],
    config: AdamConfig,
) -> list[TrainLog]:
    """:func:`train_adam` for S seeds at once: ``models[s]`` on ``draws[s]``'s batches, one log each.

    The S models (same config, same frozen parameters) train as one model
    over stacked parameters (leading seed dimension, :func:`stacked_logits`)
    with one optimiser on the sum of the S mean losses: Adam and SGD with
    momentum and weight decay are elementwise, so seed s gets its own update.
    Each step calls every seed's ``draw`` (each drawing from its own
    generator, as in :func:`train_adam`). At the probed steps the current
    parameters are copied into ``models`` and each seed's ``probe`` runs on
    its own model; after training ``models`` hold the trained parameters.
    Each seed's run is :func:`train_adam`'s up to floating-point reduction
    order.
    """
    if not (len(models) == len(draws) == len(probes) > 0):
        raise ValueError(
            f"need one model, draw and probe per seed ({len(models)}, {len(draws)}, {len(probes)})"
        )
    base = models[0]
    names = [name for name, _ in base.named_parameters()]
    per_seed = [dict(m.named_parameters()) for m in models]
    if any(m.config != base.config or list(p) != names for m, p in zip(models, per_seed, strict=True)):
        raise ValueError("the models must share one config")
    params = stack_parameters(models)  # name -> (S, ...); frozen parameters stay frozen
    opt = _optimizer([params[name] for name in names if params[name].requires_grad], config)

    def sync() -> None:  # the stacked parameters into the per-seed models
        unstack_into(models, params)

    logs = [TrainLog() for _ in models]
    extra = set(config.log_steps)
    for step in range(config.steps + 1):
        if step % config.log_every == 0 or step == config.steps or step in extra:
            sync()
            with torch.no_grad():
                for model, probe, log in zip(models, probes, logs, strict=True):
                    log.record(step, probe(model))
        if step == config.steps:
            break
        batches = [draw(config.batch) for draw in draws]
        x = torch.stack([b[0] for b in batches])  # (S, B, T)
        y = torch.stack([b[1] for b in batches])  # (S, B)
        logits = stacked_logits(params, base.config, x)  # (S, B, V)
        losses = torch.stack([F.cross_entropy(logits[s], y[s]) for s in range(len(models))])
        opt.zero_grad(set_to_none=True)
        losses.sum().backward()
        opt.step()
        for log, loss in zip(logs, losses.detach().tolist(), strict=True):
            log.loss.append(float(loss))
    return logs
