"""Nonparametric instrumental-variable (NPIV) designs with a structural function of known smoothness.

The model is ``Y = f*(X) + e`` with ``E[e | X] != 0`` (confounding) and
``E[e | Z] = 0`` (a valid instrument ``Z``), on ``[0, 1]^d``. The design is
*partial compliance* (well-posed, ill-posedness degree gamma_0 = 0)::

    Z ~ U[0, 1]^d,  C ~ Bernoulli(pi),  U ~ U[0, 1]^d independent of Z,
    X = Z if C = 0 else U,
    e = kappa * C * (U_1 - 1/2) / sqrt(1/12) + sigma * eps + lam * (Z_1 - 1/2) / sqrt(1/12),

with ``eps ~ N(0, 1)``. Then ``E[e | X] != 0`` as soon as ``kappa > 0`` (the
non-compliers' treatment carries their confounder), ``E[e | Z] = 0`` when
``lam = 0`` (``lam != 0`` makes the instrument invalid, a control), and the
conditional-expectation operator is known in closed form::

    (T f)(z) = E[f(X) | Z = z] = (1 - pi) f(z) + pi * int f,

boundedly invertible on mean-zero functions (gamma_0 = 0). ``X`` is uniform
on ``[0, 1]^d``, so L2(P_X) errors are plain integrals over the cube.

*Mildly ill-posed variant* (``ill_posedness = gamma_0 > 0``): the compliers'
treatment is a smoothed instrument, ``X = fold(Z + sqrt(V) W)`` with
``W ~ N(0, I_d)``, one ``V ~ Gamma(gamma_0 / 2, scale 2 / pi^2)`` per sample
(independent of everything else) and ``fold`` the reflection into
``[0, 1]`` per coordinate. The cosines ``cos(pi k . x)`` are even and
2-periodic in each coordinate, so ``E[e_k(X) | Z, C = 0] = E[exp(-pi^2 |k|^2 V / 2)] e_k(Z)
= (1 + |k|^2)^(-gamma_0 / 2) e_k(Z)``: T is diagonal in the cosine basis with
singular values ``(1 - pi)(1 + |k|^2)^(-gamma_0/2)`` (``~ j^(-gamma_0/d)`` in Weyl
order), the link condition of degree gamma_0; ``X`` stays uniform.

Structural functions (``f*``):

* :class:`CosineTarget`: a random cosine series of Besov smoothness s,
  ``f(x) = A * sum_{0 < |k|_inf <= K} j(k)^-(s/d + 1/2) * r_k * e_k(x)`` over the
  orthonormal cosines ``e_k``, where ``j(k)`` is the rank of ``k`` in the
  order by ``|k|`` (Weyl: ``j ~ |k|^d``, so the coefficients fall like
  ``|k|^-(s + d/2)``), with Rademacher signs ``r_k`` drawn from the unit's
  generator. The energy beyond the first J terms is exactly of order
  ``J^(-2s/d)`` at every J (the |k|-indexed prior departs from it by the
  lattice-count corrections, about 10 % of the rate exponent at the radii a
  CPU sieve reaches in d = 2): ``f`` lies in ``B^s_{2, inf}`` and in no
  ``B^{s'}`` with ``s' > s``, and the random signs make it spatially
  homogeneous (no point singularity that an adaptive method could exploit).
  The best rate any estimator reaches over this prior is ``n^(-2s/(2s+d))``;
  ``A`` normalises ``||f||_2`` to 1. In d = 1, ``j(k) = k``.
* :class:`JumpTarget` (d = 1): ``a sin(2 pi k x) + h * 1[x > t0]``, smooth but
  for one jump (low spatial homogeneity): in ``B^(1/p)_{p, inf}`` for every
  ``p``, where fixed-feature (linear) estimators are capped at ``n^(-1/2)``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .arguments import number_in

UNIT_SD = math.sqrt(1.0 / 12.0)  # standard deviation of U[0, 1]


@dataclass(frozen=True, kw_only=True)
class CosineTarget:
    """A random cosine series of smoothness ``smoothness`` on ``[0, 1]^dim`` with ``terms`` per axis."""

    dim: int  # d
    smoothness: float  # s
    terms: int = 128  # K: frequencies 0..K per axis

    def __post_init__(self) -> None:
        if not (isinstance(self.dim, int) and 1 <= self.dim <= 3):
            raise ValueError(f"dim={self.dim!r} must be 1, 2 or 3")
        if not (isinstance(self.smoothness, float) and 0.0 < self.smoothness <= 10.0):
            raise ValueError(f"smoothness={self.smoothness!r} must be a float in (0, 10]")
        if not (isinstance(self.terms, int) and self.terms >= 2):
            raise ValueError(f"terms={self.terms!r} must be an int >= 2")


@dataclass(frozen=True, kw_only=True)
class JumpTarget:
    """``amplitude * sin(2 pi frequency x) + height * 1[x > location]`` on ``[0, 1]``."""

    location: float  # t0
    height: float  # h
    amplitude: float = 0.5  # a
    frequency: int = 1  # k

    dim = 1

    def __post_init__(self) -> None:
        if not (0.05 <= self.location <= 0.95):
            raise ValueError(f"location={self.location!r} must lie in [0.05, 0.95]")
        if not (isinstance(self.frequency, int) and self.frequency >= 1):
            raise ValueError(f"frequency={self.frequency!r} must be an int >= 1")


Target = CosineTarget | JumpTarget


@dataclass(frozen=True, kw_only=True)
class IVDesign:
    """A partial-compliance IV design: target ``f*``, non-compliance ``pi``, confounding ``kappa``,
    noise ``sigma`` and instrument invalidity ``lam`` (0 for a valid instrument)."""

    target: Target
    noncompliance: float = 0.3  # pi
    confounding: float = 1.0  # kappa
    noise: float = 0.3  # sigma
    invalidity: float = 0.0  # lam
    ill_posedness: float = 0.0  # gamma_0: compliers' X = Z smoothed, singular values (1 + |k|^2)^(-gamma_0/2)

    def __post_init__(self) -> None:
        if not (0.0 <= self.noncompliance < 1.0):
            raise ValueError(f"noncompliance={self.noncompliance!r} must lie in [0, 1)")
        if self.confounding < 0 or self.noise < 0 or self.ill_posedness < 0:
            raise ValueError("confounding, noise and ill_posedness must be >= 0")

    @property
    def dim(self) -> int:
        """Dimension d of X and Z."""
        return self.target.dim


@dataclass(frozen=True)
class StructuralFunction:
    """A drawn ``f*``: evaluable on ``(n, d)`` points, with its mean ``int f`` over the cube."""

    target: Target
    coefficients: torch.Tensor | None  # (K+1,)*d for a cosine series, None for a jump

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """``f*(x)`` for ``x (n, d)`` -> ``(n,)`` (float64)."""
        x = x.double()
        t = self.target
        if isinstance(t, JumpTarget):
            u = x[:, 0]
            return (
                t.amplitude * torch.sin(2 * math.pi * t.frequency * u) + t.height * (u > t.location).double()
            )
        assert self.coefficients is not None
        k = torch.arange(t.terms + 1, dtype=torch.float64)
        waves = [torch.cos(math.pi * x[:, i : i + 1] * k) for i in range(t.dim)]  # d x (n, K+1)
        if t.dim == 1:
            return waves[0] @ self.coefficients
        if t.dim == 2:
            return ((waves[0] @ self.coefficients) * waves[1]).sum(1)
        inner = (waves[0] @ self.coefficients.reshape(t.terms + 1, -1)).reshape(-1, t.terms + 1, t.terms + 1)
        return ((inner @ waves[2][:, :, None])[:, :, 0] * waves[1]).sum(1)

    def cosine_coefficients(self, frequencies: torch.Tensor) -> torch.Tensor:
        """Coefficients ``c_k`` of ``prod_i cos(pi k_i x_i)`` for rows ``k`` of ``frequencies (N, d)``
        (zero beyond the series' ``terms``); a cosine target only."""
        if self.coefficients is None:
            raise TypeError("only a cosine-series target has cosine coefficients")
        inside = (frequencies <= self.target.terms).all(1)  # type: ignore[union-attr]
        out = torch.zeros(frequencies.shape[0], dtype=torch.float64)
        idx = frequencies[inside]
        out[inside] = self.coefficients[tuple(idx.T)]
        return out

    @property
    def mean(self) -> float:
        """``int f`` over ``[0, 1]^d`` (the k = 0 coefficient is 0 for a cosine series)."""
        t = self.target
        if isinstance(t, JumpTarget):
            odd = 0.0  # int sin(2 pi k x) over [0, 1]
            return odd + t.height * (1.0 - t.location)
        return 0.0


def draw_structural(target: Target, generator: torch.Generator) -> StructuralFunction:
    """Draw ``f*`` (the Rademacher signs of a cosine series; nothing for a jump)."""
    if isinstance(target, JumpTarget):
        return StructuralFunction(target, None)
    weights, norms = _prior_scales(target)
    signs = torch.randint(0, 2, weights.shape, generator=generator).double() * 2.0 - 1.0
    coefficients = weights * signs
    energy = float((coefficients**2 * norms).sum())
    return StructuralFunction(target, coefficients / math.sqrt(energy))


@functools.lru_cache(maxsize=16)
def _prior_scales(target: CosineTarget) -> tuple[torch.Tensor, torch.Tensor]:
    """The prior's coefficient scales and the cosines' squared norms on the ``(K+1)^d`` frequency grid:
    fixed by the target, so computed once per process and shared by its draws (read-only)."""
    shape = (target.terms + 1,) * target.dim
    k = torch.stack(torch.meshgrid(*[torch.arange(target.terms + 1)] * target.dim, indexing="ij"))
    nonzero = (k > 0).sum(0).double()  # ||prod_i cos(pi k_i x_i)||_2^2 = 2^-(#nonzero k_i)
    ranks = weyl_ranks(k.reshape(target.dim, -1).T).reshape(shape)
    exponent = target.smoothness / target.dim + 0.5
    weights = torch.where(ranks > 0, ranks.clamp(min=1).double() ** -exponent, 0.0) / (2.0**-nonzero).sqrt()
    return weights, 2.0**-nonzero


def weyl_ranks(frequencies: torch.Tensor) -> torch.Tensor:
    """Rank of each row ``k`` of ``frequencies (N, d)`` in the order by ``|k|_2`` (ties lexicographic),
    ``k = 0`` ranked 0: the index ``j`` of the Laplacian eigenfunction ``prod_i cos(pi k_i x_i)``."""
    keys = [(float(row.double().norm()), row.tolist()) for row in frequencies]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = torch.empty(len(keys), dtype=torch.long)
    ranks[torch.tensor(order)] = torch.arange(len(keys))
    return ranks


@dataclass(frozen=True)
class IVSample:
    """One sample of the design: instruments ``z``, treatments ``x`` (both ``(n, d)``), outcomes ``y``."""

    z: torch.Tensor
    x: torch.Tensor
    y: torch.Tensor


def sample_iv(design: IVDesign, f: StructuralFunction, n: int, generator: torch.Generator) -> IVSample:
    """``n`` i.i.d. draws of ``(Z, X, Y)`` (float64)."""
    d = design.dim
    z = torch.rand(n, d, generator=generator, dtype=torch.float64)
    u = torch.rand(n, d, generator=generator, dtype=torch.float64)
    c = (torch.rand(n, generator=generator, dtype=torch.float64) < design.noncompliance).double()
    x = torch.where(c[:, None] > 0, u, smoothed_instrument(z, design.ill_posedness, generator))
    eps = torch.randn(n, generator=generator, dtype=torch.float64)
    e = design.confounding * c * (u[:, 0] - 0.5) / UNIT_SD + design.noise * eps
    e = e + design.invalidity * (z[:, 0] - 0.5) / UNIT_SD
    return IVSample(z=z, x=x, y=f(x) + e)


SMOOTHING_SCALE = 2.0 / math.pi**2  # scale of V: E[exp(-pi^2 |k|^2 V / 2)] = (1 + |k|^2)^(-gamma_0/2)


def fold(x: torch.Tensor) -> torch.Tensor:
    """Reflection of ``x`` into ``[0, 1]`` (coordinate-wise): ``x mod 2`` mirrored on ``(1, 2)``."""
    y = torch.remainder(x, 2.0)
    return torch.where(y > 1.0, 2.0 - y, y)


def smoothed_instrument(z: torch.Tensor, gamma0: float, generator: torch.Generator) -> torch.Tensor:
    """``fold(Z + sqrt(V) W)``, ``V ~ Gamma(gamma0/2, SMOOTHING_SCALE)`` per row; ``Z`` itself (and no
    draw) when ``gamma0 = 0``."""
    if gamma0 <= 0:
        return z
    rng = np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator)))
    v = torch.from_numpy(rng.gamma(gamma0 / 2.0, SMOOTHING_SCALE, size=z.shape[0]))
    w = torch.randn(z.shape, generator=generator, dtype=torch.float64)
    return fold(z + v.sqrt()[:, None] * w)


def smoothing_singular_values(frequencies: torch.Tensor, gamma0: float) -> torch.Tensor:
    """``(1 + |k|^2)^(-gamma0/2)``: ``E[e_k(X) | Z]`` over ``e_k(Z)`` for the compliers."""
    return (1.0 + frequencies.double().pow(2).sum(1)) ** (-gamma0 / 2.0)


def conditional_mean(design: IVDesign, f: StructuralFunction, z: torch.Tensor) -> torch.Tensor:
    """``(T f)(z) = (1 - pi) f(z) + pi int f``: the reduced form ``E[Y | Z = z]`` of a valid, well-posed
    design (gamma_0 = 0)."""
    if design.ill_posedness > 0:
        raise ValueError("conditional_mean is closed-form here for gamma_0 = 0 only")
    return (1.0 - design.noncompliance) * f(z) + design.noncompliance * f.mean


def cosine_norms(frequencies: torch.Tensor) -> torch.Tensor:
    """``||prod_i cos(pi k_i x_i)||^2`` over ``[0, 1]^d``: ``2^-(number of non-zero k_i)``."""
    return 2.0 ** -(frequencies > 0).sum(1).double()


def grid_points(dim: int, per_axis: int) -> torch.Tensor:
    """Midpoints of a regular grid of ``per_axis^dim`` cells of ``[0, 1]^dim`` (float64)."""
    axis = (torch.arange(per_axis, dtype=torch.float64) + 0.5) / per_axis
    return torch.tensor(list(itertools.product(axis.tolist(), repeat=dim)), dtype=torch.float64)


Range = tuple[float, float]


def _nuisance_ranges(noise: Range, noncompliance: Range, confounding: Range) -> tuple[Range, Range, Range]:
    """The checked (min, max) ranges of noise, non-compliance and confounding shared by both designs."""
    limits = {"noise": 10.0, "noncompliance": 0.95, "confounding": 10.0}
    ranges = {"noise": noise, "noncompliance": noncompliance, "confounding": confounding}
    checked = []
    for name, (low, high) in ranges.items():
        lo = number_in(f"min_{name}", low, 0.0, limits[name])
        checked.append((lo, number_in(f"max_{name}", high, lo, limits[name])))
    return checked[0], checked[1], checked[2]


def _draw_design(
    draw: st.DrawFn, target: CosineTarget | JumpTarget, ranges: tuple[Range, Range, Range]
) -> IVDesign:
    noise, noncompliance, confounding = (draw(st.floats(lo, hi, allow_nan=False)) for lo, hi in ranges)
    return IVDesign(target=target, noise=noise, noncompliance=noncompliance, confounding=confounding)


def iv_designs(
    *,
    min_dim: int = 1,
    max_dim: int = 1,
    min_smoothness: float = 0.75,
    max_smoothness: float = 2.0,
    min_noise: float = 0.2,
    max_noise: float = 0.5,
    min_noncompliance: float = 0.2,
    max_noncompliance: float = 0.4,
    min_confounding: float = 1.0,
    max_confounding: float = 2.0,
    terms: tuple[int, ...] = (128, 48, 16),
    min_ill_posedness: float = 0.0,
    max_ill_posedness: float = 0.0,
) -> st.SearchStrategy[IVDesign]:
    """Partial-compliance designs with a cosine-series target of drawn dimension d and smoothness s
    (``terms[d - 1]`` frequencies per axis) and ill-posedness degree gamma_0 in
    ``[min_ill_posedness, max_ill_posedness]`` (drawn last, and only when the range is not ``[0, 0]``).

    Shrinking moves towards the smallest dimension, the smallest smoothness
    (the roughest target, the slowest rate), the least noise, the least
    non-compliance and the weakest confounding.
    """
    if isinstance(min_dim, bool) or not isinstance(min_dim, int) or not 1 <= min_dim <= 3:
        raise InvalidArgument(f"min_dim={min_dim!r} must be an int in [1, 3]")
    if isinstance(max_dim, bool) or not isinstance(max_dim, int) or not min_dim <= max_dim <= 3:
        raise InvalidArgument(f"max_dim={max_dim!r} must be an int in [min_dim, 3]")
    lo_s = number_in("min_smoothness", min_smoothness, 0.1, 10.0)
    hi_s = number_in("max_smoothness", max_smoothness, lo_s, 10.0)
    ranges = _nuisance_ranges(
        (min_noise, max_noise), (min_noncompliance, max_noncompliance), (min_confounding, max_confounding)
    )
    if len(terms) != 3 or any(isinstance(t, bool) or not isinstance(t, int) or t < 2 for t in terms):
        raise InvalidArgument(f"terms={terms!r} must be three ints >= 2 (for d = 1, 2, 3)")
    lo_g = number_in("min_ill_posedness", min_ill_posedness, 0.0, 10.0)
    hi_g = number_in("max_ill_posedness", max_ill_posedness, lo_g, 10.0)

    @st.composite
    def build(draw: st.DrawFn) -> IVDesign:
        d = draw(st.integers(min_dim, max_dim))
        s = draw(st.floats(lo_s, hi_s, allow_nan=False))
        design = _draw_design(draw, CosineTarget(dim=d, smoothness=s, terms=terms[d - 1]), ranges)
        if hi_g > 0:
            design = dataclasses.replace(design, ill_posedness=draw(st.floats(lo_g, hi_g, allow_nan=False)))
        return design

    return build()


def jump_designs(
    *,
    min_location: float = 0.3,
    max_location: float = 0.7,
    min_height: float = 1.0,
    max_height: float = 2.0,
    max_amplitude: float = 0.8,
    min_noise: float = 0.2,
    max_noise: float = 0.5,
    min_noncompliance: float = 0.2,
    max_noncompliance: float = 0.4,
    min_confounding: float = 1.0,
    max_confounding: float = 2.0,
) -> st.SearchStrategy[IVDesign]:
    """Partial-compliance designs whose target is a sine wave plus one jump (d = 1).

    Shrinking moves towards the lowest jump location, the smallest jump, no
    sine wave, the least noise, the least non-compliance and the weakest
    confounding.
    """
    lo_t = number_in("min_location", min_location, 0.05, 0.95)
    hi_t = number_in("max_location", max_location, lo_t, 0.95)
    lo_h = number_in("min_height", min_height, 0.0, 10.0)
    hi_h = number_in("max_height", max_height, lo_h, 10.0)
    hi_a = number_in("max_amplitude", max_amplitude, 0.0, 10.0)
    ranges = _nuisance_ranges(
        (min_noise, max_noise), (min_noncompliance, max_noncompliance), (min_confounding, max_confounding)
    )

    @st.composite
    def build(draw: st.DrawFn) -> IVDesign:
        target = JumpTarget(
            location=draw(st.floats(lo_t, hi_t, allow_nan=False)),
            height=draw(st.floats(lo_h, hi_h, allow_nan=False)),
            amplitude=draw(st.floats(0.0, hi_a, allow_nan=False)),
            frequency=draw(st.integers(1, 2)),
        )
        return _draw_design(draw, target, ranges)

    return build()
