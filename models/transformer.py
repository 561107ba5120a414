"""A small causal transformer (nanoGPT style) and a full-batch trainer with a loss mask.

Pre-LayerNorm blocks, learned positional embeddings, no dropout, untied
output head. The config is a frozen dataclass; the model is generic (vocab,
d_model, n_layers, n_heads, seq_len), so any paper's token task can reuse it.
The trainer fits next-token prediction on a fixed batch of sequences, with a
boolean mask saying which target positions count (e.g. only the last token).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "AdamWConfig",
    "CausalSelfAttention",
    "FitLog",
    "TinyCausalTransformer",
    "TransformerConfig",
    "last_token_mask",
    "train_adamw",
]


@dataclass(frozen=True, kw_only=True)
class TransformerConfig:
    """Sizes of the model: token vocabulary, width, depth, heads, context length."""

    vocab: int
    d_model: int
    n_layers: int
    n_heads: int
    seq_len: int
    mlp_ratio: int = 4

    def __post_init__(self) -> None:
        if min(self.vocab, self.d_model, self.n_layers, self.n_heads, self.seq_len, self.mlp_ratio) < 1:
            raise ValueError(f"every size must be positive: {self!r}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention with a causal mask."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(self.heads(x))

    def heads(self, x: torch.Tensor) -> torch.Tensor:
        """The heads' outputs (b, t, c), concatenated, before the output projection."""
        b, t, c = x.shape  # batch, time, channels
        q, k, v = self.qkv(x).split(c, dim=2)
        h = self.n_heads
        q, k, v = (z.view(b, t, h, c // h).transpose(1, 2) for z in (q, k, v))  # (b, h, t, c/h)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (b, h, t, c/h)
        return y.transpose(1, 2).reshape(b, t, c)


class Block(nn.Module):
    """Pre-LN transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        d = config.d_model
        self.ln1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(d)
        hidden = config.mlp_ratio * d
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))

    def last_row(self, x: torch.Tensor) -> torch.Tensor:
        """``forward(x)[:, -1]`` (b, d): attention over every position, the row-wise rest on the last row."""
        y = x[:, -1] + self.attn.proj(self.attn.heads(self.ln1(x))[:, -1])
        return y + self.mlp(self.ln2(y))


class TinyCausalTransformer(nn.Module):
    """Token + position embedding, ``n_layers`` blocks, final LayerNorm, untied head."""

    def __init__(self, config: TransformerConfig, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.tok = nn.Embedding(config.vocab, d)
        self.pos = nn.Embedding(config.seq_len, d)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.vocab, bias=False)
        self._init_weights(generator)

    def _init_weights(self, generator: torch.Generator) -> None:
        """GPT-2 init from ``generator``: N(0, 0.02), residual projections scaled by depth."""
        resid = 0.02 / math.sqrt(2 * self.config.n_layers)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if p.dim() == 1:
                    p.fill_(1.0 if name.endswith("weight") else 0.0)  # LayerNorm weights, biases
                else:
                    std = resid if name.endswith(("proj.weight", "mlp.2.weight")) else 0.02
                    p.copy_(torch.randn(p.shape, generator=generator) * std)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (b, t, vocab) for tokens (b, t), t <= seq_len."""
        x = self._embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))  # (b, t, vocab)

    def last_logits(self, tokens: torch.Tensor) -> torch.Tensor:
        """``forward(tokens)[:, -1]`` (b, vocab) for greedy decoding.

        After the last block's attention every op (projection, MLP, LayerNorms, head) maps rows to rows,
        so only the last row is computed. The same numbers up to rounding in general: a row of an MKL
        matrix product can round differently with fewer than 8 rows in the product. At yehudai2025's
        sizes (500 and 1000 sequences) it is ``forward``'s bit for bit, checked with == in
        tests/unit/test_transformer.py."""
        x = self._embed(tokens)
        for block in self.blocks[:-1]:
            x = block(x)
        return self.head(self.ln_f(cast(Block, self.blocks[-1]).last_row(x)))

    def _embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token plus position embeddings (b, t, d) for tokens (b, t), t <= seq_len."""
        t = tokens.shape[1]
        if t > self.config.seq_len:
            raise ValueError(f"sequence length {t} exceeds seq_len={self.config.seq_len}")
        return self.tok(tokens) + self.pos(torch.arange(t, device=tokens.device))


@dataclass(frozen=True, kw_only=True)
class AdamWConfig:
    """Full-batch AdamW: ``steps`` updates at learning rate ``lr``, logged every ``log_every``."""

    steps: int
    lr: float
    weight_decay: float = 0.0
    log_every: int = 50

    def __post_init__(self) -> None:
        if self.steps < 1 or self.log_every < 1 or not self.lr > 0 or self.weight_decay < 0:
            raise ValueError(f"bad AdamW config {self!r}")


@dataclass(frozen=True)
class FitLog:
    """Logged steps and the masked training loss at each."""

    steps: tuple[int, ...]
    loss: tuple[float, ...]


def last_token_mask(n: int, seq_len: int) -> np.ndarray:
    """A (n, seq_len - 1) target mask that keeps only the prediction of the last token."""
    mask = np.zeros((n, seq_len - 1), dtype=bool)
    mask[:, -1] = True
    return mask


def masked_loss(model: TinyCausalTransformer, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the target positions where ``mask`` is true.

    ``tokens`` is (b, t); position ``j`` of the mask (b, t - 1) scores the
    prediction of ``tokens[:, j + 1]`` from ``tokens[:, : j + 1]``.
    """
    logits = model(tokens[:, :-1])  # (b, t-1, vocab)
    targets = tokens[:, 1:]  # (b, t-1)
    return F.cross_entropy(logits[mask], targets[mask])


def train_adamw(
    model: TinyCausalTransformer,
    tokens: np.ndarray,
    mask: np.ndarray,
    config: AdamWConfig,
) -> FitLog:
    """Full-batch AdamW on the masked next-token loss of ``tokens`` (n, t)."""
    x = torch.as_tensor(tokens, dtype=torch.long)
    m = torch.as_tensor(mask, dtype=torch.bool)
    if m.shape != (x.shape[0], x.shape[1] - 1):
        raise ValueError(f"mask shape {tuple(m.shape)} must be (n, t - 1) = {(x.shape[0], x.shape[1] - 1)}")
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps, losses = [], []
    model.train()
    for step in range(config.steps + 1):
        loss = masked_loss(model, x, m)
        if step % config.log_every == 0 or step == config.steps:
            steps.append(step)
            losses.append(float(loss.detach()))
        if step == config.steps:
            break
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()
    return FitLog(tuple(steps), tuple(losses))
