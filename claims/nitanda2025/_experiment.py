"""Shared experiments of the nitanda2025 claims: MFLD particle systems against a mean-field proxy.

One unit (one seed of one instance) draws the training inputs, runs a
mean-field proxy (K independent width-1024 systems, averaged) and the
finite-width systems, all from the seed's own generator, and measures the
squared function-space distance D = mean over replicas and training points
of (f_N - f_ref)^2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.mean_field import MeanFieldConfig, train
from tasks.regression import Regression, sample
from theorycheck import Measurement, Tier

WIDTHS = (8, 16, 32, 64, 128)  # N grid of the propagation-of-chaos sweep (1.2 decades)
ENSEMBLE_WIDTH = 16  # N of each ensemble member
ENSEMBLE_SIZES = (1, 2, 4, 8, 16, 32)  # M grid
REFERENCE_WIDTH = 1024
STEP = 0.1  # eta
RECORDS = 10  # outputs logged every steps / RECORDS steps


@dataclass(frozen=True, kw_only=True)
class _Budget:
    steps: int  # T
    particles: int  # replicas * width at every width of the sweep
    reference_runs: int  # K, width-1024 systems averaged into the proxy
    ensemble_replicas: int  # width-16 networks grouped into ensembles
    ensemble_reference_runs: int  # K for the ensemble sweep, whose smallest gap is Var/(32 * 16)


def _budget(tier: Tier) -> _Budget:
    return tier.pick(
        smoke=_Budget(
            steps=100, particles=2048, reference_runs=4, ensemble_replicas=256, ensemble_reference_runs=8
        ),
        default=_Budget(
            steps=200, particles=8192, reference_runs=16, ensemble_replicas=512, ensemble_reference_runs=32
        ),
        full=_Budget(
            steps=400, particles=16384, reference_runs=32, ensemble_replicas=1024, ensemble_reference_runs=64
        ),
    )


def _config(task: Regression, steps: int) -> MeanFieldConfig:
    return MeanFieldConfig(
        scale=task.scale, entropy=task.entropy, weight_decay=task.weight_decay, step=STEP, steps=steps
    )


def _reference(
    config: MeanFieldConfig,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    runs: int,
    generator: torch.Generator,
    record: list[int],
) -> tuple[np.ndarray, np.ndarray]:
    """Mean-field proxy f_ref at each recorded step (marks, n) and its own error variance (marks,)."""
    outs = train(
        config, inputs, targets, replicas=runs, width=REFERENCE_WIDTH, generator=generator, record=record
    )  # (marks, K, n)
    error = outs.var(axis=1, ddof=1).mean(axis=1) / runs  # (marks,): E (f_ref - f_MF)^2, estimated
    return outs.mean(axis=1), error


def particle_sweep(task: Regression, seed: int, tier: Tier) -> Measurement:
    """D(N) at the final step over the N grid, and the growth rate in time of N * D(N, t).

    Series ``gap``: (N, D(N, T)). Scalars: ``kappa_hat``, the least-squares slope
    in training time (t * eta) of mean_N log(N * D(N, t)) over t >= T / 4;
    ``window_time``, the length of that window; ``reference_share``, the
    proxy's own estimated error divided by D(N_max, T).
    """
    budget = _budget(tier)
    generator = torch.Generator().manual_seed(seed)
    inputs, targets = sample(task, generator)
    config = _config(task, budget.steps)
    every = budget.steps // RECORDS
    record = list(range(0, budget.steps + 1, every))
    ref, ref_error = _reference(config, inputs, targets, budget.reference_runs, generator, record)
    gaps = []
    for width in WIDTHS:
        outs = train(
            config,
            inputs,
            targets,
            replicas=budget.particles // width,
            width=width,
            generator=generator,
            record=record,
        )  # (marks, R, n)
        gaps.append(((outs - ref[:, None, :]) ** 2).mean(axis=(1, 2)))  # (marks,)
    gap = np.stack(gaps)  # (widths, marks)
    times = np.asarray(record, dtype=float) * STEP
    late = np.asarray(record) >= budget.steps // 4
    scaled = np.log(gap[:, late] * np.asarray(WIDTHS, dtype=float)[:, None]).mean(axis=0)
    kappa = float(np.polyfit(times[late], scaled, 1)[0])
    return Measurement.one(
        series={"gap": ([float(w) for w in WIDTHS], gap[:, -1].tolist())},
        scalars={
            "kappa_hat": kappa,
            "window_time": float(times[late][-1] - times[late][0]),
            "reference_share": float(ref_error[-1] / gap[-1, -1]),
        },
    )


def ensemble_sweep(task: Regression, seed: int, tier: Tier) -> Measurement:
    """Squared distance to the proxy of the average of M independent width-16 networks, over M.

    Series ``ensemble_gap``: (M, mean over the R / M disjoint groups and the
    training points of (mean of the group's outputs - f_ref)^2) at the final
    step. Scalar ``reference_share``: the proxy's own error over the value at
    the largest M.
    """
    budget = _budget(tier)
    generator = torch.Generator().manual_seed(seed)
    inputs, targets = sample(task, generator)
    config = _config(task, budget.steps)
    ref, ref_error = _reference(config, inputs, targets, budget.ensemble_reference_runs, generator, [])
    outs = train(
        config, inputs, targets, replicas=budget.ensemble_replicas, width=ENSEMBLE_WIDTH, generator=generator
    )[-1]  # (R, n)
    values = []
    for m in ENSEMBLE_SIZES:
        ensembles = outs.reshape(-1, m, outs.shape[-1]).mean(axis=1)  # (R / M, n)
        values.append(float(((ensembles - ref[-1]) ** 2).mean()))
    return Measurement.one(
        series={"ensemble_gap": ([float(m) for m in ENSEMBLE_SIZES], values)},
        scalars={"reference_share": float(ref_error[-1] / values[-1])},
    )
