"""Grassmannian gradient flow of an explained variance F(M), M = W*^T W, and its escape times.

The two-timescale population flow of Bietti, Bruna, Pillaud-Vivien (2023)
moves an orthonormal ``W`` (d x k) along ``dW/dt = (I - W W^T) grad_W F``.
Because F depends on W only through ``M = W*^T W`` and ``grad_W F = W* grad_M F``,
the overlap matrix obeys the closed k x k equation

    dM/dt = (I - M M^T) grad_M F(M),

and d enters only through the initial overlap ``M_0`` (the k x k top block
of a uniformly random d x k frame, :func:`random_initial_overlap`, exact for
any d by the Bartlett decomposition). :func:`overlap_flow` integrates it with
an adaptive stiff solver and returns the first times each direction's squared
overlap ``||M[i, :]||^2`` reaches a level. :func:`stiefel_flow` is the explicit
d-dimensional flow (QR retraction), kept to check the reduction.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.integrate import solve_ivp
from scipy.stats import chi2

Gradient = Callable[[np.ndarray], np.ndarray]  # M (k, k) -> dF/dM (k, k)


def random_initial_overlap(d: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``W*^T W_0`` for ``W_0`` uniform on the d x k Stiefel manifold and ``W*`` the first k coordinates.

    ``W_0 = G (G^T G)^{-1/2}`` with G Gaussian; only G's top k x k block and the
    Gram matrix ``G^T G = A^T A + B`` (B Wishart(d - k) by Bartlett) are drawn.
    """
    return initial_overlap_sweep((d,), k, rng)[0]


def initial_overlap_sweep(dims: tuple[int, ...], k: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Exact draws of ``W*^T W_0`` at every d of ``dims`` from common random numbers.

    One Gaussian top block, one set of below-diagonal Bartlett normals and one
    set of uniforms (turned into the chi-square diagonal for each d) serve every
    d, so the sweep changes d alone: ``M_0(d)`` is ``A / sqrt(d)`` up to
    ``O(d^{-1/2})`` relative fluctuations (each d is still exactly Haar).
    """
    if min(dims) <= k:
        raise ValueError(f"every d in {dims} must exceed k={k}")
    top = rng.standard_normal((k, k))
    normals = np.tril(rng.standard_normal((k, k)), -1)
    uniforms = rng.random(k)
    out = []
    for d in dims:
        lower = normals.copy()
        lower[np.diag_indices(k)] = np.sqrt(chi2.ppf(uniforms, d - k - np.arange(k)))
        gram = top.T @ top + lower @ lower.T
        vals, vecs = np.linalg.eigh(gram)
        out.append(np.asarray(top @ (vecs / np.sqrt(vals)) @ vecs.T))
    return out


def overlap_velocity(m: np.ndarray, grad: Gradient) -> np.ndarray:
    """``(I - M M^T) grad_M F(M)``."""
    return np.asarray(grad(m) - m @ (m.T @ grad(m)))


def overlap_flow(
    m0: np.ndarray, grad: Gradient, *, level: float = 0.5, t_max: float = 1e13, rtol: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """First times each target direction's squared overlap reaches ``level`` (inf if never by ``t_max``).

    Returns ``(times (k,), final squared overlaps (k,))``; the solve stops once
    every direction has crossed.
    """
    k = m0.shape[0]

    def rhs(_: float, y: np.ndarray) -> np.ndarray:
        return overlap_velocity(y.reshape(k, k), grad).ravel()

    def crossing(i: int) -> Callable[[float, np.ndarray], float]:
        def event(_: float, y: np.ndarray) -> float:
            return float(np.sum(y.reshape(k, k)[i] ** 2) - level)

        event.direction = 1  # type: ignore[attr-defined]
        return event

    def done(_: float, y: np.ndarray) -> float:
        return float(np.min(np.sum(y.reshape(k, k) ** 2, axis=1)) - level)

    done.terminal = True  # type: ignore[attr-defined]
    done.direction = 1  # type: ignore[attr-defined]
    events = [crossing(i) for i in range(k)] + [done]
    sol = solve_ivp(rhs, (0.0, t_max), m0.ravel(), method="LSODA", events=events, rtol=rtol, atol=1e-12)
    start = np.sum(m0 * m0, axis=1) >= level
    times = np.array(
        [0.0 if start[i] else ev[0] if len(ev) else np.inf for i, ev in enumerate(sol.t_events[:k])]
    )
    final = np.sum(sol.y[:, -1].reshape(k, k) ** 2, axis=1)
    return times, final


def stiefel_flow(w0: np.ndarray, grad: Gradient, *, step: float, steps: int) -> np.ndarray:
    """Explicit Riemannian gradient ascent of F on d x k frames (QR retraction); returns M(t) per step.

    ``W*`` is the first k coordinates, so ``M = W[:k]`` and ``grad_W F = [grad_M F; 0]``.
    """
    w = np.array(w0, dtype=float)
    k = w.shape[1]
    out = np.empty((steps + 1, k, k))
    out[0] = w[:k]
    for s in range(steps):
        g = np.zeros_like(w)
        g[:k] = grad(w[:k])
        riem = g - w @ (w.T @ g)
        q, r = np.linalg.qr(w + step * riem)
        w = q * np.sign(np.diag(r))
        out[s + 1] = w[:k]
    return out
