"""Autoregressive emulators of an Ornstein-Uhlenbeck process, their drift, and thermalization.

The emulator setting of Pedersen, Zanna, Bruna (2025) at the smallest scale
with a closed-form invariant measure. The system is the OU process sampled
every Delta, in its exact discrete form

    x_{k+1} = a x_k + sqrt(1 - a^2) Sigma^{1/2} xi_k,   a = exp(-gamma Delta),

whose invariant law is N(0, Sigma) and whose lag-1 autocorrelation is a. An
emulator with a small one-step error in the slow relaxation, a_hat = 1 + delta
(delta > 0; its one-step relative error in the mean is a_hat - a, a few 1e-3)
has no invariant law: its rollouts leave the typical set after ~ 1 / delta steps.

* :func:`thermalize`: the paper's correction: treat the current states as a
  noised sample of the invariant law at the VP level t_s and run the reverse VP
  SDE (any score callable) from t_s down to t_min.
* :func:`rollout`: emulator (or solver) steps with an optional thermalization every
  ``period`` steps; returns the escape step of each trajectory and the states of a
  late window.
* :func:`escape_steps`, :func:`covariance_error`: the statistics.
* :class:`OUEmulator`, :func:`ou_emulators`: instance and Hypothesis strategy.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy.linalg import sqrtm

from .gaussians import Matrix, covariances
from .sde import Score, VPSchedule, euler_maruyama

ESCAPE = 50.0  # x' Sigma^-1 x above this has probability < 1e-9 under N(0, Sigma) for d <= 3


@dataclass(frozen=True, kw_only=True)
class OUEmulator:
    """An OU process (invariant N(0, cov), per-step relaxation gamma Delta = ``relaxation``) and an emulator
    whose deterministic factor is 1 + ``drift`` instead of exp(-relaxation); thermalization every
    ``period`` emulator steps."""

    cov: Matrix
    relaxation: float
    drift: float
    period: int

    @property
    def dim(self) -> int:
        return len(self.cov)

    @property
    def a(self) -> float:
        return math.exp(-self.relaxation)

    def root(self) -> np.ndarray:
        return np.real(sqrtm(np.asarray(self.cov, dtype=float)))


def step(
    x: np.ndarray,
    factor: float,
    system: OUEmulator,
    rng: np.random.Generator,
    root: np.ndarray | None = None,
) -> np.ndarray:
    """x <- factor x + sqrt(1 - a^2) Sigma^{1/2} xi: the solver for factor = a, the emulator for 1 + drift
    (``root``: ``system.root()`` when the caller has it already)."""
    noise = rng.standard_normal(x.shape) @ (system.root() if root is None else root).T
    return factor * x + math.sqrt(1.0 - system.a**2) * noise


def thermalize(
    score: Score,
    x: np.ndarray,
    *,
    level: float,
    steps: int,
    rng: np.random.Generator,
    schedule: VPSchedule | None = None,
    t_min: float = 1e-3,
) -> np.ndarray:
    """Reverse VP SDE from the time t_s with sigma(t_s) / alpha(t_s) = ``level`` down to t_min, started at x
    (taken as a sample of the noised invariant law at t_s), ``steps`` Euler-Maruyama steps."""
    sched = schedule if schedule is not None else VPSchedule()
    times = np.linspace(sched.time_of_ratio(level), t_min, steps + 1)

    def drift(y: np.ndarray, t: float) -> np.ndarray:
        beta = float(sched.beta(t))
        return -0.5 * beta * y - beta * score(y, t)

    return euler_maruyama(drift, lambda t: math.sqrt(float(sched.beta(t))), x, times, rng)


Corrector = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Rollout:
    """Escape step per trajectory (``length`` when it never escaped) (n,), and the states of the last
    ``window`` steps (window, n, d) (NaN after a trajectory escaped)."""

    escape: np.ndarray
    late: np.ndarray


def rollout(
    system: OUEmulator,
    x0: np.ndarray,
    factor: float,
    length: int,
    rng: np.random.Generator,
    *,
    corrector: Corrector | None = None,
    window: int = 0,
) -> Rollout:
    """``length`` steps of x <- factor x + noise from x0 (n, d), ``corrector`` applied every ``system.period``
    steps; a trajectory is frozen (NaN) once x' Sigma^-1 x > ESCAPE."""
    precision = np.linalg.inv(np.asarray(system.cov, dtype=float))
    root = system.root()  # once, not at every step (the same matrix: sqrtm is deterministic)
    x = np.array(x0, dtype=float, copy=True)
    n = len(x)
    escape = np.full(n, length)
    alive = np.ones(n, dtype=bool)
    late = np.full((window, n, system.dim), np.nan)
    for k in range(length):
        x = step(x, factor, system, rng, root)
        if corrector is not None and (k + 1) % system.period == 0:
            x[alive] = corrector(x[alive], rng)
        out = alive & (np.einsum("ni,ij,nj->n", x, precision, x) > ESCAPE)
        escape[out] = k + 1
        alive &= ~out
        x[~alive] = 0.0
        if k >= length - window:
            late[k - (length - window)][alive] = x[alive]
        if not alive.any():
            break
    return Rollout(escape=escape, late=late)


StackedScoreFn = Callable[[np.ndarray, float, Sequence[int]], np.ndarray]
BatchedCorrector = Callable[
    [Sequence[np.ndarray], Sequence[np.random.Generator], Sequence[int]], list[np.ndarray]
]


def thermalize_batched(
    score: StackedScoreFn,
    xs: Sequence[np.ndarray],
    *,
    level: float,
    steps: int,
    rngs: Sequence[np.random.Generator],
    which: Sequence[int],
    schedule: VPSchedule | None = None,
    t_min: float = 1e-3,
) -> list[np.ndarray]:
    """:func:`thermalize` of several seeds' states at once: xs[i] (n_i, d) with its own generator rngs[i],
    the score of seed which[i] (``score(x (S, n, d), t, which)``, states padded with zeros to one n).
    Each seed draws its noise in :func:`thermalize`'s order and shapes, so each result is that of
    :func:`thermalize` up to the score's floating-point reduction order."""
    sched = schedule if schedule is not None else VPSchedule()
    times = np.linspace(sched.time_of_ratio(level), t_min, steps + 1)
    sizes = [len(x) for x in xs]
    dim = xs[0].shape[-1]
    full = min(sizes) == max(sizes)  # no padding (the common case: every trajectory alive)
    x = np.stack(xs) if full else np.zeros((len(xs), max(sizes), dim))
    if not full:
        for i, part in enumerate(xs):
            x[i, : sizes[i]] = part
    noise = np.zeros_like(x)
    for t, t_next in itertools.pairwise(times):
        dt = float(t_next - t)
        beta = float(sched.beta(float(t)))
        drift = -0.5 * beta * x - beta * score(x, float(t), which)
        if full:
            noise = np.stack([r.standard_normal((sizes[0], dim)) for r in rngs])
        else:
            for i, r in enumerate(rngs):
                noise[i, : sizes[i]] = r.standard_normal((sizes[i], dim))
        x = x + drift * dt + math.sqrt(float(sched.beta(float(t)))) * math.sqrt(abs(dt)) * noise
    return [x[i, : sizes[i]] for i in range(len(xs))]


def rollout_batched(
    system: OUEmulator,
    x0s: Sequence[np.ndarray],
    factor: float,
    lengths: Sequence[int],
    rngs: Sequence[np.random.Generator],
    *,
    corrector: BatchedCorrector | None = None,
    windows: Sequence[int] | None = None,
) -> list[Rollout]:
    """:func:`rollout` for S seeds at once (x0s[s] (n, d), lengths[s], rngs[s], windows[s]): each seed draws
    from its own generator in :func:`rollout`'s order and stops where its rollout stops; the corrector
    gets the live states of the running seeds, their generators and their indices. Each result is
    :func:`rollout`'s up to floating-point reduction order."""
    seeds = len(x0s)
    wins = [0] * seeds if windows is None else list(windows)
    if not (len(lengths) == len(rngs) == len(wins) == seeds > 0):
        raise ValueError("need one start, length, generator and window per seed")
    precision = np.linalg.inv(np.asarray(system.cov, dtype=float))
    root = system.root()
    x = np.array(np.stack(x0s), dtype=float)  # (S, n, d)
    n, dim = x.shape[1:]
    span = np.asarray(lengths)
    escape = np.repeat(span[:, None], n, axis=1)
    alive = np.ones((seeds, n), dtype=bool)
    late = [np.full((w, n, dim), np.nan) for w in wins]
    scale = math.sqrt(1.0 - system.a**2)
    everyone = list(range(seeds))
    for k in range(int(span.max(initial=0))):
        run = [int(s) for s in np.flatnonzero((k < span) & alive.any(axis=1))]
        if not run:
            break
        sel: slice | list[int] = slice(None) if run == everyone else run  # a view while all seeds run
        noise = np.stack([rngs[s].standard_normal((n, dim)) for s in run]) @ root.T
        x[sel] = factor * x[sel] + scale * noise
        if corrector is not None and (k + 1) % system.period == 0:
            new = corrector([x[s][alive[s]] for s in run], [rngs[s] for s in run], run)
            for s, part in zip(run, new, strict=True):
                x[s][alive[s]] = part
        states = x[sel]
        out = alive[sel] & (np.einsum("sni,ij,snj->sn", states, precision, states) > ESCAPE)
        escape[sel] = np.where(out, k + 1, escape[sel])
        alive[sel] &= ~out
        x[~alive] = 0.0
        for s in run:
            start = lengths[s] - wins[s]
            if k >= start:
                late[s][k - start][alive[s]] = x[s][alive[s]]
    return [Rollout(escape=escape[s], late=late[s]) for s in range(seeds)]


def covariance_error(states: np.ndarray, cov: np.ndarray) -> float:
    """||C_hat - Sigma||_F / ||Sigma||_F, C_hat = the second moment of the finite states (.., d)."""
    flat = states.reshape(-1, states.shape[-1])
    flat = flat[np.isfinite(flat).all(axis=1)]
    second = flat.T @ flat / len(flat)
    return float(np.linalg.norm(second - cov) / np.linalg.norm(cov))


def lag_one_autocorrelation(states: np.ndarray) -> float:
    """sum_k <x_k, x_{k+1}> / sum_k |x_k|^2 over a window (w, n, d) of one rollout."""
    return float((states[:-1] * states[1:]).sum() / (states[:-1] ** 2).sum())


def ou_emulators(
    *,
    min_dim: int = 1,
    max_dim: int = 3,
    max_condition: float = 4.0,
    min_relaxation: float = 1e-3,
    max_relaxation: float = 3e-3,
    min_drift: float = 5e-3,
    max_drift: float = 1.5e-2,
    min_period: int = 2,
    max_period: int = 4,
) -> st.SearchStrategy[OUEmulator]:
    """OU systems with invariant covariance of largest eigenvalue 1 and condition <= max_condition, relaxation
    gamma Delta and emulator drift delta in their ranges, thermalization period in [min_period, max_period].

    Shrinking moves towards the smallest dimension, the identity covariance, the smallest relaxation and
    drift, and the shortest period.
    """
    if min_dim < 1 or max_dim < min_dim:
        raise InvalidArgument(f"need 1 <= min_dim={min_dim} <= max_dim={max_dim}")
    if not 0 < min_relaxation <= max_relaxation < 1 or not 0 < min_drift <= max_drift < 1:
        raise InvalidArgument("need 0 < min <= max < 1 for the relaxation and the drift")
    if not 1 <= min_period <= max_period:
        raise InvalidArgument(f"need 1 <= min_period={min_period} <= max_period={max_period}")
    return st.integers(min_value=min_dim, max_value=max_dim).flatmap(
        lambda d: st.builds(
            OUEmulator,
            cov=covariances(dim=d, max_condition=max_condition),
            relaxation=st.floats(min_value=min_relaxation, max_value=max_relaxation),
            drift=st.floats(min_value=min_drift, max_value=max_drift),
            period=st.integers(min_value=min_period, max_value=max_period),
        )
    )
