"""Shared experiments of huang2025b: even pairs (two phases) and parity check with / without CoT.

Stuck initialisations. From some starts (10-40 % of first tries, most at
Lmax = 4), GD on even pairs falls into a spurious stationary point where the
model misreads the strings ending in one of the two tokens (training accuracy
about 0.75, loss about 0.347, flat for good: the same starts stay stuck at
lr 0.3 and after 10^4 steps). The theorem's analysis does not cover those
starts. Two things are therefore measured apart:

* ``phase_one_escape`` judges the first tries: the fraction of fresh random
  starts that reach training accuracy 1 (the end of phase 1) within T/20
  steps. That is the claim ``phase_one_ends`` (issue #11, finding 9).
* ``even_pairs`` studies phase 2, whose premise is that phase 1 has ended:
  it re-draws the initialisation, from the same seeded generator, when the
  training accuracy is still below 1 at ``give_up`` steps, up to
  ``MAX_TRIES`` times, and reports ``tries`` and ``first_try_stuck``. If every
  try is stuck the last one is trained to the end and returned as it is: its
  flat loss enters the fit and pulls the verdict away from HOLDS.

Controls (the premise removed; one try each, no re-draws):

* ``even_pairs_weight_decay``: GD on the loss plus (1e-4 / 2) ||u||^2. The
  1/t rate and the log t growth of u come from minimising an unregularised
  exponential-tailed loss on separable features (the infimum 0 is reached
  only as ||u|| -> infinity); with the penalty u stays bounded and the loss
  has a floor.
* ``even_pairs_frozen_readout``: u is not trained (lr_u = 0), so nothing takes
  over the loss in phase 2 and the attention must keep doing all the work.

Batched seeds: each ``*_batched`` experiment steps the GD runs of all its
seeds (for ``phase_one_escape`` every start of every seed) together with
``models.attention.train_batched``; a run that gives up re-draws its start
from its own generator while the others go on, as the per-seed loop does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from models.attention import (
    AttentionConfig,
    Params,
    TrainResult,
    embed,
    init_params,
    logits,
    train,
    train_batched,
)
from tasks.strings import A, B, StringProblem, all_strings, even_pairs_labels, parity_labels
from theorycheck import Curve, Measurement, Tier

MAX_TRIES = 6
LR = 3.0  # same GD step for W and u
WEIGHT_DECAY = 1e-4  # control: penalty on ||u||^2 (its time scale 1/(LR * WEIGHT_DECAY) ~ 3e3 steps)
# the even-pairs curves hold phase 2 only: fit on all of their points, not the default upper 2/3
PHASE2 = (0.0, float("inf"))


def _even_pairs_config(problem: StringProblem, **changes: float) -> AttentionConfig:
    settings: dict = {
        "n_positions": problem.max_len,
        "init_scale": problem.init_scale,
        "lr_w": LR,
        "lr_u": LR,
    }
    return AttentionConfig(**{**settings, **changes})


def _train_even_pairs(
    problem: StringProblem, steps: int, give_up: int, seed: int, *, tries: int = MAX_TRIES, **changes: float
) -> tuple[TrainResult, AttentionConfig, int]:
    """Even pairs on all strings of the problem, re-drawing stuck starts; returns (run, config, tries)."""
    strings = all_strings(problem.min_len, problem.max_len)
    y = torch.as_tensor(even_pairs_labels(strings))
    config = _even_pairs_config(problem, **changes)
    batch = embed(strings, config)
    gen = torch.Generator().manual_seed(seed)
    for attempt in range(1, tries + 1):
        run = train(batch, y, config, steps, gen, give_up_at=None if attempt == tries else give_up)
        if run.steps[-1] == steps:
            break
    return run, config, attempt


def _train_even_pairs_batched(
    problem: StringProblem,
    steps: int,
    give_up: int,
    seeds: Sequence[int],
    *,
    tries: int = MAX_TRIES,
    **changes: float,
) -> tuple[list[tuple[TrainResult, int]], AttentionConfig]:
    """:func:`_train_even_pairs` for several seeds, stepped together; returns ([(run, tries)], config)."""
    strings = all_strings(problem.min_len, problem.max_len)
    y = torch.as_tensor(even_pairs_labels(strings))
    config = _even_pairs_config(problem, **changes)
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    return train_batched(
        embed(strings, config), y, config, steps, gens, give_up_at=give_up, tries=tries
    ), config


def _phase2_start(run: TrainResult, steps: int) -> float:
    """Phase-2 start: the last checkpoint at or before max(T/10, 3 t1), t1 = the step the training
    accuracy reaches 1 for good (T/10 if never). This is the spec's window, fixed before any run;
    the first implementation used max(T/20, 2 t1), whose first quarter still held the end of
    phase 1 (local loss slope about -1.3 at Lmax = 7)."""
    below = np.nonzero(run.acc < 1.0)[0]
    if len(below) == len(run.acc):
        target = steps / 10
    else:
        t1 = run.steps[below[-1] + 1] if len(below) else run.steps[0]
        target = max(steps / 10, 3 * t1)
    return float(run.steps[run.steps <= target][-1])


def _even_pairs_measurement(run: TrainResult, steps: int, tries: int) -> Measurement:
    start = _phase2_start(run, steps)
    phase2 = run.steps >= start
    i0 = int(np.argmax(phase2))
    later = np.flatnonzero(phase2)[1:]
    ratio = run.steps[later] / run.steps[i0]  # t / t0 > 1
    moved = np.linalg.norm(run.u_path[later] - run.u_path[i0], axis=1)  # ||u(t) - u(t0)||
    b = np.polyfit(np.log(run.steps[phase2]), run.u_norm[phase2], 1)[0]
    return Measurement.one(
        series={
            "loss": Curve.of(run.steps[phase2], run.loss[phase2]),
            "u_norm": Curve.of(run.steps[phase2], run.u_norm[phase2]),
            "u_moved": Curve.of(ratio, moved),
        },
        scalars={
            "tries": float(tries),
            "first_try_stuck": float(tries > 1),
            "stuck": float(run.acc[-1] < 1.0),
            "acc": float(run.acc[-1]),
            "phase2_start": float(start),
            "final_loss": float(run.loss[-1]),
            "u_per_log_t": float(b),
            "attn_change_phase1": float(np.abs(run.attention[i0] - run.attention[0]).max()),
            "attn_change_phase2": float(np.abs(run.attention[-1] - run.attention[i0]).max()),
        },
    )


def _steps(tier: Tier) -> int:
    return tier.pick(smoke=2000, default=10000)


def even_pairs(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Train on all even-pairs strings; return the phase-2 loss and readout curves and scalars."""
    steps = _steps(tier)
    run, _, tries = _train_even_pairs(problem, steps, steps // 20, seed)
    return _even_pairs_measurement(run, steps, tries)


def even_pairs_weight_decay(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same run with a penalty (WEIGHT_DECAY / 2) ||u||^2 on the readout (one try)."""
    steps = _steps(tier)
    run, _, tries = _train_even_pairs(problem, steps, steps // 20, seed, tries=1, weight_decay_u=WEIGHT_DECAY)
    return _even_pairs_measurement(run, steps, tries)


def even_pairs_frozen_readout(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same run with the readout u frozen at its initialisation (one try)."""
    steps = _steps(tier)
    run, _, tries = _train_even_pairs(problem, steps, steps // 20, seed, tries=1, lr_u=0.0)
    return _even_pairs_measurement(run, steps, tries)


def even_pairs_batched(problem: StringProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`even_pairs` for several seeds, trained together."""
    steps = _steps(tier)
    runs, _ = _train_even_pairs_batched(problem, steps, steps // 20, seeds)
    return [_even_pairs_measurement(run, steps, tries) for run, tries in runs]


def even_pairs_weight_decay_batched(
    problem: StringProblem, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`even_pairs_weight_decay` for several seeds, trained together."""
    steps = _steps(tier)
    runs, _ = _train_even_pairs_batched(
        problem, steps, steps // 20, seeds, tries=1, weight_decay_u=WEIGHT_DECAY
    )
    return [_even_pairs_measurement(run, steps, tries) for run, tries in runs]


def even_pairs_frozen_readout_batched(
    problem: StringProblem, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`even_pairs_frozen_readout` for several seeds, trained together."""
    steps = _steps(tier)
    runs, _ = _train_even_pairs_batched(problem, steps, steps // 20, seeds, tries=1, lr_u=0.0)
    return [_even_pairs_measurement(run, steps, tries) for run, tries in runs]


def starts(tier: Tier) -> int:
    """Fresh random starts per unit in ``phase_one_escape``."""
    return tier.pick(smoke=4, default=8)


def phase_one_escape(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """First tries only: the fraction of fresh starts whose training accuracy reaches 1 within T/20 steps.

    Each start is trained for T/20 steps (500 at default): every start that
    escapes at all does so within about 150 steps here, and a start still
    below accuracy 1 at T/20 stays stuck (checked to 10^4 steps).
    """
    return _phase_one(problem, seed, tier)


def phase_one_frozen_attention(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same starts with the attention matrix frozen at W = 0 (no phase 1 can happen)."""
    return _phase_one(problem, seed, tier, lr_w=0.0)


def _phase_one(problem: StringProblem, seed: int, tier: Tier, **changes: float) -> Measurement:
    give_up = _steps(tier) // 20
    strings = all_strings(problem.min_len, problem.max_len)
    y = torch.as_tensor(even_pairs_labels(strings))
    config = _even_pairs_config(problem, **changes)
    batch = embed(strings, config)
    gen = torch.Generator().manual_seed(seed)
    escaped = []
    for _ in range(starts(tier)):
        run = train(batch, y, config, give_up, gen, give_up_at=give_up)
        escaped.append(float(run.acc[-1] >= 1.0))
    return Measurement.one(
        scalars={"escaped": float(np.mean(escaped)), "starts": float(len(escaped)), "give_up": float(give_up)}
    )


def phase_one_escape_batched(problem: StringProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`phase_one_escape` for several seeds: all their starts trained together."""
    return _phase_one_batched(problem, seeds, tier)


def phase_one_frozen_attention_batched(
    problem: StringProblem, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`phase_one_frozen_attention` for several seeds: all their starts trained together."""
    return _phase_one_batched(problem, seeds, tier, lr_w=0.0)


def _phase_one_batched(
    problem: StringProblem, seeds: Sequence[int], tier: Tier, **changes: float
) -> list[Measurement]:
    give_up, count = _steps(tier) // 20, starts(tier)
    strings = all_strings(problem.min_len, problem.max_len)
    y = torch.as_tensor(even_pairs_labels(strings))
    config = _even_pairs_config(problem, **changes)
    # seed s's starts draw from its generator one after another, as the loop of _phase_one does
    gens = [g for seed in seeds for g in [torch.Generator().manual_seed(seed)] * count]
    runs = train_batched(embed(strings, config), y, config, give_up, gens, give_up_at=give_up)
    out = []
    for i in range(len(seeds)):
        escaped = [float(run.acc[-1] >= 1.0) for run, _ in runs[i * count : (i + 1) * count]]
        out.append(
            Measurement.one(
                scalars={
                    "escaped": float(np.mean(escaped)),
                    "starts": float(len(escaped)),
                    "give_up": float(give_up),
                }
            )
        )
    return out


# ------------------------------------------------------------------ parity check


def cot_chain(run_params: Params, config: AttentionConfig, strings: np.ndarray) -> np.ndarray:
    """Run an even-pairs model as a chain of thought over ``strings (N, L)``: the final CoT token (N,).

    ``c_0 = a``; step k feeds the model the string ``c_{k-1} x_1 .. x_k`` (length
    k + 1) and writes ``c_k = a`` iff the model calls it even (first == last
    token, i.e. ``c_{k-1} == x_k``), so ``c_k`` is the parity of ``x_1..x_k``
    (a = even number of b's). Autoregressive: each step reads the model's own
    previous token.
    """
    chain = np.full(len(strings), A)
    for k in range(1, strings.shape[1] + 1):
        prefix = np.concatenate([chain[:, None], strings[:, :k]], axis=1)  # (N, k + 1)
        chain = np.where(logits(run_params, embed(prefix, config)).numpy() > 0, A, B)
    return chain


HELD_OUT = 3  # the CoT's last HELD_OUT steps read strings longer than any even-pairs training string
DIRECT_INIT = 1.0  # the direct arm starts from W, u ~ N(0, 1): attention far from uniform, logits of order 1


def _parity(problem: StringProblem, seed: int, tier: Tier, *, train_even_pairs: bool) -> Measurement:
    steps = tier.pick(smoke=1000, default=3000)
    length = problem.max_len
    strings = all_strings(length, length)
    ep_problem = StringProblem(min_len=2, max_len=length + 1 - HELD_OUT, init_scale=problem.init_scale)
    if train_even_pairs:
        ep_run, ep_cfg, tries = _train_even_pairs(ep_problem, steps, steps // 5, seed, n_positions=length + 1)
        params = ep_run.params
    else:  # control: the even-pairs model at its initialisation
        ep_cfg = _even_pairs_config(ep_problem, n_positions=length + 1)
        params, tries = init_params(ep_cfg, torch.Generator().manual_seed(seed)), 0
    gen = torch.Generator().manual_seed(seed + 1)
    direct_cfg = _direct_config(length)
    y = torch.as_tensor(parity_labels(strings))
    direct = train(embed(strings, direct_cfg), y, direct_cfg, steps, gen)
    return _parity_row(params, ep_cfg, ep_problem, tries, strings, direct)


def _direct_config(length: int) -> AttentionConfig:
    return AttentionConfig(n_positions=length, init_scale=DIRECT_INIT, zero_attention=False, lr_w=LR, lr_u=LR)


def _parity_row(
    params: Params,
    ep_cfg: AttentionConfig,
    ep_problem: StringProblem,
    tries: int,
    strings: np.ndarray,
    direct: TrainResult,
) -> Measurement:
    """The measurement of one seed: the even-pairs model's accuracy and CoT, and the direct run."""
    truth = np.where(parity_labels(strings) > 0, A, B)
    ep_strings = all_strings(ep_problem.min_len, ep_problem.max_len)
    ep_pred = logits(params, embed(ep_strings, ep_cfg)).numpy() > 0
    acc_ep = float(np.mean(ep_pred == (even_pairs_labels(ep_strings) > 0)))
    chain = cot_chain(params, ep_cfg, strings)
    scalars = {
        "acc_direct": float(direct.acc[-1]),
        "acc_cot": float(np.mean(chain == truth)),
        "tries": float(tries),
        "loss_direct_init": float(direct.loss[0]),
        "loss_direct": float(direct.loss[-1]),
    }
    scalars["acc_even_pairs"] = acc_ep
    return Measurement.one(scalars=scalars)


def _parity_batched(problem: StringProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`_parity` with the even-pairs training for several seeds: the even-pairs runs trained
    together, the direct runs per seed."""
    steps = tier.pick(smoke=1000, default=3000)
    length = problem.max_len
    strings = all_strings(length, length)
    ep_problem = StringProblem(min_len=2, max_len=length + 1 - HELD_OUT, init_scale=problem.init_scale)
    runs, ep_cfg = _train_even_pairs_batched(ep_problem, steps, steps // 5, seeds, n_positions=length + 1)
    # The direct arm stays per seed: from W, u ~ N(0, 1) at step 3.0 on parity (no signal to find) GD
    # wanders chaotically, and stacked, the float summation order alone moved a seed's acc_direct by
    # 0.008 at the default tier (the even-pairs runs agree to 1e-15).
    direct_cfg = _direct_config(length)
    y, direct_batch = torch.as_tensor(parity_labels(strings)), embed(strings, direct_cfg)
    return [
        _parity_row(
            run.params,
            ep_cfg,
            ep_problem,
            tries,
            strings,
            train(direct_batch, y, direct_cfg, steps, torch.Generator().manual_seed(seed + 1)),
        )
        for seed, (run, tries) in zip(seeds, runs, strict=True)
    ]


def parity(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Parity check on all strings of length L: direct training vs CoT with an even-pairs model.

    ``acc_cot``: an even-pairs model trained on all strings of lengths
    2..L+1-HELD_OUT is run as the chain of thought of :func:`cot_chain` on
    the 2^L strings of length L; its last HELD_OUT steps read strings of
    lengths it never saw (the one-hot positions beyond its training lengths
    are untrained), so the CoT is judged off its training set. ``acc_direct``:
    the same one-layer model trained by GD on the parity label, from a random
    start W, u ~ N(0, 1) (not W = 0 with a tiny u, where the gradient vanishes
    by symmetry and the loss starts at log 2), so that it can train:
    ``loss_direct_init`` and ``loss_direct`` record where it started and ended.
    """
    return _parity(problem, seed, tier, train_even_pairs=True)


def parity_untrained_cot(problem: StringProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same chain of thought run with the even-pairs model at its initialisation."""
    return _parity(problem, seed, tier, train_even_pairs=False)


def parity_batched(problem: StringProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`parity` for several seeds, trained together."""
    return _parity_batched(problem, seeds, tier)
