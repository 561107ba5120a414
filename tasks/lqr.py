"""Linear-quadratic stochastic optimal control: instances, the Riccati solution and exact moments.

The ground truth of the stochastic-optimal-control claims (Domingo-Enrich et
al. 2024). The controlled SDE and cost, in the paper's convention, are

    dX = (A X + sigma u(X, t)) dt + sqrt(lam) sigma dB,   X_0 = x0,
    J(u) = E[ int_0^T (|u|^2 / 2 + X' P X) dt + X_T' Q X_T ]

(``running`` = P, ``terminal`` = Q, as in the authors' ``OU_Quadratic``).
The value function is V(x, t) = x' F(t) x + c(t) with the Riccati equation

    -F' = A' F + F A - 2 F sigma sigma' F + P,   F(T) = Q,
    -c' = lam tr(sigma sigma' F),                c(T) = 0,

the optimal control is u*(x, t) = -sigma' grad V = -2 sigma' F(t) x (linear in
x, independent of lam), and exp(-V(x0, 0) / lam) = E[exp(-W / lam)] under the
uncontrolled process, W = int X' P X dt + X_T' Q X_T (Feynman-Kac).

* :func:`riccati`: F and c on a time grid (scipy ``solve_ivp``, rtol 1e-10).
* :func:`hjb_residual`: the HJB equation evaluated at points (a check of F).
* :func:`linear_control_moments`: mean and covariance of X under any control
  u = K(t) x (the Lyapunov ODE), hence E int |(K - K*) X|^2 dt in closed form.
* :class:`LQProblem` and :func:`lq_problems`, the Hypothesis strategy.

Arrays are float64 numpy; a time grid is increasing from 0 to T.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from scipy.integrate import solve_ivp

from .gaussians import Matrix, as_matrix, covariances


@dataclass(frozen=True, kw_only=True)
class LQProblem:
    """A linear-quadratic control problem on [0, T] from the fixed start x0."""

    drift: Matrix  # A
    sigma: Matrix
    running: Matrix  # P: f(x) = x' P x
    terminal: Matrix  # Q: g(x) = x' Q x
    x0: tuple[float, ...]
    lam: float = 1.0
    horizon: float = 1.0

    @property
    def dim(self) -> int:
        return len(self.x0)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """A, sigma, P, Q (d, d) and x0 (d,)."""
        return (
            np.asarray(self.drift, dtype=float),
            np.asarray(self.sigma, dtype=float),
            np.asarray(self.running, dtype=float),
            np.asarray(self.terminal, dtype=float),
            np.asarray(self.x0, dtype=float),
        )


@dataclass(frozen=True)
class RiccatiSolution:
    """F(t) (n, d, d) and c(t) (n,) on the grid ``times`` (n,)."""

    times: np.ndarray
    F: np.ndarray
    c: np.ndarray

    def value(self, x: np.ndarray, k: int) -> np.ndarray:
        """V(x, times[k]) for rows x (m, d)."""
        x = np.atleast_2d(x)
        return np.einsum("mi,ij,mj->m", x, self.F[k], x) + self.c[k]


def riccati(problem: LQProblem, times: np.ndarray) -> RiccatiSolution:
    """Integrate the Riccati equation backward from T; F and c at ``times`` (increasing, ending at T)."""
    a, sigma, p, q, _ = problem.arrays()
    d = problem.dim
    ss = sigma @ sigma.T
    times = np.asarray(times, dtype=float)
    if not np.isclose(times[-1], problem.horizon):
        raise ValueError("the grid must end at the horizon T")

    def rhs(t: float, y: np.ndarray) -> np.ndarray:  # y = (F flattened, c)
        f = y[:-1].reshape(d, d)
        df = -(a.T @ f + f @ a - 2.0 * f @ ss @ f + p)
        dc = -problem.lam * np.trace(ss @ f)
        return np.concatenate([df.ravel(), [dc]])

    y_end = np.concatenate([q.ravel(), [0.0]])
    sol = solve_ivp(
        rhs, (problem.horizon, float(times[0])), y_end, t_eval=times[::-1], rtol=1e-10, atol=1e-12
    )
    if not sol.success:
        raise RuntimeError(f"Riccati integration failed: {sol.message}")
    ys = sol.y.T[::-1]
    f_all = ys[:, :-1].reshape(len(times), d, d)
    return RiccatiSolution(times=times, F=0.5 * (f_all + f_all.transpose(0, 2, 1)), c=ys[:, -1])


def optimal_gains(problem: LQProblem, solution: RiccatiSolution) -> np.ndarray:
    """K*(t) = -2 sigma' F(t) on the solution's grid: u*(x, t) = K*(t) x; (n, d, d)."""
    sigma = problem.arrays()[1]
    return -2.0 * np.einsum("ji,njk->nik", sigma, solution.F)


def hjb_residual(problem: LQProblem, solution: RiccatiSolution, x: np.ndarray, k: int) -> np.ndarray:
    """dV/dt + lam/2 tr(sigma sigma' hess V) + (A x).grad V - |sigma' grad V|^2 / 2 + x' P x at times[k].

    dV/dt is taken from the Riccati right-hand side evaluated independently
    (not from the grid), so the residual checks F against the HJB equation.
    """
    a, sigma, p, _, _ = problem.arrays()
    ss = sigma @ sigma.T
    f = solution.F[k]
    x = np.atleast_2d(x)
    # dF/dt and dc/dt by central differences of a fresh fine solve around times[k]
    t = float(solution.times[k])
    h = 1e-4 * problem.horizon
    lo, hi = max(0.0, t - h), min(problem.horizon, t + h)
    fine = riccati(
        problem, np.array([lo, hi, problem.horizon]) if hi < problem.horizon else np.array([lo, hi])
    )
    df = (fine.F[1] - fine.F[0]) / (hi - lo)
    dc = (fine.c[1] - fine.c[0]) / (hi - lo)
    grad = 2.0 * x @ f
    dv = np.einsum("mi,ij,mj->m", x, df, x) + dc
    return (
        dv
        + problem.lam * np.trace(ss @ f)
        + np.einsum("mi,mi->m", x @ a.T, grad)
        - 0.5 * ((grad @ sigma) ** 2).sum(axis=1)
        + np.einsum("mi,ij,mj->m", x, p, x)
    )


def linear_control_moments(
    problem: LQProblem, times: np.ndarray, gains: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Mean m(t) (n, d) and covariance S(t) (n, d, d) of X under u = K(t) x, K piecewise linear on ``times``.

    The Lyapunov ODE m' = (A + sigma K) m, S' = (A + sigma K) S + S (A + sigma K)' + lam sigma sigma',
    integrated with rtol 1e-10 from m(0) = x0, S(0) = 0.
    """
    a, sigma, _, _, x0 = problem.arrays()
    d = problem.dim
    ss = sigma @ sigma.T
    times = np.asarray(times, dtype=float)

    def gain(t: float) -> np.ndarray:
        k = int(np.clip(np.searchsorted(times, t) - 1, 0, len(times) - 2))
        w = (t - times[k]) / (times[k + 1] - times[k])
        return (1 - w) * gains[k] + w * gains[k + 1]

    def rhs(t: float, y: np.ndarray) -> np.ndarray:
        closed = a + sigma @ gain(t)
        m, s = y[:d], y[d:].reshape(d, d)
        return np.concatenate([closed @ m, (closed @ s + s @ closed.T + problem.lam * ss).ravel()])

    y0 = np.concatenate([x0, np.zeros(d * d)])
    sol = solve_ivp(rhs, (float(times[0]), float(times[-1])), y0, t_eval=times, rtol=1e-10, atol=1e-12)
    if not sol.success:
        raise RuntimeError(f"moment integration failed: {sol.message}")
    ys = sol.y.T
    return ys[:, :d], ys[:, d:].reshape(len(times), d, d)


def control_gap(
    problem: LQProblem, times: np.ndarray, law_gains: np.ndarray, delta_gains: np.ndarray
) -> float:
    """(1/T) E int_0^T |D(t) X_t|^2 dt with X driven by u = law_gains(t) x: the L2 distance between two
    linear controls whose gains differ by D = ``delta_gains``, under that control's path law.

    The left Riemann sum over the grid of tr(D' D (S + m m')) (the times at which an Euler step applies
    the control; the gain at T is never used).
    """
    m, s = linear_control_moments(problem, times, law_gains)
    second = s + np.einsum("ni,nj->nij", m, m)
    integrand = np.einsum("nji,njk,nki->n", delta_gains, delta_gains, second)
    return float((integrand[:-1] * np.diff(times)).sum() / problem.horizon)


# --- strategies -------------------------------------------------------------------------------


def lq_problems(
    *,
    min_dim: int = 1,
    max_dim: int = 3,
    max_drift: float = 1.0,
    min_cost: float = 0.1,
    max_cost: float = 1.0,
    max_condition: float = 5.0,
    max_x0: float = 1.0,
    lam: float = 1.0,
    horizon: float = 1.0,
) -> st.SearchStrategy[LQProblem]:
    """LQ problems with sigma = I: drift A = a (R diag(s) R') with a in [-max_drift, max_drift] and the
    symmetric part's eigenvalue ratio <= max_condition (from :func:`tasks.gaussians.covariances`) plus a
    skew part of the same scale; running and terminal costs P, Q SPD with eigenvalues in [min_cost,
    max_cost] (condition <= max_condition); x0 with coordinates in [-max_x0, max_x0], at least half of
    max_x0 in norm (so the optimal control is not negligible).

    Shrinking moves towards the smallest dimension, A = 0 (no drift), P and Q scaled identities at the
    smallest cost, and x0 at its smallest admissible norm.
    """
    if min_dim < 1 or max_dim < min_dim:
        raise InvalidArgument(f"need 1 <= min_dim={min_dim} <= max_dim={max_dim}")
    if not 0.0 < min_cost <= max_cost:
        raise InvalidArgument(f"need 0 < min_cost={min_cost} <= max_cost={max_cost}")
    if max_drift < 0 or max_x0 <= 0 or lam <= 0 or horizon <= 0:
        raise InvalidArgument("need max_drift >= 0, max_x0 > 0, lam > 0, horizon > 0")
    cost_condition = min(max_condition, max_cost / min_cost)

    def build(d: int) -> st.SearchStrategy[LQProblem]:
        coordinate = st.floats(min_value=-max_x0, max_value=max_x0, allow_nan=False)
        x0s = st.lists(coordinate, min_size=d, max_size=d).filter(
            lambda v: float(np.linalg.norm(v)) >= 0.5 * max_x0
        )
        skew = st.lists(
            st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
            min_size=d * (d - 1) // 2,
            max_size=d * (d - 1) // 2,
        )

        def problem(
            scale: float, sym: Matrix, angles: list[float], p: Matrix, q: Matrix, x0: list[float]
        ) -> LQProblem:
            k = np.zeros((d, d))
            k[np.triu_indices(d, 1)] = angles
            drift = scale * (np.asarray(sym) + 0.5 * (k - k.T))
            return LQProblem(
                drift=as_matrix(drift),
                sigma=as_matrix(np.eye(d)),
                running=p,
                terminal=q,
                x0=tuple(float(v) for v in x0),
                lam=lam,
                horizon=horizon,
            )

        spd = covariances(
            dim=d, max_condition=cost_condition, min_scale=min_cost * cost_condition, max_scale=max_cost
        )
        unit = covariances(dim=d, max_condition=max_condition)
        return st.builds(
            problem,
            st.floats(min_value=-max_drift, max_value=max_drift, allow_nan=False),
            unit,
            skew,
            spd,
            spd,
            x0s,
        )

    return st.integers(min_value=min_dim, max_value=max_dim).flatmap(build)


@dataclass(frozen=True, kw_only=True)
class MatchingInstance:
    """What the SOCM loss identity quantifies over: an LQ problem, a control u = u* + scale * R x (R of unit
    Frobenius norm, constant in time), a sampling control v = sampling * u* and a reparameterisation family
    ("identity", "adjoint" or "exp" with rate ``gamma``)."""

    problem: LQProblem
    perturbation: Matrix
    scale: float
    sampling: float
    family: str
    gamma: float

    def family_spec(self) -> str | tuple[str, float]:
        return ("exp", self.gamma) if self.family == "exp" else self.family


FAMILIES = ("identity", "adjoint", "exp")


def matching_instances(
    *,
    problems: st.SearchStrategy[LQProblem] | None = None,
    min_scale: float = 0.2,
    max_scale: float = 1.0,
    max_sampling: float = 0.6,
    min_gamma: float = 1.0,
    max_gamma: float = 3.0,
) -> st.SearchStrategy[MatchingInstance]:
    """Instances of the SOCM loss identity on ``problems`` (default :func:`lq_problems`): perturbation scale
    in [min_scale, max_scale], sampling control v = beta u* with beta in [0, max_sampling] (beta < 1 keeps
    the sampling law away from the optimal one), family drawn from identity / adjoint / exp(-gamma (s - t)),
    gamma in [min_gamma, max_gamma].

    Shrinking moves towards the problems' own shrink target, the smallest perturbation, beta = 0
    (uncontrolled sampling), the identity family and the smallest gamma.
    """
    if not 0.0 < min_scale <= max_scale:
        raise InvalidArgument(f"need 0 < min_scale={min_scale} <= max_scale={max_scale}")
    if not 0.0 <= max_sampling < 1.0:
        raise InvalidArgument(f"max_sampling={max_sampling} must be in [0, 1)")
    if not 0.0 < min_gamma <= max_gamma:
        raise InvalidArgument(f"need 0 < min_gamma={min_gamma} <= max_gamma={max_gamma}")
    base = problems if problems is not None else lq_problems()

    def build(problem: LQProblem) -> st.SearchStrategy[MatchingInstance]:
        d = problem.dim
        entries = st.lists(
            st.floats(min_value=-1.0, max_value=1.0, allow_nan=False), min_size=d * d, max_size=d * d
        )
        unit = entries.filter(lambda v: float(np.linalg.norm(v)) >= 0.3).map(
            lambda v: as_matrix(np.asarray(v).reshape(d, d) / np.linalg.norm(v))
        )
        return st.builds(
            MatchingInstance,
            problem=st.just(problem),
            perturbation=unit,
            scale=st.floats(min_value=min_scale, max_value=max_scale),
            sampling=st.floats(min_value=0.0, max_value=max_sampling),
            family=st.sampled_from(FAMILIES),
            gamma=st.floats(min_value=min_gamma, max_value=max_gamma),
        )

    return base.flatmap(build)
