"""Shared experiments of domingoenrich2024: the SOCM loss against the Riccati solution, and training races.

Every problem is linear-quadratic (tasks/lqr.py), so the optimal control
u* = -2 sigma' F(t) x, the normaliser Z = E[exp(-W / lam)] = exp(-V(x0, 0) / lam)
and every L2 distance between linear controls under a linear control's path
law are closed form (Riccati and Lyapunov ODEs). Paths are Euler-Maruyama
with the authors' 50 steps on [0, 1] (models/control_net.py).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from models.control_net import LinearSystem, simulate, socm_loss, train_control
from tasks.lqr import (
    LQProblem,
    MatchingInstance,
    control_gap,
    linear_control_moments,
    optimal_gains,
    riccati,
)
from theorycheck import Measurement, Tier

STEPS = 50  # the authors' configs/soc.yaml num_steps


@functools.lru_cache(maxsize=64)
def _setup(problem: LQProblem) -> tuple[LinearSystem, np.ndarray, np.ndarray, float]:
    """The system, the time grid, the optimal gains K* on it and Z = exp(-V(x0, 0) / lam).

    Memoised per problem (every seed of an instance shares them; the arrays are made read-only)."""
    times = np.linspace(0.0, problem.horizon, STEPS + 1)
    solution = riccati(problem, times)
    system = LinearSystem(*problem.arrays(), problem.lam, problem.horizon)
    z = math.exp(-float(solution.value(np.asarray(problem.x0), 0)[0]) / problem.lam)
    return _frozen(system, times, optimal_gains(problem, solution), z)


def _frozen(*values: Any) -> Any:
    """``values`` with every array in them (also a LinearSystem's) made read-only: a memo's answers."""
    for value in values:
        arrays = vars(value).values() if isinstance(value, LinearSystem) else [value]
        for array in arrays:
            if isinstance(array, np.ndarray):
                array.setflags(write=False)
    return values


@functools.lru_cache(maxsize=64)
def _closed_forms(instance: MatchingInstance) -> tuple[float, float]:
    """``l2_optimal`` and ``l2_sampling`` of :func:`_decomposition` (closed form, per instance: memoised)."""
    problem = instance.problem
    _, times, k_star, _ = _setup(problem)
    delta = instance.scale * np.broadcast_to(np.asarray(instance.perturbation), k_star.shape)
    return (
        control_gap(problem, times, k_star, delta),
        control_gap(problem, times, instance.sampling * k_star, delta),
    )


def _decomposition(
    instance: MatchingInstance, seed: int, tier: Tier, *, weighted: bool, constant: bool = False
) -> Measurement:
    """Monte Carlo SOCM losses of u* + D and of u* on the same paths sampled under v = beta u*.

    Scalars: ``loss_gap`` = L(u* + D, M) - L(u*, M); ``Z``; ``l2_optimal`` = (1/T) E_{u*} int |D X|^2 dt and
    ``l2_sampling`` the same under v (closed form); ``var_identity``, ``var_exp`` = L(u*, M) for M = I and
    M = exp(-gamma (s - t)) I (the conditional-variance term of the matching field).
    """
    problem = instance.problem
    system, _, k_star, z = _setup(problem)
    delta = instance.scale * np.broadcast_to(np.asarray(instance.perturbation), k_star.shape)
    rng = np.random.default_rng(seed)
    paths = simulate(system, instance.sampling * k_star, tier.pick(smoke=512, default=2048, full=8192), rng)
    family = instance.family_spec()
    loss_u, _ = socm_loss(system, k_star + delta, paths, family, weighted=weighted)
    loss_star, _ = socm_loss(system, k_star, paths, family, weighted=weighted)
    if constant:  # the unweighted losses times E_v[alpha] = Z
        loss_u, loss_star = z * loss_u, z * loss_star
    l2_optimal, l2_sampling = _closed_forms(instance)
    return Measurement.one(
        scalars={
            "loss_gap": loss_u - loss_star,
            "Z": z,
            "l2_optimal": l2_optimal,
            "l2_sampling": l2_sampling,
            "var_identity": socm_loss(system, k_star, paths, "identity", weighted=weighted)[0],
            "var_exp": socm_loss(system, k_star, paths, ("exp", instance.gamma), weighted=weighted)[0],
        }
    )


def loss_decomposition(instance: MatchingInstance, seed: int, tier: Tier) -> Measurement:
    return _decomposition(instance, seed, tier, weighted=True)


def unweighted_decomposition(instance: MatchingInstance, seed: int, tier: Tier) -> Measurement:
    """Control: the same regression without the path weight alpha (plain least squares under P^v)."""
    return _decomposition(instance, seed, tier, weighted=False)


def constant_weight_decomposition(instance: MatchingInstance, seed: int, tier: Tier) -> Measurement:
    """Control: alpha replaced by its mean Z (a constant weight of the right size, no change of law)."""
    return _decomposition(instance, seed, tier, weighted=False, constant=True)


# --- training race ----------------------------------------------------------------------------

BATCH = 64
LR = 0.05  # Adam on the gain table (the authors: 1e-4 on a [256, 128, 64] network)
BASELINES = ("cross_entropy", "log_variance", "relative_entropy")


@functools.lru_cache(maxsize=64)
def _second_moments(problem: LQProblem) -> np.ndarray:
    """E_{u*} X_k X_k' at the grid times k < n (closed form, per problem: memoised, read-only)."""
    _, times, k_star, _ = _setup(problem)
    mean, cov = linear_control_moments(problem, times, k_star)
    return _frozen((cov + np.einsum("ni,nj->nij", mean, mean))[:-1])[0]


def _race(problem: LQProblem, seed: int, tier: Tier, socm_method: str) -> Measurement:
    """Train ``socm_method`` and each baseline from zero gains with the same iterations, batch and Adam step.

    Scalars ``err_<method>`` (``err_socm`` for the SOCM variant): the normalised control error
    E_{u*} int |u - u*|^2 dt / E_{u*} int |u*|^2 dt, averaged over the last quarter of the iterations
    (the level the iterates fluctuate at, less noisy than the last iterate alone).
    """
    system, _, k_star, _ = _setup(problem)
    second = _second_moments(problem)
    h = problem.horizon / STEPS

    def error(gains: np.ndarray) -> float:
        diff = (gains - k_star)[:-1]
        return float(h * np.einsum("nji,njk,nki->", diff, diff, second))

    norm = error(np.zeros_like(k_star))
    iterations = tier.pick(smoke=40, default=200, full=600)
    scalars = {}
    for index, method in enumerate((socm_method, *BASELINES)):
        tail: list[float] = []

        def track(i: int, gains: np.ndarray, tail: list[float] = tail) -> None:
            if i >= iterations - iterations // 4:
                tail.append(error(gains) / norm)

        rng = np.random.default_rng([seed, index])
        train_control(
            system, method, steps=STEPS, iterations=iterations, batch=BATCH, lr=LR, rng=rng, callback=track
        )
        scalars["err_socm" if index == 0 else f"err_{method}"] = float(np.mean(tail))
    return Measurement.one(scalars=scalars)


def training_race(problem: LQProblem, seed: int, tier: Tier) -> Measurement:
    """SOCM with the reparameterisation M chosen on each batch (models.control_net.socm_optimised_m)."""
    return _race(problem, seed, tier, "socm")


def constant_m_race(problem: LQProblem, seed: int, tier: Tier) -> Measurement:
    """Control: SOCM with M fixed at the identity (the variance reduction by M removed)."""
    return _race(problem, seed, tier, "socm_const_m")
