"""Fixed-feature IV baseline: two-sample sieve 2SLS (a linear estimator in Y).

Stage 1 regresses the treatment features ``psi(X1)`` on the instrument
features ``b(Z1)`` (ridge ``lam1 * m``); Stage 2 regresses ``Y2`` on the
predicted features ``b(Z2) W1`` (ridge ``lam2 * n``); the estimate is
``f(x) = psi(x) beta``. This is the estimator DFIV is compared with in Kim et
al. (2025): the same two stages with fixed instead of learned features. For a
fixed basis size it is linear in Y; choosing the size by its true error
(``oracle_sieve``) is not, and only favours the baseline.

Bases on ``[0, 1]^d`` (tensor products of 1-D bases, ``J`` functions per axis
and the constant):

* ``cosine``: ``prod_i cos(pi k_i x_i)``, ``0 <= k_i < J``;
* ``hat``: piecewise-linear hat functions on ``J`` equispaced knots
  (linear splines: exact for piecewise-linear functions with those knots).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

Basis = Callable[[torch.Tensor], torch.Tensor]


def cosine_basis(size: int) -> Basis:
    """Tensor cosine basis with ``size`` frequencies (0..size-1) per axis: ``(n, d) -> (n, size^d)``."""

    def features(x: torch.Tensor) -> torch.Tensor:
        k = torch.arange(size, dtype=torch.float64)
        out = torch.ones(x.shape[0], 1, dtype=torch.float64)
        for i in range(x.shape[1]):
            wave = torch.cos(math.pi * x[:, i : i + 1].double() * k)  # (n, J)
            out = (out[:, :, None] * wave[:, None, :]).reshape(x.shape[0], -1)
        return out

    return features


def hat_basis(size: int) -> Basis:
    """Tensor piecewise-linear hat basis on ``size`` equispaced knots of [0, 1] per axis."""
    if size < 2:
        raise ValueError(f"size={size} must be >= 2")

    def features(x: torch.Tensor) -> torch.Tensor:
        knots = torch.linspace(0.0, 1.0, size, dtype=torch.float64)
        width = 1.0 / (size - 1)
        out = torch.ones(x.shape[0], 1, dtype=torch.float64)
        for i in range(x.shape[1]):
            hat = (1.0 - (x[:, i : i + 1].double() - knots).abs() / width).clamp(min=0.0)  # (n, J)
            out = (out[:, :, None] * hat[:, None, :]).reshape(x.shape[0], -1)
        return out

    return features


BASES: dict[str, Callable[[int], Basis]] = {"cosine": cosine_basis, "hat": hat_basis}


def radial_frequencies(dim: int, radius: float) -> torch.Tensor:
    """Integer frequencies ``k`` in ``{0, 1, ...}^dim`` with ``|k|_2 < radius``, ordered by ``|k|_2``
    (ties lexicographically): ``(N, dim)``. Its leading rows are the nested radial cosine sieves.
    The order is sorted once per process (a copy of it is returned)."""
    return _radial_frequencies(dim, radius).clone()


@functools.lru_cache(maxsize=16)
def _radial_frequencies(dim: int, radius: float) -> torch.Tensor:
    top = math.ceil(radius)
    grid = torch.stack(torch.meshgrid(*[torch.arange(top)] * dim, indexing="ij")).reshape(dim, -1).T
    norm = grid.double().pow(2).sum(1).sqrt()
    keep = grid[norm < radius]
    order = sorted(range(len(keep)), key=lambda i: (float(keep[i].double().norm()), keep[i].tolist()))
    return keep[order]


def cosine_features(x: torch.Tensor, frequencies: torch.Tensor) -> torch.Tensor:
    """``prod_i cos(pi k_i x_i)`` for each row ``k`` of ``frequencies``: ``(n, d) -> (n, N)``.

    Each axis's cosines are computed once per frequency ``0..top-1`` (the same numbers as
    ``cos(pi x[:, None, :] * k[None]).prod(-1)``, which repeats each of them many times for d > 1),
    multiplied into the ``(n, top^d)`` table of all products (axis by axis, in the order of that
    ``prod``) and its columns gathered once, not once per axis (none when the rows of
    ``frequencies`` are ``0..top-1``, as radial sieves in d = 1 are). Meant for radial sieves, where
    ``top^d`` is a small multiple of N."""
    n, d = x.shape
    scaled = math.pi * x.double()
    top = int(frequencies.max()) + 1 if frequencies.numel() else 1
    k = torch.arange(top, dtype=torch.float64)
    table = torch.cos(scaled[:, :1] * k)
    column = frequencies[:, 0].long()  # of each row of frequencies in the table
    for i in range(1, d):
        table = (table[:, :, None] * torch.cos(scaled[:, i : i + 1] * k)[:, None, :]).reshape(n, -1)
        column = column * top + frequencies[:, i].long()
    if column.shape[0] == table.shape[1] and torch.equal(column, torch.arange(table.shape[1])):
        return table
    return table.index_select(1, column)


def sieve_path(
    stage1: tuple[torch.Tensor, torch.Tensor],
    stage2: tuple[torch.Tensor, torch.Tensor],
    sizes: Sequence[int],
    *,
    lam: float = 1e-8,
) -> list[torch.Tensor]:
    """Sieve 2SLS coefficients for nested sieves: the leading ``J`` columns of the treatment features,
    the leading ``J`` columns of the instrument features, for every ``J`` in ``sizes``.

    ``stage1 = (psi(X1), b(Z1))`` and ``stage2 = (b(Z2), Y2)`` are feature matrices (their columns
    ordered so that every prefix is a sieve); the Gram matrices are formed once.
    """
    psi1, b1 = (t.double() for t in stage1)
    b2, y2 = stage2[0].double(), stage2[1].double()
    m, n = psi1.shape[0], b2.shape[0]
    g11, g1x, g22, g2y = b1.T @ b1, b1.T @ psi1, b2.T @ b2, b2.T @ y2
    betas = []
    for size in sizes:
        eye = torch.eye(size, dtype=torch.float64)
        w1 = torch.linalg.solve(g11[:size, :size] + lam * m * eye, g1x[:size, :size])  # (K, J)
        a = w1.T @ g22[:size, :size] @ w1 + lam * n * eye
        betas.append(torch.linalg.solve(a, w1.T @ g2y[:size]))
    return betas


def _hat_weights(x: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For 1-D points ``x (n,)`` in [0, 1]: the left knot index ``i (n,)`` of the hat basis with ``size``
    knots and the two non-zero basis values ``(n, 2)`` at knots ``i`` and ``i + 1``."""
    u = x.double().clamp(0.0, 1.0) * (size - 1)
    i = u.floor().long().clamp(max=size - 2)
    frac = u - i.double()
    return i, torch.stack([1.0 - frac, frac], dim=1)


def _hat_cross(
    a: tuple[torch.Tensor, torch.Tensor], b: tuple[torch.Tensor, torch.Tensor], rows: int, cols: int
) -> torch.Tensor:
    """``A^T B`` for two hat feature matrices given by their sparse weights, in O(n)."""
    out = torch.zeros(rows * cols, dtype=torch.float64)
    for p in range(2):
        for q in range(2):
            out.index_add_(0, (a[0] + p) * cols + (b[0] + q), a[1][:, p] * b[1][:, q])
    return out.reshape(rows, cols)


def _hat_vector(a: tuple[torch.Tensor, torch.Tensor], y: torch.Tensor, rows: int) -> torch.Tensor:
    out = torch.zeros(rows, dtype=torch.float64)
    for p in range(2):
        out.index_add_(0, a[0] + p, a[1][:, p] * y.double())
    return out


def hat_sieve_2sls(
    stage1: tuple[torch.Tensor, torch.Tensor],
    stage2: tuple[torch.Tensor, torch.Tensor],
    size: int,
    instrument_size: int,
    *,
    lam1: float = 1e-6,
    lam2: float = 1e-6,
    naive: bool = False,
) -> SieveFit:
    """:func:`sieve_2sls` with 1-D hat bases, in O(n) per fit (sparse Gram matrices). With ``naive``,
    least squares of ``y2`` on the hat features of ``stage2[0]`` (then the treatments), no instrument."""
    x1, z1 = (t[:, 0] for t in stage1)
    z2, y2 = stage2[0][:, 0], stage2[1]
    eye_j = torch.eye(size, dtype=torch.float64)
    if naive:
        h2 = _hat_weights(z2, size)
        gram = _hat_cross(h2, h2, size, size) + lam2 * z2.shape[0] * eye_j
        return SieveFit(hat_basis(size), torch.linalg.solve(gram, _hat_vector(h2, y2, size)))
    hx1, hz1, hz2 = (
        _hat_weights(x1, size),
        _hat_weights(z1, instrument_size),
        _hat_weights(z2, instrument_size),
    )
    eye_k = torch.eye(instrument_size, dtype=torch.float64)
    g11 = _hat_cross(hz1, hz1, instrument_size, instrument_size) + lam1 * x1.shape[0] * eye_k
    w1 = torch.linalg.solve(g11, _hat_cross(hz1, hx1, instrument_size, size))  # (K, J)
    g22 = _hat_cross(hz2, hz2, instrument_size, instrument_size)
    a = w1.T @ g22 @ w1 + lam2 * z2.shape[0] * eye_j
    beta = torch.linalg.solve(a, w1.T @ _hat_vector(hz2, y2, instrument_size))
    return SieveFit(hat_basis(size), beta)


def _ridge(features: torch.Tensor, target: torch.Tensor, penalty: float) -> torch.Tensor:
    """``argmin_W ||target - features W||^2 + penalty ||W||^2`` (float64, Cholesky with jitter)."""
    gram = features.T @ features
    gram = gram + (penalty + 1e-10 * float(gram.diagonal().mean())) * torch.eye(
        gram.shape[0], dtype=gram.dtype
    )
    chol = torch.linalg.cholesky(gram)
    return torch.cholesky_solve(features.T @ target, chol)


@dataclass(frozen=True)
class SieveFit:
    """A fitted sieve 2SLS estimate ``f(x) = psi(x) beta``."""

    basis: Basis
    beta: torch.Tensor  # (J,)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.basis(x) @ self.beta


def sieve_2sls(
    treatment_basis: Basis,
    instrument_basis: Basis,
    stage1: tuple[torch.Tensor, torch.Tensor],
    stage2: tuple[torch.Tensor, torch.Tensor],
    *,
    lam1: float = 1e-6,
    lam2: float = 1e-6,
) -> SieveFit:
    """Two-sample sieve 2SLS: ``stage1 = (x1, z1)`` (m samples), ``stage2 = (z2, y2)`` (n samples)."""
    x1, z1 = stage1
    z2, y2 = stage2
    psi1 = treatment_basis(x1)  # (m, J)
    w1 = _ridge(instrument_basis(z1), psi1, lam1 * x1.shape[0])  # (K, J)
    predicted = instrument_basis(z2) @ w1  # (n, J): estimate of E[psi(X) | Z]
    beta = _ridge(predicted, y2.double()[:, None], lam2 * z2.shape[0])[:, 0]
    return SieveFit(treatment_basis, beta)


def naive_sieve(basis: Basis, sample: tuple[torch.Tensor, torch.Tensor], *, lam: float = 1e-6) -> SieveFit:
    """Least squares of Y on ``psi(X)``, ignoring the instrument (biased under confounding)."""
    x, y = sample
    return SieveFit(basis, _ridge(basis(x), y.double()[:, None], lam * x.shape[0])[:, 0])


def oracle_sieve(
    family: str,
    sizes: Sequence[int],
    stage1: tuple[torch.Tensor, torch.Tensor],
    stage2: tuple[torch.Tensor, torch.Tensor],
    error: Callable[[SieveFit], float],
    *,
    instrument_factor: int = 2,
) -> tuple[float, int]:
    """The smallest ``error`` over basis sizes (instrument basis ``instrument_factor`` times larger)
    and the size that reached it: the best-tuned fixed-feature estimator, tuned on its true error."""
    make = BASES[family]
    best, best_size = math.inf, sizes[0]
    for size in sizes:
        fit = sieve_2sls(make(size), make(instrument_factor * size), stage1, stage2)
        value = error(fit)
        if value < best:
            best, best_size = value, size
    return best, best_size


def hat_grid_error(grid: torch.Tensor, truth: torch.Tensor) -> Callable[[SieveFit], float]:
    """``fit -> mean((fit(grid) - truth)^2)`` for hat-sieve fits, each size's grid features
    ``hat_basis(size)(grid)`` computed once and reused (the same numbers as evaluating ``fit(grid)``)."""
    features: dict[int, torch.Tensor] = {}

    def error(fit: SieveFit) -> float:
        size = fit.beta.shape[0]
        if size not in features:
            features[size] = hat_basis(size)(grid)
        return float(((features[size] @ fit.beta - truth) ** 2).mean())

    return error
