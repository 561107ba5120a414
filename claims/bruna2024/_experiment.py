"""Shared experiments of the bruna2024 claims: exact boosted posteriors, oracle transport, curvature.

No training: the prior is a Gaussian mixture, so its denoising oracle (the
noised prior's score), the boosted posterior nu_T and the posterior nu are
exact mixtures (tasks/tilted_transport.py); the only approximations are
Monte Carlo and the Euler-Maruyama discretisation of the transport.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.gaussians import mixture_sample
from tasks.tilted_transport import (
    InverseProblem,
    best_boost,
    boosted_posterior,
    curvature_min,
    denoise,
    evaluation_points,
    moment_error,
    slc_margin,
    transport,
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
    of the denoiser's output E[X | Y_T = z] used as a deterministic map.
    """
    budget = _budget(tier)
    rng = np.random.default_rng(seed)
    t = BOOST_FRACTION * problem.horizon()
    nu = problem.posterior()
    z = mixture_sample(boosted_posterior(problem, t, boost=boost), budget.particles, rng)
    x = transport(problem.prior, z, t, steps=budget.steps, rng=rng)
    return Measurement.one(
        scalars={
            "posterior_error": moment_error(x, nu),
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
