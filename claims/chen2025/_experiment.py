"""The chen2025 experiments (not a claim module).

Train the two-layer transformer with Adam on fresh noisy-recall batches,
loss at the last position (the trigger), and measure on 512 held-out
sequences whose context contains no noise token:

- during training, at steps 1-6 and 8 and every ``log_every`` = 10 steps:
  p_tau and p_ybar of the full model and with the layer-2 FF dropped
  (series), from which first-crossing times are read: ``t_tau``
  (p_tau(full) >= alpha / 2), ``t_tau_ff`` (the FF's share
  p_tau(full) - p_tau(noFF) >= alpha / 2), ``t_tau_noff`` (p_tau(noFF) >=
  alpha / 2: the association carried without the layer-2 FF), ``t_ybar``
  (p_ybar(full) >= (1 - alpha) / 2) and ``t_ybar_noff``; a level never
  reached is censored at the last step plus one logging interval;
- after training: p_ybar / p_tau of the full model, with the layer-2 FF
  dropped (noFF), with the layer-2 attention dropped (noAttn2), and with the
  layer-2 FF input matrix truncated to its top 10% / 20% singular directions
  (the truncation rule of the paper's code, informational).

Variants: FF in layer 2 only (``ff_attention_experiment``, the ordering
claim: it isolates the layer-2 association), FF in both layers
(``ff_both_layers_experiment``, the ablation claim: the authors' model).
Controls: no FF at all, trained like the ordering claim
(``no_ff_dynamics_experiment``: the association, if learned, sits in
attention, and ``t_tau_ff`` then times the whole model's p_tau, the share of
the component that carries it); FF in both layers trained on data without
noise tokens (``no_noise_experiment``: no trigger -> noise association for
the FF to store; test sequences as always). ``run`` also
takes the authors' optimiser (SGD lr 0.03, momentum 0.9, weight decay 1e-4)
for probes. At the default tier a unit takes 3-5 s of one CPU thread at
N = 32, T = 16 (d = 32, 400 steps).

Batched seeds: each ``*_experiment`` has a ``*_experiments`` twin taking a
list of seeds (the claims' ``batched_experiment``): ``run_batched`` sets up
every seed as ``run`` does (its own generators, in the same order) and trains
them as one model over stacked parameters (``train_adam_batched``); probes
and the after-training measurements stay per seed. Measured on torch 2.13
CPU, one thread: the batched rows equal the unbatched ones bit for bit (all
four variants, 4 seeds, smoke and default tier); 1.1-1.2x faster per unit,
since a step is matrix-product bound and the data (15 multinomial draws a
batch from the seed's own generator) and the probes are per seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from models.ff_attention_transformer import (
    AdamConfig,
    FFAttentionTransformer,
    ModelConfig,
    TrainLog,
    train_adam,
    train_adam_batched,
    truncated,
)
from tasks.bigram_recall import TAU, BigramRecall, RecallBatch, bigram_matrix, sample
from theorycheck import Curve, Measurement, Tier

TEST_SEQUENCES = 512
FF_LAYERS = (1,)  # layers carrying an FF block (0 = first, 1 = second)


def _first_crossing(steps: list[int], values: list[float], level: float, censor: float) -> float:
    for s, v in zip(steps, values, strict=True):
        if s > 0 and v >= level:
            return float(s)
    return censor


def _probabilities(logits: torch.Tensor, ybar: torch.Tensor) -> tuple[float, float]:
    p = logits.softmax(dim=-1)  # (B, V)
    return float(p[torch.arange(len(ybar)), ybar].mean()), float(p[:, TAU].mean())


EARLY_LOG = (1, 2, 3, 4, 5, 6, 8)  # probed besides every log_every steps: the association forms early


def ff_attention_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """Train on noisy recall (FF in layer 2 only) and measure ablations and first-crossing times."""
    return run(task, seed, tier)


def ff_dynamics_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """FF in layer 2 only, trained like the authors: SGD (0.03, momentum 0.9, wd 1e-4), frozen embeddings."""
    return run(task, seed, tier, optimizer="sgd", freeze_embeddings=True)


def no_ff_dynamics_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """Control of :func:`ff_dynamics_experiment`: the same training with no FF block at all.

    With no FF, ``t_tau_ff`` times the whole model's p_tau (the association wherever it sits).
    """
    return run(task, seed, tier, ff_layers=(), optimizer="sgd", freeze_embeddings=True)


def ff_both_layers_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """The same with an FF block in both layers, as in the authors' code; "noFF" drops the layer-2 FF."""
    return run(task, seed, tier, ff_layers=(0, 1))


def no_noise_experiment(task: BigramRecall, seed: int, tier: Tier) -> Measurement:
    """Control of :func:`ff_both_layers_experiment`: the same model and training on noise-free sequences."""
    return run(task, seed, tier, ff_layers=(0, 1), noise=False)


def ff_dynamics_experiments(task: BigramRecall, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``ff_dynamics_experiment`` for several seeds, trained as one batched model."""
    return run_batched(task, seeds, tier, Setting(optimizer="sgd", freeze_embeddings=True))


def no_ff_dynamics_experiments(task: BigramRecall, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``no_ff_dynamics_experiment`` for several seeds, trained as one batched model."""
    return run_batched(task, seeds, tier, Setting(ff_layers=(), optimizer="sgd", freeze_embeddings=True))


def ff_both_layers_experiments(task: BigramRecall, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``ff_both_layers_experiment`` for several seeds, trained as one batched model."""
    return run_batched(task, seeds, tier, Setting(ff_layers=(0, 1)))


def no_noise_experiments(task: BigramRecall, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``no_noise_experiment`` for several seeds, trained as one batched model."""
    return run_batched(task, seeds, tier, Setting(ff_layers=(0, 1), noise=False))


@dataclass(frozen=True, kw_only=True)
class Setting:
    """Which variant ``run`` trains: FF layers, optimiser, frozen embeddings, noisy training data."""

    ff_layers: tuple[int, ...] = FF_LAYERS
    optimizer: str = "adam"
    freeze_embeddings: bool = False
    noise: bool = True


@dataclass(frozen=True)
class _Seed:
    """One seed's model, test set, training data and probe, before training."""

    model: FFAttentionTransformer
    test: RecallBatch
    draw: Callable[[int], tuple[torch.Tensor, torch.Tensor]]
    probe: Callable[[FFAttentionTransformer], dict[str, float]]


def _config(tier: Tier, setting: Setting) -> AdamConfig:
    steps, batch = tier.pick(smoke=(80, 64), default=(400, 128))
    if setting.optimizer == "sgd":  # the authors' optimiser (script_k1_noise05.sh, ihead_basic_main.py:29-35)
        return AdamConfig(
            steps=steps, lr=0.03, batch=batch, log_every=10, log_steps=EARLY_LOG,
            optimizer="sgd", momentum=0.9, weight_decay=1e-4,
        )  # fmt: skip
    return AdamConfig(steps=steps, lr=3e-3, batch=batch, log_every=10, log_steps=EARLY_LOG)


def _seed(task: BigramRecall, seed: int, tier: Tier, setting: Setting) -> _Seed:
    """The seed's test set (its own generator), model init and data (one generator, in that order)."""
    gen = torch.Generator().manual_seed(seed)
    test_gen = torch.Generator().manual_seed(seed + 7919)
    transitions = bigram_matrix(task)
    test = sample(
        task, TEST_SEQUENCES, test_gen, noisy_context=False, noisy_target=False, transitions=transitions
    )
    d_model = tier.pick(smoke=16, default=32)
    model = FFAttentionTransformer(
        ModelConfig(vocab=task.vocab, d_model=d_model, seq_len=task.seq_len, ff_layers=setting.ff_layers),
        generator=gen,
    )
    if setting.freeze_embeddings:  # the authors' frozen random token/position embeddings and output layer
        for p in (model.tok.weight, model.pos, model.unembed.weight):
            p.requires_grad_(False)
    noise = setting.noise

    def draw(batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        b = sample(task, batch, gen, noisy_context=noise, noisy_target=noise, transitions=transitions)
        return b.x, b.y

    def probe(m: FFAttentionTransformer) -> dict[str, float]:
        r = m.readout(test.x)
        py_full, pt_full = _probabilities(r.full, test.ybar)
        py_noff, pt_noff = _probabilities(r.no_ff, test.ybar)
        return {"p_ybar_full": py_full, "p_tau_full": pt_full, "p_ybar_noff": py_noff, "p_tau_noff": pt_noff}

    return _Seed(model=model, test=test, draw=draw, probe=probe)


def run(
    task: BigramRecall,
    seed: int,
    tier: Tier,
    *,
    ff_layers: tuple[int, ...] = FF_LAYERS,
    optimizer: str = "adam",
    freeze_embeddings: bool = False,
    noise: bool = True,
) -> Measurement:
    """The shared experiment with the FF layers and the optimiser as arguments (controls, probes).

    ``noise=False``: training sequences carry no noise token (in context or as target).
    """
    setting = Setting(
        ff_layers=ff_layers, optimizer=optimizer, freeze_embeddings=freeze_embeddings, noise=noise
    )
    one, config = _seed(task, seed, tier, setting), _config(tier, setting)
    return _measure(task, one, config, train_adam(one.model, one.draw, one.probe, config))


def run_batched(task: BigramRecall, seeds: Sequence[int], tier: Tier, setting: Setting) -> list[Measurement]:
    """``run`` for several seeds, the models trained as one batched model (``train_adam_batched``)."""
    runs, config = [_seed(task, seed, tier, setting) for seed in seeds], _config(tier, setting)
    logs = train_adam_batched(
        [r.model for r in runs], [r.draw for r in runs], [r.probe for r in runs], config
    )
    return [_measure(task, r, config, log) for r, log in zip(runs, logs, strict=True)]


def _measure(task: BigramRecall, one: _Seed, config: AdamConfig, log: TrainLog) -> Measurement:
    """The seed's first-crossing times from its training log and the trained model's ablations."""
    model, test, probe = one.model, one.test, one.probe
    d_model = model.config.d_model
    logged, v = log.steps, log.values
    censor = float(config.steps + config.log_every)
    if model.config.ff_layers:
        ff_share = [full - noff for full, noff in zip(v["p_tau_full"], v["p_tau_noff"], strict=True)]
    else:  # no FF: the association's carrier is the model itself (attention)
        ff_share = list(v["p_tau_full"])
    with torch.no_grad():
        final = probe(model)
        py_na, pt_na = _probabilities(model(test.x, no_attn=(1,), last_only=True), test.ybar)
        trunc = {}
        for pct in (10, 20):
            if "1" in model.ffs:
                k = max(1, d_model * pct // 100)
                cut = truncated(model, "ffs.1.w1.weight", k)
                trunc[pct] = _probabilities(cut(test.x, last_only=True), test.ybar)
            else:  # no layer-2 FF to truncate (the no-FF control)
                trunc[pct] = (final["p_ybar_full"], final["p_tau_full"])
    return Measurement.one(
        series={name: Curve.of(logged, v[name]) for name in ("p_tau_full", "p_ybar_full", "p_ybar_noff")},
        scalars={
            "alpha": task.alpha,
            **final,
            "p_ybar_noattn2": py_na,
            "p_tau_noattn2": pt_na,
            "p_ybar_trunc10": trunc[10][0],
            "p_tau_trunc10": trunc[10][1],
            "p_ybar_trunc20": trunc[20][0],
            "p_tau_trunc20": trunc[20][1],
            "t_tau": _first_crossing(logged, v["p_tau_full"], task.alpha / 2, censor),
            "t_tau_ff": _first_crossing(logged, ff_share, task.alpha / 2, censor),
            "t_tau_noff": _first_crossing(logged, v["p_tau_noff"], task.alpha / 2, censor),
            "t_ybar": _first_crossing(logged, v["p_ybar_full"], (1 - task.alpha) / 2, censor),
            "t_ybar_noff": _first_crossing(logged, v["p_ybar_noff"], 0.5, censor),
            "final_loss": sum(log.loss[-20:]) / len(log.loss[-20:]),
        },
    )
