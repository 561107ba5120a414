"""Hermite tools for Gaussian single- and multi-index models (exact integers, closed forms, quadrature).

Conventions: ``He_k`` is the probabilists' Hermite polynomial (``He_0 = 1``,
``He_1 = z``, ``He_{k+1} = z He_k - k He_{k-1}``), orthogonal under
``N(0, 1)`` with ``E[He_j He_k] = k! delta_jk``; ``h_k = He_k / sqrt(k!)`` is
the orthonormal version.

* Exact arithmetic: a polynomial with integer coefficients is a tuple of
  Python ints in the monomial basis (``c[i]`` multiplies ``z^i``); its
  Gaussian expectation uses ``E[z^{2i}] = (2i - 1)!!`` and is an exact
  integer. :func:`hermite_monomials` gives ``He_k`` in that basis.
* Closed forms for piecewise-constant links: ``d/dz [He_{k-1}(z) phi(z)] =
  -He_k(z) phi(z)``, so ``int_a^b He_k phi = He_{k-1}(a) phi(a) - He_{k-1}(b)
  phi(b)`` for ``k >= 1`` (:func:`interval_hermite_moment`).
* Quadrature: :data:`GAUSS_GRID` is a fine grid on [-10, 10] with normalised
  Gaussian weights (for conditional expectations ``E[g(z) | y]`` of noisy links).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

IntPoly = tuple[int, ...]


@lru_cache(maxsize=64)
def hermite_monomials(k: int) -> IntPoly:
    """Integer monomial coefficients of ``He_k`` (``c[i]`` multiplies ``z^i``)."""
    if k < 0:
        raise ValueError(f"k={k} must be >= 0")
    prev, cur = [1], [0, 1]
    if k == 0:
        return (1,)
    for j in range(1, k):
        nxt = [0, *cur]  # z * He_j
        for i, c in enumerate(prev):
            nxt[i] -= j * c
        prev, cur = cur, nxt
    return tuple(cur)


def poly_add(a: Sequence[int], b: Sequence[int], scale: int = 1) -> IntPoly:
    """``a + scale * b`` with integer coefficients."""
    out = [0] * max(len(a), len(b))
    for i, c in enumerate(a):
        out[i] += c
    for i, c in enumerate(b):
        out[i] += scale * c
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return tuple(out)


def poly_mul(a: Sequence[int], b: Sequence[int]) -> IntPoly:
    """Product of two integer polynomials (exact)."""
    out = [0] * (len(a) + len(b) - 1)
    for i, ca in enumerate(a):
        if ca:
            for j, cb in enumerate(b):
                out[i + j] += ca * cb
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return tuple(out)


def poly_pow(a: Sequence[int], m: int) -> IntPoly:
    """``a ** m`` (exact, ``m >= 0``)."""
    out: IntPoly = (1,)
    for _ in range(m):
        out = poly_mul(out, a)
    return out


def gaussian_moment(i: int) -> int:
    """``E[z^i]`` for ``z ~ N(0, 1)``: 0 for odd i, ``(i - 1)!!`` for even i."""
    if i % 2:
        return 0
    return math.prod(range(i - 1, 0, -2)) if i else 1


def gaussian_expectation(poly: Sequence[int]) -> int:
    """``E[p(z)]`` of an integer polynomial, exactly."""
    return sum(c * gaussian_moment(i) for i, c in enumerate(poly))


def hermite_coefficient(poly: Sequence[int], k: int) -> int:
    """``E[p(z) He_k(z)]`` exactly (``k!`` times the coefficient of ``He_k`` in p)."""
    return gaussian_expectation(poly_mul(poly, hermite_monomials(k)))


def from_hermite(coefficients: Sequence[int]) -> IntPoly:
    """The monomial form of ``sum_j coefficients[j] He_j`` (integer coefficients)."""
    out: IntPoly = (0,)
    for j, c in enumerate(coefficients):
        if c:
            out = poly_add(out, hermite_monomials(j), c)
    return out


def is_even(poly: Sequence[int]) -> bool:
    """Whether ``p(-z) = p(z)`` (every odd monomial coefficient is zero)."""
    return all(c == 0 for i, c in enumerate(poly) if i % 2)


def hermite_values(k: int, z: np.ndarray) -> np.ndarray:
    """``He_k(z)`` elementwise by the three-term recurrence (float64)."""
    z = np.asarray(z, dtype=float)
    prev, cur = np.ones_like(z), z.copy()
    if k == 0:
        return prev
    for j in range(1, k):
        prev, cur = cur, z * cur - j * prev
    return cur


def normalised_hermite(k: int, z: np.ndarray) -> np.ndarray:
    """``h_k(z) = He_k(z) / sqrt(k!)`` (orthonormal under N(0, 1))."""
    return hermite_values(k, z) / math.sqrt(math.factorial(k))


def gaussian_density(z: np.ndarray | float) -> np.ndarray:
    """Standard normal density ``phi``."""
    return np.exp(-0.5 * np.square(z)) / math.sqrt(2.0 * math.pi)


def interval_hermite_moment(k: int, a: float, b: float) -> float:
    """``int_a^b He_k(z) phi(z) dz`` in closed form (``a < b``, either may be +-inf)."""
    if k == 0:
        from scipy.stats import norm

        return float(norm.cdf(b) - norm.cdf(a))

    def tail(t: float) -> float:
        return 0.0 if math.isinf(t) else float(hermite_values(k - 1, np.array(t)) * gaussian_density(t))

    return tail(a) - tail(b)


def _grid() -> tuple[np.ndarray, np.ndarray]:
    z = np.linspace(-10.0, 10.0, 4001)
    w = gaussian_density(z)
    return z, w / w.sum()


GAUSS_GRID: tuple[np.ndarray, np.ndarray] = _grid()
