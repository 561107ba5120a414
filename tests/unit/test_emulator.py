"""Unit tests of tasks.emulator against closed forms: the solver keeps N(0, Sigma), the drifting emulator
escapes at its deterministic rate, thermalization with the exact Gaussian score is the exact OU step."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from tasks.emulator import (
    ESCAPE,
    OUEmulator,
    covariance_error,
    lag_one_autocorrelation,
    ou_emulators,
    rollout,
    thermalize,
)
from tasks.gaussians import as_matrix
from tasks.sde import VPSchedule

COV = np.array([[1.0, 0.3], [0.3, 0.5]])
SYSTEM = OUEmulator(cov=as_matrix(COV), relaxation=0.05, drift=0.01, period=3)


def invariant(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal((n, 2)) @ SYSTEM.root().T


def test_solver_keeps_the_invariant_law_and_its_autocorrelation() -> None:
    rng = np.random.default_rng(0)
    run = rollout(SYSTEM, invariant(4000, rng), SYSTEM.a, 200, rng, window=50)
    assert (run.escape == 200).all()
    assert covariance_error(run.late, COV) < 0.03
    assert lag_one_autocorrelation(run.late) == pytest.approx(SYSTEM.a, abs=0.005)


def test_drifting_emulator_escapes_near_its_deterministic_time() -> None:
    """x' Sigma^-1 x grows like (1 + delta)^(2k); from the typical value d it passes ESCAPE near
    log(ESCAPE / d) / (2 delta) steps (earlier, by the noise it accumulates)."""
    rng = np.random.default_rng(1)
    run = rollout(SYSTEM, invariant(400, rng), 1.0 + SYSTEM.drift, 2000, rng)
    predicted = math.log(ESCAPE / 2) / (2 * math.log1p(SYSTEM.drift))
    assert (run.escape < 2000).all()
    assert 0.3 * predicted < float(np.median(run.escape)) < 1.2 * predicted


def test_thermalize_with_the_exact_score_maps_the_noised_law_to_the_invariant_one() -> None:
    """Started at N(0, alpha^2 Sigma + sigma^2 I) (the invariant law noised to level r), the reverse VP SDE
    with the exact Gaussian score returns N(0, Sigma)."""
    schedule = VPSchedule()
    level = 0.5
    t_s = schedule.time_of_ratio(level)
    alpha, sigma = float(schedule.alpha(t_s)), float(schedule.sigma(t_s))

    def score(x: np.ndarray, t: float) -> np.ndarray:
        a, s = float(schedule.alpha(t)), float(schedule.sigma(t))
        return -x @ np.linalg.inv(a * a * COV + s * s * np.eye(2))

    rng = np.random.default_rng(2)
    noised = alpha * invariant(40_000, rng) + sigma * rng.standard_normal((40_000, 2))
    out = thermalize(score, noised, level=level, steps=200, rng=rng)
    assert covariance_error(out, COV) < 0.03


def test_thermalized_emulator_stays_in_the_typical_set() -> None:
    """Slow relaxation (the claims' regime): the correction outpaces the drift (2 k delta < sigma^2)."""
    system = OUEmulator(cov=as_matrix(COV), relaxation=0.002, drift=0.01, period=3)
    schedule = VPSchedule()

    def score(x: np.ndarray, t: float) -> np.ndarray:
        a, s = float(schedule.alpha(t)), float(schedule.sigma(t))
        return -x @ np.linalg.inv(a * a * COV + s * s * np.eye(2))

    rng = np.random.default_rng(3)
    run = rollout(
        system,
        invariant(64, rng),
        1.0 + SYSTEM.drift,
        1500,
        rng,
        corrector=lambda x, r: thermalize(score, x, level=0.5, steps=4, rng=r),
        window=500,
    )
    assert (run.escape == 1500).all()
    assert covariance_error(run.late, COV) < 1.0  # biased up by ~40 % (see the pedersen2025 claim docstring)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(ou_emulators())
def test_ou_emulators_respect_their_ranges(system: OUEmulator) -> None:
    cov = np.asarray(system.cov)
    eig = np.linalg.eigvalsh(cov)
    assert 1 <= system.dim <= 3 and eig.max() == pytest.approx(1.0) and eig.max() / eig.min() <= 4.0 + 1e-6
    assert 1e-3 <= system.relaxation <= 3e-3 and 5e-3 <= system.drift <= 1.5e-2 and 2 <= system.period <= 4
    assert 1.0 + system.drift > 1.0 > system.a
