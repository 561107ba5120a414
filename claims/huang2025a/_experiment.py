"""Shared experiments of huang2025a: one-layer LSA trained without and with a chain of thought.

One unit (one seed of one instance ``(d, n)``) builds a ``torch.Generator``
from the seed; the initialisation, every training batch (fresh prompts) and
the evaluation prompts are drawn from it.

* ``no_cot``: the LSA reads ``w_hat`` off the query token and is trained on
  ``||w_hat - w*||^2``. Reported: the relative error
  ``err_nocot = mean ||w_hat - w*||^2 / d`` on fresh prompts (``E||w*||^2 = d``),
  and the learned effective step ``<w_hat, h> / <h, h>``.
* ``cot``: the LSA is trained by teacher forcing on the GD path
  ``w_1..w_K`` (step ``eta = 1/(1+sqrt(d/n))^2``, see
  ``tasks.linear_regression_prompts.gd_step_size``) and evaluated
  autoregressively from ``w_0 = 0``; exact GD runs on the same prompts.
  The curves are the median over prompts of ``||w_k - w*||^2 / ||w*||^2``
  (the typical prompt; the mean is reported too, but is dominated by the rare
  ill-conditioned prompts, whose slow or divergent modes bend its semi-log
  curve). ``rho`` is the median over the evaluation prompts of GD's
  contraction factor max_i |1 - eta lambda_i(S)|: on every prompt GD's
  relative error after k steps is at most rho_p^(2k).

Controls: ``cot_without_cot_training`` (the same LSA trained to output w* in
one step, as in ``no_cot``, then run autoregressively like the CoT model) and
``no_cot_shuffled_targets`` (``no_cot`` trained on another prompt's w*).

Batched seeds: each ``*_batched`` experiment trains the seeds of one look as
one stacked LSA (``models.linear_transformer.train_batched``), every seed's
init and batches from its own generator in the unbatched order; the
evaluation then runs per seed on its unstacked model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from models.linear_transformer import (
    LinearSelfAttention,
    LSAConfig,
    Sampler,
    TrainConfig,
    train,
    train_batched,
)
from tasks.linear_regression_prompts import (
    RegressionPrompt,
    gd_iterates,
    gd_step_size,
    one_step_floor,
    sample_prompts,
)
from theorycheck import Curve, Measurement, Tier

BATCH = 256
LR = 1e-2
DIVERGED = 1e30  # relative error recorded for a rollout that overflowed (only the controls do)


def _late_drift(losses: np.ndarray) -> float:
    """Relative drop of the mean training loss from steps [T/2, 3T/4) to [3T/4, T]."""
    t = len(losses)
    before = float(np.mean(losses[t // 2 : 3 * t // 4]))
    last = float(np.mean(losses[3 * t // 4 :]))
    return (before - last) / last


def _one_step_run(
    problem: RegressionPrompt, seed: int, *, shuffle: bool = False
) -> tuple[torch.Generator, LinearSelfAttention, Sampler]:
    """The generator, the initialised LSA and the training batches of a run trained to output w*."""
    gen = torch.Generator().manual_seed(seed)
    model = LinearSelfAttention(LSAConfig(dim=problem.dim), gen)

    def batch(size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, y, w = sample_prompts(problem, size, gen)
        if shuffle:  # control: each prompt's target is another prompt's w*
            w = w.roll(1, dims=0)
        return x, y, w.unsqueeze(1)  # target: w* itself, one step

    return gen, model, batch


def _no_cot_measurement(
    model: LinearSelfAttention,
    problem: RegressionPrompt,
    gen: torch.Generator,
    tier: Tier,
    losses: np.ndarray,
) -> Measurement:
    n_eval = tier.pick(smoke=4096, default=16384)
    x, y, w = sample_prompts(problem, n_eval, gen)
    w_hat = model.rollout(x, y, 1)[:, 0]  # (B, d)
    h = torch.einsum("bni,bn->bi", x, y) / problem.length  # (B, d): one GD step direction
    return Measurement.one(
        scalars={
            "err_nocot": float(((w_hat - w) ** 2).sum(-1).mean()) / problem.dim,
            "d": float(problem.dim),
            "n": float(problem.length),
            "step_learned": float((w_hat * h).sum() / (h * h).sum()),
            "loss_drift": _late_drift(losses),
        }
    )


def _one_step_steps(tier: Tier) -> int:
    return tier.pick(smoke=300, default=400)


def no_cot(problem: RegressionPrompt, seed: int, tier: Tier, *, shuffle: bool = False) -> Measurement:
    """Train the LSA to output w* directly; measure its relative error on fresh prompts."""
    gen, model, batch = _one_step_run(problem, seed, shuffle=shuffle)
    losses = train(model, batch, TrainConfig(steps=_one_step_steps(tier), batch=BATCH, lr=LR))
    return _no_cot_measurement(model, problem, gen, tier, losses)


def no_cot_batched(
    problem: RegressionPrompt, seeds: Sequence[int], tier: Tier, *, shuffle: bool = False
) -> list[Measurement]:
    """:func:`no_cot` for several seeds, trained as one batched model."""
    runs = [_one_step_run(problem, seed, shuffle=shuffle) for seed in seeds]
    config = TrainConfig(steps=_one_step_steps(tier), batch=BATCH, lr=LR)
    losses = train_batched([m for _, m, _ in runs], [b for _, _, b in runs], config)
    return [_no_cot_measurement(m, problem, g, tier, ls) for (g, m, _), ls in zip(runs, losses, strict=True)]


def _contraction(x: torch.Tensor, eta: float) -> torch.Tensor:
    """Per prompt, GD's contraction factor max_i |1 - eta lambda_i(S)|, S = X^T X / n: (B,)."""
    s = torch.einsum("bni,bnj->bij", x, x).double() / x.shape[1]
    lam = torch.linalg.eigvalsh(s)  # (B, d), ascending
    return torch.maximum((1 - eta * lam[:, 0]).abs(), (1 - eta * lam[:, -1]).abs())


def _cot_measurement(
    model: LinearSelfAttention,
    problem: RegressionPrompt,
    gen: torch.Generator,
    tier: Tier,
    tf_rel_loss: float,
) -> Measurement:
    k_max = tier.pick(smoke=8, default=12)
    n_eval = tier.pick(smoke=2048, default=4096)
    eta = gd_step_size(problem)
    eta_star = problem.length / (problem.length + problem.dim + 1)  # the best single step (no_cot_floor)
    x, y, w = sample_prompts(problem, n_eval, gen)
    norm = (w**2).sum(-1, keepdim=True)  # (B, 1)
    err = (((model.rollout(x, y, k_max) - w[:, None]) ** 2).sum(-1) / norm).double()  # (B, K)
    err = torch.nan_to_num(err, nan=DIVERGED, posinf=DIVERGED).clamp(max=DIVERGED)  # a diverged rollout
    err_gd = (((gd_iterates(x, y, eta, k_max) - w[:, None]) ** 2).sum(-1) / norm).double()
    err_star = (((gd_iterates(x, y, eta_star, k_max) - w[:, None]) ** 2).sum(-1) / norm).double()
    med, med_gd = err.median(0).values.numpy(), err_gd.median(0).values.numpy()
    ks = np.arange(1, k_max + 1, dtype=float)
    return Measurement.one(
        series={
            "err_cot": Curve.of(ks, med),
            "err_gd": Curve.of(ks, med_gd),
            "err_cot_mean": Curve.of(ks, err.mean(0).numpy()),
        },
        scalars={
            "err_cot_K": float(med[-1]),
            "err_gd_K": float(med_gd[-1]),
            "err_gd_1": float(med_gd[0]),
            "err_gd_K_eta_star": float(err_star[:, -1].median()),
            "err_cot_K_mean": float(err[:, -1].mean()),
            "err_gd_K_mean": float(err_gd[:, -1].mean()),
            "rho": float(_contraction(x, eta).median()),
            "floor": one_step_floor(problem),
            "tf_rel_loss": tf_rel_loss,
        },
    )


def _cot_run(
    problem: RegressionPrompt, seed: int, k_max: int, *, targets: bool = True
) -> tuple[torch.Generator, LinearSelfAttention, Sampler]:
    """The generator, the initialised LSA and the teacher-forced GD-path batches of a CoT run
    (with ``targets=False`` the batches hold the prompts' w* instead: see :func:`cot_batched`)."""
    eta = gd_step_size(problem)
    gen = torch.Generator().manual_seed(seed)
    model = LinearSelfAttention(LSAConfig(dim=problem.dim), gen)

    def batch(size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, y, w = sample_prompts(problem, size, gen)
        return x, y, gd_iterates(x, y, eta, k_max) if targets else w  # teacher-forced targets w_1..w_K

    return gen, model, batch


def _tf_rel_loss(losses: np.ndarray, steps: int) -> float:
    return float(np.median(losses[-max(1, steps // 20) :]) / np.median(losses[:5]))


def cot(problem: RegressionPrompt, seed: int, tier: Tier) -> Measurement:
    """Train the LSA on GD chains of thought; compare its autoregressive rollout with exact GD."""
    steps = tier.pick(smoke=300, default=600)
    gen, model, batch = _cot_run(problem, seed, tier.pick(smoke=8, default=12))
    losses = train(model, batch, TrainConfig(steps=steps, batch=BATCH, lr=LR))
    return _cot_measurement(model, problem, gen, tier, _tf_rel_loss(losses, steps))


def cot_batched(problem: RegressionPrompt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`cot` for several seeds, trained as one batched model (the GD-path targets of all the
    seeds' batches computed together)."""
    steps, k_max, eta = (
        tier.pick(smoke=300, default=600),
        tier.pick(smoke=8, default=12),
        gd_step_size(problem),
    )
    runs = [_cot_run(problem, seed, k_max, targets=False) for seed in seeds]
    losses = train_batched(
        [m for _, m, _ in runs],
        [b for _, _, b in runs],
        TrainConfig(steps=steps, batch=BATCH, lr=LR),
        targets=lambda x, y, _: gd_iterates(x, y, eta, k_max),
    )
    return [
        _cot_measurement(m, problem, g, tier, _tf_rel_loss(ls, steps))
        for (g, m, _), ls in zip(runs, losses, strict=True)
    ]


def cot_without_cot_training(problem: RegressionPrompt, seed: int, tier: Tier) -> Measurement:
    """Control: the LSA trained without CoT (to output w* in one step), then run autoregressively.

    Same initialisation, optimiser and budget as ``no_cot``; the rollout feeds
    its own outputs back as CoT tokens exactly as for the CoT model.
    """
    steps = _one_step_steps(tier)
    gen, model, batch = _one_step_run(problem, seed)
    losses = train(model, batch, TrainConfig(steps=steps, batch=BATCH, lr=LR))
    return _cot_measurement(model, problem, gen, tier, _tf_rel_loss(losses, steps))


def cot_without_cot_training_batched(
    problem: RegressionPrompt, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`cot_without_cot_training` for several seeds, trained as one batched model."""
    steps = _one_step_steps(tier)
    runs = [_one_step_run(problem, seed) for seed in seeds]
    losses = train_batched(
        [m for _, m, _ in runs], [b for _, _, b in runs], TrainConfig(steps=steps, batch=BATCH, lr=LR)
    )
    return [
        _cot_measurement(m, problem, g, tier, _tf_rel_loss(ls, steps))
        for (g, m, _), ls in zip(runs, losses, strict=True)
    ]


def no_cot_shuffled_targets(problem: RegressionPrompt, seed: int, tier: Tier) -> Measurement:
    """Control: ``no_cot`` trained on targets shuffled across the prompts of each batch (w* of another)."""
    return no_cot(problem, seed, tier, shuffle=True)


def no_cot_shuffled_targets_batched(
    problem: RegressionPrompt, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`no_cot_shuffled_targets` for several seeds, trained as one batched model."""
    return no_cot_batched(problem, seeds, tier, shuffle=True)
