"""Gaussian multi-index targets in the Hermite basis and their explained variance given a subspace.

A target ``f*(z)``, ``z = W*^T x`` in R^k (``W*`` orthonormal d x k, WLOG the
first k coordinates), is a sum of terms ``c * prod_a h_{j_a}(z_a)`` with
orthonormal Hermite polynomials ``h_j``. Written with Hermite tensors,
``f* = sum_J <T_J, He_J(z)>`` with symmetric coefficient tensors ``T_J``
(:func:`coefficient_tensors`).

For a learned orthonormal ``W`` (d x k) let ``M = W*^T W`` (k x k) and
``u = W^T x``. Then ``z | u ~ N(M u, I - M M^T)`` and Mehler's formula gives
``E[He_J(z) | u] = M^{(x)J} He_J(u)``, so the variance explained by the best
function of ``u`` (the non-parametric, infinitely fast link of the two-timescale
flow of Bietti, Bruna, Pillaud-Vivien 2023) is

    F(M) = || E[f*(z) | u] ||^2 = sum_J J! || S_J ||^2,
    S_J[b_1..b_J] = sum_i T_J[i_1..i_J] M[i_1, b_1] ... M[i_J, b_J],

(:func:`explained_variance`, gradient :func:`explained_variance_gradient`);
``F(I) = E[f*^2]``. The squared overlap of target direction i with the
learned subspace is ``m_i = ||M[i, :]||^2``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import permutations

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


@dataclass(frozen=True, kw_only=True)
class HermiteTerm:
    """``coef * prod_a h_{degrees[a]}(z_a)``."""

    coef: float
    degrees: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.degrees or any(not isinstance(j, int) or j < 0 for j in self.degrees):
            raise ValueError(f"degrees={self.degrees!r} must be a tuple of ints >= 0")
        if sum(self.degrees) == 0:
            raise ValueError("a constant term carries no direction")


@dataclass(frozen=True, kw_only=True)
class MultiIndexTarget:
    """A sum of Hermite terms on k = ``rank`` hidden directions."""

    terms: tuple[HermiteTerm, ...]
    rank: int

    def __post_init__(self) -> None:
        if not self.terms or any(len(t.degrees) != self.rank for t in self.terms):
            raise ValueError(f"every term needs {self.rank} degrees")

    @property
    def variance(self) -> float:
        """``E[f*^2]`` (orthonormal terms; repeated degree patterns add up)."""
        tensors = coefficient_tensors(self)
        return float(sum(math.factorial(j) * np.sum(t * t) for j, t in tensors.items()))


def _orderings(index: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    yield from set(permutations(index))


def coefficient_tensors(target: MultiIndexTarget) -> dict[int, np.ndarray]:
    """Symmetric ``T_J`` (shape ``(k,) * J``) with ``f* = sum_J <T_J, He_J(z)>``."""
    k = target.rank
    out: dict[int, np.ndarray] = {}
    for term in target.terms:
        order = sum(term.degrees)
        index = tuple(a for a, j in enumerate(term.degrees) for _ in range(j))
        orders = list(_orderings(index))
        value = term.coef / math.prod(math.sqrt(math.factorial(j)) for j in term.degrees) / len(orders)
        tensor = out.setdefault(order, np.zeros((k,) * order))
        for idx in orders:
            tensor[idx] += value
    return out


def _contract(tensor: np.ndarray, m: np.ndarray, skip_first: bool) -> np.ndarray:
    out = tensor
    for _ in range(tensor.ndim - (1 if skip_first else 0)):
        out = np.tensordot(out, m, axes=([1 if skip_first else 0], [0]))
    return out


def explained_variance(tensors: dict[int, np.ndarray], m: np.ndarray) -> float:
    """``F(M) = sum_J J! ||T_J contracted with M on every index||^2``."""
    return float(sum(math.factorial(j) * np.sum(_contract(t, m, False) ** 2) for j, t in tensors.items()))


def explained_variance_gradient(tensors: dict[int, np.ndarray], m: np.ndarray) -> np.ndarray:
    """``dF/dM`` (k x k): ``sum_J 2 J J! U_J S_J^T`` with U_J the contraction leaving the first index free."""
    k = m.shape[0]
    grad = np.zeros_like(m)
    for j, t in tensors.items():
        s = _contract(t, m, False).reshape(k, -1)
        u = _contract(t, m, True).reshape(k, -1)
        grad += 2.0 * j * math.factorial(j) * (u @ s.T)
    return grad


def overlaps(m: np.ndarray) -> np.ndarray:
    """Squared overlap ``m_i = ||M[i, :]||^2`` of each target direction with the learned subspace."""
    return np.sum(m * m, axis=1)


# ---------------------------------------------------------------- families


def leap_target(first: float, second: float, leap: int, coupling: float = 0.0) -> MultiIndexTarget:
    """``first * h_1(z_1) + second * h_leap(z_2) [+ coupling * h_1(z_1) h_1(z_2)]``.

    z_2's lowest marginal degree is ``leap`` either way (``E[h_1(z_1) h_1(z_2) | z_2] = 0``); a nonzero
    ``coupling`` makes its degree relative to a learned z_1 equal to 1 (a leap of 1, no d^{leap-1} saddle).
    """
    terms = [HermiteTerm(coef=first, degrees=(1, 0)), HermiteTerm(coef=second, degrees=(0, leap))]
    if coupling:
        terms.append(HermiteTerm(coef=coupling, degrees=(1, 1)))
    return MultiIndexTarget(terms=tuple(terms), rank=2)


def staircase_target(first: float, cross: float, cross_degree: int = 1) -> MultiIndexTarget:
    """``first * h_1(z_1) + cross * h_1(z_1) h_{cross_degree}(z_2)``: z_2 enters only through z_1."""
    return MultiIndexTarget(
        terms=(
            HermiteTerm(coef=first, degrees=(1, 0)),
            HermiteTerm(coef=cross, degrees=(1, cross_degree)),
        ),
        rank=2,
    )


@dataclass(frozen=True, kw_only=True)
class LeapProblem:
    """``first h_1(z_1) + second h_leap(z_2)``."""

    leap: int
    first: float
    second: float

    def target(self, coupling: float = 0.0) -> MultiIndexTarget:
        """The target; ``coupling`` adds ``coupling * h_1(z_1) h_1(z_2)`` (see :func:`leap_target`)."""
        return leap_target(self.first, self.second, self.leap, coupling)


@dataclass(frozen=True, kw_only=True)
class StaircaseProblem:
    """``first h_1(z_1) + cross h_1(z_1) h_1(z_2)`` (z_2 marginally invisible)."""

    first: float
    cross: float

    def target(self, cross_degree: int = 1) -> MultiIndexTarget:
        return staircase_target(self.first, self.cross, cross_degree)


def _check_coefficients(low: float, high: float) -> None:
    if not 0.0 < low <= high:
        raise InvalidArgument(f"need 0 < min_coef <= max_coef, got {low}, {high}")


def leap_problems(
    *, leaps: tuple[int, ...] = (2, 3), min_coef: float = 0.5, max_coef: float = 2.0
) -> st.SearchStrategy[LeapProblem]:
    """Targets ``c1 h_1(z_1) + c2 h_leap(z_2)`` with coefficients in ``[min_coef, max_coef]``.

    Shrinking moves toward the first leap of ``leaps`` and the smallest coefficients.
    """
    if not leaps or any(not isinstance(j, int) or j < 1 for j in leaps):
        raise InvalidArgument(f"leaps={leaps!r} must be ints >= 1")
    _check_coefficients(min_coef, max_coef)
    coef = st.floats(min_coef, max_coef, allow_nan=False).map(lambda v: float(round(v, 6)))
    return st.builds(
        lambda j, a, b: LeapProblem(leap=j, first=a, second=b), st.sampled_from(leaps), coef, coef
    )


def staircase_problems(
    *, min_coef: float = 0.5, max_coef: float = 2.0
) -> st.SearchStrategy[StaircaseProblem]:
    """Staircases ``c1 h_1(z_1) + c2 h_1(z_1) h_1(z_2)``; shrinking moves toward the smallest coefficients."""
    _check_coefficients(min_coef, max_coef)
    coef = st.floats(min_coef, max_coef, allow_nan=False).map(lambda v: float(round(v, 6)))
    return st.builds(lambda a, b: StaircaseProblem(first=a, cross=b), coef, coef)
