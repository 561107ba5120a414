"""Noisy samples with known risk (Li, Luyten, van der Schaar 2024): perturbation laws and datasets.

Two instance types:

* :class:`Perturbation`: a zero-mean generalised-normal perturbation e with
  density proportional to exp(-|e / a|^shape) scaled to standard deviation
  ``risk`` (shape 2 is Gaussian, 1 Laplace, large shapes approach the uniform
  law). :func:`instability_curve` measures, on a grid of diffusion times, the
  KL divergence between the VP forward marginal of a clean point,
  N(alpha x, sigma^2), and that of the perturbed point x + e diffused with an
  adjusted noise level sigma_r: the law of alpha (x + e) + sigma_r z.
  Computed by numerical convolution on a grid (the same code for every shape).
* :class:`NoisyDataset`: a clean 1-D Gaussian mixture, a fraction of whose
  samples carry Gaussian noise of a known standard deviation (the risk) taken
  from a few levels; :func:`draw` samples it, :func:`noisy_law` is the exact
  law of the observed samples (a mixture of mixtures).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy import special
from scipy.optimize import minimize_scalar

from .gaussians import (
    GaussianMixture,
    gaussian_mixtures,
    mixture,
    mixture_sample,
    noised,
    wasserstein1_between_mixtures,
)
from .sde import VPSchedule

# --- perturbation laws and instability ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Perturbation:
    """A generalised-normal perturbation of standard deviation ``risk``."""

    shape: float  # 2: Gaussian, 1: Laplace, large: near uniform
    risk: float


def perturbation_density(p: Perturbation, e: np.ndarray) -> np.ndarray:
    """Density of the perturbation at points e."""
    scale = p.risk * math.sqrt(special.gamma(1.0 / p.shape) / special.gamma(3.0 / p.shape))
    norm = p.shape / (2.0 * scale * special.gamma(1.0 / p.shape))
    return norm * np.exp(-(np.abs(e / scale) ** p.shape))


@dataclass(frozen=True)
class InstabilityGrid:
    """Diffusion times where alpha^2 r^2 / sigma^2 runs over [psi_min, psi_max] (the feasible window)."""

    times: np.ndarray
    alpha: np.ndarray
    sigma: np.ndarray


def instability_grid(
    risk: float,
    schedule: VPSchedule,
    *,
    points: int = 24,
    psi_min: float = 0.05,
    psi_max: float = 0.95,
    rng: np.random.Generator | None = None,
) -> InstabilityGrid:
    """Times where the perturbation's share psi = alpha^2 r^2 / sigma^2 of the clean marginal's variance
    falls from psi_max to psi_min (sigma / alpha = r / sqrt(psi)): evenly spaced in psi, or with ``rng``
    one uniform draw in each of ``points`` equal cells (a stratified random quadrature)."""
    if rng is None:
        psi = np.linspace(psi_max, psi_min, points)
    else:
        edges = np.linspace(psi_max, psi_min, points + 1)
        psi = edges[:-1] + (edges[1:] - edges[:-1]) * rng.random(points)
    times = np.array([schedule.time_of_ratio(risk / math.sqrt(v)) for v in psi])
    return InstabilityGrid(times, np.asarray(schedule.alpha(times)), np.asarray(schedule.sigma(times)))


def _kl_to_perturbed(
    p: Perturbation, alpha: float, sigma: float, injected: float, cells: int = 4001
) -> float:
    """KL( N(0, sigma^2) || law of alpha e + injected z ) by convolution on a grid (x = 0 by translation)."""
    spread = max(sigma, alpha * p.risk)
    y = np.linspace(-10.0 * spread, 10.0 * spread, cells)
    h = y[1] - y[0]
    noise = perturbation_density(Perturbation(shape=p.shape, risk=alpha * p.risk), y)
    kernel = np.exp(-0.5 * (y / injected) ** 2)
    noise, kernel = noise / (noise.sum() * h), kernel / (kernel.sum() * h)  # unit mass on the grid
    # direct sums (np.convolve), not an FFT: no round-off floor in the tails
    perturbed = np.convolve(noise, kernel, mode="same") * h
    clean = np.exp(-0.5 * (y / sigma) ** 2)
    clean = clean / (clean.sum() * h)
    keep = clean > 1e-300
    ratio = np.log(clean[keep]) - np.log(np.maximum(perturbed[keep], 1e-300))
    return float(np.trapezoid(clean[keep] * ratio, y[keep]))


def adjusted_noise(
    risk: float, alpha: np.ndarray, sigma: np.ndarray, *, signal_scaled: bool = True
) -> np.ndarray:
    """The risk-sensitive noise level sqrt(sigma^2 - alpha^2 r^2) (``signal_scaled=False``: sigma^2 - r^2),
    floored at 2% of sigma (a level below the grid's resolution)."""
    shrink = (alpha * risk) ** 2 if signal_scaled else risk**2
    return np.sqrt(np.maximum(sigma**2 - shrink, (0.02 * sigma) ** 2))


def instability_curve(p: Perturbation, grid: InstabilityGrid, injected: np.ndarray) -> np.ndarray:
    """KL at each grid time for the given injected noise levels (one per time)."""
    return np.array(
        [
            _kl_to_perturbed(p, float(a), float(s), float(i))
            for a, s, i in zip(grid.alpha, grid.sigma, injected, strict=True)
        ]
    )


def minimal_instability_curve(p: Perturbation, grid: InstabilityGrid) -> tuple[np.ndarray, np.ndarray]:
    """Per time, the smallest KL over injected levels in [0.02 sigma, sigma], and the minimising level."""
    values, levels = [], []
    for a, s in zip(grid.alpha, grid.sigma, strict=True):
        res = minimize_scalar(
            lambda v, a=a, s=s: _kl_to_perturbed(p, float(a), float(s), float(v)),
            bounds=(0.02 * float(s), float(s)),
            method="bounded",
            options={"xatol": 1e-7 * float(s)},
        )
        values.append(float(res.fun))
        levels.append(float(res.x))
    return np.asarray(values), np.asarray(levels)


def excess_kurtosis(shape: float) -> float:
    """Excess kurtosis of the generalised normal: Gamma(5/p) Gamma(1/p) / Gamma(3/p)^2 - 3 (0 at p = 2)."""
    g = special.gammaln
    return float(math.exp(g(5.0 / shape) + g(1.0 / shape) - 2.0 * g(3.0 / shape)) - 3.0)


def leading_order_instability(p: Perturbation, grid: InstabilityGrid) -> np.ndarray:
    """The fourth-cumulant (Gram-Charlier) term of the minimal KL at each grid time, kappa^2 psi^4 / 48.

    alpha e + sigma_r z at variance sigma^2 has standardised fourth cumulant kappa psi^2 (psi = alpha^2
    r^2 / sigma^2); its density ratio to N(0, sigma^2) is 1 + kappa psi^2 He_4 / 24 + ..., whose KL is
    kappa^2 psi^4 / 48 to leading order as p -> 2 (higher cumulants add to it). A predicted scale near
    the Gaussian shape, not a bound far from it.
    """
    psi = (grid.alpha * p.risk) ** 2 / grid.sigma**2
    return np.asarray(excess_kurtosis(p.shape) ** 2 * psi**4 / 48.0)


def time_integral(grid: InstabilityGrid, values: np.ndarray) -> float:
    """int KL dt over the window (trapezoid on the grid's times)."""
    order = np.argsort(grid.times)
    return float(np.trapezoid(values[order], grid.times[order]))


def perturbations(
    *, shapes: tuple[tuple[float, float], ...] = ((2.0, 2.0),), min_risk: float = 0.2, max_risk: float = 2.0
) -> st.SearchStrategy[Perturbation]:
    """Perturbations with shape in one of the closed ``shapes`` intervals and risk in [min_risk, max_risk].

    Shrinking moves towards the first interval's lower end and the smallest risk.
    """
    if not shapes or any(not (0.3 <= lo <= hi) for lo, hi in shapes):
        raise InvalidArgument(f"shapes={shapes} must be non-empty intervals within [0.3, inf)")
    if not 0.0 < min_risk <= max_risk:
        raise InvalidArgument(f"need 0 < min_risk={min_risk} <= max_risk={max_risk}")
    shape = st.one_of(*(st.floats(min_value=lo, max_value=hi) for lo, hi in shapes))
    return st.builds(Perturbation, shape=shape, risk=st.floats(min_value=min_risk, max_value=max_risk))


def non_gaussian_perturbations(
    *,
    min_shape: float = 0.5,
    max_shape: float = 8.0,
    min_log10_gap: float = -5.0,
    min_risk: float = 0.2,
    max_risk: float = 2.0,
) -> st.SearchStrategy[Perturbation]:
    """Generalised-normal perturbations with shape 2 +/- 10^u != 2 inside [min_shape, max_shape]: u uniform
    from ``min_log10_gap`` to the range's end on each side, so shapes near the Gaussian one are drawn as
    often per decade of |shape - 2| as far ones. Shrinking moves towards the lower side, the Gaussian
    shape (|shape - 2| = 10^min_log10_gap, where "non-Gaussian" is hardest to show).
    """
    if not (0.3 <= min_shape < 2.0 < max_shape) or not 10.0**min_log10_gap < min(2.0 - min_shape, 1.0):
        raise InvalidArgument(f"need 0.3 <= min_shape < 2 < max_shape and a gap 10^{min_log10_gap} < 1")
    if not 0.0 < min_risk <= max_risk:
        raise InvalidArgument(f"need 0 < min_risk={min_risk} <= max_risk={max_risk}")
    # u = min_log10_gap + w, w >= 0, so that shrinking (w -> 0) moves towards the Gaussian shape
    gap_below = st.floats(min_value=0.0, max_value=math.log10(2.0 - min_shape) - min_log10_gap)
    gap_above = st.floats(min_value=0.0, max_value=math.log10(max_shape - 2.0) - min_log10_gap)
    # 10^log10(x) can come back an ulp above x: the ends are clamped into the range
    below = gap_below.map(lambda w: max(min_shape, 2.0 - 10.0 ** (min_log10_gap + w)))
    above = gap_above.map(lambda w: min(max_shape, 2.0 + 10.0 ** (min_log10_gap + w)))
    return st.builds(
        Perturbation, shape=st.one_of(below, above), risk=st.floats(min_value=min_risk, max_value=max_risk)
    )


# --- noisy datasets -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NoisyDataset:
    """n draws of a clean 1-D mixture; a fraction carries N(0, r^2) noise, r uniform over ``risks``."""

    clean: GaussianMixture
    noisy_fraction: float
    risks: tuple[float, ...]
    samples: int


def draw(data: NoisyDataset, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Observed samples (n,) and their risks (n,), 0 for the clean ones."""
    x = mixture_sample(data.clean, data.samples, rng)[:, 0]
    noisy = rng.random(data.samples) < data.noisy_fraction
    levels = np.asarray(data.risks)[rng.integers(len(data.risks), size=data.samples)]
    risk = np.where(noisy, levels, 0.0)
    return x + risk * rng.standard_normal(data.samples), risk


def noisy_law(data: NoisyDataset) -> GaussianMixture:
    """Exact law of the observed samples."""
    parts = [(1.0 - data.noisy_fraction, data.clean)]
    parts += [(data.noisy_fraction / len(data.risks), noised(data.clean, 1.0, r)) for r in data.risks]
    w = np.concatenate([share * part.arrays()[0] for share, part in parts])
    m = np.concatenate([part.arrays()[1] for _, part in parts])
    c = np.concatenate([part.arrays()[2] for _, part in parts])
    return mixture(w, m, c)


def noisy_datasets(
    *,
    min_fraction: float = 0.3,
    max_fraction: float = 0.7,
    min_risk: float = 0.5,
    max_risk: float = 1.5,
    levels: int = 2,
    samples: int = 4000,
    min_shift: float = 0.0,
) -> st.SearchStrategy[NoisyDataset]:
    """Clean 1-D mixtures of 2-3 components (means in [-3, 3] at least 3 stds apart, stds in [0.3, 0.8]),
    a noisy fraction in [min_fraction, max_fraction] and ``levels`` risks in [min_risk, max_risk], kept
    when the noise moves the law by W1(noisy law, clean) >= min_shift.

    Shrinking moves towards two components, the smallest fraction and the smallest risks.
    """
    if not 0.0 < min_fraction <= max_fraction < 1.0:
        raise InvalidArgument(f"need 0 < min_fraction={min_fraction} <= max_fraction={max_fraction} < 1")
    if not 0.0 < min_risk <= max_risk:
        raise InvalidArgument(f"need 0 < min_risk={min_risk} <= max_risk={max_risk}")
    if levels < 1 or samples < 10:
        raise InvalidArgument(f"levels={levels} and samples={samples} are too small")
    risk = st.floats(min_value=min_risk, max_value=max_risk)
    strategy = st.builds(
        NoisyDataset,
        clean=gaussian_mixtures(min_std=0.3, max_std=0.8, min_separation=3.0),
        noisy_fraction=st.floats(min_value=min_fraction, max_value=max_fraction),
        risks=st.lists(risk, min_size=levels, max_size=levels).map(lambda r: tuple(sorted(r))),
        samples=st.just(samples),
    )
    if min_shift <= 0:
        return strategy
    return strategy.filter(
        lambda d: wasserstein1_between_mixtures(noisy_law(d), d.clean, grid=2001) >= min_shift
    )
