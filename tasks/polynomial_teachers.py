"""Shallow polynomial networks: the dimension of their function space and quadratic teacher-student problems.

A width-r network with monomial activation of degree d on n inputs,
``f(x) = sum_i a_i (w_i . x)^d``, computes the symmetric tensor
``sum_i a_i w_i^{(x)d}`` (Arjevani, Bruna, Kileel, Polak, Trager 2025): its
function space F_r is the set of symmetric tensors of (signed) rank <= r in a
space of dimension ``D = C(n+d-1, d)``.

* :func:`expected_dimension`: ``dim F_r = min(r n, D)`` (Alexander-Hirschowitz)
  except the quadrics (``d = 2``: ``r n - r(r-1)/2``) and the four exceptional
  pairs ``(n, d) = (3, 4), (4, 4), (5, 4), (5, 3)`` at ``r = 5, 9, 14, 7``,
  where it is one less. :func:`thick_width` is the smallest r with
  ``dim F_r = D``.
* Quadratic teacher-student with Gaussian inputs: for ``A = S - T``,
  ``E[(x^T A x)^2] = 2 ||A||_F^2 + tr(A)^2``; for inputs with i.i.d. unit-variance
  coordinates of fourth moment ``kappa`` a term ``(kappa - 3) sum_i A_ii^2``
  is added (:func:`population_loss`). With a teacher ``T = sum_j l_j v_j v_j^T``
  (distinct l_j) the critical points in function space are the shifted
  truncations ``S_I = sum_{i in I} (l_i + s_I) v_i v_i^T``,
  ``s_I = sum_{j not in I} l_j / (|I| + 2)`` (:func:`shifted_truncation`; the
  derivation is in the claims' docstrings), and their Hessian signature in
  parameter space is :func:`predicted_signature`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

AH_EXCEPTIONS: dict[tuple[int, int], int] = {(3, 4): 5, (4, 4): 9, (5, 4): 14, (5, 3): 7}
"""(n, d) -> the width r at which dim F_r is one less than min(r n, D) (Alexander-Hirschowitz)."""

GAUSSIAN_KURTOSIS = 3.0
UNIFORM_KURTOSIS = 9.0 / 5.0  # uniform on [-sqrt 3, sqrt 3]: unit variance, E x^4 = 9/5


def ambient_dimension(n: int, d: int) -> int:
    """``D = C(n + d - 1, d)``: the dimension of symmetric d-tensors on R^n (degree-d forms)."""
    return math.comb(n + d - 1, d)


def expected_dimension(n: int, d: int, r: int) -> int:
    """``dim F_r`` for width r, degree d, n inputs (Alexander-Hirschowitz, with the quadric case)."""
    big = ambient_dimension(n, d)
    if d == 2:
        return min(r * n - r * (r - 1) // 2, big) if r <= n else big
    return min(r * n, big) - (1 if AH_EXCEPTIONS.get((n, d)) == r else 0)


def generic_dimension(n: int, d: int, r: int) -> int:
    """``min(r n, D)``: the naive parameter count, wrong exactly at the AH exceptions and for d = 2."""
    return min(r * n, ambient_dimension(n, d))


def thick_width(n: int, d: int) -> int:
    """The smallest width with ``dim F_r = D`` (``ceil(D / n)``, plus one at an AH exception)."""
    big = ambient_dimension(n, d)
    return next(r for r in range(1, big + 2) if expected_dimension(n, d, r) == big)


@dataclass(frozen=True, kw_only=True)
class DimensionPanel:
    """Pairs ``(n, d)`` whose dimension ``dim F_r`` is checked for every r from 1 to the thick width + 1."""

    pairs: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        if not self.pairs or any(n < 2 or d < 2 for n, d in self.pairs):
            raise ValueError(f"pairs={self.pairs!r} must be a non-empty tuple of (n >= 2, d >= 2)")


def dimension_panels(
    *, max_inputs: int = 6, max_degree: int = 5, max_ambient: int = 84, generic_pairs: int = 2
) -> st.SearchStrategy[DimensionPanel]:
    """Panels: one AH-exceptional pair, one quadric (d = 2) and ``generic_pairs`` pairs with d >= 3.

    ``2 <= n <= max_inputs``, ``d <= max_degree`` and ``C(n+d-1, d) <= max_ambient``.
    Every panel carries one exception and one quadric because the theorem's
    content is both halves: the generic count everywhere else and the defect
    exactly there. Shrinking moves toward the smallest exception, n = 3 and
    the smallest generic pairs.
    """
    for name, value, low in (("max_inputs", max_inputs, 3), ("max_degree", max_degree, 3)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidArgument(f"{name}={value!r} must be an int >= {low}")
    if isinstance(generic_pairs, bool) or not isinstance(generic_pairs, int) or generic_pairs < 0:
        raise InvalidArgument(f"generic_pairs={generic_pairs!r} must be an int >= 0")
    exceptions = sorted(
        (p for p in AH_EXCEPTIONS if ambient_dimension(*p) <= max_ambient and p[0] <= max_inputs),
        key=lambda p: ambient_dimension(*p),
    )
    generic = sorted(
        (
            (n, d)
            for n in range(2, max_inputs + 1)
            for d in range(3, max_degree + 1)
            if ambient_dimension(n, d) <= max_ambient and (n, d) not in AH_EXCEPTIONS
        ),
        key=lambda p: (ambient_dimension(*p), p),
    )
    if not exceptions or not generic:
        raise InvalidArgument(f"max_ambient={max_ambient!r} leaves no exceptional or no generic pair")
    return st.builds(
        lambda e, q, g: DimensionPanel(pairs=(e, (q, 2), *g)),
        st.sampled_from(exceptions),
        st.integers(3, max_inputs),
        st.lists(st.sampled_from(generic), min_size=generic_pairs, max_size=generic_pairs, unique=True),
    )


# ---------------------------------------------------------------- quadratic teacher-student


def population_loss(a: np.ndarray, kurtosis: float = GAUSSIAN_KURTOSIS) -> float:
    """``E[(x^T A x)^2]`` for i.i.d. unit-variance coordinates with fourth moment ``kurtosis``."""
    diag = np.diagonal(a)
    return float(2.0 * np.sum(a * a) + np.trace(a) ** 2 + (kurtosis - 3.0) * np.sum(diag * diag))


@dataclass(frozen=True, kw_only=True)
class QuadraticTeacher:
    """Teacher eigenvalues (distinct) and the student width; the eigenbasis is drawn per seed."""

    eigenvalues: tuple[float, ...]
    width: int

    def __post_init__(self) -> None:
        lam = self.eigenvalues
        if len(lam) < 2 or not all(isinstance(v, float) and math.isfinite(v) for v in lam):
            raise ValueError(f"eigenvalues={lam!r} must be >= 2 finite floats")
        if min(abs(a - b) for a, b in combinations(lam, 2)) < 1e-3:
            raise ValueError(f"eigenvalues={lam!r} must be distinct")
        if not (isinstance(self.width, int) and 1 <= self.width < len(lam)):
            raise ValueError(f"width={self.width!r} must be an int in [1, n - 1]")

    @property
    def inputs(self) -> int:
        return len(self.eigenvalues)


def shifted_truncation(lam: np.ndarray, subset: tuple[int, ...]) -> tuple[np.ndarray, float]:
    """The critical point ``S_I`` as its eigenvalues in the teacher's basis, and its Gaussian loss.

    ``S_I`` keeps ``l_i + s_I`` on ``i in I`` (0 elsewhere) with
    ``s_I = sum_{j not in I} l_j / (|I| + 2)``; its loss is
    ``2 sum_{j not in I} l_j^2 + 2 (sum_{j not in I} l_j)^2 / (|I| + 2)``.
    """
    out = [j for j in range(len(lam)) if j not in subset]
    rest = float(np.sum(lam[out]))
    shift = rest / (len(subset) + 2)
    eig = np.zeros(len(lam))
    eig[list(subset)] = lam[list(subset)] + shift
    return eig, float(2.0 * np.sum(lam[out] ** 2) + 2.0 * rest**2 / (len(subset) + 2))


def unshifted_truncation(lam: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
    """Eckart-Young's truncation ``sum_{i in I} l_i v_i v_i^T`` (critical points of the Frobenius loss)."""
    eig = np.zeros(len(lam))
    eig[list(subset)] = lam[list(subset)]
    return eig


def predicted_signature(
    lam: np.ndarray,
    subset: tuple[int, ...],
    width: int,
    dead_signs: tuple[float, ...],
    shift_denominator: int = 2,
) -> tuple[int, int, int]:
    """(negative, zero, positive) eigenvalues of the parameter-space Hessian at the canonical S_I.

    Active neuron i in I: ``w_i`` along ``v_i``, ``a_i w_i^2 = l_i + s``. Each
    pair (i in I, j not in I) gives one direction of curvature sign
    ``(l_i - l_j) / (l_i + s)``; the gauge (rescalings and the O(p, q) mixing of
    active neurons) gives ``|I|(|I|+1)/2`` zeros. A dead neuron (``w = 0``,
    output weight ``a`` of sign ``dead_signs[m]``) has Hessian ``2 a G`` in
    ``w`` and 0 in ``a``, where ``G = grad F(S_I)`` vanishes on span(v_I) and is
    ``-4 (l_j + s)`` on v_j, j not in I. ``shift_denominator`` replaces the 2
    of ``|I| + 2`` (0 with ``s = 0`` gives Eckart-Young's Frobenius rule).
    """
    n, k = len(lam), len(subset)
    out = [j for j in range(n) if j not in subset]
    s = 0.0 if shift_denominator == 0 else float(np.sum(lam[out])) / (k + shift_denominator)
    neg = sum(1 for i in subset for j in out if (lam[i] - lam[j]) / (lam[i] + s) < 0)
    zero = k * (k + 1) // 2
    for sign in dead_signs[: width - k]:
        curv = [sign * -4.0 * (lam[j] + s) for j in out]
        neg += sum(1 for c in curv if c < 0)
        zero += k + 1
    return neg, zero, width * (n + 1) - neg - zero


def is_local_minimum(
    lam: np.ndarray, subset: tuple[int, ...], width: int, shift_denominator: int = 2
) -> bool:
    """Whether S_I is second-order stationary in parameter space for some signs of its dead neurons."""
    n, k = len(lam), len(subset)
    out = [j for j in range(n) if j not in subset]
    s = 0.0 if shift_denominator == 0 else float(np.sum(lam[out])) / (k + shift_denominator)
    active = all((lam[i] - lam[j]) / (lam[i] + s) > 0 for i in subset for j in out)
    if k == width or not out:
        return active
    g = [lam[j] + s for j in out]
    return active and (all(v > 0 for v in g) or all(v < 0 for v in g))


def degenerate(lam: np.ndarray, subset: tuple[int, ...], width: int, tol: float = 1e-6) -> bool:
    """Whether S_I loses rank (``l_i + s_I = 0``) or a dead neuron sees a flat direction (l_j + s_I = 0)."""
    out = [j for j in range(len(lam)) if j not in subset]
    s = float(np.sum(lam[out])) / (len(subset) + 2)
    near = [lam[i] + s for i in subset] + ([lam[j] + s for j in out] if len(subset) < width else [])
    return any(abs(v) < tol for v in near)


def subsets(n: int, width: int) -> list[tuple[int, ...]]:
    """Every index set I with ``|I| <= width`` (the candidate critical points)."""
    return [c for k in range(width + 1) for c in combinations(range(n), k)]


@dataclass(frozen=True, kw_only=True)
class TeacherPanel:
    """Several quadratic teachers judged together (a "for all teachers" statement on one instance)."""

    teachers: tuple[QuadraticTeacher, ...]

    def __post_init__(self) -> None:
        if not self.teachers or not all(isinstance(t, QuadraticTeacher) for t in self.teachers):
            raise ValueError("teachers must be a non-empty tuple of QuadraticTeacher")


def quadratic_teachers(
    *, min_inputs: int = 3, max_inputs: int = 6, max_eigenvalue: int = 30
) -> st.SearchStrategy[QuadraticTeacher]:
    """Teachers with n in [min_inputs, max_inputs] distinct eigenvalues p/10, |p| <= max_eigenvalue, p != 0,
    and a student width r in [1, n - 1].

    Shrinking moves toward n = min_inputs, r = 1 and the smallest eigenvalues.
    """
    for name, value, low in (("min_inputs", min_inputs, 2), ("max_eigenvalue", max_eigenvalue, 8)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidArgument(f"{name}={value!r} must be an int >= {low}")
    if isinstance(max_inputs, bool) or not isinstance(max_inputs, int) or max_inputs < min_inputs:
        raise InvalidArgument(f"max_inputs={max_inputs!r} must be an int >= min_inputs")

    @st.composite
    def build(draw: st.DrawFn) -> QuadraticTeacher:
        n = draw(st.integers(min_inputs, max_inputs))
        nonzero = st.integers(1, max_eigenvalue).flatmap(lambda p: st.sampled_from((p, -p)))
        values = draw(st.lists(nonzero, min_size=n, max_size=n, unique=True))
        width = draw(st.integers(1, n - 1))
        return QuadraticTeacher(eigenvalues=tuple(v / 10.0 for v in values), width=width)

    return build()


def teacher_panels(
    *, size: int = 4, min_inputs: int = 3, max_inputs: int = 6, max_eigenvalue: int = 30
) -> st.SearchStrategy[TeacherPanel]:
    """Panels of ``size`` teachers from :func:`quadratic_teachers`; shrinking as there."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidArgument(f"size={size!r} must be an int >= 1")
    one = quadratic_teachers(min_inputs=min_inputs, max_inputs=max_inputs, max_eigenvalue=max_eigenvalue)
    return st.lists(one, min_size=size, max_size=size).map(lambda ts: TeacherPanel(teachers=tuple(ts)))
