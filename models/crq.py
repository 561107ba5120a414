"""Recurrent models for compositional reasoning questions (CRQs).

Two models:

* :class:`StackRNN`, an exact construction in the spirit of the RNN upper
  bound of Yehudai, Amsel, Bruna (2025), arXiv:2503.01544, Sec. 4: nodes
  arrive in post-order, the hidden state is a stack of ``capacity`` answer
  vectors (state dimension ``capacity * dim``), and the update is a fixed
  piecewise-linear map: a leaf shifts the stack down and writes its vector on
  top; a binary node pops its two children's answers and pushes the one with
  the larger inner product with its own vector. An overflowing stack loses its
  bottom row, so a too-small capacity gives wrong answers.
* :class:`GRUClassifier`, a trained one-layer GRU with a linear readout of the
  last hidden state, and :func:`train_classifier`, an Adam loop on fresh
  minibatches drawn by a caller-supplied sampler;
  :func:`train_classifiers_batched` trains several seeds' GRUs as one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from models.stacked import stack_parameters, unstack_into

__all__ = [
    "GRUClassifier",
    "GRUConfig",
    "Sampler",
    "StackRNN",
    "StackRNNConfig",
    "TrainConfig",
    "accuracy",
    "train_classifier",
    "train_classifiers_batched",
]


# --------------------------------------------------------------------------- exact construction


@dataclass(frozen=True, kw_only=True)
class StackRNNConfig:
    """Answer dimension ``dim`` and stack ``capacity`` (state dimension = capacity * dim)."""

    dim: int
    capacity: int

    def __post_init__(self) -> None:
        if self.dim < 1 or self.capacity < 1:
            raise ValueError(f"dim and capacity must be positive: {self!r}")


class StackRNN:
    """The post-order stack RNN: h_t = f(h_{t-1}, x_t, arity_t) with h_t of shape (capacity, dim)."""

    def __init__(self, config: StackRNNConfig) -> None:
        self.config = config
        k = config.capacity
        self.down = torch.diag(torch.ones(k - 1), -1)  # (k, k): row i -> row i + 1 (push)
        self.pop = torch.zeros(k, k)  # (k, k): row i + 1 -> row i for i >= 1; row 0 gets the selection
        for i in range(1, k - 1):
            self.pop[i, i + 1] = 1.0

    @property
    def state_dim(self) -> int:
        return self.config.capacity * self.config.dim

    def step(self, h: torch.Tensor, x: torch.Tensor, arity: int) -> torch.Tensor:
        """One update. h (b, k, d), x (b, d); arity 0 (leaf) or 2 (binary node)."""
        top = torch.zeros_like(h)
        if arity == 0:
            top[:, 0] = x
            return torch.einsum("ij,bjd->bid", self.down.to(h.dtype), h) + top  # push
        if arity != 2:
            raise ValueError(f"arity {arity} is not 0 or 2")
        second = torch.zeros_like(h[:, 0]) if self.config.capacity < 2 else h[:, 1]
        first = h[:, 0]
        # gate = 1 when the first popped answer scores at least as high: a step of an affine score
        gate = ((x * (first - second)).sum(-1, keepdim=True) >= 0).to(h.dtype)  # (b, 1)
        top[:, 0] = gate * first + (1 - gate) * second
        return torch.einsum("ij,bjd->bid", self.pop.to(h.dtype), h) + top  # pop two, push the selection

    def run(self, labels: torch.Tensor, arities: tuple[int, ...]) -> torch.Tensor:
        """Final top-of-stack (b, d) for node vectors ``labels`` (b, T, d) fed in the given order."""
        b, t, d = labels.shape
        if d != self.config.dim or t != len(arities):
            raise ValueError(
                f"labels {tuple(labels.shape)} do not match dim {self.config.dim} / {len(arities)} steps"
            )
        h = torch.zeros(b, self.config.capacity, d, dtype=labels.dtype)
        for i, arity in enumerate(arities):
            h = self.step(h, labels[:, i], arity)
        return h[:, 0]


# --------------------------------------------------------------------------- trained GRU


@dataclass(frozen=True, kw_only=True)
class GRUConfig:
    """Token vocabulary, embedding width, hidden size and number of classes."""

    vocab: int
    hidden: int
    embed: int = 8
    classes: int = 2

    def __post_init__(self) -> None:
        if min(self.vocab, self.hidden, self.embed, self.classes) < 1:
            raise ValueError(f"every size must be positive: {self!r}")


class GRUClassifier(nn.Module):
    """Embedding -> one-layer GRU -> linear readout of the last hidden state."""

    def __init__(self, config: GRUConfig, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        self.emb = nn.Embedding(config.vocab, config.embed)
        self.gru = nn.GRU(config.embed, config.hidden, batch_first=True)
        self.head = nn.Linear(config.hidden, config.classes)
        with torch.no_grad():  # PyTorch's default init, drawn from ``generator``
            for name, p in self.named_parameters():
                if name.startswith("emb"):
                    p.copy_(torch.randn(p.shape, generator=generator))
                else:
                    fan = config.hidden if name.startswith("gru") else p.shape[-1]
                    bound = fan**-0.5
                    p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) * bound)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (b, classes) for tokens (b, t)."""
        out, _ = self.gru(self.emb(tokens))  # (b, t, hidden)
        return self.head(out[:, -1])  # (b, classes)


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Adam on ``steps`` fresh minibatches of size ``batch`` at learning rate ``lr``."""

    steps: int
    batch: int
    lr: float

    def __post_init__(self) -> None:
        if self.steps < 1 or self.batch < 1 or not self.lr > 0:
            raise ValueError(f"bad training config {self!r}")


Sampler = Callable[[int], tuple[torch.Tensor, torch.Tensor]]


def train_classifier(model: nn.Module, sample: Sampler, config: TrainConfig) -> list[float]:
    """Cross-entropy with Adam on fresh batches ``sample(batch) -> (tokens, labels)``; returns the losses."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    losses = []
    model.train()
    for _ in range(config.steps):
        x, y = sample(config.batch)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    model.eval()
    return losses


def accuracy(model: nn.Module, tokens: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of ``tokens`` whose argmax logit is the label."""
    with torch.no_grad():
        return float((model(tokens).argmax(-1) == labels).float().mean())


def train_classifiers_batched(
    models: Sequence[GRUClassifier], samples: Sequence[Sampler], config: TrainConfig, *, max_units: int = 128
) -> list[list[float]]:
    """``train_classifier`` for S seeds at once: ``models[s]`` on ``samples[s]``'s batches, one loss log each.

    The GRUs run as one GRU of S * hidden units whose weight matrices are
    block diagonal (seed s's units read only seed s's embedded tokens and
    hidden units; the off-diagonal blocks are built as exact zeros, so no
    gradient reaches them). Each step draws every seed's batch from its own
    sampler (the samplers must not share a generator), and Adam (elementwise)
    steps the stacked parameters on the sum of the S mean losses, so each
    seed's run is ``train_classifier``'s up to floating-point reduction order.
    The block-diagonal products cost S**2, so the models train in groups of at
    most ``max_units`` hidden units in all (measured on one CPU thread: 16
    GRUs of 5 units at once beat two groups of 8; 8 GRUs of 16 units beat 16).
    The trained parameters are copied back into ``models``.

    Two limits of the block-diagonal form: a seed's numbers move with its
    group's size (the products' shapes change: about 1e-8 in a loss between
    groups of 3, 2 and 1), so a partly cached look, whose uncached seeds form a
    smaller group, can differ from a cold run at that level; and a NaN in one
    seed reaches the whole group (0 * NaN is NaN in the off-diagonal blocks),
    so the batch reports every seed of the group as an error where the
    unbatched run would blame one (the claim is ERROR either way).
    """
    if not (len(models) == len(samples) > 0):
        raise ValueError(f"need one sampler per model ({len(models)}, {len(samples)})")
    cfg = models[0].config
    if any(m.config != cfg for m in models):
        raise ValueError("the models must share one GRUConfig")
    size = max(1, max_units // cfg.hidden)
    losses: list[list[float]] = []
    for start in range(0, len(models), size):
        losses += _train_block_diagonal(models[start : start + size], samples[start : start + size], config)
    return losses


def _train_block_diagonal(
    models: Sequence[GRUClassifier], samples: Sequence[Sampler], config: TrainConfig
) -> list[list[float]]:
    """One group of :func:`train_classifiers_batched`: the models as one block-diagonal GRU."""
    cfg = models[0].config
    n, h = len(models), cfg.hidden
    stacked = stack_parameters(models)
    # a shape only, on the meta device: building it draws nothing from torch's global generator (the
    # GRUClassifiers' own default inits do, in both paths, before this)
    gru = nn.GRU(n * cfg.embed, n * h, batch_first=True, device="meta")
    eye = torch.eye(n)

    def block_diag(w: torch.Tensor) -> torch.Tensor:  # (S, 3h, in) -> (3 S h, S in), gate-major rows
        full = torch.einsum("sgij,st->gsitj", w.view(n, 3, h, -1), eye)
        return full.reshape(3 * n * h, -1)

    def gate_major(b: torch.Tensor) -> torch.Tensor:  # (S, 3h) -> (3 S h)
        return b.view(n, 3, h).transpose(0, 1).reshape(-1)

    opt = torch.optim.Adam(stacked.values(), lr=config.lr)
    losses: list[list[float]] = [[] for _ in models]
    for _ in range(config.steps):
        batches = [sample(config.batch) for sample in samples]
        x = torch.stack([b[0] for b in batches])  # (S, B, T)
        y = torch.stack([b[1] for b in batches])  # (S, B)
        emb = stacked["emb.weight"][torch.arange(n)[:, None, None], x]  # (S, B, T, embed)
        inputs = emb.permute(1, 2, 0, 3).reshape(x.shape[1], x.shape[2], -1)  # (B, T, S * embed)
        weights = {
            "weight_ih_l0": block_diag(stacked["gru.weight_ih_l0"]),
            "weight_hh_l0": block_diag(stacked["gru.weight_hh_l0"]),
            "bias_ih_l0": gate_major(stacked["gru.bias_ih_l0"]),
            "bias_hh_l0": gate_major(stacked["gru.bias_hh_l0"]),
        }
        out, _ = torch.func.functional_call(gru, weights, (inputs,))
        last = out[:, -1].view(-1, n, h)  # (B, S, h)
        logits = torch.einsum("bsh,sch->sbc", last, stacked["head.weight"]) + stacked["head.bias"][:, None]
        loss = torch.stack([F.cross_entropy(logits[s], y[s]) for s in range(n)])  # (S,)
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()
        opt.step()
        for log, value in zip(losses, loss.tolist(), strict=True):
            log.append(value)
    unstack_into(models, stacked)
    return losses
