"""Linear feedback controls for stochastic optimal control, the SOCM loss and the IDO baselines (numpy).

The controlled SDE of Domingo-Enrich et al. (2024) with linear base drift,

    dX = (A X + sigma u(X, t)) dt + sqrt(lam) sigma dB,   cost  int (|u|^2/2 + X'PX) dt + X_T'QX_T,

is simulated by Euler-Maruyama on a uniform grid of ``steps`` intervals from
a fixed x0 (:func:`simulate`). The path weight

    alpha = exp(-W/lam - int |v|^2/(2 lam) dt - lam^{-1/2} int v.dB)

of a path sampled under a control v is exactly exp(-W/lam) dP^0/dP^v in
discrete time (the increments are Gaussian), so E_v[alpha F] = E_0[e^{-W/lam} F].

The control family is a table of gains, u(x, t_k) = K_k x (``gains`` of shape
(steps + 1, d, d)): the LQ optimal control is of this form, so it is exactly
realisable and the errors measured are estimation errors, not approximation.

Losses, each with its gradient in the gains (derived by hand; the unit tests
check them against torch autograd), on paths sampled under the current
control held fixed (as in the authors' code):

* :func:`socm_loss`: stochastic optimal control matching, the alpha-weighted
  regression of u onto the matching vector field w(t; M) with reparameterisation
  matrices M_t(s) from a family: ``"identity"`` (the authors' SOCM_const_M),
  ``"adjoint"`` (M_t(s) = exp((s - t) A'), which cancels the stochastic terms
  for linear drift) or ``("exp", gamma)`` (M_t(s) = exp(-gamma (s - t)) I);
* :func:`cross_entropy_loss`, :func:`log_variance_loss`: the IDO losses of the
  same name; :func:`relative_entropy_loss`: the control objective itself,
  differentiated through the simulated SDE by a discrete adjoint pass (the
  adjoint method).

:func:`train_control` runs Adam on any of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm

Family = str | tuple[str, float]


@dataclass(frozen=True)
class LinearSystem:
    """A, sigma, P (running), Q (terminal) (d, d), x0 (d,), lam and the horizon T."""

    A: np.ndarray
    sigma: np.ndarray
    P: np.ndarray
    Q: np.ndarray
    x0: np.ndarray
    lam: float
    T: float

    @property
    def dim(self) -> int:
        return int(self.x0.shape[0])


@dataclass(frozen=True)
class Paths:
    """Simulated paths: states (n+1, B, d), noises xi (n, B, d), sampling controls v (n, B, d), cost W (B,),
    log alpha (B,) and the step h."""

    states: np.ndarray
    noises: np.ndarray
    controls: np.ndarray
    cost: np.ndarray
    log_weight: np.ndarray
    h: float


def apply(gains: np.ndarray, states: np.ndarray) -> np.ndarray:
    """u_k = K_k x_k for states (m, B, d) and gains (>= m, d, d): (m, B, d)."""
    return np.matmul(states, gains[: states.shape[0]].transpose(0, 2, 1))


def simulate(system: LinearSystem, gains: np.ndarray, batch: int, rng: np.random.Generator) -> Paths:
    """Euler-Maruyama paths under u = K_k x (left-point rule for the running cost)."""
    steps = gains.shape[0] - 1
    h = system.T / steps
    d = system.dim
    noise = rng.standard_normal((steps, batch, d))
    states = np.empty((steps + 1, batch, d))
    x = np.broadcast_to(system.x0, (batch, d)).copy()
    states[0] = x
    kicks = math.sqrt(system.lam * h) * noise @ system.sigma.T
    closed = np.eye(d)[None] + h * (
        system.A[None] + system.sigma[None] @ gains
    )  # x_{k+1} = closed_k x_k + kick
    for k in range(steps):
        x = x @ closed[k].T + kicks[k]
        states[k + 1] = x
    controls = apply(gains, states[:-1])
    running = h * ((states[:-1] @ system.P.T) * states[:-1]).sum(axis=(0, 2))
    cost = running + ((x @ system.Q.T) * x).sum(axis=1)
    control_cost = 0.5 * h * (controls**2).sum(axis=(0, 2))
    stochastic = math.sqrt(h / system.lam) * (controls * noise).sum(axis=(0, 2))
    log_weight = -(cost + control_cost) / system.lam - stochastic
    return Paths(states, noise, controls, cost, log_weight, h)


def reparameterisation(system: LinearSystem, steps: int, family: Family) -> tuple[np.ndarray, np.ndarray]:
    """The one-step factor E and the generator L of the family M_t(s) = exp((s - t) L) = E^{(s-t)/h}:
    ``"identity"`` L = 0, ``"adjoint"`` L = A' (= grad b, the authors' convention), ``("exp", gamma)``
    L = -gamma I. Returns (E, L), each (d, d)."""
    h = system.T / steps
    d = system.dim
    if family == "identity":
        gen = np.zeros((d, d))
    elif family == "adjoint":
        gen = system.A.T
    elif isinstance(family, tuple) and family[0] == "exp":
        gen = -float(family[1]) * np.eye(d)
    else:
        raise ValueError(f"unknown reparameterisation family {family!r}")
    return expm(h * gen), gen


class MatchingCache:
    """The per-system constants of the matching field, sigma^{-T} and each family's (E, L)
    (:func:`reparameterisation`), computed once and reused at every iteration of a trainer (the same
    arrays as computing them at each call)."""

    def __init__(self, system: LinearSystem, steps: int) -> None:
        self.system, self.steps = system, steps
        self.sigma_inv_t = np.linalg.inv(system.sigma).T
        self._factors: dict[Family, tuple[np.ndarray, np.ndarray]] = {}

    def factors(self, family: Family) -> tuple[np.ndarray, np.ndarray]:
        if family not in self._factors:
            self._factors[family] = reparameterisation(self.system, self.steps, family)
        return self._factors[family]


def _matching_drivers(
    system: LinearSystem, paths: Paths, sigma_inv_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The family-free parts of the matching field: h grad f(X_k) and sigma^{-1} (sqrt(lam h) xi + v h)."""
    grad_f = paths.h * paths.states[:-1] @ (system.P + system.P.T).T
    driving = (math.sqrt(system.lam * paths.h) * paths.noises + paths.h * paths.controls) @ sigma_inv_t.T
    return grad_f, driving


def _matching_field(
    system: LinearSystem,
    paths: Paths,
    drivers: tuple[np.ndarray, np.ndarray],
    factors: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    grad_f, driving = drivers
    one_step, gen = factors
    y = grad_f - driving @ (system.A.T - gen).T
    s = np.empty_like(y)
    acc = paths.states[-1] @ (system.Q + system.Q.T).T
    for k in range(y.shape[0] - 1, -1, -1):
        acc = y[k] + acc @ one_step.T
        s[k] = acc
    return -s @ system.sigma


def _matching_fields(
    system: LinearSystem,
    paths: Paths,
    drivers: tuple[np.ndarray, np.ndarray],
    factors: Sequence[tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """:func:`_matching_field` for several families at once, (F, n, B, d): the same products per family
    (each a slice of one stacked matrix product), one backward loop instead of F."""
    grad_f, driving = drivers
    one_step = np.stack([f[0] for f in factors])  # (F, d, d)
    drift = np.stack([system.A.T - f[1] for f in factors])
    y = grad_f[None] - driving[None] @ drift.transpose(0, 2, 1)[:, None]
    s = np.empty_like(y)
    acc = np.broadcast_to(paths.states[-1] @ (system.Q + system.Q.T).T, y.shape[:1] + y.shape[2:])
    for k in range(y.shape[1] - 1, -1, -1):
        acc = y[:, k] + acc @ one_step.transpose(0, 2, 1)
        s[:, k] = acc
    return -s @ system.sigma


def matching_targets(
    system: LinearSystem, paths: Paths, family: Family = "identity", *, cache: MatchingCache | None = None
) -> np.ndarray:
    """The SOCM matching vector field w at grid times 0 .. n-1, (n, B, d):

    w_k = -sigma' [ sum_{j>=k} M_k(s_j) grad f(X_j) h + M_k(T) grad g(X_n)
                    - sum_{j>=k} (M_k(s_j) grad b - dM_k/ds(s_j)) sigma^{-T} (sqrt(lam h) xi_j + v_j h) ],

    grad b = A', grad f = 2 P x, grad g = 2 Q x, for M_k(s_j) = E^{j-k} (:func:`reparameterisation`),
    so that dM/ds = M L and the sums obey S_k = y_k + E S_{k+1} from S_n = grad g(X_n). ``cache``: the
    system's constants (for n steps) from a :class:`MatchingCache`.
    """
    cache = cache if cache is not None else MatchingCache(system, paths.noises.shape[0])
    drivers = _matching_drivers(system, paths, cache.sigma_inv_t)
    return _matching_field(system, paths, drivers, cache.factors(family))


Loss = tuple[float, np.ndarray]


def _outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum_b a[k, b, i] b[k, b, j] -> (k, i, j)."""
    return np.matmul(a.transpose(0, 2, 1), b)


def socm_loss(
    system: LinearSystem,
    gains: np.ndarray,
    paths: Paths,
    family: Family = "identity",
    *,
    weighted: bool = True,
    cache: MatchingCache | None = None,
) -> Loss:
    """(1/T) sum_k h mean_b[alpha_b |K_k x_kb - w_kb|^2] and its gradient (``weighted=False``: alpha = 1)."""
    w = matching_targets(system, paths, family, cache=cache)
    x = paths.states[:-1]
    resid = apply(gains, x) - w
    alpha = np.exp(paths.log_weight) if weighted else np.ones_like(paths.log_weight)
    return _socm_value(system, paths, resid, alpha), _socm_grad(system, paths, gains, resid, alpha)


def _socm_value(system: LinearSystem, paths: Paths, resid: np.ndarray, alpha: np.ndarray) -> float:
    return paths.h / system.T * float((alpha * (resid**2).sum(axis=(0, 2))).mean())


def _socm_grad(
    system: LinearSystem, paths: Paths, gains: np.ndarray, resid: np.ndarray, alpha: np.ndarray
) -> np.ndarray:
    grad = np.zeros_like(gains)
    scale = paths.h / system.T
    grad[:-1] = 2.0 * scale / len(alpha) * _outer(resid * alpha[None, :, None], paths.states[:-1])
    return grad


def _girsanov(system: LinearSystem, gains: np.ndarray, paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """log dP^0/dP^u along the paths, int (|u|^2/2 - u.v)/lam dt - lam^{-1/2} int u.dB (B,), and the
    per-path derivative of its integrand factor (n, B, d) so that d/dK_k = factor_k x_k'."""
    x = paths.states[:-1]
    u = apply(gains, x)
    value = paths.h * ((0.5 * u * u - u * paths.controls) / system.lam).sum(axis=(0, 2))
    value -= math.sqrt(paths.h / system.lam) * (u * paths.noises).sum(axis=(0, 2))
    factor = paths.h * (u - paths.controls) / system.lam - math.sqrt(paths.h / system.lam) * paths.noises
    return value, factor


def cross_entropy_loss(system: LinearSystem, gains: np.ndarray, paths: Paths) -> Loss:
    """mean_b[alpha_b log dP^0/dP^u(path_b)] (the authors' cross_entropy) and its gradient."""
    value, factor = _girsanov(system, gains, paths)
    alpha = np.exp(paths.log_weight)
    grad = np.zeros_like(gains)
    grad[:-1] = _outer(factor * alpha[None, :, None], paths.states[:-1]) / len(alpha)
    return float((alpha * value).mean()), grad


def log_variance_loss(system: LinearSystem, gains: np.ndarray, paths: Paths) -> Loss:
    """Unbiased batch variance of log dP^0/dP^u - W/lam (the authors' log-variance) and its gradient."""
    value, factor = _girsanov(system, gains, paths)
    total = value - paths.cost / system.lam
    centred = total - total.mean()
    batch = len(total)
    grad = np.zeros_like(gains)
    grad[:-1] = 2.0 / (batch - 1) * _outer(factor * centred[None, :, None], paths.states[:-1])
    return float((centred**2).sum() / (batch - 1)), grad


def relative_entropy_loss(
    system: LinearSystem, gains: np.ndarray, rng: np.random.Generator, batch: int
) -> Loss:
    """The control objective mean_b[sum_k h (|u_k|^2/2 + x_k'Px_k) + x_n'Qx_n] on fresh paths under u, and its
    exact pathwise gradient in the gains (a discrete adjoint pass through the simulation)."""
    paths = simulate(system, gains, batch, rng)
    h, n = paths.h, gains.shape[0] - 1
    x = paths.states
    u = paths.controls
    loss = float((paths.cost + 0.5 * h * (u**2).sum(axis=(0, 2))).mean())
    grad = np.zeros_like(gains)
    adj = x[-1] @ (system.Q + system.Q.T)  # dL/dx_n per path (row vectors)
    eye = np.eye(system.dim)
    sym_p = system.P + system.P.T
    for k in range(n - 1, -1, -1):
        # x_{k+1} = x_k + h (A + sigma K_k) x_k + noise; stage cost h (|K_k x_k|^2/2 + x_k'Px_k)
        grad[k] = h * (u[k] + adj @ system.sigma).T @ x[k] / batch
        jac = eye + h * (system.A + system.sigma @ gains[k])
        adj = adj @ jac + h * (u[k] @ gains[k] + x[k] @ sym_p.T)
    return loss, grad


METHODS = ("socm", "socm_const_m", "socm_adjoint", "cross_entropy", "log_variance", "relative_entropy")
# candidate reparameterisations of "socm": M = I, the adjoint semigroup, exp(-gamma (s - t)) I
M_CANDIDATES: tuple[Family, ...] = (
    "identity",
    "adjoint",
    ("exp", 0.5),
    ("exp", 1.0),
    ("exp", 2.0),
    ("exp", 4.0),
)


def socm_optimised_m(
    system: LinearSystem, gains: np.ndarray, paths: Paths, *, cache: MatchingCache | None = None
) -> tuple[float, np.ndarray, Family]:
    """SOCM with the reparameterisation chosen on each batch: the candidate family whose batch loss (at
    the current control: the variance of the matching field plus a term free of M) is smallest.

    The same numbers as :func:`socm_loss` per candidate, with the family-free parts (the control on the
    paths, the weights, the matching field's drivers) computed once and the gradient only for the chosen one.
    """
    cache = cache if cache is not None else MatchingCache(system, paths.noises.shape[0])
    drivers = _matching_drivers(system, paths, cache.sigma_inv_t)
    u = apply(gains, paths.states[:-1])
    alpha = np.exp(paths.log_weight)
    fields = _matching_fields(system, paths, drivers, [cache.factors(f) for f in M_CANDIDATES])
    best: tuple[float, np.ndarray, Family] | None = None
    for family, field in zip(M_CANDIDATES, fields, strict=True):
        resid = u - field
        loss = _socm_value(system, paths, resid, alpha)
        if best is None or loss < best[0]:
            best = (loss, resid, family)
    assert best is not None
    loss, resid, family = best
    return loss, _socm_grad(system, paths, gains, resid, alpha), family


def _loss_and_grad(
    method: str,
    system: LinearSystem,
    gains: np.ndarray,
    batch: int,
    rng: np.random.Generator,
    cache: MatchingCache,
) -> Loss:
    if method == "relative_entropy":
        return relative_entropy_loss(system, gains, rng, batch)
    paths = simulate(system, gains, batch, rng)
    if method == "socm":
        loss, grad, _ = socm_optimised_m(system, gains, paths, cache=cache)
        return loss, grad
    if method == "socm_const_m":
        return socm_loss(system, gains, paths, "identity", cache=cache)
    if method == "socm_adjoint":
        return socm_loss(system, gains, paths, "adjoint", cache=cache)
    if method == "cross_entropy":
        return cross_entropy_loss(system, gains, paths)
    return log_variance_loss(system, gains, paths)


@dataclass
class Adam:
    """Adam on one array (the gains), numpy."""

    lr: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: np.ndarray | None = None
    v: np.ndarray | None = None

    def step(self, param: np.ndarray, grad: np.ndarray) -> np.ndarray:
        if self.m is None or self.v is None:
            self.m, self.v = np.zeros_like(param), np.zeros_like(param)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad * grad
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        return param - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def train_control(
    system: LinearSystem,
    method: str,
    *,
    steps: int,
    iterations: int,
    batch: int,
    lr: float,
    rng: np.random.Generator,
    init: np.ndarray | None = None,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Adam on ``method``'s loss from ``init`` (zero gains by default), fresh paths under the current control
    at every iteration; returns the gains and the loss per iteration. ``callback(i, gains)`` runs after
    each update."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    d = system.dim
    gains = np.zeros((steps + 1, d, d)) if init is None else np.array(init, dtype=float)
    opt = Adam(lr)
    cache = MatchingCache(system, steps)
    history = []
    for i in range(iterations):
        loss, grad = _loss_and_grad(method, system, gains, batch, rng, cache)
        gains = opt.step(gains, grad)
        history.append(loss)
        if callback is not None:
            callback(i, gains)
    return gains, history
