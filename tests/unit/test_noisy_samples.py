"""Unit tests of tasks.noisy_samples: perturbation laws, the instability quadrature, noisy datasets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.gaussians import mixture, mixture_cov, mixture_mean, wasserstein1_between_mixtures
from tasks.noisy_samples import (
    NoisyDataset,
    Perturbation,
    adjusted_noise,
    draw,
    excess_kurtosis,
    instability_curve,
    instability_grid,
    leading_order_instability,
    minimal_instability_curve,
    noisy_datasets,
    noisy_law,
    non_gaussian_perturbations,
    perturbation_density,
    perturbations,
    time_integral,
)
from tasks.sde import VPSchedule

SCHEDULE = VPSchedule()


@pytest.mark.parametrize("shape", [0.7, 1.0, 2.0, 8.0])
def test_perturbation_density_has_unit_mass_zero_mean_and_variance_risk_squared(shape: float) -> None:
    p = Perturbation(shape=shape, risk=0.7)
    e = np.linspace(-40.0, 40.0, 400001)
    f = perturbation_density(p, e)
    assert np.trapezoid(f, e) == pytest.approx(1.0, abs=1e-6)
    assert np.trapezoid(e * f, e) == pytest.approx(0.0, abs=1e-9)
    assert np.trapezoid(e * e * f, e) == pytest.approx(0.49, rel=1e-4)


def test_gaussian_shape_is_the_normal_density() -> None:
    e = np.linspace(-3, 3, 13)
    expected = np.exp(-0.5 * (e / 0.5) ** 2) / (0.5 * math.sqrt(2 * math.pi))
    assert np.allclose(perturbation_density(Perturbation(shape=2.0, risk=0.5), e), expected)


def test_grid_spans_the_feasible_window() -> None:
    grid = instability_grid(0.8, SCHEDULE, points=10)
    psi = (grid.alpha * 0.8) ** 2 / grid.sigma**2
    assert psi[0] == pytest.approx(0.95) and psi[-1] == pytest.approx(0.05)
    assert np.all(np.diff(grid.times) > 0)
    assert np.allclose(grid.alpha**2 + grid.sigma**2, 1.0)
    drawn = instability_grid(0.8, SCHEDULE, points=10, rng=np.random.default_rng(0))
    psi = (drawn.alpha * 0.8) ** 2 / drawn.sigma**2
    assert np.all((psi <= 0.95) & (psi >= 0.05))
    assert np.all(np.diff(psi) < 0)  # one draw per cell, cells in order


def test_adjusted_noise_absorbs_the_scaled_perturbation() -> None:
    alpha, sigma = np.array([0.9, 0.5]), np.sqrt(1 - np.array([0.81, 0.25]))
    level = adjusted_noise(0.3, alpha, sigma)
    assert np.allclose(level**2 + (alpha * 0.3) ** 2, sigma**2)
    assert np.allclose(adjusted_noise(0.3, alpha, sigma, signal_scaled=False) ** 2, sigma**2 - 0.09)
    assert np.allclose(adjusted_noise(5.0, alpha, sigma), 0.02 * sigma)  # infeasible: the floor


def test_gaussian_instability_is_zero_with_the_adjusted_level_and_closed_form_without() -> None:
    p = Perturbation(shape=2.0, risk=0.6)
    grid = instability_grid(p.risk, SCHEDULE, points=5)
    adjusted = instability_curve(p, grid, adjusted_noise(p.risk, grid.alpha, grid.sigma))
    assert np.all(np.abs(adjusted) < 1e-10)
    standard = instability_curve(p, grid, grid.sigma)
    ratio = (grid.sigma**2 + (grid.alpha * p.risk) ** 2) / grid.sigma**2  # KL(N(0,s2) || N(0,s2 ratio))
    closed = 0.5 * (1.0 / ratio - 1.0 + np.log(ratio))
    assert np.allclose(standard, closed, rtol=1e-6)


def test_non_gaussian_minimum_is_positive_and_gaussian_minimum_zero() -> None:
    grid = instability_grid(0.5, SCHEDULE, points=3)
    laplace, _ = minimal_instability_curve(Perturbation(shape=1.0, risk=0.5), grid)
    gauss, levels = minimal_instability_curve(Perturbation(shape=2.0, risk=0.5), grid)
    assert np.all(laplace > 1e-8)  # the quadrature floor is ~1e-16
    assert np.all(gauss < 1e-10)
    assert np.allclose(levels, adjusted_noise(0.5, grid.alpha, grid.sigma), rtol=1e-4)


def test_time_integral_of_a_constant_is_the_window_length() -> None:
    grid = instability_grid(1.0, SCHEDULE, points=7, rng=np.random.default_rng(1))
    assert time_integral(grid, np.full(7, 2.0)) == pytest.approx(2.0 * (grid.times.max() - grid.times.min()))


DATA = NoisyDataset(
    clean=mixture(np.array([0.4, 0.6]), np.array([[-2.0], [1.5]]), np.array([[[0.25]], [[0.16]]])),
    noisy_fraction=0.4,
    risks=(0.5, 1.5),
    samples=200000,
)


def test_noisy_law_adds_the_expected_variance_and_draws_follow_it() -> None:
    law = noisy_law(DATA)
    extra = DATA.noisy_fraction * float(np.mean(np.square(DATA.risks)))
    assert mixture_mean(law) == pytest.approx(mixture_mean(DATA.clean))
    assert mixture_cov(law)[0, 0] == pytest.approx(mixture_cov(DATA.clean)[0, 0] + extra)
    x, risk = draw(DATA, np.random.default_rng(0))
    assert np.mean(risk > 0) == pytest.approx(DATA.noisy_fraction, abs=0.01)
    assert set(np.unique(risk)) == {0.0, 0.5, 1.5}
    assert np.var(x) == pytest.approx(mixture_cov(law)[0, 0], rel=0.02)


@settings(max_examples=10, deadline=None)
@given(noisy_datasets(min_shift=0.1))
def test_noisy_datasets_respect_their_ranges(data: NoisyDataset) -> None:
    assert 0.3 <= data.noisy_fraction <= 0.7
    assert all(0.5 <= r <= 1.5 for r in data.risks) and list(data.risks) == sorted(data.risks)
    assert wasserstein1_between_mixtures(noisy_law(data), data.clean, grid=2001) >= 0.1


@settings(max_examples=10, deadline=None)
@given(perturbations(shapes=((0.5, 1.5), (3.0, 8.0))))
def test_perturbations_draw_non_gaussian_shapes(p: Perturbation) -> None:
    assert 0.5 <= p.shape <= 1.5 or 3.0 <= p.shape <= 8.0
    assert 0.2 <= p.risk <= 2.0


def test_strategies_reject_bad_ranges() -> None:
    with pytest.raises(InvalidArgument):
        noisy_datasets(min_fraction=0.8, max_fraction=0.5).example()
    with pytest.raises(InvalidArgument):
        perturbations(shapes=((0.1, 1.0),)).example()


@settings(max_examples=8, deadline=None)
@given(perturbations(shapes=((2.0, 2.0),), min_risk=0.2, max_risk=2.0))
def test_adjusted_level_makes_a_gaussian_perturbation_vanish_over_the_window(p: Perturbation) -> None:
    """The Gaussian theorem of Li et al. (2024) as an identity of the building block (it was a claim).

    Var(alpha e + sigma_r z) = sigma^2 exactly, so the KL is the quadrature's round-off; the
    corrections a reader could mistake for it, and non-Gaussian laws of the same variance, are not 0.
    """
    grid = instability_grid(p.risk, SCHEDULE, points=8, rng=np.random.default_rng(0))
    level = adjusted_noise(p.risk, grid.alpha, grid.sigma)
    assert abs(time_integral(grid, instability_curve(p, grid, level))) < 1e-12
    for wrong in (grid.sigma, adjusted_noise(p.risk, grid.alpha, grid.sigma, signal_scaled=False)):
        assert time_integral(grid, instability_curve(p, grid, wrong)) > 1e-6
    for shape in (1.0, 8.0):
        other = Perturbation(shape=shape, risk=p.risk)
        assert time_integral(grid, instability_curve(other, grid, level)) > 1e-5


def test_leading_order_term_predicts_the_minimum_near_the_gaussian_shape() -> None:
    assert excess_kurtosis(2.0) == pytest.approx(0.0, abs=1e-12)
    assert excess_kurtosis(1.0) == pytest.approx(3.0)  # Laplace
    assert excess_kurtosis(1e6) == pytest.approx(-1.2, abs=1e-4)  # uniform
    grid = instability_grid(0.5, SCHEDULE, points=4)
    p = Perturbation(shape=2.01, risk=0.5)
    minimal, _ = minimal_instability_curve(p, grid)
    ratio = minimal / leading_order_instability(p, grid)
    assert np.all((ratio > 1.0) & (ratio < 1.2))  # higher cumulants add at the same order


@settings(max_examples=10, deadline=None)
@given(non_gaussian_perturbations())
def test_non_gaussian_perturbations_cover_both_sides_of_the_gaussian_shape(p: Perturbation) -> None:
    assert 0.5 <= p.shape <= 8.0 and abs(p.shape - 2.0) >= 1e-5 * (1 - 1e-9)
    assert 0.2 <= p.risk <= 2.0
