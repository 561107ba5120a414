"""Shared experiment of the nitanda2025 claims: MFLD particle systems against a mean-field proxy.

One unit (one seed of one instance) draws the training inputs, runs a
mean-field proxy (K independent width-1024 systems, averaged) and, at every
width N of the grid, R = P / N independent width-N systems (the same particle
budget P at every width), all from the seed's own generator. From the
outputs on the training inputs it measures:

* the squared function-space distance D(N, t) = mean over replicas and
  training points of (f_N - f_ref)^2, at the final step (series ``gap``), its
  worst value over the late window t >= T/4 (series ``gap_sup``), its worst
  value over every logged time t >= T/10, transient included (series
  ``gap_sup_all``; ``sup_over_final_4`` / ``_64``: how much larger than D(T)
  it is at N = 4 / 64) and its growth over time (``kappa_hat``, the growth
  rate of N * D);
* the ensemble floor F(N): the squared distance to the proxy of the average
  of all R width-N networks, less the two variances that averaging more
  replicas (and a better proxy) would remove, i.e. an unbiased estimate of
  ||E f_N - f_MF||^2, the error an ensemble of width-N members keeps however
  many members it averages (scalars ``floor_1``, ``floor_4``, ``floor_8`` and
  ``floor_ratio`` = F(4) / F(1));
* the ensemble curve at N = 4: the squared distance of the average of M
  members over M = 1 .. 64 (disjoint groups; series ``ensemble_gap``, shown,
  not judged: 1/M down to the floor is the arithmetic of averaging
  independent replicas).

The control ``particle_sweep_independent_neurons`` builds each width-N
network from N neurons trained as N separate width-1 MFLD systems (no
mean-field interaction between them) and returns the same quantities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.mean_field import MeanFieldConfig, train
from tasks.regression import Regression, sample
from theorycheck import Measurement, Tier

WIDTHS = (1, 4, 8, 16, 32, 64)  # N grid: the PoC sweep is 4..64 (1.2 decades), 1 and 4 give the floor
POC_WIDTHS = (4, 8, 16, 32, 64)
ENSEMBLE_WIDTH = 4
ENSEMBLE_SIZES = (1, 2, 4, 8, 16, 32, 64)  # M grid of the (reported) ensemble curve
REFERENCE_WIDTH = 1024
STEP = 0.1  # eta
RECORDS = 10  # outputs logged every steps / RECORDS steps


@dataclass(frozen=True, kw_only=True)
class _Budget:
    steps: int  # T
    particles: int  # P = replicas * width at every width of the grid
    reference_runs: int  # K, width-1024 systems averaged into the proxy


def _budget(tier: Tier) -> _Budget:
    return tier.pick(
        smoke=_Budget(steps=100, particles=2048, reference_runs=4),
        default=_Budget(steps=200, particles=8192, reference_runs=16),
        full=_Budget(steps=400, particles=16384, reference_runs=32),
    )


def _config(task: Regression, steps: int) -> MeanFieldConfig:
    return MeanFieldConfig(
        scale=task.scale, entropy=task.entropy, weight_decay=task.weight_decay, step=STEP, steps=steps
    )


def _floor(outs: np.ndarray, ref: np.ndarray, ref_error: float) -> float:
    """Unbiased ||E f_N - f_ref||^2 from R replicas' outputs (R, n): the squared distance of their mean
    less its sampling variance (Var / R) and the proxy's own estimated error."""
    mean = outs.mean(axis=0)
    sampling = float(outs.var(axis=0, ddof=1).mean()) / outs.shape[0]
    return float(((mean - ref) ** 2).mean()) - sampling - ref_error


def _measure(task: Regression, seed: int, tier: Tier, independent: bool) -> Measurement:
    budget = _budget(tier)
    generator = torch.Generator().manual_seed(seed)
    inputs, targets = sample(task, generator)
    config = _config(task, budget.steps)
    every = budget.steps // RECORDS
    record = list(range(0, budget.steps + 1, every))
    ref_outs = train(
        config,
        inputs,
        targets,
        replicas=budget.reference_runs,
        width=REFERENCE_WIDTH,
        generator=generator,
        record=record,
    )  # (marks, K, n)
    ref = ref_outs.mean(axis=1)  # (marks, n): the mean-field proxy
    ref_error = ref_outs.var(axis=1, ddof=1).mean(axis=1) / budget.reference_runs  # (marks,)
    pool = None
    if independent:  # P neurons, each its own width-1 MFLD system
        pool = train(
            config, inputs, targets, replicas=budget.particles, width=1, generator=generator, record=record
        )  # (marks, P, n)
    outputs = {}
    for width in WIDTHS:
        replicas = budget.particles // width
        if pool is None:
            outputs[width] = train(
                config, inputs, targets, replicas=replicas, width=width, generator=generator, record=record
            )  # (marks, R, n)
        else:
            marks, _, n = pool.shape
            outputs[width] = pool[:, : replicas * width].reshape(marks, replicas, width, n).mean(axis=2)
    gap = np.stack([((outputs[w] - ref[:, None, :]) ** 2).mean(axis=(1, 2)) for w in POC_WIDTHS])
    times = np.asarray(record, dtype=float) * STEP
    late = np.asarray(record) >= budget.steps // 4
    logged = np.asarray(record) > 0  # every logged time after the initial draw
    sup_all = gap[:, logged].max(axis=1)
    scaled = np.log(gap[:, late] * np.asarray(POC_WIDTHS, dtype=float)[:, None]).mean(axis=0)
    kappa = float(np.polyfit(times[late], scaled, 1)[0])
    final = {w: outputs[w][-1] for w in WIDTHS}  # (R, n) at T
    floors = {w: _floor(final[w], ref[-1], float(ref_error[-1])) for w in (1, 4, 8)}
    members = final[ENSEMBLE_WIDTH]
    ensemble = []
    for m in ENSEMBLE_SIZES:
        groups = members[: (len(members) // m) * m].reshape(-1, m, members.shape[-1]).mean(axis=1)
        ensemble.append(float(((groups - ref[-1]) ** 2).mean()))
    return Measurement.one(
        series={
            "gap": ([float(w) for w in POC_WIDTHS], gap[:, -1].tolist()),
            "gap_sup": ([float(w) for w in POC_WIDTHS], gap[:, late].max(axis=1).tolist()),
            "gap_sup_all": ([float(w) for w in POC_WIDTHS], sup_all.tolist()),
            "ensemble_gap": ([float(m) for m in ENSEMBLE_SIZES], ensemble),
        },
        scalars={
            "kappa_hat": kappa,
            "sup_over_final_4": float(sup_all[0] / gap[0, -1]),
            "sup_over_final_64": float(sup_all[-1] / gap[-1, -1]),
            "window_time": float(times[late][-1] - times[late][0]),
            "reference_share": float(ref_error[-1] / gap[-1, -1]),
            "floor_1": floors[1],
            "floor_4": floors[4],
            "floor_8": floors[8],
            "floor_ratio": floors[4] / floors[1],
            "variance_4": float(final[4].var(axis=0, ddof=1).mean()) * 4,  # N Var[f_N] at N = 4
        },
    )


def particle_sweep(task: Regression, seed: int, tier: Tier) -> Measurement:
    """MFLD at every width of the grid: D(N) at T, the growth in time of N * D, the ensemble floor F(N)."""
    return _measure(task, seed, tier, independent=False)


def particle_sweep_independent_neurons(task: Regression, seed: int, tier: Tier) -> Measurement:
    """Control: each width-N network is N neurons trained as separate width-1 MFLD systems (no
    mean-field interaction); the same quantities as ``particle_sweep``."""
    return _measure(task, seed, tier, independent=True)
