"""Shared experiments of oko2024: in-context prompt length of the pretrained model and of prompt-only KRR.

One unit (one seed of one instance) builds a ``torch.Generator`` from the
seed; the subspace S, the initialisation, every pretraining batch (fresh
prompts) and the evaluation prompts are drawn from it.

The prompt length needed at a dimension d is ``N(eps)``: the first crossing
of the normalised test error (MSE against the clean target, ``Var f = 1``)
below ``EPS`` on a geometric grid of prompt lengths, located by linear
interpolation in log N between the two bracketing grid points. A curve that
never reaches ``EPS`` is censored at the grid top (recorded in ``censored``).

The ``*_batched`` twins take several seeds and pretrain each arm's models of
all seeds as one stacked model (:func:`models.feature_attention.pretrain_batched`
on :func:`tasks.single_index_prompts.sample_prompts_stacked`), every seed's
subspace, init and batches drawn from its own generator in the unbatched order;
the evaluations after pretraining (ICL curves, the KRR baseline) stay per seed,
in the same code as the unbatched path. The KRR sweeps train nothing and have
no batched twin: their cost is the per-prompt float64 eigendecomposition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from models.feature_attention import (
    FeatureAttentionConfig,
    FeatureLinearAttention,
    PretrainConfig,
    StackedSampler,
    icl_error,
    pretrain,
    pretrain_batched,
)
from models.kernel_ridge import krr_loo_predict
from tasks.single_index_prompts import (
    PriorContrast,
    SingleIndexFamily,
    SingleIndexTask,
    link_degree,
    random_subspace,
    sample_prompts,
    sample_prompts_stacked,
)
from theorycheck import Curve, Measurement, Tier

EPS = 0.35  # target normalised error
ICL_GRID = (8, 11, 16, 23, 32, 45, 64, 91, 128)
KRR_GRID = (3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256)
WIDTH = 64
Sampler = Callable[[int, int, int], tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]


def length_to_reach(grid: tuple[int, ...], errors: list[float], eps: float) -> tuple[float, bool]:
    """First crossing of ``errors`` below ``eps`` (log-linear interpolation); censored at the grid top."""
    for k, err in enumerate(errors):
        if err <= eps:
            if k == 0:
                return float(grid[0]), False
            e0, e1 = errors[k - 1], err
            frac = (e0 - eps) / (e0 - e1)
            return float(math.exp(math.log(grid[k - 1]) + frac * math.log(grid[k] / grid[k - 1]))), False
    return float(grid[len(errors) - 1]), True


def _late_drift(losses: list[float]) -> float:
    """Relative drop of the mean pretraining loss from the 4th to the 5th fifth of the run."""
    t = len(losses) // 5
    before, last = float(np.mean(losses[-2 * t : -t])), float(np.mean(losses[-t:]))
    return (before - last) / last


def _sampler(task: SingleIndexTask, basis: torch.Tensor, gen: torch.Generator) -> Sampler:
    """Fresh pretraining prompts of ``task`` as ``(batch, length, queries) -> (x, y, xq, fq)``."""
    return lambda b, n, q: sample_prompts(task, basis, b, n, q, gen)


def _stacked_sampler(
    task: SingleIndexTask, bases: Sequence[torch.Tensor], gens: Sequence[torch.Generator]
) -> StackedSampler:
    """``_sampler`` of every seed at once: row s from ``gens[s]`` on ``bases[s]``."""
    return lambda b, n, q: sample_prompts_stacked(task, bases, b, n, q, gens)


def _krr_errors(
    task: SingleIndexTask,
    basis: torch.Tensor,
    grid: tuple[int, ...],
    tasks: int,
    gen: torch.Generator,
    *,
    project: bool = False,
) -> list[float]:
    """KRR test errors along ``grid``, stopping at the first point below ``EPS``.

    ``project``: fit on the coordinates ``x U`` in the task subspace instead of ``x`` (an oracle).
    """
    errors = []
    for n in grid:
        x, y, xq, fq = sample_prompts(task, basis, tasks, n, 4, gen)
        if project:
            x, xq = x @ basis, xq @ basis
        errors.append(float(((krr_loo_predict(x, y, xq, link_degree(task.link)) - fq) ** 2).mean()))
        if errors[-1] <= EPS:
            break
    return errors


def icl_sweep(family: SingleIndexFamily, seed: int, tier: Tier) -> Measurement:
    """Pretrain at the smallest and largest d of ``family``; prompt length N(eps) of ICL and of KRR."""
    return _icl_sweep(family, seed, tier)


def icl_sweep_shifted_subspace(family: SingleIndexFamily, seed: int, tier: Tier) -> Measurement:
    """Control: pretrain as ``icl_sweep`` on subspace S, then prompt with tasks from a fresh subspace S'.

    The pretraining (and its validity) is the claim's; only the in-context tasks lose the prior the
    model was pretrained on. KRR is evaluated on S' as well.
    """
    return _icl_sweep(family, seed, tier, shift_subspace=True)


class _IclRow:
    """One seed's measurement of ``_icl_sweep``, filled arm by arm (``lo``, then ``hi``)."""

    def __init__(self) -> None:
        self.out: dict[str, float] = {}
        self.series: dict[str, Curve] = {}
        self.censored, self.drift = 0.0, -math.inf

    def read(
        self,
        tag: str,
        task: SingleIndexTask,
        model: FeatureLinearAttention,
        losses: list[float],
        basis: torch.Tensor,
        gen: torch.Generator,
        tier: Tier,
        shift_subspace: bool,
    ) -> None:
        """After the pretraining of arm ``tag``: the ICL curve (and at ``hi`` the KRR baseline)."""
        tasks = tier.pick(smoke=100, default=1000)
        grid = tier.pick(smoke=ICL_GRID[::2], default=ICL_GRID)
        self.drift = max(self.drift, _late_drift(losses))
        if shift_subspace:  # the in-context tasks come from another random r-dim subspace
            basis = random_subspace(task.dim, task.rank, gen)
        errors = [icl_error(model, sample_prompts(task, basis, tasks, n, 8, gen)) for n in grid]
        n_icl, cut = length_to_reach(grid, errors, EPS)
        self.censored += cut
        self.series[f"err_icl_{tag}"] = Curve.of(grid, errors)
        self.out[f"n_icl_{tag}"] = n_icl
        self.out[f"err64_{tag}"] = errors[grid.index(64)]
        self.out[f"d_{tag}"] = float(task.dim)
        if tag == "hi":  # the prompt-only baseline on the same prompt lengths, censored at the grid top
            krr = _krr_errors(task, basis, grid, tasks // 5, gen)
            self.out["n_krr_hi"] = length_to_reach(grid, krr, EPS)[0]

    def measurement(self) -> Measurement:
        scalars = {**self.out, "icl_censored": self.censored, "loss_drift": self.drift}
        return Measurement.one(series=self.series, scalars=scalars)


def _pretrain_config(tier: Tier) -> PretrainConfig:
    return PretrainConfig(steps=tier.pick(smoke=60, default=600))


def _icl_sweep(
    family: SingleIndexFamily, seed: int, tier: Tier, *, shift_subspace: bool = False
) -> Measurement:
    gen = torch.Generator().manual_seed(seed)
    row = _IclRow()
    for tag, d in (("lo", family.dims[0]), ("hi", family.dims[-1])):
        task = family.at(d)
        basis = random_subspace(d, task.rank, gen)
        model = FeatureLinearAttention(FeatureAttentionConfig(dim=d, width=WIDTH), gen)
        losses = pretrain(model, _sampler(task, basis, gen), _pretrain_config(tier))
        row.read(tag, task, model, losses, basis, gen, tier, shift_subspace)
    return row.measurement()


def icl_sweep_batched(family: SingleIndexFamily, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`icl_sweep` of several seeds, each arm's pretrainings as one stacked model."""
    return _icl_sweep_batched(family, seeds, tier)


def icl_sweep_shifted_subspace_batched(
    family: SingleIndexFamily, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`icl_sweep_shifted_subspace` of several seeds, each arm's pretrainings stacked."""
    return _icl_sweep_batched(family, seeds, tier, shift_subspace=True)


def _icl_sweep_batched(
    family: SingleIndexFamily, seeds: Sequence[int], tier: Tier, *, shift_subspace: bool = False
) -> list[Measurement]:
    """``_icl_sweep`` per seed, every generator drawing in the unbatched order; only the pretraining
    of one arm (one d) runs for all seeds at once (:func:`pretrain_batched`)."""
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    rows = [_IclRow() for _ in seeds]
    for tag, d in (("lo", family.dims[0]), ("hi", family.dims[-1])):
        task = family.at(d)
        bases, models = [], []
        for gen in gens:
            bases.append(random_subspace(d, task.rank, gen))
            models.append(FeatureLinearAttention(FeatureAttentionConfig(dim=d, width=WIDTH), gen))
        losses = pretrain_batched(models, _stacked_sampler(task, bases, gens), _pretrain_config(tier))
        for row, model, loss, basis, gen in zip(rows, models, losses, bases, gens, strict=True):
            row.read(tag, task, model, loss, basis, gen, tier, shift_subspace)
    return [row.measurement() for row in rows]


def krr_sweep(family: SingleIndexFamily, seed: int, tier: Tier) -> Measurement:
    """Prompt length N(eps) of kernel ridge regression on the prompt alone, at every d of ``family``."""
    return _krr_sweep(family, seed, tier, knows_subspace=False)


def krr_sweep_subspace_oracle(family: SingleIndexFamily, seed: int, tier: Tier) -> Measurement:
    """Control: the same KRR fitted on the projection of the inputs onto the task subspace S (the prior
    known, so the estimator no longer learns from the prompt alone)."""
    return _krr_sweep(family, seed, tier, knows_subspace=True)


def _krr_sweep(family: SingleIndexFamily, seed: int, tier: Tier, *, knows_subspace: bool) -> Measurement:
    tasks = tier.pick(smoke=60, default=200)
    gen = torch.Generator().manual_seed(seed)
    lengths, censored = [], 0.0
    for d in family.dims:
        task = family.at(d)
        basis = random_subspace(d, task.rank, gen)
        errors = _krr_errors(task, basis, KRR_GRID, tasks, gen, project=knows_subspace)
        n, cut = length_to_reach(KRR_GRID, errors, EPS)
        lengths.append(n)
        censored += cut
    return Measurement.one(
        series={"n_krr": Curve.of(family.dims, lengths)},
        scalars={
            "n_lo": lengths[0],
            "n_hi": lengths[-1],
            "d_lo": float(family.dims[0]),
            "d_hi": float(family.dims[-1]),
            "krr_censored": censored,
        },
    )


def prior_contrast(contrast: PriorContrast, seed: int, tier: Tier) -> Measurement:
    """Pretrain the same model with the same budget under the rank-r prior and the full prior (r = d);
    ICL error curves of both, plus prompt-only KRR at N = 64 under the full prior (for reference)."""
    return _prior_contrast(contrast, seed, tier, contrast.full())


def prior_contrast_same_prior(contrast: PriorContrast, seed: int, tier: Tier) -> Measurement:
    """Control: both arms pretrained and tested under the rank-r prior (no contrast of priors)."""
    return _prior_contrast(contrast, seed, tier, contrast.low())


def _contrast_arms(
    contrast: PriorContrast, second: SingleIndexTask
) -> tuple[tuple[str, SingleIndexTask], ...]:
    return (("low", contrast.low()), ("full", second))


def _read_contrast_arm(
    out: dict[str, float],
    series: dict[str, Curve],
    tag: str,
    task: SingleIndexTask,
    model: FeatureLinearAttention,
    losses: list[float],
    basis: torch.Tensor,
    gen: torch.Generator,
    tier: Tier,
) -> float:
    """After the pretraining of arm ``tag``: its ICL curve into ``series``/``out``; returns its drift."""
    tasks = tier.pick(smoke=100, default=1000)
    grid = tier.pick(smoke=ICL_GRID[::2], default=ICL_GRID)
    errors = [icl_error(model, sample_prompts(task, basis, tasks, n, 8, gen)) for n in grid]
    series[f"err_icl_{tag}"] = Curve.of(grid, errors)
    out[f"err64_{tag}"] = errors[grid.index(64)]
    out[f"err_last_{tag}"] = errors[-1]
    out[f"pre_loss_{tag}"] = float(np.mean(losses[-max(1, len(losses) // 10) :]))
    if tag == "full":  # the prompt-only baseline at the same prompt length, for reference
        x, y, xq, fq = sample_prompts(task, basis, tasks // 5, 64, 4, gen)
        krr = krr_loo_predict(x, y, xq, link_degree(task.link))
        out["err64_krr_full"] = float(((krr - fq) ** 2).mean())
    return _late_drift(losses)


def _prior_contrast(contrast: PriorContrast, seed: int, tier: Tier, second: SingleIndexTask) -> Measurement:
    gen = torch.Generator().manual_seed(seed)
    out: dict[str, float] = {"d": float(contrast.dim)}
    series: dict[str, Curve] = {}
    drift = -math.inf
    for tag, task in _contrast_arms(contrast, second):
        basis = random_subspace(task.dim, task.rank, gen)
        model = FeatureLinearAttention(FeatureAttentionConfig(dim=task.dim, width=WIDTH), gen)
        losses = pretrain(model, _sampler(task, basis, gen), _pretrain_config(tier))
        drift = max(drift, _read_contrast_arm(out, series, tag, task, model, losses, basis, gen, tier))
    return Measurement.one(series=series, scalars={**out, "loss_drift": drift})


def prior_contrast_batched(contrast: PriorContrast, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`prior_contrast` of several seeds, each arm's pretrainings as one stacked model."""
    return _prior_contrast_batched(contrast, seeds, tier, contrast.full())


def prior_contrast_same_prior_batched(
    contrast: PriorContrast, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`prior_contrast_same_prior` of several seeds, each arm's pretrainings stacked."""
    return _prior_contrast_batched(contrast, seeds, tier, contrast.low())


def _prior_contrast_batched(
    contrast: PriorContrast, seeds: Sequence[int], tier: Tier, second: SingleIndexTask
) -> list[Measurement]:
    """``_prior_contrast`` per seed, every generator drawing in the unbatched order; only the
    pretraining of one arm runs for all seeds at once (:func:`pretrain_batched`)."""
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    outs: list[dict[str, float]] = [{"d": float(contrast.dim)} for _ in seeds]
    series: list[dict[str, Curve]] = [{} for _ in seeds]
    drifts = [-math.inf for _ in seeds]
    for tag, task in _contrast_arms(contrast, second):
        bases, models = [], []
        for gen in gens:
            bases.append(random_subspace(task.dim, task.rank, gen))
            models.append(FeatureLinearAttention(FeatureAttentionConfig(dim=task.dim, width=WIDTH), gen))
        losses = pretrain_batched(models, _stacked_sampler(task, bases, gens), _pretrain_config(tier))
        for i, (model, loss, basis, gen) in enumerate(zip(models, losses, bases, gens, strict=True)):
            drift = _read_contrast_arm(outs[i], series[i], tag, task, model, loss, basis, gen, tier)
            drifts[i] = max(drifts[i], drift)
    return [
        Measurement.one(series=ser, scalars={**out, "loss_drift": drift})
        for out, ser, drift in zip(outs, series, drifts, strict=True)
    ]
