"""Unit tests of tasks.polynomial_teachers: AH dimensions, Gaussian quadratic losses, shifted truncations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.polynomial_teachers import (
    AH_EXCEPTIONS,
    UNIFORM_KURTOSIS,
    QuadraticTeacher,
    ambient_dimension,
    degenerate,
    dimension_panels,
    expected_dimension,
    generic_dimension,
    is_local_minimum,
    population_loss,
    predicted_signature,
    quadratic_teachers,
    shifted_truncation,
    subsets,
    teacher_panels,
    thick_width,
)


def test_alexander_hirschowitz_exceptions_are_one_short() -> None:
    for (n, d), r in AH_EXCEPTIONS.items():
        assert expected_dimension(n, d, r) == generic_dimension(n, d, r) - 1
        assert expected_dimension(n, d, r) == ambient_dimension(n, d) - 1
        assert expected_dimension(n, d, r + 1) == ambient_dimension(n, d)
    assert thick_width(3, 4) == 6  # ceil(15 / 3) = 5, plus one at the exception
    assert thick_width(3, 3) == math.ceil(10 / 3)
    assert thick_width(6, 3) == math.ceil(56 / 6)


def test_quadrics_have_the_symmetric_matrix_dimension() -> None:
    for n in range(2, 7):
        for r in range(1, n + 1):
            assert expected_dimension(n, 2, r) == r * n - r * (r - 1) // 2
        assert thick_width(n, 2) == n


def _monte_carlo_loss(a: np.ndarray, sample: np.ndarray) -> float:
    return float(np.mean(np.einsum("si,ij,sj->s", sample, a, sample) ** 2))


@pytest.mark.parametrize("kind", ["gauss", "uniform"])
def test_population_loss_matches_sampling(kind: str) -> None:
    rng = np.random.default_rng(0)
    b = rng.standard_normal((4, 4))
    a = (b + b.T) / 2
    if kind == "gauss":
        x, kurt = rng.standard_normal((400_000, 4)), 3.0
    else:
        x, kurt = rng.uniform(-math.sqrt(3), math.sqrt(3), (400_000, 4)), UNIFORM_KURTOSIS
    assert population_loss(a, kurt) == pytest.approx(_monte_carlo_loss(a, x), rel=0.02)


def test_shifted_truncation_closed_form() -> None:
    lam = np.array([1.2, -1.0, -0.9, 0.3])
    eig, loss = shifted_truncation(lam, (0,))
    rest = -1.0 - 0.9 + 0.3
    assert eig[0] == pytest.approx(1.2 + rest / 3)
    assert np.all(eig[1:] == 0)
    a = np.diag(eig - lam)  # S_I - T in the teacher's basis
    assert loss == pytest.approx(population_loss(a))
    assert shifted_truncation(lam, (0, 1, 2, 3))[1] == pytest.approx(0.0)


def test_keeping_the_largest_eigenvalue_is_not_always_best() -> None:
    lam = np.array([1.2, -1.0, -1.0 + 1e-2])
    by_top = shifted_truncation(lam, (0,))[1]
    assert shifted_truncation(lam, (1,))[1] < by_top  # the spec's example, teacher diag(1.2, -1, -1)


def test_signature_counts_add_up_and_local_minima_have_no_negative_direction() -> None:
    lam = np.array([2.7, -2.14, 2.69, -1.13])
    for subset in subsets(4, 2):
        if degenerate(lam, subset, 2):
            continue
        for signs in ((1.0, 1.0), (-1.0, -1.0)):
            neg, zero, pos = predicted_signature(lam, subset, 2, signs)
            assert neg + zero + pos == 2 * 5
            assert min(neg, zero, pos) >= 0
        best_neg = min(predicted_signature(lam, subset, 2, s)[0] for s in ((1.0, 1.0), (-1.0, -1.0)))
        assert (best_neg == 0) == is_local_minimum(lam, subset, 2)


@settings(max_examples=30, database=None, deadline=None)
@given(quadratic_teachers(max_inputs=5))
def test_quadratic_teachers_are_valid(teacher: QuadraticTeacher) -> None:
    assert 3 <= teacher.inputs <= 5
    assert 1 <= teacher.width < teacher.inputs
    assert len(set(teacher.eigenvalues)) == teacher.inputs


@settings(max_examples=20, database=None, deadline=None)
@given(dimension_panels(max_ambient=70))
def test_dimension_panels_carry_an_exception_and_a_quadric(panel) -> None:  # type: ignore[no-untyped-def]
    assert panel.pairs[0] in AH_EXCEPTIONS
    assert panel.pairs[1][1] == 2
    assert all(ambient_dimension(n, d) <= 70 for n, d in panel.pairs[2:])


def test_strategies_validate_their_arguments() -> None:
    with pytest.raises(InvalidArgument):
        dimension_panels(max_ambient=5).example()
    with pytest.raises(InvalidArgument):
        quadratic_teachers(min_inputs=4, max_inputs=3).example()
    with pytest.raises(InvalidArgument):
        teacher_panels(size=0).example()
    with pytest.raises(ValueError):
        QuadraticTeacher(eigenvalues=(1.0, 1.0, 2.0), width=1)
