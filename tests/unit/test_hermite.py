"""Unit tests of tasks.hermite: exact Hermite polynomials, Gaussian moments, closed-form interval moments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tasks.hermite import (
    GAUSS_GRID,
    from_hermite,
    gaussian_expectation,
    gaussian_moment,
    hermite_coefficient,
    hermite_monomials,
    hermite_values,
    interval_hermite_moment,
    is_even,
    normalised_hermite,
    poly_mul,
    poly_pow,
)


def test_low_hermite_polynomials() -> None:
    assert hermite_monomials(0) == (1,)
    assert hermite_monomials(1) == (0, 1)
    assert hermite_monomials(2) == (-1, 0, 1)
    assert hermite_monomials(3) == (0, -3, 0, 1)
    assert hermite_monomials(4) == (3, 0, -6, 0, 1)


@pytest.mark.parametrize("j", range(6))
@pytest.mark.parametrize("k", range(6))
def test_orthogonality_is_exact(j: int, k: int) -> None:
    value = gaussian_expectation(poly_mul(hermite_monomials(j), hermite_monomials(k)))
    assert value == (math.factorial(k) if j == k else 0)


def test_gaussian_moments_are_double_factorials() -> None:
    assert [gaussian_moment(i) for i in range(9)] == [1, 0, 1, 0, 3, 0, 15, 0, 105]


def test_he4_squared_has_he2_coefficient_192() -> None:
    # He_4^2 = ... + 96 He_2 + ...; E[He_4^2 He_2] = 96 * 2!
    assert hermite_coefficient(poly_pow(hermite_monomials(4), 2), 2) == 192


def test_from_hermite_and_parity() -> None:
    poly = from_hermite((0, 0, 1, 0, 2))  # He_2 + 2 He_4
    assert poly == (5, 0, -11, 0, 2)
    assert is_even(poly) and not is_even(from_hermite((0, 0, 0, 1)))


def test_float_hermite_matches_integer_coefficients() -> None:
    z = np.linspace(-3, 3, 13)
    for k in range(7):
        direct = sum(c * z**i for i, c in enumerate(hermite_monomials(k)))
        assert np.allclose(hermite_values(k, z), direct)
    zg, wg = GAUSS_GRID
    assert float(np.sum(wg * normalised_hermite(5, zg) ** 2)) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("k", [0, 1, 2, 4, 5])
def test_interval_moment_matches_quadrature(k: int) -> None:
    a, b = 0.4, 1.7
    z = np.linspace(a, b, 200001)
    numeric = np.trapezoid(hermite_values(k, z) * np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi), z)
    assert interval_hermite_moment(k, a, b) == pytest.approx(float(numeric), abs=1e-8)
    assert interval_hermite_moment(k, -math.inf, math.inf) == pytest.approx(1.0 if k == 0 else 0.0, abs=1e-12)
