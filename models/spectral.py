"""Spectral and partial-trace estimators of a planted direction, and their sample-complexity threshold.

Given samples ``(x_i, zeta_i)`` with ``x_i ~ N(0, I_d)`` and a transformed
label ``zeta_i = zeta(y_i)``, the order-k partial trace of the Hermite tensor
(Damian, Pillaud-Vivien, Lee, Bruna 2024, Sec. 4) is the d x d matrix

* k = 2: ``M = (1/n) sum zeta_i (x_i x_i^T - I)``  (``He_2(x)``);
* k = 4: ``M = (1/n) sum zeta_i [(|x_i|^2 - d - 4) x_i x_i^T - (|x_i|^2 - d - 2) I]``
  (``He_4(x)`` contracted once with the identity),

whose mean is ``E[zeta(y) He_k(z)] w* w*^T`` (plus a multiple of I for k = 4
when zeta is not centred). The estimate is its top eigenvector (for
``zeta = E[h_k(z) | y]`` the coefficient is ``lambda_k^2 > 0``).

:func:`recovery_curve` grows one data set along a geometric grid of n,
accumulating M, and records the squared overlap ``<w_hat, w*>^2`` at every
grid point; :func:`threshold_crossing` reads the n where the mean overlap
over replicates first crosses a level (log-linear interpolation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
from scipy.linalg import lapack

Draw = Callable[[int], tuple[np.ndarray, np.ndarray]]  # m -> (x (m, d), zeta (m,))


def partial_trace_sum(x: np.ndarray, zeta: np.ndarray, order: int) -> np.ndarray:
    """``sum_i zeta_i He_order(x_i)[I, ..]`` as a d x d matrix (order 2 or 4)."""
    d = x.shape[1]
    eye = np.eye(d)
    if order == 2:
        return (x * zeta[:, None]).T @ x - float(zeta.sum()) * eye
    if order == 4:
        sq = np.einsum("ij,ij->i", x, x)
        return (x * (zeta * (sq - d - 4.0))[:, None]).T @ x - float((zeta * (sq - d - 2.0)).sum()) * eye
    raise ValueError(f"order={order!r} must be 2 or 4")


@cache
def _syevr_workspace(d: int) -> tuple[int, int]:
    """LAPACK's optimal ``dsyevr`` workspace sizes for a d x d matrix (queried once per d)."""
    lwork, liwork, info = lapack.dsyevr_lwork(d, lower=1)
    if info != 0:
        raise RuntimeError(f"dsyevr workspace query failed (info {info}) for d = {d}")
    return int(lwork), int(liwork)


def top_eigenvector(matrix: np.ndarray) -> np.ndarray:
    """The unit eigenvector of the largest eigenvalue of a symmetric matrix (LAPACK, that pair only).

    Calls ``dsyevr`` directly with the arguments ``scipy.linalg.eigh(matrix,
    subset_by_index=[d - 1, d - 1])`` passes it (its default driver, lower
    triangle, the same workspace query), so the vector is that call's bit for
    bit, without the wrapper's checks and workspace query on every call (about
    six times the solve itself at d = 32; recovery curves call this tens of
    thousands of times).
    """
    d = matrix.shape[0]
    if matrix.shape != (d, d) or not np.isfinite(matrix).all():
        raise ValueError(f"need a finite square matrix, got shape {matrix.shape}")
    lwork, liwork = _syevr_workspace(d)
    a = np.asarray(matrix, dtype=np.float64)
    _, vectors, found, _, info = lapack.dsyevr(
        a, compute_v=1, range="I", il=d, iu=d, lower=1, lwork=lwork, liwork=liwork
    )
    if info != 0 or found == 0:  # LAPACK's subset driver gave up (degenerate spectrum at tiny n)
        return np.asarray(np.linalg.eigh(matrix)[1][:, -1])
    return np.asarray(vectors[:, 0])


def geometric_grid(start: float, stop: float, factor: float = 1.15) -> tuple[int, ...]:
    """Increasing integers from ``start`` to at least ``stop``, each about ``factor`` times the last."""
    if not (start >= 1 and stop > start and factor > 1):
        raise ValueError(f"need 1 <= start < stop and factor > 1, got {start}, {stop}, {factor}")
    grid = [math.ceil(start)]
    while grid[-1] < stop:
        grid.append(max(grid[-1] + 1, round(grid[-1] * factor)))
    return tuple(grid)


def recovery_curve(
    draw: Draw, w: np.ndarray, grid: Sequence[int], order: int, *, settle: float = 0.9
) -> np.ndarray:
    """Squared overlap of the top eigenvector with ``w`` at each n of ``grid`` (one growing data set).

    Once two consecutive grid points exceed ``settle`` the rest of the curve
    is set to 1 without drawing more data (recovery is monotone in n on
    average; this only saves time past the threshold).
    """
    d = len(w)
    total = np.zeros((d, d))
    seen = 0
    out = np.ones(len(grid))
    for j, n in enumerate(grid):
        x, zeta = draw(n - seen)
        total += partial_trace_sum(x, zeta, order)
        seen = n
        out[j] = float(top_eigenvector(total / n) @ w) ** 2
        if j and out[j] > settle and out[j - 1] > settle:
            break
    return out


def threshold_crossing(grid: Sequence[int], values: Sequence[float], level: float) -> float | None:
    """First n where ``values`` reaches ``level``, interpolated linearly in log n; None if never."""
    for j, v in enumerate(values):
        if v >= level:
            if j == 0:
                return float(grid[0])
            v0 = values[j - 1]
            frac = (level - v0) / (v - v0)
            return float(math.exp(math.log(grid[j - 1]) + frac * math.log(grid[j] / grid[j - 1])))
    return None
