"""Shared experiment of pedersen2025: drifting OU emulators, with and without thermalization.

One unit (instance, seed): a ScoreMLP (models/score_mlp.py) is fitted by
denoising score matching on 4096 draws of the invariant law N(0, Sigma);
trajectories started from the invariant law are rolled out by the exact
solver, by the raw emulator (factor 1 + delta) and by the emulator thermalized
every ``period`` steps (tasks/emulator.py). Controls replace the fitted
thermalizer by the same network untrained.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from models.score_mlp import ScoreConfig, ScoreMLP, train_dsm
from tasks.emulator import (
    ESCAPE,
    OUEmulator,
    covariance_error,
    lag_one_autocorrelation,
    rollout,
    thermalize,
)
from theorycheck import Measurement, Tier

LEVEL = 0.5  # sigma / alpha of the noise level the states are taken at (fixed, not estimated per state)
REVERSE_STEPS = 4
HORIZON_FACTOR = 25  # rollout length in units of the raw emulator's deterministic escape time


def _length(system: OUEmulator, tier: Tier) -> int:
    """HORIZON_FACTOR x the steps (1 + delta)^(2k) takes to carry x' Sigma^-1 x from d to ESCAPE (from the
    instance, not from any outcome); smoke: a tenth of it."""
    escape = math.log(ESCAPE / system.dim) / (2.0 * math.log1p(system.drift))
    return int(tier.pick(smoke=0.1, default=1.0, full=2.0) * HORIZON_FACTOR * escape)


def _run(system: OUEmulator, seed: int, tier: Tier, *, kind: str) -> Measurement:
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    root = system.root()
    cov = np.asarray(system.cov, dtype=float)
    config = ScoreConfig(
        dim=system.dim, width=64, steps=tier.pick(smoke=50, default=500, full=2000), batch=512
    )
    samples = rng.standard_normal((4096, system.dim)) @ root.T
    if kind == "trained":
        model, fit_loss = train_dsm(
            samples, np.zeros(len(samples)), config, risk_sensitive=False, generator=gen
        )
    else:
        model, fit_loss = ScoreMLP(config, gen), float(system.dim)  # no fit: the loss of eps_hat = 0

    def corrector(x: np.ndarray, r: np.random.Generator) -> np.ndarray:
        return thermalize(model.score, x, level=LEVEL, steps=REVERSE_STEPS, rng=r)

    correct = None if kind == "none" else corrector

    length = _length(system, tier)
    window = length // 2
    n = tier.pick(smoke=8, default=32, full=64)
    x0 = rng.standard_normal((n, system.dim)) @ root.T
    solver = rollout(system, x0, system.a, length, rng, window=window)
    raw = rollout(system, x0, 1.0 + system.drift, length, rng)
    thermal = rollout(system, x0, 1.0 + system.drift, length, rng, corrector=correct, window=window)
    err_solver = covariance_error(solver.late, cov)
    survived = np.isfinite(thermal.late[-1]).all(axis=1).mean()
    return Measurement.one(
        scalars={
            "H_raw": float(np.median(raw.escape)),
            "H_thermal": float(np.median(thermal.escape)),
            "H_solver": float(np.median(solver.escape)),
            "length": float(length),
            "err_thermal": covariance_error(thermal.late, cov) if survived > 0 else 1e6,
            "err_solver": err_solver,
            "rho_thermal": lag_one_autocorrelation(np.nan_to_num(thermal.late)) if survived > 0 else 0.0,
            "rho_solver": lag_one_autocorrelation(solver.late),
            "a": system.a,
            "fit_loss": fit_loss,
            "dim": float(system.dim),
            "survived": float(survived),
        }
    )


def thermalized_rollouts(system: OUEmulator, seed: int, tier: Tier) -> Measurement:
    return _run(system, seed, tier, kind="trained")


def untrained_thermalizer(system: OUEmulator, seed: int, tier: Tier) -> Measurement:
    """Control: the same correction with the score network at its initialisation (nothing learned of mu)."""
    return _run(system, seed, tier, kind="untrained")


def no_thermalizer(system: OUEmulator, seed: int, tier: Tier) -> Measurement:
    """Control: the raw emulator in the thermalized slot (no correction at all)."""
    return _run(system, seed, tier, kind="none")
