"""Unit tests of tasks.multi_index: Hermite coefficient tensors and the explained variance F(M)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from tasks.hermite import normalised_hermite
from tasks.multi_index import (
    HermiteTerm,
    LeapProblem,
    MultiIndexTarget,
    StaircaseProblem,
    coefficient_tensors,
    explained_variance,
    explained_variance_gradient,
    leap_problems,
    leap_target,
    overlaps,
    staircase_problems,
    staircase_target,
)


def _hermite_tensor_value(tensor: np.ndarray, z: np.ndarray) -> float:
    """<T, He_J(z)> by brute force over index tuples (He tensor entry = product of 1-d Hermites)."""
    total = 0.0
    for idx in np.ndindex(tensor.shape):
        counts = np.bincount(np.array(idx, dtype=int), minlength=len(z))
        entry = math.prod(
            normalised_hermite(int(c), np.array(z[a])) * math.sqrt(math.factorial(int(c)))
            for a, c in enumerate(counts)
        )
        total += float(tensor[idx]) * float(entry)
    return total


def test_coefficient_tensors_reproduce_the_target() -> None:
    target = MultiIndexTarget(
        terms=(
            HermiteTerm(coef=0.7, degrees=(1, 0, 0)),
            HermiteTerm(coef=-1.2, degrees=(1, 1, 0)),
            HermiteTerm(coef=0.5, degrees=(0, 2, 1)),
        ),
        rank=3,
    )
    tensors = coefficient_tensors(target)
    z = np.array([0.3, -1.1, 0.8])
    direct = 0.7 * z[0] - 1.2 * z[0] * z[1] + 0.5 * float(normalised_hermite(2, z[1:2])[0]) * z[2]
    assert sum(_hermite_tensor_value(t, z) for t in tensors.values()) == pytest.approx(direct)
    assert explained_variance(tensors, np.eye(3)) == pytest.approx(0.7**2 + 1.2**2 + 0.5**2)
    assert target.variance == pytest.approx(0.7**2 + 1.2**2 + 0.5**2)


def test_explained_variance_of_a_leap_is_a_power_of_the_overlap() -> None:
    tensors = coefficient_tensors(leap_target(1.5, 0.8, 3))
    a, b = 0.6, 0.3
    m = np.diag([a, b])
    assert explained_variance(tensors, m) == pytest.approx(1.5**2 * a**2 + 0.8**2 * b**6)
    assert np.allclose(overlaps(m), [a * a, b * b])


def test_coupled_leap_is_linear_in_the_second_overlap_once_the_first_is_learned() -> None:
    # F(diag(1, b)) = c1^2 + c3^2 b^2 + c2^2 b^(2 l): the coupling is degree 1 in z_2 given z_1
    target = leap_target(1.5, 0.8, 3, coupling=0.7)
    tensors = coefficient_tensors(target)
    b = 0.3
    assert explained_variance(tensors, np.diag([1.0, b])) == pytest.approx(
        1.5**2 + 0.7**2 * b**2 + 0.8**2 * b**6
    )
    # with z_1 unlearned the coupling is invisible: F(diag(0, b)) = c2^2 b^(2 l), the marginal degree l
    assert explained_variance(tensors, np.diag([0.0, b])) == pytest.approx(0.8**2 * b**6)
    assert target.variance == pytest.approx(1.5**2 + 0.8**2 + 0.7**2)
    assert leap_target(1.5, 0.8, 3, coupling=0.0) == leap_target(1.5, 0.8, 3)


def test_staircase_couples_the_two_directions() -> None:
    tensors = coefficient_tensors(staircase_target(1.0, 2.0))
    m = np.diag([0.5, 0.2])
    # F = c1^2 m1 + c2^2 (m1 m2 + (M_1 . M_2)^2) with M_1 . M_2 = 0 here
    assert explained_variance(tensors, m) == pytest.approx(0.25 + 4.0 * 0.25 * 0.04)


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    for target in (leap_target(0.9, 1.3, 2), staircase_target(1.1, 0.7, 2), leap_target(0.5, 2.0, 3)):
        tensors = coefficient_tensors(target)
        m = rng.standard_normal((2, 2)) * 0.4
        grad = explained_variance_gradient(tensors, m)
        eps = 1e-6
        for i in range(2):
            for j in range(2):
                e = np.zeros((2, 2))
                e[i, j] = eps
                numeric = (explained_variance(tensors, m + e) - explained_variance(tensors, m - e)) / (
                    2 * eps
                )
                assert grad[i, j] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


@settings(max_examples=20, deadline=None, database=None)
@given(leap_problems(leaps=(2, 3), min_coef=0.5, max_coef=2.0))
def test_drawn_leaps(problem: LeapProblem) -> None:
    assert problem.leap in (2, 3) and 0.5 <= problem.first <= 2.0 and 0.5 <= problem.second <= 2.0
    assert problem.target().variance == pytest.approx(problem.first**2 + problem.second**2)


@settings(max_examples=10, deadline=None, database=None)
@given(staircase_problems(min_coef=0.5, max_coef=2.0))
def test_drawn_staircases(problem: StaircaseProblem) -> None:
    assert problem.target(2).terms[1].degrees == (1, 2)
