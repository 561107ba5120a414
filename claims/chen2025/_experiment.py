"""The chen2025 experiment, shared by both claims (not a claim module).

Train the two-layer transformer (FF in layer 2 only) with Adam on fresh
noisy-recall batches, loss at the last position (the trigger), and measure on
512 held-out sequences whose context contains no noise token:

- during training, every ``log_every`` steps: p_tau and p_ybar of the full
  model and p_ybar with the layer-2 FF dropped (series), from which the
  first-crossing times ``t_tau`` (p_tau(full) >= alpha / 2) and ``t_ybar``
  (p_ybar(full) >= (1 - alpha) / 2) are read; a level never reached is
  censored at the last step plus one logging interval;
- after training: p_ybar / p_tau of the full model, with the layer-2 FF
  dropped (noFF), with the layer-2 attention dropped (noAttn2), and with the
  layer-2 FF input matrix truncated to its top 10% / 20% singular directions
  (the truncation rule of the paper's code, informational).

Both claims call this same function, so they share work units where they
draw the same instance (the harness keys units by experiment function; the
two claims' strategies differ in the alpha range, so in practice each trains
its own): at the default tier about 3 s of one CPU thread per unit at
N = 32, T = 16.
"""

from __future__ import annotations

import torch

from models.ff_attention_transformer import (
    AdamConfig,
    FFAttentionTransformer,
    ModelConfig,
    train_adam,
    truncated,
)
from tasks.bigram_recall import TAU, BigramRecall, bigram_matrix, sample
from theorycheck import Curve, Measurement, Tier

TEST_SEQUENCES = 512


def _first_crossing(steps: list[int], values: list[float], level: float, censor: float) -> float:
    for s, v in zip(steps, values, strict=True):
        if s > 0 and v >= level:
            return float(s)
    return censor


def _probabilities(logits: torch.Tensor, ybar: torch.Tensor) -> tuple[float, float]:
    p = logits.softmax(dim=-1)  # (B, V)
    return float(p[torch.arange(len(ybar)), ybar].mean()), float(p[:, TAU].mean())


def ff_attention_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """Train on noisy recall and measure ablations and first-crossing times (one seed)."""
    gen = torch.Generator().manual_seed(seed)
    test_gen = torch.Generator().manual_seed(seed + 7919)
    transitions = bigram_matrix(task)
    test = sample(
        task, TEST_SEQUENCES, test_gen, noisy_context=False, noisy_target=False, transitions=transitions
    )
    d_model = tier.pick(smoke=16, default=32)
    config = tier.pick(
        smoke=AdamConfig(steps=80, lr=3e-3, batch=64, log_every=10),
        default=AdamConfig(steps=400, lr=3e-3, batch=128, log_every=10),
    )
    model = FFAttentionTransformer(
        ModelConfig(vocab=task.vocab, d_model=d_model, seq_len=task.seq_len, ff_layers=(1,)), generator=gen
    )

    def draw(batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        b = sample(task, batch, gen, transitions=transitions)
        return b.x, b.y

    def probe(m: FFAttentionTransformer) -> dict[str, float]:
        r = m.readout(test.x)
        py_full, pt_full = _probabilities(r.full, test.ybar)
        py_noff, pt_noff = _probabilities(r.no_ff, test.ybar)
        return {"p_ybar_full": py_full, "p_tau_full": pt_full, "p_ybar_noff": py_noff, "p_tau_noff": pt_noff}

    log = train_adam(model, draw, probe, config)
    steps, v = log.steps, log.values
    censor = float(config.steps + config.log_every)
    with torch.no_grad():
        final = probe(model)
        py_na, pt_na = _probabilities(model(test.x, no_attn=(1,), last_only=True), test.ybar)
        trunc = {}
        for pct in (10, 20):
            k = max(1, d_model * pct // 100)
            cut = truncated(model, "ffs.1.w1.weight", k)
            trunc[pct] = _probabilities(cut(test.x, last_only=True), test.ybar)
    return Measurement.one(
        series={name: Curve.of(steps, v[name]) for name in ("p_tau_full", "p_ybar_full", "p_ybar_noff")},
        scalars={
            "alpha": task.alpha,
            **final,
            "p_ybar_noattn2": py_na,
            "p_tau_noattn2": pt_na,
            "p_ybar_trunc10": trunc[10][0],
            "p_tau_trunc10": trunc[10][1],
            "p_ybar_trunc20": trunc[20][0],
            "p_tau_trunc20": trunc[20][1],
            "t_tau": _first_crossing(steps, v["p_tau_full"], task.alpha / 2, censor),
            "t_ybar": _first_crossing(steps, v["p_ybar_full"], (1 - task.alpha) / 2, censor),
            "t_ybar_noff": _first_crossing(steps, v["p_ybar_noff"], 0.5, censor),
            "final_loss": sum(log.loss[-20:]) / len(log.loss[-20:]),
        },
    )
