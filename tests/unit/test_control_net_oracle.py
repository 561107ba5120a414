"""Oracle tests: models.control_net's SOCM losses give the previous code's numbers (the matching field's
constants now cached per system, its family-free parts shared across the M candidates, the candidates'
backward sums stacked, and the gradient formed for the chosen candidate only); the domingoenrich2024
memos serve the same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm

from models.control_net import (
    M_CANDIDATES,
    Family,
    LinearSystem,
    MatchingCache,
    Paths,
    matching_targets,
    simulate,
    socm_loss,
    socm_optimised_m,
)
from tasks.gaussians import as_matrix
from tasks.lqr import LQProblem, optimal_gains, riccati


# --- the previous code, verbatim -------------------------------------------------------------
def _old_targets(system: LinearSystem, paths: Paths, family: Family = "identity") -> np.ndarray:
    n = paths.noises.shape[0]
    h = system.T / n
    d = system.dim
    if family == "identity":
        gen = np.zeros((d, d))
    elif family == "adjoint":
        gen = system.A.T
    else:
        assert isinstance(family, tuple)
        gen = -float(family[1]) * np.eye(d)
    one_step = expm(h * gen)
    sigma_inv_t = np.linalg.inv(system.sigma).T
    grad_f = paths.h * paths.states[:-1] @ (system.P + system.P.T).T
    driving = (math.sqrt(system.lam * paths.h) * paths.noises + paths.h * paths.controls) @ sigma_inv_t.T
    y = grad_f - driving @ (system.A.T - gen).T
    s = np.empty_like(y)
    acc = paths.states[-1] @ (system.Q + system.Q.T).T
    for k in range(n - 1, -1, -1):
        acc = y[k] + acc @ one_step.T
        s[k] = acc
    return -s @ system.sigma


def _old_socm_loss(
    system: LinearSystem,
    gains: np.ndarray,
    paths: Paths,
    family: Family = "identity",
    *,
    weighted: bool = True,
) -> tuple[float, np.ndarray]:
    w = _old_targets(system, paths, family)
    x = paths.states[:-1]
    resid = np.matmul(x, gains[: x.shape[0]].transpose(0, 2, 1)) - w
    alpha = np.exp(paths.log_weight) if weighted else np.ones_like(paths.log_weight)
    batch = len(alpha)
    scale = paths.h / system.T
    loss = scale * float((alpha * (resid**2).sum(axis=(0, 2))).mean())
    grad = np.zeros_like(gains)
    grad[:-1] = 2.0 * scale / batch * np.matmul((resid * alpha[None, :, None]).transpose(0, 2, 1), x)
    return loss, grad


def _old_optimised(system: LinearSystem, gains: np.ndarray, paths: Paths) -> tuple[float, np.ndarray, Family]:
    best: tuple[float, np.ndarray, Family] | None = None
    for family in M_CANDIDATES:
        loss, grad = _old_socm_loss(system, gains, paths, family)
        if best is None or loss < best[0]:
            best = (loss, grad, family)
    assert best is not None
    return best


# ----------------------------------------------------------------------------------------------


def _system(d: int, seed: int) -> tuple[LinearSystem, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = 0.4 * rng.standard_normal((d, d))
    p_half, q_half = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    prob = LQProblem(
        drift=as_matrix(a),
        sigma=as_matrix(np.eye(d) + 0.2 * rng.standard_normal((d, d))),
        running=as_matrix(0.3 * p_half @ p_half.T),
        terminal=as_matrix(0.3 * q_half @ q_half.T),
        x0=tuple(float(v) for v in rng.standard_normal(d)),
        lam=1.0,
    )
    solution = riccati(prob, np.linspace(0.0, 1.0, 21))
    return LinearSystem(*prob.arrays(), prob.lam, prob.horizon), optimal_gains(prob, solution)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_socm_losses_give_the_previous_numbers(d: int) -> None:
    system, k_star = _system(d, d)
    cache = MatchingCache(system, 20)  # one cache across several path sets, as a trainer uses it
    for seed, beta in ((0, 0.0), (1, 0.7)):
        paths = simulate(system, beta * k_star, 64, np.random.default_rng(seed))
        gains = k_star + 0.1 * np.random.default_rng(seed + 10).standard_normal(k_star.shape)
        for family in M_CANDIDATES:
            assert np.array_equal(
                matching_targets(system, paths, family, cache=cache), _old_targets(system, paths, family)
            )
            for weighted in (True, False):
                loss, grad = socm_loss(system, gains, paths, family, weighted=weighted, cache=cache)
                old_loss, old_grad = _old_socm_loss(system, gains, paths, family, weighted=weighted)
                assert loss == old_loss
                assert np.array_equal(grad, old_grad)
        for use_cache in (cache, None):
            loss, grad, family = socm_optimised_m(system, gains, paths, cache=use_cache)
            old_loss, old_grad, old_family = _old_optimised(system, gains, paths)
            assert (loss, family) == (old_loss, old_family)
            assert np.array_equal(grad, old_grad)


def test_domingoenrich_memos_serve_the_same_numbers() -> None:
    from claims.domingoenrich2024 import _experiment as exp
    from theorycheck.tiers import get_tier

    problem = LQProblem(
        drift=as_matrix(np.zeros((1, 1))),
        sigma=as_matrix(np.eye(1)),
        running=as_matrix(np.eye(1)),
        terminal=as_matrix(np.eye(1)),
        x0=(1.0,),
        lam=1.0,
    )
    exp._setup.cache_clear()
    exp._second_moments.cache_clear()
    first = exp.training_race(problem, 0, get_tier("smoke")).scalars
    assert exp.training_race(problem, 0, get_tier("smoke")).scalars == first
    _, times, k_star, _ = exp._setup(problem)
    assert not k_star.flags.writeable and not times.flags.writeable
    from tasks.lqr import MatchingInstance, control_gap

    instance = MatchingInstance(
        problem=problem,
        perturbation=as_matrix(np.eye(1)),
        scale=0.5,
        sampling=0.3,
        family="identity",
        gamma=1.0,
    )
    delta = 0.5 * np.broadcast_to(np.eye(1), k_star.shape)
    direct = (control_gap(problem, times, k_star, delta), control_gap(problem, times, 0.3 * k_star, delta))
    assert exp._closed_forms(instance) == direct
    assert exp.loss_decomposition(instance, 1, get_tier("smoke")).scalars["l2_sampling"] == (direct[1],)
