"""Shared experiments of zweig2023: moments of power-sum monomials and recovery by gradient ascent.

One unit (one seed of one instance) builds a ``numpy.random.Generator`` from
the seed; the random sets (Haar-unitary eigenvalues, or i.i.d. circle points
in a control), the planted direction and the starts are drawn from it.
"""

from __future__ import annotations

import math

import numpy as np

from models.spherical_flow import ascent
from tasks.powersum import (
    MomentProblem,
    RecoveryProblem,
    cue_eigenvalues,
    iid_circle_points,
    monomials,
    power_sum_features,
    random_unit,
    unit_vector,
)
from theorycheck import Measurement, Tier

STARTS = 8
STEP = 0.2
STEPS = 150


def _gram_z(points: np.ndarray, problem: MomentProblem, adapted: bool) -> float:
    """Largest |G_jk - delta_jk| / (its Monte Carlo standard error) over the monomial Gram matrix."""
    z = power_sum_features(points, problem.dim, adapted=adapted) @ unit_vector(problem.phases)
    basis = monomials(z, problem.degree)
    products = basis[:, :, None] * np.conj(basis[:, None, :])
    gram = products.mean(axis=0)
    se = products.std(axis=0) / math.sqrt(len(z))
    return float(np.max(np.abs(gram - np.eye(problem.degree)) / se))


def _moments(problem: MomentProblem, seed: int, tier: Tier, *, iid: bool) -> Measurement:
    rng = np.random.default_rng(seed)
    sets = tier.pick(smoke=4000, default=20000, full=50000)
    draw = iid_circle_points if iid else cue_eigenvalues
    beyond = math.ceil(problem.degree * problem.dim / 2)  # degree * dim = 2 N': the exact range is left
    return Measurement.one(
        scalars={
            "z_within": _gram_z(draw(sets, problem.n, rng), problem, adapted=not iid),
            "z_beyond": _gram_z(draw(sets, beyond, rng), problem, adapted=not iid),
        }
    )


def monomial_moments(problem: MomentProblem, seed: int, tier: Tier) -> Measurement:
    """z-scores of the monomial Gram matrix under the Vandermonde density, at N and beyond the exact range."""
    return _moments(problem, seed, tier, iid=False)


def monomial_moments_iid(problem: MomentProblem, seed: int, tier: Tier) -> Measurement:
    """Control: i.i.d. uniform points on the circle (features scaled to unit variance)."""
    return _moments(problem, seed, tier, iid=True)


def _recover(problem: RecoveryProblem, seed: int, tier: Tier, *, shuffle: bool) -> Measurement:
    rng = np.random.default_rng(seed)
    link = problem.link
    q = power_sum_features(
        cue_eigenvalues(tier.pick(smoke=500, default=4000, full=10000), problem.n, rng), problem.dim
    )
    planted = random_unit(problem.dim, rng)
    y = link(q @ planted)
    if shuffle:
        y = rng.permutation(y)
    starts = np.stack([random_unit(problem.dim, rng) for _ in range(STARTS)], axis=1)
    theta, history = ascent(
        q,
        y,
        starts,
        link,
        link.derivative,
        step=STEP,
        steps=tier.pick(smoke=40, default=STEPS),
        record_every=5,
    )
    rho = planted @ np.conj(theta)  # <theta*, theta> per start
    s = link.information_exponent
    tail = history[-max(2, len(history) // 5) :].mean(axis=1)
    return Measurement.one(
        scalars={
            "align_min": float(np.min(np.real(rho**s))),
            "modulus_min": float(np.min(np.abs(rho))),
            "exact_fraction": float(np.mean(np.abs(rho - 1.0) < 0.1)),
            "drift": float(abs(tail[-1] - tail[0])),
            "s": float(s),
        }
    )


def recovery(problem: RecoveryProblem, seed: int, tier: Tier) -> Measurement:
    """Ascent of the empirical correlation from 8 random starts; alignment of each end point with theta*."""
    return _recover(problem, seed, tier, shuffle=False)


def recovery_shuffled(problem: RecoveryProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same ascent with the labels shuffled across sets (no planted direction left)."""
    return _recover(problem, seed, tier, shuffle=True)
