"""Riemannian gradient ascent of a correlation loss on the unit sphere of C^D (several starts at once).

The student reads ``z = <theta, q> = sum_j theta_j q_j`` through a known
holomorphic link f and maximises the empirical correlation
``R(theta) = Re mean_i y_i conj(f(z_i))`` over ``||theta|| = 1`` (the
correlation loss of Zweig and Bruna 2023, without its regulariser). The
ascent direction in C^D = R^{2D} is ``2 dR/d conj(theta) = mean_i y_i
conj(f'(z_i) q_i)``; its radial part is projected out and theta is
renormalised after each step (a retraction). Columns of ``theta`` are
independent starts sharing the same data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Link = Callable[[np.ndarray], np.ndarray]


def correlation(q: np.ndarray, y: np.ndarray, theta: np.ndarray, link: Link) -> np.ndarray:
    """``Re mean_i y_i conj(f(<theta, q_i>))`` for each column of ``theta (D, R)``."""
    return np.asarray(np.real(np.mean(y[:, None] * np.conj(link(q @ theta)), axis=0)))


def ascent(
    q: np.ndarray,
    y: np.ndarray,
    theta0: np.ndarray,
    link: Link,
    derivative: Link,
    *,
    step: float,
    steps: int,
    record_every: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``steps`` retracted ascent steps from ``theta0 (D, R)``.

    Returns ``(theta, history)``, history the correlation of every start at
    steps 0, record_every, 2 record_every, .. (and the last step).
    """
    theta = theta0 / np.linalg.norm(theta0, axis=0, keepdims=True)
    history = [correlation(q, y, theta, link)]
    for s in range(steps):
        z = q @ theta
        grad = np.conj(q).T @ (y[:, None] * np.conj(derivative(z))) / len(y)  # mean_i y_i conj(f'(z_i) q_i)
        tangent = grad - np.real(np.sum(np.conj(theta) * grad, axis=0, keepdims=True)) * theta
        theta = theta + step * tangent
        theta = theta / np.linalg.norm(theta, axis=0, keepdims=True)
        if (s + 1) % record_every == 0 or s + 1 == steps:
            history.append(correlation(q, y, theta, link))
    return theta, np.asarray(history)
