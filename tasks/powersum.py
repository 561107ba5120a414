"""Symmetric single-index models on power-sum features of random unitary eigenvalues (Zweig, Bruna 2023).

Inputs are sets ``x = (x_1, .., x_N)`` on the unit circle: the eigenvalues of
a Haar-random N x N unitary (the squared Vandermonde density,
:func:`cue_eigenvalues`) or, as a control, i.i.d. uniform points
(:func:`iid_circle_points`). A symmetric network reads them through power
sums ``p_j(x) = sum_n x_n^j``; the adapted features are ``q_j = p_j / sqrt(j)``.
Diaconis-Shahshahani: under the Vandermonde density, for multi-indices a, b
with ``sum_j j a_j <= N``, ``E[prod_j q_j^{a_j} conj(q_j)^{b_j}] = delta_ab prod_j a_j!``,
the moments of independent standard complex Gaussians. Hence for
``z = sum_{j <= D} theta_j q_j`` with ``||theta|| = 1`` the holomorphic monomials
``z^k / sqrt(k!)``, ``k <= K``, are orthonormal as long as ``K D <= N``: the
adapted Hermite basis. A target ``y = f(<theta*, q>)`` with
``f(z) = sum_k c_k z^k / sqrt(k!)`` then has population correlation
``E[y conj(g(<theta, q>))] = sum_k c_k conj(g_k) rho^k``,
``rho = sum_j theta*_j conj(theta_j)`` (:func:`population_correlation`);
its information exponent is the lowest k with ``c_k != 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


def cue_eigenvalues(batch: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues ``(batch, n)`` of Haar-random unitaries (QR of complex Ginibre with the phase fix)."""
    g = (rng.standard_normal((batch, n, n)) + 1j * rng.standard_normal((batch, n, n))) / math.sqrt(2.0)
    q, r = np.linalg.qr(g)
    diag = np.diagonal(r, axis1=1, axis2=2)
    return np.asarray(np.linalg.eigvals(q * (diag / np.abs(diag))[:, None, :]))


def iid_circle_points(batch: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``(batch, n)`` independent uniform points on the unit circle."""
    return np.exp(2j * math.pi * rng.random((batch, n)))


def power_sum_features(points: np.ndarray, dim: int, *, adapted: bool = True) -> np.ndarray:
    """``q_j = p_j / sqrt(j)``, j <= dim (``adapted``), or ``p_j / sqrt(N)`` (unit variance, iid points)."""
    p = np.stack([np.sum(points**j, axis=1) for j in range(1, dim + 1)], axis=1)
    scale = np.sqrt(np.arange(1, dim + 1)) if adapted else math.sqrt(points.shape[1])
    return np.asarray(p / scale)


def monomials(z: np.ndarray, degree: int) -> np.ndarray:
    """``(len(z), degree)``: ``z^k / sqrt(k!)`` for k = 1..degree (the adapted Hermite basis)."""
    return np.stack([z**k / math.sqrt(math.factorial(k)) for k in range(1, degree + 1)], axis=1)


def unit_vector(phases: tuple[float, ...]) -> np.ndarray:
    """``exp(2 pi i phases) / sqrt(D)``: a unit vector spreading its mass evenly over D features."""
    return np.exp(2j * math.pi * np.asarray(phases)) / math.sqrt(len(phases))


def random_unit(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random unit vector of C^dim."""
    v = rng.standard_normal(dim) + 1j * rng.standard_normal(dim)
    return np.asarray(v / np.linalg.norm(v))


@dataclass(frozen=True, kw_only=True)
class HolomorphicLink:
    """``f(z) = sum_k coefficients[k-1] z^k / sqrt(k!)``, real coefficients normalised to unit norm."""

    coefficients: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.coefficients or abs(sum(c * c for c in self.coefficients) - 1.0) > 1e-6:
            raise ValueError(f"coefficients={self.coefficients!r} must have unit Euclidean norm")

    @property
    def degree(self) -> int:
        return max(k + 1 for k, c in enumerate(self.coefficients) if c != 0)

    @property
    def information_exponent(self) -> int:
        return next(k + 1 for k, c in enumerate(self.coefficients) if c != 0)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """``f(z)`` elementwise (powers by repeated products: complex ``**`` is slow)."""
        out = np.zeros_like(z, dtype=complex)
        power = np.ones_like(z, dtype=complex)
        for k, c in enumerate(self.coefficients, start=1):
            power = power * z
            if c:
                out += (c / math.sqrt(math.factorial(k))) * power
        return out

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """``f'(z)`` (holomorphic)."""
        out = np.zeros_like(z, dtype=complex)
        power = np.ones_like(z, dtype=complex)
        for k, c in enumerate(self.coefficients, start=1):
            if c:
                out += (c * k / math.sqrt(math.factorial(k))) * power
            power = power * z
        return out


def population_correlation(link: HolomorphicLink, rho: complex) -> complex:
    """``E[f(z*) conj(f(z))] = sum_k c_k^2 rho^k`` (exact when degree * D <= N)."""
    return complex(sum(c * c * rho ** (k + 1) for k, c in enumerate(link.coefficients)))


@dataclass(frozen=True, kw_only=True)
class MomentProblem:
    """Monomials up to ``degree`` of ``z = <theta, q>``, theta spread over ``dim`` features, sets of ``n``."""

    n: int
    dim: int
    degree: int
    phases: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.phases) != self.dim or self.degree * self.dim > self.n:
            raise ValueError(f"need len(phases) = dim and degree * dim <= n, got {self}")


def moment_problems(
    *, max_degree: int = 3, max_dim: int = 3, max_slack: int = 3
) -> st.SearchStrategy[MomentProblem]:
    """``K <= max_degree``, ``D <= max_dim``, ``N = K D + slack`` (slack in 0..max_slack), phases uniform.

    Shrinking moves toward K = D = 2, N = K D (the edge of the exact range) and zero phases.
    """
    for name, value in (("max_degree", max_degree), ("max_dim", max_dim)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise InvalidArgument(f"{name}={value!r} must be an int >= 2")
    if isinstance(max_slack, bool) or not isinstance(max_slack, int) or max_slack < 0:
        raise InvalidArgument(f"max_slack={max_slack!r} must be an int >= 0")

    @st.composite
    def build(draw: st.DrawFn) -> MomentProblem:
        k = draw(st.integers(2, max_degree))
        d = draw(st.integers(2, max_dim))
        n = k * d + draw(st.integers(0, max_slack))
        phases = tuple(float(round(draw(st.floats(0.0, 1.0, allow_nan=False)), 6)) for _ in range(d))
        return MomentProblem(n=n, dim=d, degree=k, phases=phases)

    return build()


@dataclass(frozen=True, kw_only=True)
class RecoveryProblem:
    """Planted ``y = f(<theta*, q>)`` on sets of size ``n`` with ``dim`` power-sum features."""

    n: int
    dim: int
    link: HolomorphicLink

    def __post_init__(self) -> None:
        if self.link.degree * self.dim > self.n:
            raise ValueError(f"need degree * dim <= n, got {self}")


def recovery_problems(
    *, exponents: tuple[int, ...] = (2, 3), max_dim: int = 3, max_slack: int = 2, max_tail: float = 0.5
) -> st.SearchStrategy[RecoveryProblem]:
    """Links ``c_s z^s / sqrt(s!) + c_{s+1} z^{s+1} / sqrt((s+1)!)`` with information exponent s.

    ``c_{s+1} / c_s`` is drawn in ``[0, max_tail]`` (degree s + 1 when nonzero;
    sets of size ``N = (s + 1) D + slack``). Shrinking moves toward the first
    exponent, D = 2, no higher term and N at the edge of the exact range.
    """
    if not exponents or any(not isinstance(s, int) or s < 1 for s in exponents):
        raise InvalidArgument(f"exponents={exponents!r} must be ints >= 1")
    if isinstance(max_dim, bool) or not isinstance(max_dim, int) or max_dim < 2:
        raise InvalidArgument(f"max_dim={max_dim!r} must be an int >= 2")
    if not 0.0 <= max_tail <= 1.0:
        raise InvalidArgument(f"max_tail={max_tail!r} must be in [0, 1]")

    @st.composite
    def build(draw: st.DrawFn) -> RecoveryProblem:
        s = draw(st.sampled_from(exponents))
        d = draw(st.integers(2, max_dim))
        tail = float(round(draw(st.floats(0.0, max_tail, allow_nan=False)), 6))
        norm = math.sqrt(1.0 + tail * tail)
        coefficients = (0.0,) * (s - 1) + (1.0 / norm, tail / norm)
        n = (s + 1) * d + draw(st.integers(0, max_slack))
        return RecoveryProblem(n=n, dim=d, link=HolomorphicLink(coefficients=coefficients))

    return build()
