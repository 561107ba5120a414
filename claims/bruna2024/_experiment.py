"""Shared experiments of the bruna2024 claims: exact boosted posteriors, oracle transport, curvature.

No training: the prior is a Gaussian mixture, so its denoising oracle (the
noised prior's score), the boosted posterior nu_T and the posterior nu are
exact mixtures (tasks/tilted_transport.py); the only approximations are
Monte Carlo and the Euler-Maruyama discretisation of the transport.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.gaussians import mixture_sample, responsibilities
from tasks.sde import preconditioned_langevin
from tasks.tilted_transport import (
    InverseProblem,
    best_boost,
    boosted_posterior,
    boosted_tilt,
    curvature_min,
    denoise,
    evaluation_points,
    flow_transport,
    moment_error,
    shared_covariance_score,
    slc_margin,
    transport,
    weight_error,
)
from theorycheck import Measurement, Tier

BOOST_FRACTION = 0.95  # T = 0.95 T*: close to the horizon, where the tilt is boosted most


@dataclass(frozen=True, kw_only=True)
class _Budget:
    particles: int
    steps: int
    points: int  # curvature evaluation points


def _budget(tier: Tier) -> _Budget:
    return tier.pick(
        smoke=_Budget(particles=1000, steps=60, points=400),
        default=_Budget(particles=4000, steps=200, points=2000),
        full=_Budget(particles=16000, steps=400, points=8000),
    )


def _transport_errors(problem: InverseProblem, seed: int, tier: Tier, boost: bool) -> Measurement:
    """Sample nu_T (``boost=False``: pi_T under the original tilt) exactly, transport by the prior's
    reverse diffusion from T to 0, and compare with the exact posterior.

    Scalars (:func:`tasks.tilted_transport.moment_error` against nu): ``posterior_error`` of the
    transported samples, ``untransported_error`` of the nu_T samples themselves, ``denoiser_error``
    of the denoiser's output E[X | Y_T = z] used as a deterministic map, ``flow_error`` of the same
    nu_T samples carried by the probability-flow ODE (same marginals as the transport, deterministic),
    ``flow_weight_error`` the mode-weight part of it.
    """
    budget = _budget(tier)
    rng = np.random.default_rng(seed)
    t = BOOST_FRACTION * problem.horizon()
    nu = problem.posterior()
    z = mixture_sample(boosted_posterior(problem, t, boost=boost), budget.particles, rng)
    x = transport(problem.prior, z, t, steps=budget.steps, rng=rng)
    flow = flow_transport(problem.prior, z, t, steps=budget.steps)
    return Measurement.one(
        scalars={
            "posterior_error": moment_error(x, nu),
            "flow_error": moment_error(flow, nu),
            "flow_weight_error": weight_error(flow, nu),
            "untransported_error": moment_error(z, nu),
            "denoiser_error": moment_error(denoise(problem.prior, z, t), nu),
        }
    )


def tilted_transport(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    return _transport_errors(problem, seed, tier, boost=True)


def untilted_transport(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same transport from pi_T under the original tilt (Q, b), not the boosted (Q_T, b_T)."""
    return _transport_errors(problem, seed, tier, boost=False)


def _curvature(problem: InverseProblem, seed: int, tier: Tier, boost: bool) -> Measurement:
    """Smallest eigenvalue of -grad^2 log nu_T over evaluation points, against the guaranteed margin.

    T maximises the margin lambda_min(Q_T) + 1/T - chi_T / T^2 over (0, 0.99 T*]. Scalars:
    ``slc_ratio`` = curvature / margin; ``chi_free_ratio`` = curvature / (lambda_min(Q_T) + 1/T);
    ``posterior_curvature``: the same minimum for the posterior nu itself. ``boost=False`` (the
    control) puts nu's curvature in ``slc_ratio``.
    """
    budget = _budget(tier)
    rng = np.random.default_rng(seed)
    t = best_boost(problem)
    margin = slc_margin(problem, t)
    nu = problem.posterior()
    nu_curvature = curvature_min(nu, evaluation_points(nu, budget.points, rng))
    if boost:
        nu_t = boosted_posterior(problem, t)
        curvature = curvature_min(nu_t, evaluation_points(nu_t, budget.points, rng))
    else:
        curvature = nu_curvature
    return Measurement.one(
        scalars={
            "slc_ratio": curvature / margin,
            "chi_free_ratio": curvature / slc_margin(problem, t, susceptibility=False),
            "posterior_curvature": nu_curvature,
            "margin": margin,
        }
    )


def boosted_curvature(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    return _curvature(problem, seed, tier, boost=True)


def posterior_curvature(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    """Control: no boost (T = 0): the posterior nu's own curvature against the same margin."""
    return _curvature(problem, seed, tier, boost=False)


# --- Langevin on the boosted posterior, then transport, against Langevin on the posterior ------------

LANGEVIN_STEP = 0.1  # in preconditioned units (the preconditioned curvature is at most 1)


def _langevin_weights(problem: InverseProblem, seed: int, tier: Tier, tilted: bool) -> Measurement:
    """Mode-weight error of posterior samples from preconditioned ULA, chains started from the prior.

    ``tilted``: z0 = x0 + sqrt(T) eps (x0 ~ pi, a draw of pi_T), ULA on nu_T (best T) with
    preconditioner (Q_T + I/T)^{-1} for ``steps`` steps, then the oracle transport (``steps``
    prior-score evaluations more). Otherwise ULA on nu from x0 with preconditioner (Q + I/s^2)^{-1}
    for 2 ``steps`` steps: the same number of score evaluations. Scalars: ``weight_error``
    (max_k |mean responsibility - posterior weight|), ``untransported_weight_error`` (the same for
    the ULA samples of nu_T themselves; for the direct chains, = weight_error) and ``curvature``
    (the minimum of -grad^2 log of the sampled target over evaluation points, for the record);
    ``prior_weight_error``: the samples' mode weights (mean responsibility under nu) against the
    prior's weights.
    """
    budget = _budget(tier)
    rng = np.random.default_rng(seed)
    nu = problem.posterior()
    q, b = problem.tilt()
    x0 = mixture_sample(problem.prior, budget.particles, rng)
    if tilted:
        t = best_boost(problem)
        nu_t = boosted_posterior(problem, t)
        q_t, _ = boosted_tilt(q, b, t)
        z = preconditioned_langevin(
            lambda v: shared_covariance_score(nu_t, v),
            x0 + np.sqrt(t) * rng.standard_normal(x0.shape),
            preconditioner=np.linalg.inv(q_t + np.eye(len(b)) / t),
            step=LANGEVIN_STEP,
            steps=budget.steps,
            rng=rng,
        )
        x = transport(problem.prior, z, t, steps=budget.steps, rng=rng)
        target, untransported = nu_t, weight_error(z, nu)
    else:
        x = preconditioned_langevin(
            lambda v: shared_covariance_score(nu, v),
            x0,
            preconditioner=np.linalg.inv(q + np.eye(len(b)) / problem.std() ** 2),
            step=LANGEVIN_STEP,
            steps=2 * budget.steps,
            rng=rng,
        )
        target, untransported = nu, weight_error(x, nu)
    prior_weights = np.asarray(problem.prior.weights)
    return Measurement.one(
        scalars={
            "weight_error": weight_error(x, nu),
            "prior_weight_error": float(np.abs(responsibilities(nu, x).mean(axis=0) - prior_weights).max()),
            "untransported_weight_error": untransported,
            "curvature": curvature_min(target, evaluation_points(target, budget.points, rng)),
        }
    )


def tilted_langevin(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    return _langevin_weights(problem, seed, tier, tilted=True)


def direct_langevin(problem: InverseProblem, seed: int, tier: Tier) -> Measurement:
    """Control: Langevin on the posterior itself (no boost, no transport), same score budget."""
    return _langevin_weights(problem, seed, tier, tilted=False)
