"""Posterior sampling by tilted transport (Bruna and Han 2024) for Gaussian-mixture priors: closed forms.

A linear inverse problem y = A x + sigma eps with prior pi has the posterior
nu(x) ∝ pi(x) exp(-x'Qx/2 + b'x), Q = A'A / sigma^2, b = A'y / sigma^2 (a
quadratic tilt). In the heat-flow parametrisation (Y_t = X + sqrt(t) Z, law
pi_t = pi * N(0, t I)) the Gaussian factor splits as exp(-x'Qx/2 + b'x) ∝
(N(0, t I) * exp(-z'Q_t z/2 + b_t'z))(x) with the *boosted* tilt

    Q_t = Q (I - t Q)^{-1},   b_t = (I - t Q)^{-1} b,   0 <= t < T* = 1 / lambda_max(Q),

so nu is the law of X drawn from the prior's denoising posterior pi(x | Y_T = z)
at a point z of the boosted posterior nu_T ∝ pi_T(z) exp(-z'Q_T z/2 + b_T'z):
sample nu_T, then transport with the prior's own reverse diffusion from time T
to 0 (the denoising oracle). The curvature of nu_T is

    -grad^2 log nu_T(z) = Q_T + I / T - Cov_pi(X | Y_T = z) / T^2,

so nu_T is strongly log-concave with constant lambda_min(Q_T) + 1/T - chi_T / T^2
when that is positive, chi_T = sup_z lambda_max Cov(X | Y_T = z) the prior's
susceptibility. For mixtures with a shared isotropic std s,
Cov(X | z) = s_T^2 I + Cov_r((T m_k + s^2 z) / (s^2 + T)), s_T^2 = s^2 T / (s^2 + T),
and chi_T <= s_T^2 + (T / (s^2 + T))^2 D^2 / 4 (D the largest distance between
two means; equality for two components).

Everything here is numpy; instances are frozen dataclasses of tuples.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy.linalg import expm

from .gaussians import (
    GaussianMixture,
    Matrix,
    as_matrix,
    mixture_cov,
    mixture_hessian,
    mixture_log_density,
    mixture_mean,
    mixture_sample,
    mixture_weights,
    noised,
    posterior,
    quadratic_tilted,
    responsibilities,
)


@dataclass(frozen=True, kw_only=True)
class InverseProblem:
    """Prior (mixture of N(m_k, s^2 I), one shared s), operator A (m, d), noise std sigma, observation y."""

    prior: GaussianMixture
    operator: Matrix
    noise: float
    observation: tuple[float, ...]

    def a(self) -> np.ndarray:
        return np.asarray(self.operator, dtype=float)

    def tilt(self) -> tuple[np.ndarray, np.ndarray]:
        """(Q, b) = (A'A / sigma^2, A'y / sigma^2)."""
        a = self.a()
        return a.T @ a / self.noise**2, a.T @ np.asarray(self.observation) / self.noise**2

    def horizon(self) -> float:
        """T* = 1 / lambda_max(Q): the boosted tilt blows up there."""
        return float(1.0 / np.linalg.eigvalsh(self.tilt()[0])[-1])

    def condition_number(self) -> float:
        eig = np.linalg.eigvalsh(self.tilt()[0])
        return float(eig[-1] / eig[0]) if eig[0] > 0 else math.inf

    def std(self) -> float:
        return float(math.sqrt(np.asarray(self.prior.covs[0])[0, 0]))

    def posterior(self) -> GaussianMixture:
        """The exact posterior nu (a mixture)."""
        return quadratic_tilted(self.prior, *self.tilt())


def boosted_tilt(q: np.ndarray, b: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """(Q_t, b_t) = (Q (I - tQ)^{-1}, (I - tQ)^{-1} b); requires t lambda_max(Q) < 1."""
    inv = np.linalg.inv(np.eye(len(b)) - t * q)
    q_t = q @ inv
    return 0.5 * (q_t + q_t.T), inv @ b


def boosted_posterior(problem: InverseProblem, t: float, *, boost: bool = True) -> GaussianMixture:
    """nu_t ∝ pi_t exp(-z'Q_t z/2 + b_t'z) (a mixture); ``boost=False`` keeps the original (Q, b) on
    pi_t instead (the untilted transport of the control)."""
    q, b = problem.tilt()
    if boost:
        q, b = boosted_tilt(q, b, t)
    return quadratic_tilted(noised(problem.prior, 1.0, math.sqrt(t)), q, b)


def transport(
    prior: GaussianMixture, z: np.ndarray, t: float, *, steps: int, rng: np.random.Generator
) -> np.ndarray:
    """Samples of pi(x | Y_t = z) for rows z by the prior's reverse heat flow from time t to 0.

    Euler-Maruyama on dX = grad log pi_s(X) d(-s) + dW from s = t to 0, on the
    grid s_i = t (i / steps)^2 (finer near 0, where the score is stiffest).
    Only the noised prior's score (the denoising oracle) is used.
    """
    w, m, c = prior.arrays()
    s2 = float(c[0, 0, 0])
    x = np.array(z, dtype=float, copy=True)
    grid = t * (np.arange(steps, -1, -1) / steps) ** 2
    for s, s_next in itertools.pairwise(grid):
        h = float(s - s_next)
        score = isotropic_score(w, m, s2 + float(s), x)
        x = x + h * score + math.sqrt(h) * rng.standard_normal(x.shape)
    return x


def flow_transport(prior: GaussianMixture, z: np.ndarray, t: float, *, steps: int) -> np.ndarray:
    """The probability-flow ODE of the heat flow, dX = grad log pi_s(X) d(-s) / 2, from s = t to 0.

    It maps pi_t to pi (the same marginals as :func:`transport`) but deterministically, so it does
    not sample pi(x | Y_t = z): for a Gaussian prior N(m, s^2 I) it is the affine map
    x -> m + (x - m) s / sqrt(s^2 + t). Same grid as :func:`transport` (Euler).
    """
    w, m, c = prior.arrays()
    s2 = float(c[0, 0, 0])
    x = np.array(z, dtype=float, copy=True)
    grid = t * (np.arange(steps, -1, -1) / steps) ** 2
    for s, s_next in itertools.pairwise(grid):
        x = x + 0.5 * float(s - s_next) * isotropic_score(w, m, s2 + float(s), x)
    return x


def mode_barrier(mix: GaussianMixture, *, points: int = 201) -> float:
    """Depth (nats) of the dip of log mix along the segment between the means of its two heaviest
    components, below the lower of its two ends (0 when the segment has no dip)."""
    w, m = np.asarray(mix.weights), np.asarray(mix.means)
    i, j = np.argsort(w)[-2:]
    s = np.linspace(0.0, 1.0, points)[:, None]
    log_density = mixture_log_density(mix, m[i] * (1.0 - s) + m[j] * s)
    return float(min(log_density[0], log_density[-1]) - log_density.min())


def prior_weight_shift(problem: InverseProblem) -> float:
    """max_k |w_k(nu) - w_k(pi)|: the mass the likelihood moves between the prior's components."""
    return float(np.abs(np.asarray(problem.posterior().weights) - np.asarray(problem.prior.weights)).max())


def isotropic_score(weights: np.ndarray, means: np.ndarray, variance: float, x: np.ndarray) -> np.ndarray:
    """Score of sum_k w_k N(m_k, variance I) at rows x: (sum_k r_k m_k - x) / variance (fast path of
    :func:`tasks.gaussians.mixture_score` for one shared isotropic covariance)."""
    logits = np.log(weights)[None] + (x @ means.T - 0.5 * (means**2).sum(axis=1)[None]) / variance
    logits -= logits.max(axis=1, keepdims=True)
    r = np.exp(logits)
    r /= r.sum(axis=1, keepdims=True)
    return (r @ means - x) / variance


def shared_covariance_score(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """Score of a mixture whose components share one covariance C (as the quadratic tilt of a mixture with
    one shared isotropic std has): C^{-1} (sum_k r_k m_k - x), r_k from the linear-in-x logits."""
    w, m, c = mix.arrays()
    prec = np.linalg.inv(c[0])
    pm = m @ prec  # (K, d): rows (C^{-1} m_k)'
    logits = np.log(w)[None] + x @ pm.T - 0.5 * (pm * m).sum(axis=1)[None]
    logits -= logits.max(axis=1, keepdims=True)
    r = np.exp(logits)
    r /= r.sum(axis=1, keepdims=True)
    return np.asarray((r @ m - x) @ prec)


def weight_error(samples: np.ndarray, target: GaussianMixture) -> float:
    """max_k |mean responsibility of the samples - w_k| (the mean responsibility is unbiased for w_k)."""
    w = np.asarray(target.weights)
    return float(np.abs(responsibilities(target, samples).mean(axis=0) - w).max())


def denoise(prior: GaussianMixture, z: np.ndarray, t: float) -> np.ndarray:
    """The denoiser E[X | Y_t = z] (rows): the posterior mean, not a sample."""
    resp, means, _ = posterior(prior, z, 1.0, math.sqrt(t))
    return np.asarray((resp[..., None] * means).sum(axis=1))


def susceptibility_bound(prior: GaussianMixture, t: float) -> float:
    """s_t^2 + (t / (s^2 + t))^2 D^2 / 4 >= chi_t (exact for two components); shared isotropic std s."""
    _, m, c = prior.arrays()
    s2 = float(c[0, 0, 0])
    diam2 = max(float(((mi - mj) ** 2).sum()) for mi in m for mj in m)
    return s2 * t / (s2 + t) + (t / (s2 + t)) ** 2 * diam2 / 4.0


def slc_margin(problem: InverseProblem, t: float, *, susceptibility: bool = True) -> float:
    """lambda_min(Q_t) + 1/t - chi_t / t^2 (with the bound on chi_t); ``susceptibility=False`` drops chi."""
    q, b = problem.tilt()
    q_t, _ = boosted_tilt(q, b, t)
    chi = susceptibility_bound(problem.prior, t) if susceptibility else 0.0
    return float(np.linalg.eigvalsh(q_t)[0] + 1.0 / t - chi / t**2)


@functools.lru_cache(maxsize=256)
def best_boost(problem: InverseProblem, *, grid: int = 200, max_fraction: float = 0.99) -> float:
    """The t in (0, max_fraction T*] with the largest margin (grid search; memoised per problem: every seed
    of an instance asks for the same t)."""
    ts = problem.horizon() * max_fraction * np.arange(1, grid + 1) / grid
    return float(ts[int(np.argmax([slc_margin(problem, float(t)) for t in ts]))])


def curvature_min(mix: GaussianMixture, points: np.ndarray) -> float:
    """min over the points of lambda_min(-grad^2 log p)."""
    return float(np.linalg.eigvalsh(-mixture_hessian(mix, points))[:, 0].min())


def evaluation_points(mix: GaussianMixture, n: int, rng: np.random.Generator) -> np.ndarray:
    """n/2 draws of mix and n/2 uniform points in the box of its component means +- 3 stds."""
    _, m, c = mix.arrays()
    sd = np.sqrt(np.diagonal(c, axis1=1, axis2=2)).max(axis=0)
    lo, hi = m.min(axis=0) - 3 * sd, m.max(axis=0) + 3 * sd
    box = lo + (hi - lo) * rng.random((n - n // 2, mix.dim))
    return np.concatenate([mixture_sample(mix, n // 2, rng), box])


def moment_error(samples: np.ndarray, target: GaussianMixture) -> float:
    """max of: |mean responsibility - weight| over components (E_target r_k = w_k), and per coordinate
    |sample mean - mean| / sd and |sample sd / sd - 1|."""
    w = np.asarray(target.weights)
    sd = np.sqrt(np.diag(mixture_cov(target)))
    errors = [
        np.abs(responsibilities(target, samples).mean(axis=0) - w).max(),
        (np.abs(samples.mean(axis=0) - mixture_mean(target)) / sd).max(),
        np.abs(samples.std(axis=0) / sd - 1.0).max(),
    ]
    return float(max(errors))


# --- instances --------------------------------------------------------------------------------


def _rotation(angles: list[float], dim: int) -> np.ndarray:
    skew = np.zeros((dim, dim))
    skew[np.triu_indices(dim, 1)] = angles
    return np.asarray(expm(skew - skew.T))


def inverse_problems(
    *,
    min_dim: int = 2,
    max_dim: int = 3,
    max_components: int = 3,
    min_radius: float = 1.0,
    max_radius: float = 3.0,
    min_std: float = 0.3,
    max_std: float = 0.7,
    max_condition: float = 20.0,
    min_snr_db: float = 0.0,
    max_snr_db: float = 20.0,
    min_separation: float = 2.0,
) -> st.SearchStrategy[InverseProblem]:
    """Linear inverse problems with a Gaussian-mixture prior.

    Prior: 2..max_components components N(m_k, s^2 I), one s in [min_std, max_std], means on the
    sphere of radius R in [min_radius, max_radius] (directions from Gaussian coordinates), weights
    from :func:`mixture_weights` (>= 0.1), any two means at least ``min_separation`` stds apart (at
    2 stds a two-mode mixture starts to be bimodal; without it shrinking collapses the means onto
    one point, a unimodal prior). Operator: square A = U diag(sv) V', U, V rotations,
    sv^2 = kappa^(-u), u in [0, 1] with the largest 1, so cond(A'A) <= kappa in [1, max_condition].
    Noise: sigma^2 = tr(A Cov_pi A') / (d 10^(snr/10)), snr in dB. Observation y = A x* + sigma eps
    with x* ~ pi, eps ~ N(0, I) drawn from a seed in the instance. Shrinking moves towards the
    smallest dimension, two components, the smallest radius and std, kappa = 1, the lowest SNR.
    """
    if not 2 <= min_dim <= max_dim or max_components < 2:
        raise InvalidArgument("need 2 <= min_dim <= max_dim and max_components >= 2")
    if not (0 < min_radius <= max_radius and 0 < min_std <= max_std and max_condition >= 1):
        raise InvalidArgument("need 0 < min_radius <= max_radius, 0 < min_std <= max_std, max_condition >= 1")

    def build(d: int) -> st.SearchStrategy[InverseProblem]:
        pairs = d * (d - 1) // 2
        angle = st.floats(min_value=-math.pi, max_value=math.pi, allow_nan=False)
        gauss = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)

        def make(
            k: int,
            weights: tuple[float, ...],
            directions: list[list[float]],
            radius: float,
            std: float,
            kappa: float,
            us: list[float],
            u_angles: list[float],
            v_angles: list[float],
            snr_db: float,
            seed: int,
        ) -> InverseProblem:
            dirs = np.asarray(directions[:k], dtype=float)
            dirs[np.linalg.norm(dirs, axis=1) < 1e-3] = np.eye(d)[0]  # a degenerate direction becomes e_1
            m = radius * dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
            prior = GaussianMixture(
                weights=weights,
                means=tuple(tuple(map(float, v)) for v in m),
                covs=(as_matrix(std**2 * np.eye(d)),) * k,
            )
            sv = kappa ** (-0.5 * np.asarray([0.0, *us]))
            a = _rotation(u_angles, d) @ np.diag(sv) @ _rotation(v_angles, d).T
            noise = math.sqrt(float(np.trace(a @ mixture_cov(prior) @ a.T)) / (d * 10 ** (snr_db / 10)))
            rng = np.random.default_rng(seed)
            x_star = mixture_sample(prior, 1, rng)[0]
            y = a @ x_star + noise * rng.standard_normal(d)
            return InverseProblem(
                prior=prior, operator=as_matrix(a), noise=noise, observation=tuple(float(v) for v in y)
            )

        return st.integers(min_value=2, max_value=max_components).flatmap(
            lambda k: st.builds(
                make,
                st.just(k),
                mixture_weights(components=k, min_weight=0.1),
                st.lists(st.lists(gauss, min_size=d, max_size=d), min_size=k, max_size=k),
                st.floats(min_value=min_radius, max_value=max_radius),
                st.floats(min_value=min_std, max_value=max_std),
                st.floats(min_value=1.0, max_value=max_condition),
                st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=d - 1, max_size=d - 1),
                st.lists(angle, min_size=pairs, max_size=pairs),
                st.lists(angle, min_size=pairs, max_size=pairs),
                st.floats(min_value=min_snr_db, max_value=max_snr_db),
                st.integers(min_value=0, max_value=2**31 - 1),
            )
        )

    def separated(problem: InverseProblem) -> bool:
        m = np.asarray(problem.prior.means)
        gaps = [np.linalg.norm(m[i] - m[j]) for i in range(len(m)) for j in range(i)]
        return bool(min(gaps) >= min_separation * problem.std())

    return st.integers(min_value=min_dim, max_value=max_dim).flatmap(build).filter(separated)


def slc_problems(**kwargs: Any) -> st.SearchStrategy[InverseProblem]:
    """:func:`inverse_problems` meeting the strong log-concavity condition: the margin
    lambda_min(Q_T) + 1/T - chi_T / T^2 (chi_T by :func:`susceptibility_bound`) is positive at the
    best T in (0, 0.99 T*]. This is the theorem's premise, not its conclusion."""
    return inverse_problems(**kwargs).filter(lambda p: slc_margin(p, best_boost(p)) > 0)


def multimodal(problem: InverseProblem, *, min_weight: float = 0.1) -> bool:
    """The posterior has two components of weight >= min_weight and is not log-concave (negative
    curvature at some of 1000 fixed evaluation points)."""
    nu = problem.posterior()
    if sorted(nu.weights)[-2] < min_weight:
        return False
    return curvature_min(nu, evaluation_points(nu, 1000, np.random.default_rng(0))) < 0


def multimodal_slc_problems(
    *, min_shift: float = 0.0, min_barrier: float = 0.0, **kwargs: Any
) -> st.SearchStrategy[InverseProblem]:
    """:func:`slc_problems` whose posterior is genuinely multimodal (:func:`multimodal`): the regime where
    sampling the posterior directly is hard and the boost is the point. ``min_shift``: the likelihood
    moves at least that much mass between the prior's components (:func:`prior_weight_shift`), so
    chains started in the prior's modes must carry mass across the posterior; ``min_barrier``: the
    posterior's dip between its two heaviest components (:func:`mode_barrier`) is at least that deep."""

    def premise(problem: InverseProblem) -> bool:  # cheap closed forms first, the SLC condition last
        if prior_weight_shift(problem) < min_shift:
            return False
        if min_barrier > 0.0 and mode_barrier(problem.posterior()) < min_barrier:
            return False
        return multimodal(problem)

    return inverse_problems(**kwargs).filter(premise).filter(lambda p: slc_margin(p, best_boost(p)) > 0)
