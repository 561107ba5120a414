"""Gaussian single-index models with planted direction: link families with known Hermite structure.

``x ~ N(0, I_d)``, a hidden unit vector ``w*``, ``z = <w*, x>`` and a label
drawn from ``P(y | z)`` (Damian, Pillaud-Vivien, Lee, Bruna 2024). Two
exponents of a link (``h_k`` the orthonormal Hermite polynomials):

* information exponent: the smallest ``k >= 1`` with ``E[y h_k(z)] != 0``;
* generative exponent ``k*``: the smallest ``k >= 1`` with
  ``lambda_k^2 = E_y[E[h_k(z) | y]^2] > 0``, i.e. the smallest information
  exponent of any label transform ``zeta(y)``; ``zeta_k(y) = E[h_k(z) | y]``
  is the transform that attains it.

Link families, each with its exponents computed (not declared):

* :class:`HermitePolynomialLink`: ``y = sum_j c_j He_j(z)`` with integer
  ``c_j`` (deterministic). :func:`certify_generative_exponent` finds, in
  exact integer arithmetic, a power ``zeta(y) = y^m`` with
  ``E[y^m He_k(z)] != 0`` for k = 1 (any non-even link) or k = 2 (even links,
  for which ``E[h_1 | y] = 0`` by symmetry): a certificate that ``k* <= 2``.
* :class:`BinaryLink`: ``y = +-1`` piecewise constant in ``|z|`` with label
  flips of probability p. Every transform of a binary label is affine, so
  ``k*`` equals the information exponent; the breakpoints are solved so that
  ``E[y h_2] = 0`` for ``k* = 4`` (``t_1 phi(t_1) = t_2 phi(t_2)``).
* :class:`NoisyEvenLink`: ``y = a h_4(z) + b h_6(z) + sigma xi`` with
  ``a^2 + b^2 = 1``: information exponent 4 (6 when a = 0), ``k* = 2``;
  ``zeta_k`` by quadrature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy.optimize import brentq
from scipy.stats import norm

from .hermite import (
    GAUSS_GRID,
    from_hermite,
    gaussian_density,
    hermite_coefficient,
    interval_hermite_moment,
    is_even,
    normalised_hermite,
    poly_pow,
)

# ---------------------------------------------------------------- polynomial links (exact)


@dataclass(frozen=True, kw_only=True)
class HermitePolynomialLink:
    """``y = sum_j coefficients[j] He_j(z)`` (integers, ``coefficients[0]`` the constant)."""

    coefficients: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.coefficients or not all(isinstance(c, int) for c in self.coefficients):
            raise ValueError(f"coefficients={self.coefficients!r} must be a non-empty tuple of ints")
        if not any(self.coefficients[1:]):
            raise ValueError("the link must be a non-constant polynomial")

    @property
    def information_exponent(self) -> int:
        """The smallest ``k >= 1`` with a nonzero Hermite coefficient."""
        return next(k for k, c in enumerate(self.coefficients) if k >= 1 and c != 0)

    @property
    def degree(self) -> int:
        return max(k for k, c in enumerate(self.coefficients) if c != 0)

    @property
    def even(self) -> bool:
        return is_even(from_hermite(self.coefficients))


@dataclass(frozen=True)
class Certificate:
    """A certified bound ``k* <= kstar`` by the transform ``zeta(y) = y^power`` (kstar 0: none found)."""

    kstar: int
    power: int
    moment: int  # E[y^power He_kstar(z)], exact and nonzero


def certify_generative_exponent(link: HermitePolynomialLink, *, max_power: int = 12) -> Certificate:
    """The generative exponent of a polynomial link, certified exactly.

    k* = 1 when some ``E[y^m He_1(z)] != 0`` (m <= max_power); for an even
    link ``E[h_1(z) | y] = 0`` exactly (z and -z give the same label), and
    k* = 2 when some ``E[y^m He_2(z)] != 0``. ``Certificate(0, 0, 0)`` when no
    power up to ``max_power`` certifies either (then nothing is claimed).
    """
    poly = from_hermite(link.coefficients)
    for k in (1, 2):
        if k == 2 and not is_even(poly):
            break
        power = poly
        for m in range(1, max_power + 1):
            moment = hermite_coefficient(power, k)
            if moment != 0:
                return Certificate(k, m, moment)
            power = poly_pow(poly, m + 1)
    return Certificate(0, 0, 0)


def hermite_polynomial_links(
    *,
    max_degree: int = 6,
    min_exponent: int = 1,
    max_exponent: int | None = None,
    max_coefficient: int = 3,
) -> st.SearchStrategy[HermitePolynomialLink]:
    """Integer Hermite polynomials ``sum_{j=s}^{D} c_j He_j`` with information exponent s.

    s is drawn in ``[min_exponent, max_exponent]`` (default ``max_degree``),
    ``c_s`` in ``[-max_coefficient, max_coefficient] \\ {0}`` and the higher
    coefficients in ``[-max_coefficient, max_coefficient]``; the constant is 0.
    Shrinking moves toward the lowest exponent, degree s and coefficient 1.
    """
    for name, value in (("max_degree", max_degree), ("min_exponent", min_exponent)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidArgument(f"{name}={value!r} must be an int >= 1")
    top = max_degree if max_exponent is None else max_exponent
    if isinstance(top, bool) or not isinstance(top, int) or not min_exponent <= top <= max_degree:
        raise InvalidArgument(f"need min_exponent <= max_exponent <= max_degree, got {min_exponent}, {top}")
    if isinstance(max_coefficient, bool) or not isinstance(max_coefficient, int) or max_coefficient < 1:
        raise InvalidArgument(f"max_coefficient={max_coefficient!r} must be an int >= 1")

    @st.composite
    def build(draw: st.DrawFn) -> HermitePolynomialLink:
        s = draw(st.integers(min_exponent, top))
        degree = draw(st.integers(s, max_degree))
        lead = draw(st.integers(1, max_coefficient)) * draw(st.sampled_from((1, -1)))
        rest = [draw(st.integers(-max_coefficient, max_coefficient)) for _ in range(s + 1, degree + 1)]
        return HermitePolynomialLink(coefficients=(0,) * s + (lead, *rest))

    return build()


@dataclass(frozen=True, kw_only=True)
class LinkPanel:
    """Several polynomial links judged together (a "for all links" statement on one instance)."""

    links: tuple[HermitePolynomialLink, ...]

    def __post_init__(self) -> None:
        if not self.links or not all(isinstance(link, HermitePolynomialLink) for link in self.links):
            raise ValueError("links must be a non-empty tuple of HermitePolynomialLink")


def polynomial_link_panels(
    *,
    size: int = 8,
    max_degree: int = 6,
    max_coefficient: int = 3,
) -> st.SearchStrategy[LinkPanel]:
    """Panels of ``size`` links from :func:`hermite_polynomial_links` (information exponent 1..max_degree).

    Shrinking moves each link toward exponent 1, degree s and coefficient 1.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidArgument(f"size={size!r} must be an int >= 1")
    links = hermite_polynomial_links(max_degree=max_degree, max_coefficient=max_coefficient)
    return st.lists(links, min_size=size, max_size=size).map(lambda ls: LinkPanel(links=tuple(ls)))


# ---------------------------------------------------------------- binary links (closed form)


@lru_cache(maxsize=1024)
def _balanced_partner(t1: float) -> float:
    """The ``t2 > 1`` with ``t2 phi(t2) = t1 phi(t1)`` (``z phi(z)`` peaks at z = 1).

    Memoised: ``BinaryLink.clean`` asks for it on every draw, and the root
    search is deterministic, so the memo returns the value it would recompute.
    """
    level = t1 * float(gaussian_density(t1))
    return float(brentq(lambda z: z * float(gaussian_density(z)) - level, 1.0, 40.0))


@dataclass(frozen=True, kw_only=True)
class BinaryLink:
    """``y = g(z)`` in {-1, +1}, piecewise constant in ``|z|``, each label flipped with probability ``flip``.

    ``kstar = 2``: ``g = sign(|z| - t)``. ``kstar = 4``: ``g = +1`` on
    ``|z| < t``, ``-1`` on ``t < |z| < t2``, ``+1`` beyond, with ``t2`` solving
    ``t2 phi(t2) = t phi(t)`` so that ``E[g h_2] = 0``.
    """

    kstar: int
    threshold: float
    flip: float = 0.0

    def __post_init__(self) -> None:
        if self.kstar not in (2, 4):
            raise ValueError(f"kstar={self.kstar!r} must be 2 or 4")
        if not (
            isinstance(self.threshold, float) and 0.05 <= self.threshold <= (3.0 if self.kstar == 2 else 0.95)
        ):
            raise ValueError(f"threshold={self.threshold!r} out of range for kstar={self.kstar}")
        if not (isinstance(self.flip, float) and 0.0 <= self.flip < 0.5):
            raise ValueError(f"flip={self.flip!r} must be a float in [0, 0.5)")

    def pieces(self) -> tuple[tuple[float, float, float], ...]:
        """``(a, b, value)``: g = value on ``a <= |z| < b``."""
        t = self.threshold
        if self.kstar == 2:
            return ((0.0, t, -1.0), (t, math.inf, 1.0))
        t2 = _balanced_partner(t)
        return ((0.0, t, 1.0), (t, t2, -1.0), (t2, math.inf, 1.0))

    def clean(self, z: np.ndarray) -> np.ndarray:
        """The noiseless label ``g(z)``."""
        az = np.abs(z)
        out = np.empty_like(z, dtype=float)
        for a, b, v in self.pieces():
            out[(az >= a) & (az < b)] = v
        return out

    def sample(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Labels for the projections ``z`` (flips drawn from ``rng``)."""
        y = self.clean(z)
        y[rng.random(z.shape) < self.flip] *= -1.0
        return y

    def hermite(self, k: int) -> float:
        """``E[g(z) h_k(z)]`` in closed form (noiseless; 0 for odd k)."""
        if k % 2:
            return 0.0
        total = sum(v * 2.0 * interval_hermite_moment(k, a, b) for a, b, v in self.pieces())
        return total / math.sqrt(math.factorial(k))

    def prob_positive(self) -> float:
        """``P(y = +1)`` with flips."""
        clean = sum(2.0 * float(norm.cdf(b) - norm.cdf(a)) for a, b, v in self.pieces() if v > 0)
        return (1.0 - self.flip) * clean + self.flip * (1.0 - clean)

    def zeta(self, k: int) -> tuple[float, float]:
        """``(E[h_k(z) | y = +1], E[h_k(z) | y = -1])`` (the Bayes label transform of order k)."""
        c = (1.0 - 2.0 * self.flip) * self.hermite(k) / 2.0
        p = self.prob_positive()
        return c / p, -c / (1.0 - p)

    def lambda_squared(self, k: int) -> float:
        """``lambda_k^2 = E_y[E[h_k(z) | y]^2]``."""
        up, down = self.zeta(k)
        p = self.prob_positive()
        return p * up**2 + (1.0 - p) * down**2

    @property
    def generative_exponent(self) -> int:
        """The smallest k in 1..8 with ``lambda_k^2 > 1e-12`` (computed, not declared)."""
        return next(k for k in range(1, 9) if self.lambda_squared(k) > 1e-12)


def binary_links(
    *,
    kstars: tuple[int, ...] = (4, 2),
    min_threshold: float = 0.3,
    max_threshold: float = 0.6,
    max_flip: float = 0.1,
) -> st.SearchStrategy[BinaryLink]:
    """Binary links with generative exponent in ``kstars``, breakpoint ``t`` and flip probability.

    For k* = 2 the threshold is drawn in ``[0.4 + min_threshold, 0.4 + max_threshold]``
    (so ``sign(|z| - t)`` keeps a sizeable ``lambda_2``); for k* = 4 in
    ``[min_threshold, max_threshold]``. Shrinking moves toward the first k* of
    ``kstars``, the smallest threshold and no flips.
    """
    if not kstars or any(k not in (2, 4) for k in kstars):
        raise InvalidArgument(f"kstars={kstars!r} must be a non-empty subset of (2, 4)")
    if not 0.05 <= min_threshold <= max_threshold <= 0.95:
        raise InvalidArgument(
            f"need 0.05 <= min_threshold <= max_threshold <= 0.95, got {min_threshold}, {max_threshold}"
        )
    if isinstance(max_flip, bool) or not 0.0 <= max_flip < 0.5:
        raise InvalidArgument(f"max_flip={max_flip!r} must be in [0, 0.5)")

    @st.composite
    def build(draw: st.DrawFn) -> BinaryLink:
        kstar = draw(st.sampled_from(kstars))
        shift = 0.4 if kstar == 2 else 0.0
        t = draw(st.floats(min_threshold, max_threshold, allow_nan=False)) + shift
        flip = draw(st.floats(0.0, float(max_flip), allow_nan=False))
        return BinaryLink(kstar=kstar, threshold=float(round(t, 6)), flip=float(round(flip, 6)))

    return build()


# ---------------------------------------------------------------- even polynomial links with noise


@dataclass(frozen=True, kw_only=True)
class NoisyEvenLink:
    """``y = a h_4(z) + b h_6(z) + noise * xi`` with ``b = sign * sqrt(1 - a^2)``."""

    a4: float
    sign6: int = 1
    noise: float = 0.1

    def __post_init__(self) -> None:
        if not (isinstance(self.a4, float) and 0.0 <= self.a4 <= 1.0):
            raise ValueError(f"a4={self.a4!r} must be a float in [0, 1]")
        if self.sign6 not in (1, -1):
            raise ValueError(f"sign6={self.sign6!r} must be +1 or -1")
        if not (isinstance(self.noise, float) and 0.02 <= self.noise <= 1.0):
            raise ValueError(f"noise={self.noise!r} must be a float in [0.02, 1]")

    @property
    def a6(self) -> float:
        return self.sign6 * math.sqrt(max(0.0, 1.0 - self.a4**2))

    @property
    def information_exponent(self) -> int:
        return 4 if self.a4 > 0 else 6

    def clean(self, z: np.ndarray) -> np.ndarray:
        return self.a4 * normalised_hermite(4, z) + self.a6 * normalised_hermite(6, z)

    def sample(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self.clean(z) + self.noise * rng.standard_normal(z.shape)

    def conditional_hermite(self, k: int, y: np.ndarray) -> np.ndarray:
        """``E[h_k(z) | y]`` by quadrature over z (exact up to the grid).

        The likelihoods ``wg exp(-((y - f(z)) / noise)^2 / 2)`` of a block of
        labels are computed in one reused buffer, operation by operation as
        the expression would (the same values; no fresh temporaries per step).
        """
        zg, wg = GAUSS_GRID
        fz, hz = self.clean(zg), normalised_hermite(k, zg)
        y = np.asarray(y, dtype=float)
        out = np.empty_like(y)
        rows = 64
        buffer = np.empty((min(rows, len(y)), len(zg)))
        for start in range(0, len(y), rows):
            chunk = y[start : start + rows, None]
            like = buffer[: len(chunk)]
            np.subtract(chunk, fz[None, :], out=like)
            like /= self.noise
            np.square(like, out=like)
            like *= -0.5
            np.exp(like, out=like)
            np.multiply(wg[None, :], like, out=like)
            evidence = like.sum(1)
            like *= hz
            out[start : start + rows] = like.sum(1) / np.maximum(evidence, 1e-300)
        return out

    def transform(self, k: int, rng: np.random.Generator, *, clip: float = 0.02) -> LabelTransform:
        """``zeta_k`` tabulated on a label grid and truncated at its ``clip`` / ``1 - clip`` quantiles."""
        z = rng.standard_normal(20000)
        y = self.sample(z, rng)
        low_y, high_y = np.quantile(y, [0.0005, 0.9995])
        grid = np.linspace(float(low_y), float(high_y), 1500)
        table = self.conditional_hermite(k, grid)
        values = np.interp(y, grid, table)
        low, high = np.quantile(values, [clip, 1.0 - clip])
        return LabelTransform(grid=grid, table=table, low=float(low), high=float(high))


@dataclass(frozen=True)
class LabelTransform:
    """A tabulated label transform ``zeta(y)``, clipped to ``[low, high]``."""

    grid: np.ndarray
    table: np.ndarray
    low: float
    high: float

    def __call__(self, y: np.ndarray) -> np.ndarray:
        return np.clip(np.interp(y, self.grid, self.table), self.low, self.high)


def noisy_even_links(
    *, min_a4: float = 0.6, max_noise: float = 0.3, min_noise: float = 0.05
) -> st.SearchStrategy[NoisyEvenLink]:
    """``a h_4 + b h_6 + noise``: a in ``[min_a4, 1]``, the sign of b, noise in ``[min_noise, max_noise]``.

    Shrinking moves toward ``a = min_a4``, b > 0 and the smallest noise.
    """
    if not 0.0 <= min_a4 <= 1.0:
        raise InvalidArgument(f"min_a4={min_a4!r} must be in [0, 1]")
    if not 0.02 <= min_noise <= max_noise <= 1.0:
        raise InvalidArgument(f"need 0.02 <= min_noise <= max_noise <= 1, got {min_noise}, {max_noise}")

    @st.composite
    def build(draw: st.DrawFn) -> NoisyEvenLink:
        a4 = draw(st.floats(min_a4, 1.0, allow_nan=False))
        sign6 = draw(st.sampled_from((1, -1)))
        noise = draw(st.floats(min_noise, max_noise, allow_nan=False))
        return NoisyEvenLink(a4=float(round(a4, 6)), sign6=sign6, noise=float(round(noise, 6)))

    return build()


# ---------------------------------------------------------------- planted data


def planted_direction(d: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random unit vector ``w*`` in R^d."""
    w = rng.standard_normal(d)
    return w / np.linalg.norm(w)


def planted_inputs(d: int, n: int, w: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``x (n, d) ~ N(0, I_d)`` and their projections ``z = x w``."""
    x = rng.standard_normal((n, d))
    return x, x @ w
