"""Gaussians and Gaussian mixtures with exact log-densities, scores, KL and mutual information.

The closed-form ground truth of the diffusion, sampling and density-ratio
claims: a :class:`Gaussian` (mean, covariance) and a :class:`GaussianMixture`
(weights, means, covariances), both frozen and JSON-serialisable, with

* log-density, score (gradient of the log-density), sampling;
* KL between Gaussians and the mutual information of correlated pairs;
* the law of ``alpha x + sigma z`` (a mixture noised by an OU/VP forward
  process stays a mixture), the exponential tilt ``p(x) exp(c . x) / Z``
  (again a mixture, reweighted and shifted), and the posterior of ``x``
  given ``y = alpha x + sigma z`` (a mixture, used by Doob's h-transform);
* the 1-D CDF and the Wasserstein-1 distance of samples to a 1-D mixture.

Hypothesis strategies draw what the theorems quantify over: mean vectors,
SPD covariances with a bounded condition number, mixture weights, Gaussians
and mixtures. Arrays are float64 numpy, points are rows ``(n, dim)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy.linalg import expm
from scipy.special import erf, logsumexp

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True, kw_only=True)
class Gaussian:
    """N(mean, cov) in ``dim`` dimensions."""

    mean: tuple[float, ...]
    cov: Matrix

    @property
    def dim(self) -> int:
        return len(self.mean)

    def mu(self) -> np.ndarray:
        return np.asarray(self.mean, dtype=float)

    def sigma(self) -> np.ndarray:
        return np.asarray(self.cov, dtype=float)


@dataclass(frozen=True, kw_only=True)
class GaussianMixture:
    """sum_k weights[k] N(means[k], covs[k]); weights sum to 1."""

    weights: tuple[float, ...]
    means: tuple[tuple[float, ...], ...]
    covs: tuple[Matrix, ...]

    @property
    def dim(self) -> int:
        return len(self.means[0])

    @property
    def components(self) -> int:
        return len(self.weights)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """weights (K,), means (K, d), covariances (K, d, d)."""
        return (
            np.asarray(self.weights, dtype=float),
            np.asarray(self.means, dtype=float),
            np.asarray(self.covs, dtype=float),
        )


def as_matrix(a: np.ndarray) -> Matrix:
    """A numpy matrix as nested tuples of floats (the instances' JSON form)."""
    return tuple(tuple(float(v) for v in row) for row in np.atleast_2d(a))


def mixture(weights: np.ndarray, means: np.ndarray, covs: np.ndarray) -> GaussianMixture:
    """Build a mixture from arrays (K,), (K, d), (K, d, d); weights are renormalised."""
    w = np.asarray(weights, dtype=float)
    return GaussianMixture(
        weights=tuple(float(v) for v in w / w.sum()),
        means=tuple(tuple(float(v) for v in m) for m in np.atleast_2d(means)),
        covs=tuple(as_matrix(c) for c in covs),
    )


def as_mixture(g: Gaussian) -> GaussianMixture:
    """A Gaussian as a one-component mixture."""
    return GaussianMixture(weights=(1.0,), means=(g.mean,), covs=(g.cov,))


# --- Gaussians ------------------------------------------------------------------------------


def log_density(g: Gaussian, x: np.ndarray) -> np.ndarray:
    """log N(x; mean, cov) for rows x (n, d) -> (n,)."""
    return _component_log_densities(g.mu()[None], g.sigma()[None], np.atleast_2d(x))[:, 0]


def score(g: Gaussian, x: np.ndarray) -> np.ndarray:
    """grad_x log N(x; mean, cov) = -cov^{-1} (x - mean), rows (n, d)."""
    return -np.linalg.solve(g.sigma(), (np.atleast_2d(x) - g.mu()).T).T


def sample(g: Gaussian, n: int, rng: np.random.Generator) -> np.ndarray:
    """n i.i.d. draws, (n, d)."""
    chol = np.linalg.cholesky(g.sigma())
    return g.mu() + rng.standard_normal((n, g.dim)) @ chol.T


def kl(p: Gaussian, q: Gaussian) -> float:
    """KL(p || q) in nats."""
    s_q_inv = np.linalg.inv(q.sigma())
    diff = q.mu() - p.mu()
    _, logdet_p = np.linalg.slogdet(p.sigma())
    _, logdet_q = np.linalg.slogdet(q.sigma())
    return 0.5 * float(np.trace(s_q_inv @ p.sigma()) + diff @ s_q_inv @ diff - p.dim + logdet_q - logdet_p)


def correlated_pairs(rhos: tuple[float, ...]) -> Gaussian:
    """Unit-variance Gaussian in 2k dimensions: coordinates (2i, 2i+1) correlated by rhos[i]."""
    k = len(rhos)
    cov = np.eye(2 * k)
    for i, rho in enumerate(rhos):
        cov[2 * i, 2 * i + 1] = cov[2 * i + 1, 2 * i] = rho
    return Gaussian(mean=(0.0,) * (2 * k), cov=as_matrix(cov))


def pairs_mutual_information(rhos: tuple[float, ...]) -> float:
    """MI between the even and the odd coordinates of :func:`correlated_pairs`: -1/2 sum log(1 - rho^2)."""
    return float(-0.5 * sum(math.log1p(-r * r) for r in rhos))


# --- mixtures -------------------------------------------------------------------------------


def _component_log_densities(means: np.ndarray, covs: np.ndarray, x: np.ndarray) -> np.ndarray:
    """log N(x; means[k], covs[k]) for rows x: (n, K)."""
    d = means.shape[1]
    chol = np.linalg.cholesky(covs)  # (K, d, d)
    chol_inv = np.linalg.inv(chol)  # (K, d, d), K small
    diff = x[:, None, :] - means[None]  # (n, K, d)
    sol = np.einsum("kij,nkj->nki", chol_inv, diff)  # L^{-1} (x - m)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)  # (K,)
    return -0.5 * (sol**2).sum(-1) - 0.5 * logdet[None] - 0.5 * d * math.log(2 * math.pi)


def responsibilities(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """Posterior component probabilities P(k | x), (n, K)."""
    w, m, c = mix.arrays()
    logs = _component_log_densities(m, c, np.atleast_2d(x)) + np.log(w)[None]
    return np.exp(logs - logsumexp(logs, axis=1, keepdims=True))


def mixture_log_density(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """log p(x) for rows x (n, d) -> (n,)."""
    w, m, c = mix.arrays()
    return logsumexp(_component_log_densities(m, c, np.atleast_2d(x)) + np.log(w)[None], axis=1)


def mixture_score(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """Exact score sum_k P(k|x) (-covs[k]^{-1} (x - means[k])), rows (n, d)."""
    x = np.atleast_2d(x)
    _, m, c = mix.arrays()
    resp = responsibilities(mix, x)  # (n, K)
    diff = x[:, None, :] - m[None]  # (n, K, d)
    comp = -np.einsum("kij,nkj->nki", np.linalg.inv(c), diff)  # (n, K, d)
    return (resp[..., None] * comp).sum(axis=1)


def responsibilities_1d(
    weights: np.ndarray, means: np.ndarray, variances: np.ndarray, x: np.ndarray
) -> list[np.ndarray]:
    """P(k | x) of the 1-D mixture (weights, means, variances: (K,)) at points x of any shape: one array
    of x's shape per component (the few components as a list: no reductions over a short last axis)."""
    logs = []
    for w, m, v in zip(weights, means, variances, strict=True):
        d = x - m
        log_w = math.log(w) if w > 0 else -math.inf  # a zero-weight component, as np.log gives
        logs.append(d * d * (-0.5 / v) + (log_w - 0.5 * math.log(2 * math.pi * v)))
    top = np.maximum.reduce(logs)
    exps = [np.exp(log - top) for log in logs]
    total = sum(exps[1:], exps[0])
    return [e / total for e in exps]


def mixture_score_1d(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """:func:`mixture_score` of a 1-D mixture at points x of any shape (stacked seeds: (S, n, 1)), same
    shape; the closed form without the d-dimensional linear algebra (equal up to float rounding)."""
    w, m, c = mix.arrays()
    mean, var = m[:, 0], c[:, 0, 0]
    return score_1d(responsibilities_1d(w, mean, var, x), mean, var, x)


def score_1d(resp: list[np.ndarray], means: np.ndarray, variances: np.ndarray, x: np.ndarray) -> np.ndarray:
    """sum_k P(k | x) (m_k - x) / v_k from the responsibilities of :func:`responsibilities_1d`."""
    terms = [r * ((m - x) / v) for r, m, v in zip(resp, means, variances, strict=True)]
    return sum(terms[1:], terms[0])


def mixture_sample(mix: GaussianMixture, n: int, rng: np.random.Generator) -> np.ndarray:
    """n i.i.d. draws, (n, d)."""
    w, m, c = mix.arrays()
    labels = rng.choice(len(w), size=n, p=w)
    chol = np.linalg.cholesky(c)
    z = rng.standard_normal((n, mix.dim))
    return m[labels] + np.einsum("nij,nj->ni", chol[labels], z)


def noised(mix: GaussianMixture, alpha: float, sigma: float) -> GaussianMixture:
    """The law of alpha x + sigma z, x ~ mix, z ~ N(0, I): means alpha m_k, covs alpha^2 C_k + sigma^2 I."""
    w, m, c = mix.arrays()
    eye = np.eye(mix.dim)[None]
    return mixture(w, alpha * m, alpha**2 * c + sigma**2 * eye)


def tilted(mix: GaussianMixture, c: np.ndarray) -> GaussianMixture:
    """The tilt p(x) exp(c . x) / Z: weights w_k exp(c.m_k + c'C_k c / 2) (normalised), means m_k + C_k c."""
    w, m, cov = mix.arrays()
    c = np.asarray(c, dtype=float).reshape(mix.dim)
    shift = cov @ c  # (K, d)
    logw = np.log(w) + m @ c + 0.5 * (shift @ c)
    return mixture(np.exp(logw - logw.max()), m + shift, cov)


def log_tilt_normaliser(mix: GaussianMixture, c: np.ndarray) -> float:
    """log Z(c) = log E_mix[exp(c . x)] (the cumulant generating function)."""
    w, m, cov = mix.arrays()
    c = np.asarray(c, dtype=float).reshape(mix.dim)
    return float(logsumexp(np.log(w) + m @ c + 0.5 * np.einsum("i,kij,j->k", c, cov, c)))


def mixture_mean(mix: GaussianMixture) -> np.ndarray:
    w, m, _ = mix.arrays()
    return w @ m


def mixture_cov(mix: GaussianMixture) -> np.ndarray:
    w, m, c = mix.arrays()
    mean = w @ m
    dev = m - mean
    return np.einsum("k,kij->ij", w, c) + np.einsum("k,ki,kj->ij", w, dev, dev)


def posterior(mix: GaussianMixture, y: np.ndarray, alpha: float, sigma: float) -> tuple[np.ndarray, ...]:
    """Law of x given y = alpha x + sigma z (rows y (n, d)), a mixture for each row.

    Returns (weights (n, K), means (n, K, d), covs (K, d, d)): component k's
    posterior is N(m_k + G_k (y - alpha m_k), C_k - alpha G_k C_k) with gain
    G_k = alpha C_k (alpha^2 C_k + sigma^2 I)^{-1}; its weight is P(k | y).
    """
    y = np.atleast_2d(y)
    _w, m, c = mix.arrays()
    eye = np.eye(mix.dim)[None]
    s = alpha**2 * c + sigma**2 * eye  # (K, d, d)
    gain = alpha * np.linalg.solve(s, c).transpose(0, 2, 1)  # alpha C S^{-1} (C, S symmetric)
    resp = responsibilities(noised(mix, alpha, sigma), y)
    innovation = y[:, None, :] - alpha * m[None]  # (n, K, d)
    means = m[None] + np.einsum("kij,nkj->nki", gain, innovation)
    covs = c - alpha * gain @ c
    return resp, means, covs


# --- 1-D distances --------------------------------------------------------------------------


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + erf(np.asarray(z) / math.sqrt(2.0)))


def mixture_cdf_1d(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """CDF of a 1-D mixture at points x (n,)."""
    w, m, c = mix.arrays()
    sd = np.sqrt(c[:, 0, 0])
    return (w[None] * normal_cdf((np.asarray(x)[:, None] - m[None, :, 0]) / sd[None])).sum(axis=1)


def wasserstein1_to_mixture(samples: np.ndarray, mix: GaussianMixture, grid: int = 4001) -> float:
    """W1 between the empirical law of 1-D samples and a 1-D mixture: the integral of |F_n - F|."""
    x = np.sort(np.asarray(samples, dtype=float).reshape(-1))
    _w, m, c = mix.arrays()
    sd = np.sqrt(c[:, 0, 0])
    lo = min(float(x[0]), float((m[:, 0] - 8 * sd).min()))
    hi = max(float(x[-1]), float((m[:, 0] + 8 * sd).max()))
    t = np.linspace(lo, hi, grid)
    empirical = np.searchsorted(x, t, side="right") / len(x)
    return float(np.trapezoid(np.abs(empirical - mixture_cdf_1d(mix, t)), t))


def wasserstein1_between_mixtures(p: GaussianMixture, q: GaussianMixture, grid: int = 8001) -> float:
    """W1 between two 1-D mixtures by quadrature of |F_p - F_q|."""
    bounds = []
    for mix in (p, q):
        _, m, c = mix.arrays()
        sd = np.sqrt(c[:, 0, 0])
        bounds += [float((m[:, 0] - 10 * sd).min()), float((m[:, 0] + 10 * sd).max())]
    t = np.linspace(min(bounds), max(bounds), grid)
    return float(np.trapezoid(np.abs(mixture_cdf_1d(p, t) - mixture_cdf_1d(q, t)), t))


# --- strategies -----------------------------------------------------------------------------


def _check(name: str, low: float, high: float, floor: float) -> None:
    if not (floor <= low <= high):
        raise InvalidArgument(f"need {floor} <= min_{name}={low} <= max_{name}={high}")


def means(*, dim: int, max_abs: float = 3.0) -> st.SearchStrategy[tuple[float, ...]]:
    """Mean vectors with coordinates in [-max_abs, max_abs].

    Shrinking moves every coordinate towards 0.
    """
    if dim < 1:
        raise InvalidArgument(f"dim={dim} must be >= 1")
    _check("abs", 0.0, max_abs, 0.0)
    coordinate = st.floats(min_value=-max_abs, max_value=max_abs, allow_nan=False)
    return st.lists(coordinate, min_size=dim, max_size=dim).map(tuple)


def covariances(
    *, dim: int, max_condition: float = 10.0, min_scale: float = 1.0, max_scale: float = 1.0
) -> st.SearchStrategy[Matrix]:
    """SPD matrices R diag(lam) R^T with condition number <= max_condition.

    The largest eigenvalue is ``scale`` in [min_scale, max_scale]; the others
    are scale * max_condition^(-u), u in [0, 1]; R = expm(A - A^T) from angles
    in [-pi, pi]. Shrinking moves towards scale * identity (u = 0, no rotation)
    and the smallest scale.
    """
    if dim < 1:
        raise InvalidArgument(f"dim={dim} must be >= 1")
    _check("scale", min_scale, max_scale, 1e-12)
    if not max_condition >= 1.0:
        raise InvalidArgument(f"max_condition={max_condition} must be >= 1")
    unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
    angle = st.floats(min_value=-math.pi, max_value=math.pi, allow_nan=False)
    pairs = dim * (dim - 1) // 2

    def build(scale: float, us: list[float], angles: list[float]) -> Matrix:
        lam = scale * max_condition ** (-np.asarray([0.0, *us]))
        skew = np.zeros((dim, dim))
        skew[np.triu_indices(dim, 1)] = angles
        rot = expm(skew - skew.T)
        cov = rot @ np.diag(lam) @ rot.T
        return as_matrix(0.5 * (cov + cov.T))

    return st.builds(
        build,
        st.floats(min_value=min_scale, max_value=max_scale, allow_nan=False),
        st.lists(unit, min_size=dim - 1, max_size=dim - 1),
        st.lists(angle, min_size=pairs, max_size=pairs),
    )


def mixture_weights(*, components: int, min_weight: float = 0.05) -> st.SearchStrategy[tuple[float, ...]]:
    """Weights on ``components`` atoms, each at least ``min_weight``, summing to 1.

    Drawn as min_weight + (1 - K min_weight) v / sum(v), v_k in [1, 10].
    Shrinking moves towards equal weights.
    """
    if components < 1:
        raise InvalidArgument(f"components={components} must be >= 1")
    if not 0.0 <= min_weight * components <= 1.0:
        raise InvalidArgument(f"min_weight={min_weight} is too large for {components} components")
    raw = st.floats(min_value=1.0, max_value=10.0, allow_nan=False)

    def build(v: list[float]) -> tuple[float, ...]:
        a = np.asarray(v)
        w = min_weight + (1.0 - components * min_weight) * a / a.sum()
        return tuple(float(x) for x in w / w.sum())

    return st.lists(raw, min_size=components, max_size=components).map(build)


def gaussians(
    *,
    min_dim: int = 1,
    max_dim: int = 3,
    max_abs_mean: float = 3.0,
    max_condition: float = 10.0,
    min_scale: float = 1.0,
    max_scale: float = 1.0,
) -> st.SearchStrategy[Gaussian]:
    """Gaussians N(mean, cov) with cov from :func:`covariances`.

    Shrinking moves towards the smallest dimension, mean 0 and a scaled identity.
    """
    _check("dim", min_dim, max_dim, 1)
    return st.integers(min_value=min_dim, max_value=max_dim).flatmap(
        lambda d: st.builds(
            Gaussian,
            mean=means(dim=d, max_abs=max_abs_mean),
            cov=covariances(dim=d, max_condition=max_condition, min_scale=min_scale, max_scale=max_scale),
        )
    )


def gaussian_mixtures(
    *,
    dim: int = 1,
    min_components: int = 2,
    max_components: int = 3,
    max_abs_mean: float = 3.0,
    min_std: float = 0.3,
    max_std: float = 1.0,
    min_weight: float = 0.1,
    min_separation: float = 0.0,
) -> st.SearchStrategy[GaussianMixture]:
    """Mixtures of isotropic components N(m_k, s_k^2 I).

    Means have coordinates in [-max_abs_mean, max_abs_mean], any two at least
    ``min_separation`` apart (in units of the larger of their two stds), stds
    in [min_std, max_std], weights from :func:`mixture_weights`. Shrinking
    moves towards fewer components, means at 0 (rejected until separated),
    the smallest std and equal weights.
    """
    _check("components", min_components, max_components, 1)
    _check("std", min_std, max_std, 1e-9)

    def separated(mix: GaussianMixture) -> bool:
        _, m, c = mix.arrays()
        sd = np.sqrt(c[:, 0, 0])
        for i in range(len(m)):
            for j in range(i):
                if np.linalg.norm(m[i] - m[j]) < min_separation * max(sd[i], sd[j]):
                    return False
        return True

    def build(k: int) -> st.SearchStrategy[GaussianMixture]:
        std = st.floats(min_value=min_std, max_value=max_std, allow_nan=False)
        return st.builds(
            lambda w, ms, ss: GaussianMixture(
                weights=w, means=tuple(ms), covs=tuple(as_matrix(s * s * np.eye(dim)) for s in ss)
            ),
            mixture_weights(components=k, min_weight=min_weight),
            st.lists(means(dim=dim, max_abs=max_abs_mean), min_size=k, max_size=k),
            st.lists(std, min_size=k, max_size=k),
        )

    strategy = st.integers(min_value=min_components, max_value=max_components).flatmap(build)
    return strategy.filter(separated) if min_separation > 0 else strategy


# --- quadratic tilts and curvature (added for bruna2024) -------------------------------------


def quadratic_tilted(mix: GaussianMixture, q: np.ndarray, b: np.ndarray) -> GaussianMixture:
    """The tilt p(x) exp(-x'Qx/2 + b'x) / Z of a mixture (Q symmetric PSD): again a mixture.

    Component k becomes N(P_k (C_k^{-1} m_k + b), P_k), P_k = (C_k^{-1} + Q)^{-1}, with weight
    w_k exp(h_k'P_k h_k / 2 - m_k'C_k^{-1}m_k / 2) sqrt(det P_k / det C_k), h_k = C_k^{-1} m_k + b.
    With Q = A'A / s^2, b = A'y / s^2 it is the posterior of x given y = A x + s z.
    """
    w, m, c = mix.arrays()
    q = np.asarray(q, dtype=float).reshape(mix.dim, mix.dim)
    b = np.asarray(b, dtype=float).reshape(mix.dim)
    prec = np.linalg.inv(c)  # (K, d, d)
    cov = np.linalg.inv(prec + q[None])
    cov = 0.5 * (cov + cov.transpose(0, 2, 1))
    h = np.einsum("kij,kj->ki", prec, m) + b[None]
    mean = np.einsum("kij,kj->ki", cov, h)
    _, logdet_p = np.linalg.slogdet(cov)
    _, logdet_c = np.linalg.slogdet(c)
    logw = (
        np.log(w)
        + 0.5 * np.einsum("ki,ki->k", h, mean)
        - 0.5 * np.einsum("ki,kij,kj->k", m, prec, m)
        + 0.5 * (logdet_p - logdet_c)
    )
    return mixture(np.exp(logw - logw.max()), mean, cov)


def mixture_hessian(mix: GaussianMixture, x: np.ndarray) -> np.ndarray:
    """Hessian of log p at rows x, (n, d, d): sum_k r_k (s_k s_k' - C_k^{-1}) - s s', where s_k is
    component k's score, r_k its responsibility and s = sum_k r_k s_k the mixture's score."""
    x = np.atleast_2d(x)
    _, m, c = mix.arrays()
    prec = np.linalg.inv(c)
    resp = responsibilities(mix, x)  # (n, K)
    comp = -np.einsum("kij,nkj->nki", prec, x[:, None, :] - m[None])  # (n, K, d)
    total = (resp[..., None] * comp).sum(axis=1)  # (n, d)
    second = np.einsum("nk,nki,nkj->nij", resp, comp, comp) - np.einsum("nk,kij->nij", resp, prec)
    return second - np.einsum("ni,nj->nij", total, total)
