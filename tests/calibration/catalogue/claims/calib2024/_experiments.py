"""Seeded numpy experiments whose exact behaviour is known (no training).

Each experiment is a pure function of (instance, seed): it draws everything
from ``np.random.default_rng(seed)`` and returns one Measurement row.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from theorycheck import Measurement, Tier

MC_GRID = np.unique(np.round(np.logspace(1, 4, 12)).astype(int))
SGD_GRID = np.unique(np.round(np.logspace(1, 4, 12)).astype(int))
GD_GRID = np.arange(0, 101, 4)
GD_MU, GD_L = 0.2, 1.0  # pinned extreme eigenvalues; step eta = 1 / L
TRUE_ACCURACY = 0.9
MEAN_A, MEAN_B = 1.0, 0.8


# ------------------------------------------------------------------ Monte Carlo mean


@dataclass(frozen=True)
class MonteCarlo:
    """Exponential(scale) samples; ``repeats`` independent means per grid point."""

    scale: float
    repeats: int


def monte_carlo() -> st.SearchStrategy[MonteCarlo]:
    """Scales in [0.5, 4], 32 to 64 repeats."""
    return st.builds(MonteCarlo, scale=st.floats(0.5, 4.0), repeats=st.integers(32, 64))


def mc_error(instance: MonteCarlo, seed: int, tier: Tier) -> Measurement:
    """RMS error of the mean of n Exponential draws; exactly scale * n^-1/2 in expectation of its square.

    The sum of n Exponential(scale) draws is Gamma(n, scale), so the sample
    mean is drawn exactly without drawing the n samples one by one.
    """
    rng = np.random.default_rng(seed)
    means = rng.gamma(MC_GRID, instance.scale, size=(instance.repeats, len(MC_GRID))) / MC_GRID
    err = np.sqrt(np.mean((means - instance.scale) ** 2, axis=0))
    return Measurement.one(series={"error": (MC_GRID, err)})


def gaussian_mc_curves(rng: np.random.Generator, seeds: int, grid: np.ndarray, repeats: int) -> np.ndarray:
    """``seeds`` RMS-error curves of Gaussian means, shape (seeds, len(grid)).

    The mean of n N(0, 1) draws is N(0, 1/n), so log RMS error = -1/2 log n +
    a term whose law does not depend on n: the per-seed OLS slope is unbiased
    for -1/2 exactly. Used where the exact expected slope matters (coverage).
    """
    z = rng.standard_normal((seeds, repeats, len(grid))) / np.sqrt(grid)
    return np.sqrt(np.mean(z**2, axis=1))


@dataclass(frozen=True)
class GaussianMC:
    """Gaussian Monte Carlo means with ``repeats`` repeats per grid point."""

    repeats: int


def gaussian_mc() -> st.SearchStrategy[GaussianMC]:
    """32 to 64 repeats."""
    return st.builds(GaussianMC, repeats=st.integers(32, 64))


def gaussian_mc_error(instance: GaussianMC, seed: int, tier: Tier) -> Measurement:
    """One seed of :func:`gaussian_mc_curves`: expected per-seed slope exactly -1/2."""
    curve = gaussian_mc_curves(np.random.default_rng(seed), 1, MC_GRID, instance.repeats)[0]
    return Measurement.one(series={"error": (MC_GRID, curve)})


# ------------------------------------------------------------------ gradient descent


@dataclass(frozen=True)
class Quadratic:
    """f(x) = x^T A x / 2 in ``dim`` dimensions; spectrum drawn from ``spectrum_seed``."""

    dim: int
    spectrum_seed: int


def quadratics() -> st.SearchStrategy[Quadratic]:
    """Dimensions 2 to 40, any spectrum seed."""
    return st.builds(Quadratic, dim=st.integers(2, 40), spectrum_seed=st.integers(0, 2**31 - 1))


def spectrum(instance: Quadratic) -> np.ndarray:
    """Eigenvalues: mu = 0.2 (pinned), L = 1 (pinned), the rest uniform in [2 mu, L]."""
    rng = np.random.default_rng(instance.spectrum_seed)
    rest = rng.uniform(2 * GD_MU, GD_L, size=max(0, instance.dim - 2))
    return np.concatenate([[GD_MU], rest, [GD_L]])[: instance.dim]


def gd_distance(instance: Quadratic, seed: int, tier: Tier) -> Measurement:
    """||x_t - x*|| of gradient descent with eta = 1/L from a random start.

    In the eigenbasis each coordinate contracts by (1 - eta lambda_i) per
    step, so the distance decays at the exact asymptotic rate (1 - eta mu)^t.
    """
    rng = np.random.default_rng(seed)
    lam = spectrum(instance)
    x0 = rng.standard_normal(instance.dim)
    factors = (1.0 - lam / GD_L)[None, :] ** GD_GRID[:, None]
    dist = np.sqrt(np.sum((factors * x0[None, :]) ** 2, axis=1))
    return Measurement.one(series={"distance": (GD_GRID, dist)})


# ------------------------------------------------------------------ online SGD


@dataclass(frozen=True)
class LeastSquares:
    """Streaming least squares y = w x + noise, x = +-1; SGD step c / (t + 2c); ``chains`` parallel runs."""

    noise: float
    c: float
    chains: int


def least_squares(chains: tuple[int, int] = (64, 128)) -> st.SearchStrategy[LeastSquares]:
    """Noise 0.5 to 2, step constant c in [1, 2], ``chains`` parallel runs per seed (the noise level)."""
    return st.builds(
        LeastSquares, noise=st.floats(0.5, 2.0), c=st.floats(1.0, 2.0), chains=st.integers(*chains)
    )


@functools.lru_cache(maxsize=64)
def _sgd_transitions(noise: float, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Per grid interval, the factor and the noise variance of the SGD error recurrence.

    With features x = +-1 the error e_t = w_t - w* obeys
    e_{t+1} = (1 - eta_t) e_t + eta_t x_t xi_t, and x_t xi_t ~ N(0, noise^2):
    between grid points e is an AR(1) step with a known factor and variance,
    so the chain is sampled exactly at the grid points only.
    """
    factors, variances = [], []
    a_acc, v_acc, k = 1.0, 0.0, 0
    for t in range(int(SGD_GRID[-1])):
        eta = c / (t + 2.0 * c)
        a_acc *= 1.0 - eta
        v_acc = (1.0 - eta) ** 2 * v_acc + (eta * noise) ** 2
        if t + 1 == SGD_GRID[k]:
            factors.append(a_acc)
            variances.append(v_acc)
            a_acc, v_acc, k = 1.0, 0.0, k + 1
    return np.asarray(factors), np.asarray(variances)


def sgd_excess(instance: LeastSquares, seed: int, tier: Tier) -> Measurement:
    """Mean over chains of (w_t - w*)^2 for online SGD started at w*, sampled exactly at the grid.

    E (w_t - w*)^2 ~ c^2 noise^2 / ((2c - 1) t): the rate is 1/t for c > 1/2.
    """
    rng = np.random.default_rng(seed)
    factors, variances = _sgd_transitions(instance.noise, instance.c)
    z = rng.standard_normal((len(SGD_GRID), instance.chains)) * np.sqrt(variances)[:, None]
    e = np.zeros(instance.chains)
    excess = np.empty(len(SGD_GRID))
    for k in range(len(SGD_GRID)):
        e = factors[k] * e + z[k]
        excess[k] = float(np.mean(e**2))
    return Measurement.one(series={"excess": (SGD_GRID, excess)})


# ------------------------------------------------------------------ Bernoulli accuracy and two means


@dataclass(frozen=True)
class TestSet:
    """A classifier of true accuracy 0.9 scored on ``size`` test examples."""

    size: int


def test_sets() -> st.SearchStrategy[TestSet]:
    """Test sets of 500 to 2000 examples."""
    return st.builds(TestSet, size=st.integers(500, 2000))


def accuracy(instance: TestSet, seed: int, tier: Tier) -> Measurement:
    """Measured accuracy: Binomial(size, 0.9) / size."""
    rng = np.random.default_rng(seed)
    return Measurement.one(scalars={"acc": rng.binomial(instance.size, TRUE_ACCURACY) / instance.size})


@dataclass(frozen=True)
class TwoMeans:
    """Sample means of N(1, 1) and N(0.8, 1), ``size`` draws each."""

    size: int


def two_means() -> st.SearchStrategy[TwoMeans]:
    """800 to 1600 draws per arm."""
    return st.builds(TwoMeans, size=st.integers(800, 1600))


def means(instance: TwoMeans, seed: int, tier: Tier) -> Measurement:
    """Per seed, the two sample means (true difference 0.2)."""
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(instance.size)
    return Measurement.one(
        scalars={"a": MEAN_A + scale * rng.standard_normal(), "b": MEAN_B + scale * rng.standard_normal()}
    )
