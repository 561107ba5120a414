"""Shared experiments of huang2024: single- vs multi-modal contrastive training on signal-plus-noise data.

One unit builds a ``torch.Generator`` from its seed and draws, per modality,
the exact joint law of the inner products among ``mu``, the training noises,
the augmentation noises and 400 downstream noises
(``tasks.multimodal_contrastive``), the labels (balanced), and the initial
weights. Training is full-batch GD on the paper's InfoMax loss
(``models.contrastive``) with m = 50 neurons, temperature 1, initial scale
sigma_0 = 0.01 / (sigma sqrt d) and a step eta = 0.1 n m tau / (sigma^2 d)
(noise memorisation grows by about 10 % per step in the first stage; inside
Assumption 4.1 (2)). The downstream task is the paper's OOD test
``[y nu, zeta]``, ``nu = 0.4 mu``: a logistic probe on the frozen embeddings,
fitted on 200 samples and scored on 200 others.

Statistics of the paper's decomposition ``w_r = w_r(0) + gamma_r mu/||mu||^2 +
sum_i rho_ri xi_i/||xi_i||^2``: signal learning ``max_r |gamma_r|`` and noise
memorisation ``mean_i max_r |rho_ri|``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import torch

from models.contrastive import (
    ContrastiveConfig,
    Encoder,
    Run,
    downstream_accuracy,
    train_multi_modal,
    train_multi_modal_batched,
    train_single_modal,
    train_single_modal_batched,
)
from tasks.multimodal_contrastive import Modality, MultiModalTask, balanced_labels, draw_modality
from theorycheck import Curve, Measurement, Tier

NEURONS = 50
TAU = 1.0
INIT = 0.01  # sigma_0 sigma sqrt(d): the initial overlap of a neuron with a noise vector
RATE = 0.1  # eta sigma^2 d / (n m tau): per-step growth of noise memorisation in the first stage
TESTS = 400  # downstream samples: 200 to fit the probe, 200 to score it
FLOOR = 1e-9  # added to the decomposition's statistics before logs (an untouched coefficient is 0)
FIRST_STAGE_NS = (16, 32, 64, 128, 256, 512)  # n of the first-stage sweep (1.5 decades)


def _config(task: MultiModalTask, steps: int, neurons: int = NEURONS) -> ContrastiveConfig:
    return ContrastiveConfig(
        neurons=neurons,
        init_scale=INIT / (task.noise * math.sqrt(task.dim)),
        temperature=TAU,
        lr=RATE * task.samples * neurons * TAU / (task.noise**2 * task.dim),
        steps=steps,
    )


def _encoder(modality: Modality, config: ContrastiveConfig, gen: torch.Generator) -> Encoder:
    return Encoder(
        modality.gram.gram, modality.samples, modality.gram.project(config.neurons, config.init_scale, gen)
    )


def _signal(encoder: Encoder) -> float:
    return float(encoder.signal_learning().abs().max())


def _noise(encoder: Encoder) -> float:
    return float(encoder.noise_memorisation().abs().max(dim=0).values.mean())


def _first_stage_over(encoder: Encoder) -> bool:
    """A coefficient reached Theta(1): the median of max_r rho_ri, or max_r |gamma_r|, is at least 1."""
    memorised = float(encoder.noise_memorisation().abs().max(dim=0).values.median())
    return _signal(encoder) >= 1.0 or memorised >= 1.0


def _first_stage_over_all(encoders: Sequence[Encoder]) -> list[bool]:
    """``_first_stage_over`` of each of the encoders (one shape), computed on their stacked state."""
    n = encoders[0].samples
    coefficients = torch.stack([e.coefficients for e in encoders])  # (S, m, n+1)
    diagonal = torch.stack([e.gram.diagonal()[1 : n + 1] for e in encoders])  # (S, n)
    scale = torch.stack([e.gram[0, 0] for e in encoders])  # (S,)
    memorised = (coefficients[:, :, 1:] * diagonal[:, None, :]).abs().max(dim=1).values.median(dim=1).values
    signal = (coefficients[:, :, 0] * scale[:, None]).abs().max(dim=1).values
    return ((signal >= 1.0) | (memorised >= 1.0)).tolist()


def compare_modalities(
    task: MultiModalTask,
    seed: int,
    tier: Tier,
    *,
    partner_signal: float | None = None,
    shuffle_pairs: bool = False,
) -> Measurement:
    """Single-modal and multi-modal training on the same first modality; downstream accuracy of each.

    Scalars: ``acc_single``, ``acc_multi``; ``log_sn_single``, ``log_sn_multi`` (log of signal learning
    over noise memorisation); ``loss_single``, ``loss_multi`` (final loss over initial loss); ``n_snr2``.
    """
    steps = tier.pick(smoke=60, default=300, full=1000)
    gen = torch.Generator().manual_seed(seed)
    first, second, labels, test_labels, partner_labels = _compare_data(
        task, gen, partner_signal, shuffle_pairs
    )
    config = _config(task, steps)
    single = _encoder(first, config, gen)
    run_single = train_single_modal(single, labels, config)
    h, g = _encoder(first, config, gen), _encoder(second, config, gen)
    run_multi = train_multi_modal(h, g, labels, config, partner_labels=partner_labels)
    return _compare_row(task, test_labels, single, run_single, h, run_multi)


def compare_modalities_batched(
    task: MultiModalTask,
    seeds: Sequence[int],
    tier: Tier,
    *,
    partner_signal: float | None = None,
    shuffle_pairs: bool = False,
) -> list[Measurement]:
    """``compare_modalities`` for several seeds, each training stepped as one stacked run."""
    steps = tier.pick(smoke=60, default=300, full=1000)
    config = _config(task, steps)
    draws = []
    for seed in seeds:
        gen = torch.Generator().manual_seed(seed)
        first, second, labels, test_labels, partner_labels = _compare_data(
            task, gen, partner_signal, shuffle_pairs, training_rows=True
        )
        single = _encoder(first, config, gen)
        h, g = _encoder(first, config, gen), _encoder(second, config, gen)
        draws.append((labels, test_labels, partner_labels, single, h, g))
    labels = torch.stack([d[0] for d in draws])
    runs_single = train_single_modal_batched([d[3] for d in draws], labels, config)
    partner_labels = torch.stack([d[2] for d in draws])
    runs_multi = train_multi_modal_batched(
        [d[4] for d in draws], [d[5] for d in draws], labels, config, partner_labels=partner_labels
    )
    return [
        _compare_row(task, d[1], d[3], run_single, d[4], run_multi)
        for d, run_single, run_multi in zip(draws, runs_single, runs_multi, strict=True)
    ]


def _compare_data(
    task: MultiModalTask,
    gen: torch.Generator,
    partner_signal: float | None,
    shuffle_pairs: bool,
    training_rows: bool = False,
) -> tuple[Modality, Modality, torch.Tensor, torch.Tensor, torch.Tensor]:
    """One seed's two modalities, training labels, downstream labels and partner labels, in draw order
    (``training_rows``: only the Gram rows an encoder reads, see ``draw_modality``)."""
    n, d = task.samples, task.dim
    partner = task.signal * task.partner_ratio if partner_signal is None else partner_signal
    first = draw_modality(
        d, n, task.signal, task.noise, task.augmentation, TESTS, gen, training_rows=training_rows
    )
    second = draw_modality(
        d, n, partner, task.noise, task.augmentation, TESTS, gen, training_rows=training_rows
    )
    labels, test_labels = balanced_labels(n, gen), balanced_labels(TESTS, gen)
    partner_labels = labels[torch.randperm(n, generator=gen)] if shuffle_pairs else labels
    return first, second, labels, test_labels, partner_labels


def _compare_row(
    task: MultiModalTask,
    test_labels: torch.Tensor,
    single: Encoder,
    run_single: Run,
    h: Encoder,
    run_multi: Run,
) -> Measurement:
    out = {"n_snr2": task.n_snr2}
    for tag, encoder, run in (("single", single, run_single), ("multi", h, run_multi)):
        out[f"acc_{tag}"] = downstream_accuracy(encoder, test_labels, task.test_signal)
        out[f"log_sn_{tag}"] = math.log((_signal(encoder) + FLOOR) / (_noise(encoder) + FLOOR))
        out[f"loss_{tag}"] = run.losses[-1] / run.losses[0]
    return Measurement.one(scalars=out)


def compare_partner_without_signal(task: MultiModalTask, seed: int, tier: Tier) -> Measurement:
    """Control: the second modality carries no signal (mu~ = 0): nothing for the modalities to share."""
    return compare_modalities(task, seed, tier, partner_signal=0.0)


def compare_shuffled_pairs(task: MultiModalTask, seed: int, tier: Tier) -> Measurement:
    """Control: each x_i is paired with a second-modality example of a random other label."""
    return compare_modalities(task, seed, tier, shuffle_pairs=True)


def compare_partner_without_signal_batched(
    task: MultiModalTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """``compare_partner_without_signal`` for several seeds, batched."""
    return compare_modalities_batched(task, seeds, tier, partner_signal=0.0)


def compare_shuffled_pairs_batched(
    task: MultiModalTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """``compare_shuffled_pairs`` for several seeds, batched."""
    return compare_modalities_batched(task, seeds, tier, shuffle_pairs=True)


def first_stage_sweep(
    task: MultiModalTask, seed: int, tier: Tier, *, keep_noise: bool = True, replicates: int | None = None
) -> Measurement:
    """Single-modal signal learning at the end of the first stage, over n at the task's ``n SNR^2``.

    For each n of the sweep (``d = kappa n_max^2`` at every n, ``kappa = task.dim / task.samples^2`` the
    task's ratio d / n^2, ``||mu||`` set by ``n SNR^2``, m = 20), GD runs until the first stage ends: the
    median over samples of ``max_r rho_ri`` or the signal learning ``max_r |gamma_r|`` reaches 1, whichever
    first (Lemma 5.2: noise memorisation, in the paper's regime); series ``signal`` is the geometric mean
    over independent replicate runs (3 at the default tier) of ``max_r |gamma_r|`` then. Scalars:
    ``censored`` (runs in which neither reached 1 in the step budget), ``n_snr2``, ``dim_ratio``.
    """
    ns, max_steps, replicates, ratio, dim = _sweep_sizes(task, tier, replicates)
    gen = torch.Generator().manual_seed(seed)
    signals, censored = [], 0.0
    for n in ns:
        logs = []
        for _ in range(replicates):
            encoder, labels, config = _first_stage_draw(task, n, dim, max_steps, keep_noise, gen)
            train_single_modal(encoder, labels, config, keep_noise=keep_noise, stop=_first_stage_over)
            logs.append(math.log(_signal(encoder)))
            censored += float(not _first_stage_over(encoder))
        signals.append(math.exp(sum(logs) / len(logs)))
    return _sweep_row(task, ns, signals, censored, ratio)


def first_stage_sweep_batched(
    task: MultiModalTask,
    seeds: Sequence[int],
    tier: Tier,
    *,
    keep_noise: bool = True,
    replicates: int | None = None,
) -> list[Measurement]:
    """``first_stage_sweep`` for several seeds: at each n, the runs of every seed and replicate are
    stepped as one stacked run (each stopping at the end of its own first stage)."""
    ns, max_steps, replicates, ratio, dim = _sweep_sizes(task, tier, replicates)
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    signals: list[list[float]] = [[] for _ in seeds]
    censored = [0.0 for _ in seeds]
    for n in ns:
        draws = [
            _first_stage_draw(task, n, dim, max_steps, keep_noise, gen, training_rows=True)
            for gen in gens
            for _ in range(replicates)
        ]
        encoders = [encoder for encoder, _, _ in draws]
        labels = torch.stack([labels for _, labels, _ in draws])
        train_single_modal_batched(
            encoders, labels, draws[0][2], keep_noise=keep_noise, stop=_first_stage_over_all
        )
        for s in range(len(seeds)):
            own = encoders[s * replicates : (s + 1) * replicates]
            signals[s].append(math.exp(sum(math.log(_signal(e)) for e in own) / replicates))
            censored[s] += sum(float(not _first_stage_over(e)) for e in own)
    return [_sweep_row(task, ns, signals[s], censored[s], ratio) for s in range(len(seeds))]


def _sweep_sizes(
    task: MultiModalTask, tier: Tier, replicates: int | None
) -> tuple[tuple[int, ...], int, int, float, int]:
    """The sweep's n, step budget, replicates per n, ratio d / n^2 and the dimension d."""
    ns = tier.pick(smoke=FIRST_STAGE_NS[:3], default=FIRST_STAGE_NS, full=(*FIRST_STAGE_NS, 1024, 2048))
    max_steps = tier.pick(smoke=100, default=200, full=800)
    if replicates is None:
        replicates = tier.pick(smoke=1, default=3, full=8)
    ratio = task.dim / task.samples**2
    dim = max(round(ratio * ns[-1] ** 2), 2 * ns[-1] + 1)
    return ns, max_steps, replicates, ratio, dim


def _sweep_row(
    task: MultiModalTask, ns: Sequence[int], signals: list[float], censored: float, ratio: float
) -> Measurement:
    return Measurement.one(
        series={"signal": Curve.of(ns, signals)},
        scalars={"censored": censored, "n_snr2": task.n_snr2, "dim_ratio": ratio},
    )


def _first_stage_draw(
    task: MultiModalTask,
    n: int,
    dim: int,
    max_steps: int,
    keep_noise: bool,
    gen: torch.Generator,
    training_rows: bool = False,
) -> tuple[Encoder, torch.Tensor, ContrastiveConfig]:
    """One single-modal run's data, encoder and labels at n in dimension ``dim`` (in draw order)."""
    sized = dataclasses.replace(task, samples=n, dim=dim).with_n_snr2(task.n_snr2)
    augmentation = sized.augmentation if keep_noise else sized.noise
    modality = draw_modality(
        sized.dim, n, sized.signal, sized.noise, augmentation, 0, gen, training_rows=training_rows
    )
    config = _config(sized, max_steps, neurons=20)
    encoder = _encoder(modality, config, gen)
    return encoder, balanced_labels(n, gen), config


def first_stage_fresh_noise(task: MultiModalTask, seed: int, tier: Tier) -> Measurement:
    """Control: the augmentation draws a fresh noise patch, so the positive pair shares no noise.

    One run per n (not the claim's geometric mean of 3): the signal ends near 1 with little spread, and
    one run keeps the control's cost near the claim's."""
    return first_stage_sweep(task, seed, tier, keep_noise=False, replicates=1)


def first_stage_fresh_noise_batched(
    task: MultiModalTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """``first_stage_fresh_noise`` for several seeds, batched."""
    return first_stage_sweep_batched(task, seeds, tier, keep_noise=False, replicates=1)
