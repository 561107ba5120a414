"""Shared experiments of the kawata2025 claims: h-transformed reverse diffusion, Langevin, dual averaging.

All of it is closed form plus simulation, no training: the pretrained model
is stood in for by its exact reference law (a 1-D Gaussian mixture), whose
noised scores and posteriors are exact (tasks/gaussians.py, tasks/alignment.py).

Batched seeds (``*_samplings``, ``*_sweeps``, ``*_averagings``): the seeds'
particles or runs stacked on a leading axis, each seed drawing from its own
generator in the unbatched order; the stacked fields are the same closed forms
without the per-call d-dimensional linear algebra, equal up to float rounding
(the dual-averaging draws bit for bit). The unbatched functions are the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tasks.alignment import (
    Alignment,
    SeparatedTilt,
    Tilt,
    estimated_h_transform_score,
    estimated_h_transform_score_batched,
    h_transform_score,
    h_transform_score_batched,
    tilt_family,
    tilt_family_sample,
    tilt_family_sample_batched,
)
from tasks.gaussians import (
    GaussianMixture,
    mixture_cdf_1d,
    mixture_cov,
    mixture_mean,
    mixture_sample,
    mixture_score,
    mixture_score_1d,
    tilted,
    wasserstein1_between_mixtures,
    wasserstein1_to_mixture,
)
from tasks.sde import VPSchedule, langevin, langevin_batched, reverse_diffusion, reverse_diffusion_batched
from theorycheck import Measurement, Tier

SCHEDULE = VPSchedule()
LANGEVIN_STEP = 0.05  # ULA step for unit-variance modes (stationary variance off by ~2.5%)
REFERENCE_DRAWS = 1000  # reference samples the separation claim estimates grad log h_t from
H_GRID = 64  # points the estimated grad log h_t is evaluated at, then interpolated (run time)


@dataclass(frozen=True, kw_only=True)
class _Sampling:
    particles: int
    steps: int  # reverse-diffusion steps = Langevin steps (score evaluations)


def _sampling(tier: Tier) -> _Sampling:
    return tier.pick(
        smoke=_Sampling(particles=1000, steps=60),
        default=_Sampling(particles=4000, steps=200),
        full=_Sampling(particles=20000, steps=500),
    )


def _tilt_sampling(tilt: Tilt, seed: int, tier: Tier, variant: str) -> Measurement:
    """Sample the tilt by reverse diffusion with the given score variant and compare with the exact tilt.

    Scalars: ``w1_ratio`` = W1(samples, tilt) / W1(p_ref, tilt) (0: exact, 1: no
    alignment); ``mean_fraction`` = (sample mean - mean p_ref) / (mean tilt -
    mean p_ref); ``linear_response_fraction``, the same fraction for the
    Gaussian linear response mean p_ref + c Var p_ref.
    """
    budget = _sampling(tier)
    rng = np.random.default_rng(seed)
    score = h_transform_score(tilt.reference, tilt.c, SCHEDULE, variant)
    start = rng.standard_normal((budget.particles, 1))
    xs = reverse_diffusion(score, SCHEDULE, start, steps=budget.steps, rng=rng)[:, 0]
    return _tilt_row(tilt, xs)


def _tilt_sampling_batched(tilt: Tilt, seeds: Sequence[int], tier: Tier, variant: str) -> list[Measurement]:
    """:func:`_tilt_sampling` for several seeds, their particles stacked (each seed's own generator)."""
    budget = _sampling(tier)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    score = h_transform_score_batched(tilt.reference, tilt.c, SCHEDULE, variant)
    start = np.stack([rng.standard_normal((budget.particles, 1)) for rng in rngs])
    xs = reverse_diffusion_batched(score, SCHEDULE, start, steps=budget.steps, rngs=rngs)[..., 0]
    return [_tilt_row(tilt, row) for row in xs]


def _tilt_row(tilt: Tilt, xs: np.ndarray) -> Measurement:
    target = tilt.target()
    m_ref, m_tilt = float(mixture_mean(tilt.reference)[0]), float(mixture_mean(target)[0])
    shift = m_tilt - m_ref
    return Measurement.one(
        scalars={
            "w1_ratio": wasserstein1_to_mixture(xs, target)
            / wasserstein1_between_mixtures(tilt.reference, target),
            "mean_fraction": (float(xs.mean()) - m_ref) / shift,
            "linear_response_fraction": tilt.c * float(mixture_cov(tilt.reference)[0, 0]) / shift,
        }
    )


def doob_sampling(tilt: Tilt, seed: int, tier: Tier) -> Measurement:
    """Reverse diffusion with the reference score plus grad log h_t (Doob's h-transform)."""
    return _tilt_sampling(tilt, seed, tier, "doob")


def reference_sampling(tilt: Tilt, seed: int, tier: Tier) -> Measurement:
    """Control: the reference score alone (no h-transform)."""
    return _tilt_sampling(tilt, seed, tier, "reference")


def guidance_sampling(tilt: Tilt, seed: int, tier: Tier) -> Measurement:
    """Control: the tilt's own gradient c added at every noise level instead of grad log h_t."""
    return _tilt_sampling(tilt, seed, tier, "guidance")


def doob_samplings(tilt: Tilt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``doob_sampling`` for several seeds, stacked."""
    return _tilt_sampling_batched(tilt, seeds, tier, "doob")


def reference_samplings(tilt: Tilt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``reference_sampling`` for several seeds, stacked."""
    return _tilt_sampling_batched(tilt, seeds, tier, "reference")


def guidance_samplings(tilt: Tilt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``guidance_sampling`` for several seeds, stacked."""
    return _tilt_sampling_batched(tilt, seeds, tier, "guidance")


def _separation_sweep(task: SeparatedTilt, seed: int, tier: Tier, sampler: str) -> Measurement:
    """Error of the upper-mode mass P(X > 0) against the exact tilt, at each separation.

    Scalars: ``error_<delta>`` for each separation and ``error_growth`` =
    error at the largest separation - error at the smallest.
    """
    budget = _sampling(tier)
    rng = np.random.default_rng(seed)
    errors = []
    for delta in task.separations:
        reference, c = task.reference(delta), task.c(delta)
        target = tilted(reference, np.array([c]))
        if sampler == "doob":
            draws = mixture_sample(reference, REFERENCE_DRAWS, rng)[:, 0]
            score = estimated_h_transform_score(reference, c, SCHEDULE, draws, grid=H_GRID)
            start = rng.standard_normal((budget.particles, 1))
            xs = reverse_diffusion(score, SCHEDULE, start, steps=budget.steps, rng=rng)[:, 0]
        else:  # Langevin on the tilt's exact score, started from the reference's own samples
            start = mixture_sample(reference, budget.particles, rng)

            def target_score(x: np.ndarray, target: GaussianMixture = target) -> np.ndarray:
                return mixture_score(target, x)

            xs = langevin(
                target_score,
                start,
                step=LANGEVIN_STEP,
                steps=budget.steps,
                rng=rng,
            )[:, 0]
        errors.append(_upper_mass_error(target, xs))
    return _sweep_row(task, errors)


def _separation_sweep_batched(
    task: SeparatedTilt, seeds: Sequence[int], tier: Tier, sampler: str
) -> list[Measurement]:
    """:func:`_separation_sweep` for several seeds, their particles stacked (each seed's own generator,
    drawn from in the unbatched order)."""
    budget = _sampling(tier)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    errors: list[list[float]] = [[] for _ in seeds]
    for delta in task.separations:
        reference, c = task.reference(delta), task.c(delta)
        target = tilted(reference, np.array([c]))
        if sampler == "doob":
            draws, starts = [], []
            for rng in rngs:
                draws.append(mixture_sample(reference, REFERENCE_DRAWS, rng)[:, 0])
                starts.append(rng.standard_normal((budget.particles, 1)))
            score = estimated_h_transform_score_batched(reference, c, SCHEDULE, np.stack(draws), grid=H_GRID)
            xs = reverse_diffusion_batched(score, SCHEDULE, np.stack(starts), steps=budget.steps, rngs=rngs)
        else:
            start = np.stack([mixture_sample(reference, budget.particles, rng) for rng in rngs])

            def target_score(x: np.ndarray, target: GaussianMixture = target) -> np.ndarray:
                return mixture_score_1d(target, x)

            xs = langevin_batched(target_score, start, step=LANGEVIN_STEP, steps=budget.steps, rngs=rngs)
        for seed_errors, row in zip(errors, xs[..., 0], strict=True):
            seed_errors.append(_upper_mass_error(target, row))
    return [_sweep_row(task, e) for e in errors]


def _upper_mass_error(target: GaussianMixture, xs: np.ndarray) -> float:
    exact_upper = 1.0 - float(mixture_cdf_1d(target, np.zeros(1))[0])
    return abs(float((xs > 0).mean()) - exact_upper)


def _sweep_row(task: SeparatedTilt, errors: list[float]) -> Measurement:
    scalars = {f"error_{int(d)}": e for d, e in zip(task.separations, errors, strict=True)}
    scalars["error_growth"] = errors[-1] - errors[0]
    return Measurement.one(scalars=scalars)


def doob_separation_sweep(task: SeparatedTilt, seed: int, tier: Tier) -> Measurement:
    """The h-transformed reverse diffusion with grad log h_t estimated from REFERENCE_DRAWS fresh
    reference samples per separation (the reference score exact)."""
    return _separation_sweep(task, seed, tier, "doob")


def langevin_separation_sweep(task: SeparatedTilt, seed: int, tier: Tier) -> Measurement:
    """Control: unadjusted Langevin on the tilted law, same number of score evaluations."""
    return _separation_sweep(task, seed, tier, "langevin")


def doob_separation_sweeps(task: SeparatedTilt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``doob_separation_sweep`` for several seeds, stacked."""
    return _separation_sweep_batched(task, seeds, tier, "doob")


def langevin_separation_sweeps(task: SeparatedTilt, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``langevin_separation_sweep`` for several seeds, stacked."""
    return _separation_sweep_batched(task, seeds, tier, "langevin")


# --- dual averaging ---------------------------------------------------------------------------

ITERATIONS = 400
SAMPLES_PER_STEP = 64  # draws of q_k that estimate the first variation at iterate k


def _objective(task: Alignment, a: np.ndarray, family: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """G(q_a) = gamma/2 (E_{q_a} x - goal)^2 + beta KL(q_a || p_ref), q_a = p_ref exp(-a x) / Z(a)
    (``family``: ``tilt_family(task.reference, a)`` where the caller has it already)."""
    _, _, mean, _, log_z = tilt_family(task.reference, a) if family is None else family
    return 0.5 * task.gamma * (mean - task.goal) ** 2 + task.beta * (-a * mean - log_z)


def _optimum(task: Alignment) -> tuple[float, float, float]:
    """a* solving a = gamma (E_{q_a} x - goal) / beta (bisection; the right side decreases in a),
    G(q_{a*}) and the curvature L = gamma Var_{q*}(x) / beta."""
    lo, hi = -50.0, 50.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        mean = tilt_family(task.reference, np.array([mid]))[2][0]
        if mid - task.gamma * (mean - task.goal) / task.beta > 0:
            hi = mid
        else:
            lo = mid
    a_star = np.array([0.5 * (lo + hi)])
    variance = tilt_family(task.reference, a_star)[3][0]
    return float(a_star[0]), float(_objective(task, a_star)[0]), task.gamma * float(variance) / task.beta


def _next_tilt(
    task: Alignment, k: int, first_variation: np.ndarray, weighted: np.ndarray, total: float, averaging: bool
) -> tuple[np.ndarray, np.ndarray, float]:
    """The next iterates' tilts from step ``k``'s first variations: their running average with weights j
    (``averaging``) or the last one alone, over beta; and the updated running sums."""
    if averaging:
        weighted, total = weighted + k * first_variation, total + k
        return weighted / total / task.beta, weighted, total
    return first_variation / task.beta, weighted, total


def _dual_averaging(task: Alignment, seed: int, tier: Tier, averaging: bool) -> Measurement:
    """R independent runs; iterate k+1 = p_ref exp(-g_k / beta) / Z with g_k the weighted average (weights
    j) of the sampled first variations gamma (mean of n draws of q_j - goal) x (``averaging=False``: the
    last one only). Series ``gap``: (k, mean over runs of G(q_k) - G(q*)); scalar ``curvature`` L."""
    runs = tier.pick(smoke=20, default=100, full=400)
    rng = np.random.default_rng(seed)
    _, g_star, curvature = _optimum(task)
    a = np.zeros(runs)
    weighted, total = np.zeros(runs), 0.0
    ks, gaps = [], []
    for k in range(1, ITERATIONS + 1):
        draws = tilt_family_sample(task.reference, a, SAMPLES_PER_STEP, rng)
        first_variation = task.gamma * (draws.mean(axis=1) - task.goal)  # coefficient of x in dF/dq
        a, weighted, total = _next_tilt(task, k, first_variation, weighted, total, averaging)
        ks.append(float(k))
        gaps.append(float(np.mean(_objective(task, a) - g_star)))
    return Measurement.one(series={"gap": (ks, gaps)}, scalars={"curvature": curvature})


def _dual_averaging_batched(
    task: Alignment, seeds: Sequence[int], tier: Tier, averaging: bool
) -> list[Measurement]:
    """:func:`_dual_averaging` for several seeds, their runs stacked (each seed's own generator)."""
    runs = tier.pick(smoke=20, default=100, full=400)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    _, g_star, curvature = _optimum(task)
    a = np.zeros((len(seeds), runs))
    weighted, total = np.zeros_like(a), 0.0
    ks, gaps = [], []
    family = tilt_family(task.reference, a.reshape(-1))  # of the current iterates: sampled, then judged
    for k in range(1, ITERATIONS + 1):
        draws = tilt_family_sample_batched(task.reference, a, SAMPLES_PER_STEP, rngs, family)
        first_variation = task.gamma * (draws.mean(axis=2) - task.goal)
        a, weighted, total = _next_tilt(task, k, first_variation, weighted, total, averaging)
        ks.append(float(k))
        family = tilt_family(task.reference, a.reshape(-1))
        gaps.append(np.mean((_objective(task, a.reshape(-1), family) - g_star).reshape(a.shape), axis=1))
    per_seed = np.array(gaps).T  # (S, ITERATIONS)
    return [
        Measurement.one(series={"gap": (ks, [float(g) for g in row])}, scalars={"curvature": curvature})
        for row in per_seed
    ]


def dual_averagings(task: Alignment, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``dual_averaging`` for several seeds, stacked."""
    return _dual_averaging_batched(task, seeds, tier, averaging=True)


def last_variation_iterations(task: Alignment, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``last_variation_iteration`` for several seeds, stacked."""
    return _dual_averaging_batched(task, seeds, tier, averaging=False)


def dual_averaging(task: Alignment, seed: int, tier: Tier) -> Measurement:
    return _dual_averaging(task, seed, tier, averaging=True)


def last_variation_iteration(task: Alignment, seed: int, tier: Tier) -> Measurement:
    """Control: q_{k+1} from the last first variation only (no averaging)."""
    return _dual_averaging(task, seed, tier, averaging=False)
