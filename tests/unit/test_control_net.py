"""Unit tests of models.control_net: the path weight's mean is the Feynman-Kac normaliser, the hand-derived
gradients of every loss match central finite differences, and SOCM's regression target has u* as its
alpha-weighted conditional mean (the loss is minimised at the Riccati gains)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.control_net import (
    LinearSystem,
    cross_entropy_loss,
    log_variance_loss,
    relative_entropy_loss,
    simulate,
    socm_loss,
    train_control,
)
from tasks.gaussians import as_matrix
from tasks.lqr import LQProblem, optimal_gains, riccati

STEPS = 20


def problem() -> LQProblem:
    return LQProblem(
        drift=as_matrix(np.array([[0.2, 0.3], [-0.1, -0.4]])),
        sigma=as_matrix(np.eye(2)),
        running=as_matrix(np.array([[0.6, 0.1], [0.1, 0.4]])),
        terminal=as_matrix(np.array([[0.5, 0.0], [0.0, 0.8]])),
        x0=(0.8, -0.6),
        lam=1.0,
    )


def setup() -> tuple[LinearSystem, np.ndarray, float]:
    prob = problem()
    sol = riccati(prob, np.linspace(0.0, 1.0, STEPS + 1))
    system = LinearSystem(*prob.arrays(), prob.lam, prob.horizon)
    return system, optimal_gains(prob, sol), math.exp(-float(sol.value(np.array(prob.x0), 0)[0]))


def test_path_weight_averages_to_the_normaliser() -> None:
    """E_v[alpha] = E_0[exp(-W / lam)] = exp(-V(x0, 0) / lam) (Euler bias), any sampling control."""
    system, k_star, z = setup()
    for beta in (0.0, 0.5, 1.0):
        paths = simulate(system, beta * k_star, 40_000, np.random.default_rng(3))
        assert float(np.exp(paths.log_weight).mean()) == pytest.approx(z, rel=0.03)
    # under u* the weight is constant (= Z) in continuous time: far less spread than under v = 0
    spread = [
        float(np.exp(simulate(system, b * k_star, 4000, np.random.default_rng(4)).log_weight).std())
        for b in (0.0, 1.0)
    ]
    assert spread[1] < 0.5 * spread[0]


@pytest.mark.parametrize(
    "loss", ["socm_identity", "socm_adjoint", "socm_exp", "cross_entropy", "log_variance"]
)
def test_gradients_match_finite_differences(loss: str) -> None:
    system, k_star, _ = setup()
    rng = np.random.default_rng(5)
    paths = simulate(system, 0.5 * k_star, 64, rng)
    funcs = {
        "socm_identity": lambda g: socm_loss(system, g, paths, "identity"),
        "socm_adjoint": lambda g: socm_loss(system, g, paths, "adjoint"),
        "socm_exp": lambda g: socm_loss(system, g, paths, ("exp", 2.0)),
        "cross_entropy": lambda g: cross_entropy_loss(system, g, paths),
        "log_variance": lambda g: log_variance_loss(system, g, paths),
    }
    f = funcs[loss]
    gains = k_star + 0.3 * rng.standard_normal(k_star.shape)
    _, grad = f(gains)
    direction = rng.standard_normal(gains.shape)
    eps = 1e-6
    numeric = (f(gains + eps * direction)[0] - f(gains - eps * direction)[0]) / (2 * eps)
    assert float((grad * direction).sum()) == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_adjoint_gradient_matches_finite_differences() -> None:
    """The relative-entropy loss on the same noise (same rng seed): the discrete adjoint pass is exact."""
    system, k_star, _ = setup()
    rng = np.random.default_rng(6)
    gains = k_star + 0.3 * rng.standard_normal(k_star.shape)
    direction = rng.standard_normal(gains.shape)

    def f(g: np.ndarray) -> tuple[float, np.ndarray]:
        return relative_entropy_loss(system, g, np.random.default_rng(7), 32)

    eps = 1e-6
    numeric = (f(gains + eps * direction)[0] - f(gains - eps * direction)[0]) / (2 * eps)
    assert float((f(gains)[1] * direction).sum()) == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_socm_least_squares_minimiser_is_the_riccati_control() -> None:
    """The alpha-weighted least-squares fit of the matching field (per time step, on many paths sampled under
    v = 0) recovers K*: the minimiser of the SOCM loss is u*, whatever M."""
    system, k_star, _ = setup()
    paths = simulate(system, np.zeros_like(k_star), 40_000, np.random.default_rng(8))
    from models.control_net import matching_targets

    alpha = np.exp(paths.log_weight)
    for family in ("identity", "adjoint"):
        w = matching_targets(system, paths, family)
        errs = []
        for k in (STEPS // 4, STEPS // 2, STEPS - 1):  # X_0 = x0 on every path: no fit at k = 0
            x = paths.states[k]
            gram = (x * alpha[:, None]).T @ x
            fit = np.linalg.solve(gram, (x * alpha[:, None]).T @ w[k]).T
            errs.append(np.abs(fit - k_star[k]).max() / np.abs(k_star[k]).max())
        assert max(errs) < 0.15, (family, errs)


def test_train_control_socm_approaches_the_optimum() -> None:
    system, k_star, _ = setup()
    gains, history = train_control(
        system, "socm_adjoint", steps=STEPS, iterations=150, batch=64, lr=0.05, rng=np.random.default_rng(9)
    )
    assert np.isfinite(history).all()
    start = np.abs(k_star[:-1]).mean()
    assert np.abs(gains[:-1] - k_star[:-1]).mean() < 0.3 * start
