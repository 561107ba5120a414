"""Shallow networks with monomial activations: Jacobian rank of the parameterisation, quadratic teachers.

``f(x) = sum_i a_i (w_i . x)^d``. The tangent space of its function space at
parameters (a, W) is spanned by the forms ``(w_i . x)^{d-1} x_j`` (the ``a_i``
directions ``(w_i . x)^d`` are combinations of them), so
``dim F_r`` is the rank of their coefficient matrix in the monomial basis at a
generic point. :func:`jacobian_ranks` computes that rank exactly over the
prime field F_p at a uniformly random point: the rank mod p never exceeds the
rank over Q, and equals the generic rank unless the point lies on a
hypersurface of degree <= D d (probability <= D d / p ~ 1e-7, Schwartz-Zippel).
One elimination, column by column in neuron order, gives the rank of every
prefix of neurons, i.e. of every width up to the largest.

Quadratic networks (d = 2) compute ``A = W^T diag(a) W``; their population loss
against a teacher T is :func:`quadratic_loss` (``2 ||A - T||_F^2 + tr(A - T)^2``
for Gaussian inputs, plus ``(kappa - 3) sum_i (A - T)_ii^2`` for i.i.d.
coordinates of fourth moment kappa). :func:`descend` runs plain gradient
descent on it from a batch of initialisations at once; :func:`parameter_hessian`
is the exact Hessian (torch autograd, float64).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import torch

PRIME = 2147483629  # the largest prime below 2^31: products of two residues fit in int64


def monomials(n: int, d: int) -> list[tuple[int, ...]]:
    """Exponent vectors of the degree-d monomials in n variables."""
    return [b for b in product(range(d + 1), repeat=n) if sum(b) == d]


def _multinomial(d: int, parts: Sequence[int]) -> int:
    out = math.factorial(d)
    for p in parts:
        out //= math.factorial(p)
    return out


def tangent_matrix(w: np.ndarray, d: int, prime: int = PRIME) -> np.ndarray:
    """Columns: coefficients mod p of ``(w_i . x)^{d-1} x_j`` (i: neurons, j: inputs) on the monomials."""
    r, n = w.shape
    basis = monomials(n, d)
    cols = np.zeros((len(basis), r * n), dtype=np.int64)
    for i in range(r):
        powers = [[pow(int(w[i, k]), e, prime) for e in range(d)] for k in range(n)]
        for j in range(n):
            for row, beta in enumerate(basis):
                if beta[j] == 0:
                    continue
                gamma = list(beta)
                gamma[j] -= 1
                value = _multinomial(d - 1, gamma) % prime
                for k, e in enumerate(gamma):
                    value = value * powers[k][e] % prime
                cols[row, i * n + j] = value
    return cols


def prefix_ranks(matrix: np.ndarray, block: int, prime: int = PRIME) -> list[int]:
    """Rank mod p of the first ``block * q`` columns, for q = 1, 2, ... (Gaussian elimination by columns)."""
    m = matrix.copy() % prime
    rows, cols = m.shape
    rank, out = 0, []
    for c in range(cols):
        if rank < rows:
            nonzero = np.flatnonzero(m[rank:, c])
            if len(nonzero):
                pivot = rank + int(nonzero[0])
                m[[rank, pivot]] = m[[pivot, rank]]
                m[rank] = m[rank] * pow(int(m[rank, c]), prime - 2, prime) % prime
                factors = m[:, c].copy()
                factors[rank] = 0
                hit = np.flatnonzero(factors)
                if len(hit):
                    m[hit] = (m[hit] - factors[hit, None] * m[rank][None, :] % prime) % prime
                rank += 1
        if (c + 1) % block == 0:
            out.append(rank)
    return out


def jacobian_ranks(n: int, d: int, max_width: int, rng: np.random.Generator, prime: int = PRIME) -> list[int]:
    """``dim F_r`` for r = 1..max_width: ranks of the tangent forms at one uniformly random point of F_p."""
    w = rng.integers(1, prime, size=(max_width, n))
    return prefix_ranks(tangent_matrix(w, d, prime), n, prime)


# ---------------------------------------------------------------- quadratic networks


def quadratic_loss(a: np.ndarray, kurtosis: float) -> np.ndarray:
    """``E[(x^T E x)^2]`` for a batch of symmetric ``E`` (..., n, n); coordinates of 4th moment kappa."""
    diag = np.diagonal(a, axis1=-2, axis2=-1)
    tr = np.trace(a, axis1=-2, axis2=-1)
    return 2.0 * np.sum(a * a, axis=(-2, -1)) + tr**2 + (kurtosis - 3.0) * np.sum(diag * diag, axis=-1)


def quadratic_loss_gradient(a: np.ndarray, kurtosis: float) -> np.ndarray:
    """``dL/dE`` (symmetric), batched: ``4 E + 2 tr(E) I + 2 (kappa - 3) diag(E)``."""
    n = a.shape[-1]
    eye = np.eye(n)
    tr = np.trace(a, axis1=-2, axis2=-1)[..., None, None]
    diag = np.diagonal(a, axis1=-2, axis2=-1)[..., None, :] * eye
    return 4.0 * a + 2.0 * tr * eye + 2.0 * (kurtosis - 3.0) * diag


@dataclass(frozen=True)
class Descent:
    """The end of a batch of gradient-descent runs: function matrices, losses and gradient norms."""

    functions: np.ndarray  # (K, n, n): A = W^T diag(a) W at the last step
    losses: np.ndarray  # (K,)
    gradient_norms: np.ndarray  # (K,): norm of the full parameter gradient


def function_matrix(w: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``W^T diag(a) W`` for a batch: w (K, r, n), a (K, r) -> (K, n, n)."""
    return np.swapaxes(w * a[..., None], -1, -2) @ w


def _gradients(
    w: np.ndarray, a: np.ndarray, teacher: np.ndarray, kurtosis: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = quadratic_loss_gradient(function_matrix(w, a) - teacher, kurtosis)
    wg = w @ g  # g is symmetric
    grad_a = np.sum(wg * w, axis=-1)
    grad_w = 2.0 * a[..., None] * wg
    return grad_w, grad_a, g


def descend(
    teacher: np.ndarray,
    w: np.ndarray,
    a: np.ndarray,
    *,
    kurtosis: float,
    steps: int,
    lr: float,
) -> Descent:
    """Plain gradient descent with a fixed step on the population loss, for a batch of initialisations."""
    w, a = w.copy(), a.copy()
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run ends as NaN, reported as unconverged
        for _ in range(steps):
            grad_w, grad_a, _ = _gradients(w, a, teacher, kurtosis)
            w -= lr * grad_w
            a -= lr * grad_a
        grad_w, grad_a, _ = _gradients(w, a, teacher, kurtosis)
        functions = function_matrix(w, a)
        norms = np.sqrt(np.sum(grad_w**2, axis=(1, 2)) + np.sum(grad_a**2, axis=1))
        losses = quadratic_loss(functions - teacher, kurtosis)
    return Descent(functions, losses, norms)


def parameter_gradient(w: np.ndarray, a: np.ndarray, teacher: np.ndarray, kurtosis: float) -> np.ndarray:
    """The flat parameter gradient (W row-major, then a) at one point."""
    grad_w, grad_a, _ = _gradients(w[None], a[None], teacher, kurtosis)
    return np.concatenate([grad_w[0].ravel(), grad_a[0]])


def parameter_hessian(w: np.ndarray, a: np.ndarray, teacher: np.ndarray, kurtosis: float) -> np.ndarray:
    """The exact Hessian of the population loss in (W, a) at one point (torch autograd, float64)."""
    r, n = w.shape
    t = torch.as_tensor(teacher, dtype=torch.float64)

    def loss(theta: torch.Tensor) -> torch.Tensor:
        ww = theta[: r * n].reshape(r, n)
        e = ww.T @ torch.diag(theta[r * n :]) @ ww - t
        diag = torch.diagonal(e)
        return 2.0 * (e * e).sum() + torch.trace(e) ** 2 + (kurtosis - 3.0) * (diag * diag).sum()

    theta = torch.as_tensor(np.concatenate([w.ravel(), a]), dtype=torch.float64)
    hess = torch.autograd.functional.hessian(loss, theta, vectorize=True)
    return np.asarray(hess.detach().numpy(), dtype=float)


def inertia(matrix: np.ndarray, rel_tol: float = 1e-7) -> tuple[int, int, int]:
    """(negative, zero, positive) eigenvalue counts of a symmetric matrix, zero within rel_tol * max|eig|."""
    eig = np.linalg.eigvalsh((matrix + matrix.T) / 2.0)
    tol = rel_tol * max(1.0, float(np.max(np.abs(eig))))
    return int(np.sum(eig < -tol)), int(np.sum(np.abs(eig) <= tol)), int(np.sum(eig > tol))
