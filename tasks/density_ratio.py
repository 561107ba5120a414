"""Density-ratio estimation by bridges (Choi, Meng, Song, Ermon 2022): instances and exact time scores.

The bridge between p_0 and p_1 is the law p_t of x_t = sqrt(1 - t^2) x_0 +
t x_1 (x_0 ~ p_0, x_1 ~ p_1 independent), the convention of the authors'
code. For Gaussians p_t = N(m_t, S_t) with m_t = sqrt(1 - t^2) m_0 + t m_1 and
S_t = (1 - t^2) S_0 + t^2 S_1, and its time score is

    d/dt log p_t(x) = -tr(S_t^-1 S_t') / 2 + r' S_t^-1 S_t' S_t^-1 r / 2 + r' S_t^-1 m_t',   r = x - m_t.

Integrated over t in [0, 1] it gives log p_1(x) - log p_0(x) (the time-score
identity). :func:`integrate` does the t-integral by Gauss-Legendre after
t = 1 - (1 - u)^2, which clusters nodes where a peaked p_1 makes the
integrand steep and absorbs the 1/sqrt(1 - t) of m_t'.

Instances: :class:`GaussianPair` (for the identity), :class:`CorrelatedPairs`
(mutual information between the halves of a Gaussian vector, the authors'
``GaussiansforMI`` in small dimension) and :class:`PeakedGaussian` (the
authors' 1-D ``PeakedGaussians`` density chasm, p_0 = N(0, 1), p_1 = N(0, s^2)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .gaussians import Gaussian, covariances, means, pairs_mutual_information


@dataclass(frozen=True, kw_only=True)
class GaussianPair:
    """p_0 and p_1, both Gaussian in the same dimension."""

    p0: Gaussian
    p1: Gaussian


def bridge_time_score(
    pair: GaussianPair, x: np.ndarray, t: float, *, normaliser: bool = True, mean_drift: bool = True
) -> np.ndarray:
    """d/dt log p_t(x) at rows x (n, d); ``normaliser=False`` drops the -tr(S^-1 S')/2 (log-det) term,
    ``mean_drift=False`` the r' S^-1 m_t' term (as if the bridge's mean stood still)."""
    m0, m1 = pair.p0.mu(), pair.p1.mu()
    s0, s1 = pair.p0.sigma(), pair.p1.sigma()
    root = math.sqrt(max(1.0 - t * t, 0.0))
    m_t = root * m0 + t * m1
    dm = (-t / root if root > 0 else 0.0) * m0 + m1
    s_t = (1.0 - t * t) * s0 + t * t * s1
    ds = 2.0 * t * (s1 - s0)
    s_inv = np.linalg.inv(s_t)
    r = np.atleast_2d(x) - m_t
    y = r @ s_inv  # rows S^-1 r (S symmetric)
    out = 0.5 * np.einsum("ni,ij,nj->n", y, ds, y)
    if mean_drift:
        out = out + y @ dm
    if normaliser:
        out = out - 0.5 * float(np.trace(s_inv @ ds))
    return out


def integrate(integrand: Callable[[float], np.ndarray], nodes: int = 256) -> np.ndarray:
    """int_0^1 f(t) dt for a vector-valued f, Gauss-Legendre after t = 1 - (1 - u)^2."""
    u, w = np.polynomial.legendre.leggauss(nodes)
    u, w = (u + 1.0) / 2.0, w / 2.0
    total = np.zeros(())
    for ui, wi in zip(u, w, strict=True):
        total = total + wi * 2.0 * (1.0 - ui) * integrand(1.0 - (1.0 - ui) ** 2)
    return np.asarray(total)


def gaussian_pairs(
    *,
    min_dim: int = 1,
    max_dim: int = 5,
    max_condition: float = 100.0,
    log10_scales: tuple[tuple[float, float], ...] = ((-3.0, -0.3), (0.3, 1.0)),
) -> st.SearchStrategy[GaussianPair]:
    """p_0 = N(m_0, S_0) with S_0's largest eigenvalue 1, p_1 = N(m_1, S_1) with largest eigenvalue 10^e,
    e in one of ``log10_scales`` (so the log-determinants differ), both with condition number <=
    max_condition, means in [-3, 3].

    Shrinking moves towards dimension 1, means 0, S_0 = I and S_1 at the lower end of the first range.
    """
    if not 1 <= min_dim <= max_dim:
        raise InvalidArgument(f"need 1 <= min_dim={min_dim} <= max_dim={max_dim}")
    exponent = st.one_of(*(st.floats(min_value=lo, max_value=hi) for lo, hi in log10_scales))

    def build(d: int) -> st.SearchStrategy[GaussianPair]:
        return st.builds(
            lambda m0, c0, m1, e, c1: GaussianPair(
                p0=Gaussian(mean=m0, cov=c0),
                p1=Gaussian(mean=m1, cov=tuple(tuple(10.0**e * v for v in row) for row in c1)),
            ),
            means(dim=d),
            covariances(dim=d, max_condition=max_condition),
            means(dim=d),
            exponent,
            covariances(dim=d, max_condition=max_condition),
        )

    return st.integers(min_value=min_dim, max_value=max_dim).flatmap(build)


@dataclass(frozen=True, kw_only=True)
class CorrelatedPairs:
    """A unit-variance Gaussian in 2k dimensions, coordinate pairs correlated by rhos (p_1), against the
    product of its marginals N(0, I) (p_0); KL(p_1 || p_0) is the mutual information of the halves."""

    rhos: tuple[float, ...]

    @property
    def mutual_information(self) -> float:
        return pairs_mutual_information(self.rhos)


def correlated_pairs_tasks(
    *, min_pairs: int = 1, max_pairs: int = 4, min_rho: float = 0.3, max_rho: float = 0.8
) -> st.SearchStrategy[CorrelatedPairs]:
    """k pairs in [min_pairs, max_pairs], correlations in [min_rho, max_rho].

    Shrinking moves towards one pair and the weakest correlation."""
    if not 1 <= min_pairs <= max_pairs or not 0.0 < min_rho <= max_rho < 1.0:
        raise InvalidArgument("need 1 <= min_pairs <= max_pairs and 0 < min_rho <= max_rho < 1")
    rho = st.floats(min_value=min_rho, max_value=max_rho)
    return st.builds(CorrelatedPairs, rhos=st.lists(rho, min_size=min_pairs, max_size=max_pairs).map(tuple))


@dataclass(frozen=True, kw_only=True)
class PeakedGaussian:
    """p_0 = N(0, 1), p_1 = N(0, std^2) in 1-D, ``samples`` draws of each (a finite training set)."""

    std: float
    samples: int

    @property
    def kl(self) -> float:
        """KL(p_1 || p_0) = -log s + (s^2 - 1) / 2."""
        return -math.log(self.std) + 0.5 * (self.std**2 - 1.0)


def peaked_gaussians(
    *, min_log10_std: float = -3.0, max_log10_std: float = -1.0, samples: int = 1000
) -> st.SearchStrategy[PeakedGaussian]:
    """p_1's std 10^e with e in [min_log10_std, max_log10_std]. Shrinking moves towards the most peaked."""
    if not min_log10_std <= max_log10_std < 0.0:
        raise InvalidArgument("need min_log10_std <= max_log10_std < 0")
    return st.builds(
        PeakedGaussian,
        std=st.floats(min_value=min_log10_std, max_value=max_log10_std).map(lambda e: 10.0**e),
        samples=st.just(samples),
    )
