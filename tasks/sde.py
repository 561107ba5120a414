"""SDE integrators and the variance-preserving (VP / OU) diffusion schedule.

* :class:`VPSchedule`: the linear-beta VP SDE dx = -beta(t) x / 2 dt +
  sqrt(beta(t)) dW of Song et al. (2021) on [0, 1]; its marginal
  x_t = alpha(t) x_0 + sigma(t) z in closed form, with alpha(t)^2 + sigma(t)^2 = 1.
* :func:`euler_maruyama`: vectorised Euler-Maruyama for dx = b(x, t) dt + g(t) dW
  over (n, d) particles, forward or backward in time (weak order 1).
* :func:`reverse_diffusion`: the reverse-time VP SDE driven by any score
  callable, started from N(0, I) at t = 1 (the sampler of a diffusion model).
* :func:`langevin`: unadjusted Langevin dynamics x <- x + h grad log p + sqrt(2h) z.

All randomness comes from the numpy Generator passed in.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Drift = Callable[[np.ndarray, float], np.ndarray]
Score = Callable[[np.ndarray, float], np.ndarray]


@dataclass(frozen=True, kw_only=True)
class VPSchedule:
    """beta(t) = beta_min + t (beta_max - beta_min) on t in [0, 1]."""

    beta_min: float = 0.1
    beta_max: float = 20.0

    def beta(self, t: float | np.ndarray) -> float | np.ndarray:
        return self.beta_min + t * (self.beta_max - self.beta_min)

    def log_alpha(self, t: float | np.ndarray) -> float | np.ndarray:
        """log alpha(t) = -1/2 int_0^t beta."""
        return -0.5 * (self.beta_min * t + 0.5 * (self.beta_max - self.beta_min) * t * t)

    def alpha(self, t: float | np.ndarray) -> float | np.ndarray:
        return np.exp(self.log_alpha(t))

    def sigma(self, t: float | np.ndarray) -> float | np.ndarray:
        """sqrt(1 - alpha(t)^2)."""
        return np.sqrt(-np.expm1(2.0 * self.log_alpha(t)))

    def time_of_ratio(self, ratio: float) -> float:
        """The t at which sigma(t) / alpha(t) = ratio (a noise-to-signal level), by the quadratic in t."""
        if ratio <= 0:
            return 0.0
        target = math.log1p(ratio * ratio)  # int_0^t beta = log(1 + ratio^2)
        a = 0.5 * (self.beta_max - self.beta_min)
        b = self.beta_min
        return (-b + math.sqrt(b * b + 4 * a * target)) / (2 * a) if a > 0 else target / b


def euler_maruyama(
    drift: Drift,
    diffusion: Callable[[float], float],
    x0: np.ndarray,
    times: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Integrate dx = drift(x, t) dt + diffusion(t) dW over the grid ``times`` (increasing or decreasing).

    Each step uses the left end point of its interval; for a decreasing grid
    the step dt is negative and the noise is scaled by sqrt(|dt|) (the
    reverse-time SDE). Returns the particles at ``times[-1]``, shape of x0.
    """
    x = np.array(x0, dtype=float, copy=True)
    for t, t_next in itertools.pairwise(times):
        dt = float(t_next - t)
        x = (
            x
            + drift(x, float(t)) * dt
            + diffusion(float(t)) * math.sqrt(abs(dt)) * rng.standard_normal(x.shape)
        )
    return x


def reverse_diffusion(
    score: Score,
    schedule: VPSchedule,
    x_start: np.ndarray,
    *,
    steps: int,
    rng: np.random.Generator,
    t_min: float = 1e-3,
) -> np.ndarray:
    """Euler-Maruyama on the reverse VP SDE dx = [-beta x / 2 - beta score(x, t)] dt + sqrt(beta) dW-bar.

    Runs from t = 1 down to ``t_min`` in ``steps`` uniform steps starting at
    ``x_start`` (usually N(0, I) draws); returns the particles at ``t_min``.
    """
    times = np.linspace(1.0, t_min, steps + 1)

    def drift(x: np.ndarray, t: float) -> np.ndarray:
        beta = float(schedule.beta(t))
        return -0.5 * beta * x - beta * score(x, t)

    return euler_maruyama(drift, lambda t: math.sqrt(float(schedule.beta(t))), x_start, times, rng)


def langevin(
    grad_log_density: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    step: float,
    steps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Unadjusted Langevin algorithm: ``steps`` updates x <- x + step grad log p(x) + sqrt(2 step) z."""
    x = np.array(x0, dtype=float, copy=True)
    noise = math.sqrt(2.0 * step)
    for _ in range(steps):
        x = x + step * grad_log_density(x) + noise * rng.standard_normal(x.shape)
    return x


def preconditioned_langevin(
    grad_log_density: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    preconditioner: np.ndarray,
    step: float,
    steps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Unadjusted Langevin with a constant SPD preconditioner M (rows x of shape (n, d)):
    x <- x + step M grad log p(x) + sqrt(2 step) M^{1/2} z. Its stationary law is exact for step -> 0."""
    m = np.asarray(preconditioner, dtype=float)
    root = np.linalg.cholesky(m)  # any square root of M gives the same noise covariance
    x = np.array(x0, dtype=float, copy=True)
    noise = math.sqrt(2.0 * step)
    for _ in range(steps):
        x = x + step * grad_log_density(x) @ m.T + noise * rng.standard_normal(x.shape) @ root.T
    return x


# --- batched seeds: S independent runs stacked on a leading axis, each with its own generator ----------


def _stacked_normal(rngs: Sequence[np.random.Generator], shape: tuple[int, ...]) -> np.ndarray:
    """One standard normal draw of ``shape`` from each generator, stacked: (S, *shape)."""
    return np.stack([rng.standard_normal(shape) for rng in rngs])


def reverse_diffusion_batched(
    score: Score,
    schedule: VPSchedule,
    x_start: np.ndarray,
    *,
    steps: int,
    rngs: Sequence[np.random.Generator],
    t_min: float = 1e-3,
) -> np.ndarray:
    """:func:`reverse_diffusion` for S stacked runs: ``x_start`` (S, n, d), ``score`` maps (S, n, d) to
    (S, n, d), run s draws its noise from ``rngs[s]`` in the order the unbatched run draws it."""
    times = np.linspace(1.0, t_min, steps + 1)
    x = np.array(x_start, dtype=float, copy=True)
    for t, t_next in itertools.pairwise(times):
        dt, beta = float(t_next - t), float(schedule.beta(float(t)))
        drift = -0.5 * beta * x - beta * score(x, float(t))
        x = x + drift * dt + math.sqrt(beta) * math.sqrt(abs(dt)) * _stacked_normal(rngs, x.shape[1:])
    return x


def langevin_batched(
    grad_log_density: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    *,
    step: float,
    steps: int,
    rngs: Sequence[np.random.Generator],
) -> np.ndarray:
    """:func:`langevin` for S stacked chains ``x0`` (S, n, d), chain s's noise from ``rngs[s]``."""
    x = np.array(x0, dtype=float, copy=True)
    noise = math.sqrt(2.0 * step)
    for _ in range(steps):
        x = x + step * grad_log_density(x) + noise * _stacked_normal(rngs, x.shape[1:])
    return x
