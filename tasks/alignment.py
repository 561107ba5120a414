"""Aligning a diffusion model's law by tilts (Kawata, Oko, Nitanda, Suzuki 2025): instances and closed forms.

A pretrained diffusion model is stood in for by its exact reference law, a
1-D Gaussian mixture p_ref, whose VP-noised marginals and scores are closed
form (:mod:`tasks.gaussians`). Alignment targets exponential tilts
p_ref(x) exp(c x) / Z.

* :func:`h_transform_score`: the reverse-time drift score of Doob's
  h-transform, score_ref(x, t) + grad log h_t(x) with h_t(x) = E[exp(c X_0) |
  X_t = x] under the reference forward process, computed from its
  definition: grad log h_t(x) = (alpha_t / sigma_t^2) (E_c[X_0 | x] - E[X_0 | x]),
  the difference of the tilted and plain posterior means of X_0 (the
  posterior of a mixture is a mixture). Variants for the controls: the
  reference score alone, and "naive guidance" (the clean-data potential's
  gradient c added at every noise level).
* :func:`estimated_h_transform_score`: the same with grad log h_t estimated
  from a finite sample of the reference (self-normalised importance weights).
* :class:`Tilt`, :class:`SeparatedTilt`, :class:`Alignment`: what the
  claims quantify over, with their strategies.
* 1-D tilt families: moments and log-normaliser of p_ref exp(-a x) / Z for a
  vector of tilts a, and exact sampling from them (dual averaging iterates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .gaussians import (
    GaussianMixture,
    as_matrix,
    gaussian_mixtures,
    mixture,
    mixture_cov,
    mixture_score,
    noised,
    posterior,
    responsibilities_1d,
    score_1d,
    tilted,
    wasserstein1_between_mixtures,
)
from .sde import VPSchedule

ScoreFn = Callable[[np.ndarray, float], np.ndarray]


def _tilted_posterior_means(mix: GaussianMixture, y: np.ndarray, alpha: float, sigma: float, c: float):
    """E[X_0 | y] and E_c[X_0 | y] (posterior tilted by exp(c x_0)), each (n,), for a 1-D mixture."""
    resp, means, covs = posterior(mix, y, alpha, sigma)  # (n, K), (n, K, 1), (K, 1, 1)
    m, v = means[..., 0], covs[None, :, 0, 0]
    plain = (resp * m).sum(axis=1)
    logw = np.log(np.maximum(resp, 1e-300)) + c * m + 0.5 * c * c * v
    w = np.exp(logw - logw.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    return plain, (w * (m + v * c)).sum(axis=1)


def h_transform_score(
    reference: GaussianMixture, c: float, schedule: VPSchedule, variant: str = "doob"
) -> ScoreFn:
    """Score field for :func:`tasks.sde.reverse_diffusion` that targets p_ref exp(c x) / Z.

    ``variant``: "doob" (reference score + grad log h_t), "reference" (the
    reference score alone: no alignment), "guidance" (reference score + c,
    the tilt's gradient at the current point instead of h_t).
    """
    if variant not in ("doob", "reference", "guidance"):
        raise ValueError(f"unknown variant {variant!r}")

    def score(x: np.ndarray, t: float) -> np.ndarray:
        alpha, sigma = float(schedule.alpha(t)), float(schedule.sigma(t))
        base = mixture_score(noised(reference, alpha, sigma), x)
        if variant == "reference":
            return base
        if variant == "guidance":
            return base + c
        plain, tilted_mean = _tilted_posterior_means(reference, x, alpha, sigma, c)
        return base + (alpha / sigma**2) * (tilted_mean - plain)[:, None]

    return score


def estimated_h_transform_score(
    reference: GaussianMixture, c: float, schedule: VPSchedule, draws: np.ndarray, grid: int | None = None
) -> ScoreFn:
    """Reference score + a Monte Carlo estimate of grad log h_t from ``draws`` (N,) of the reference.

    h_t(x) = E[exp(c X_0) | X_t = x] is estimated by the reference draws y_i weighted by the forward
    kernel N(x; alpha_t y_i, sigma_t^2): grad log h_t(x) ~ (alpha_t / sigma_t^2) (sum_i w^c_i y_i -
    sum_i w_i y_i), with w_i ∝ N(x; alpha_t y_i, sigma_t^2) and w^c_i ∝ w_i exp(c y_i) (self-normalised
    importance weights; the estimator the paper builds from samples of the pretrained model). The
    reference score stays exact. ``grid``: evaluate the estimate at that many equispaced points over
    the particles' range and interpolate linearly (1-D only; for run time), else at every particle.
    """
    y = np.asarray(draws, dtype=float).reshape(-1)

    def grad_log_h(x: np.ndarray, alpha: float, sigma: float) -> np.ndarray:
        logk = -((x[:, None] - alpha * y[None, :]) ** 2) / (2.0 * sigma**2)  # (n, N)
        w = np.exp(logk - logk.max(axis=1, keepdims=True))
        logc = logk + c * y[None, :]
        wc = np.exp(logc - logc.max(axis=1, keepdims=True))
        return (alpha / sigma**2) * ((wc @ y) / wc.sum(axis=1) - (w @ y) / w.sum(axis=1))

    def score(x: np.ndarray, t: float) -> np.ndarray:
        alpha, sigma = float(schedule.alpha(t)), float(schedule.sigma(t))
        base = mixture_score(noised(reference, alpha, sigma), x)
        if grid is None:
            return base + grad_log_h(x[:, 0], alpha, sigma)[:, None]
        nodes = np.linspace(float(x.min()), float(x.max()), grid)
        return base + np.interp(x[:, 0], nodes, grad_log_h(nodes, alpha, sigma))[:, None]

    return score


def h_transform_score_batched(
    reference: GaussianMixture, c: float, schedule: VPSchedule, variant: str = "doob"
) -> ScoreFn:
    """:func:`h_transform_score` for stacked particles x (S, n, 1) of a 1-D reference, in closed form:
    the noised reference's responsibilities are computed once and serve both the reference score and
    the posterior (equal to the unbatched field up to float rounding)."""
    if variant not in ("doob", "reference", "guidance"):
        raise ValueError(f"unknown variant {variant!r}")
    w, m, cov = reference.arrays()
    mean, var = m[:, 0], cov[:, 0, 0]

    def score(x: np.ndarray, t: float) -> np.ndarray:
        alpha, sigma = float(schedule.alpha(t)), float(schedule.sigma(t))
        noised_var = alpha**2 * var + sigma**2
        resp = responsibilities_1d(w, alpha * mean, noised_var, x)  # K arrays (S, n, 1)
        base = score_1d(resp, alpha * mean, noised_var, x)
        if variant == "guidance":
            return base + c
        if variant == "reference":
            return base
        gain = alpha * var / noised_var
        post_means = [m_k + g_k * (x - alpha * m_k) for m_k, g_k in zip(mean, gain, strict=True)]
        post_vars = var - alpha * gain * var
        plain = _weighted_sum(resp, post_means)
        logw = [
            np.log(np.maximum(r, 1e-300)) + c * pm + 0.5 * c * c * pv
            for r, pm, pv in zip(resp, post_means, post_vars, strict=True)
        ]
        top = np.maximum.reduce(logw)
        exps = [np.exp(lw - top) for lw in logw]
        tilted_mean = _weighted_sum(exps, [pm + pv * c for pm, pv in zip(post_means, post_vars, strict=True)])
        tilted_mean = tilted_mean / sum(exps[1:], exps[0])
        return base + (alpha / sigma**2) * (tilted_mean - plain)

    return score


def estimated_h_transform_score_batched(
    reference: GaussianMixture, c: float, schedule: VPSchedule, draws: np.ndarray, grid: int
) -> ScoreFn:
    """:func:`estimated_h_transform_score` (with ``grid``) for stacked particles x (S, n, 1), seed s's
    estimate from its own reference draws ``draws[s]`` (S, N) and on its own grid over x[s]. Equal to the
    unbatched field up to float rounding: the tilted weights are the kernel weights times exp(c y_i) (one
    exponential less) and the four weighted sums are one matrix product (fewer passes over (S, G, N))."""
    y = np.asarray(draws, dtype=float)  # (S, N)
    w_ref, m, cov = reference.arrays()
    mean, var = m[:, 0], cov[:, 0, 0]
    tilt = np.exp(c * y - (c * y).max(axis=1, keepdims=True))
    # the four kernel-weighted sums (of y, 1, y exp(c y), exp(c y)) as one matrix product
    moments = np.stack([y, np.ones_like(y), tilt * y, tilt], axis=2)  # (S, N, 4)
    scaled = np.empty_like(y)

    def grad_log_h(nodes: np.ndarray, alpha: float, sigma: float) -> np.ndarray:
        # kernel weights exp(logk - max logk) = exp((min d^2 - d^2) / (2 sigma^2)), in place: (S, G, N)
        w = np.subtract(nodes[:, :, None], np.multiply(alpha, y, out=scaled)[:, None, :])
        np.square(w, out=w)
        np.subtract(w.min(axis=2, keepdims=True), w, out=w)
        np.multiply(w, 0.5 / sigma**2, out=w)
        np.exp(w, out=w)
        sums = w @ moments  # (S, G, 4)
        return (alpha / sigma**2) * (sums[..., 2] / sums[..., 3] - sums[..., 0] / sums[..., 1])

    def score(x: np.ndarray, t: float) -> np.ndarray:
        alpha, sigma = float(schedule.alpha(t)), float(schedule.sigma(t))
        noised_var = alpha**2 * var + sigma**2
        base = score_1d(
            responsibilities_1d(w_ref, alpha * mean, noised_var, x[..., 0]),
            alpha * mean,
            noised_var,
            x[..., 0],
        )
        nodes = np.linspace(x.min(axis=(1, 2)), x.max(axis=(1, 2)), grid, axis=1)  # (S, G)
        g = grad_log_h(nodes, alpha, sigma)
        h = np.stack([np.interp(x[s, :, 0], nodes[s], g[s]) for s in range(len(x))])
        return (base + h)[..., None]

    return score


def _weighted_sum(weights: list[np.ndarray], values: list[np.ndarray]) -> np.ndarray:
    terms = [w * v for w, v in zip(weights, values, strict=True)]
    return sum(terms[1:], terms[0])


# --- instances --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Tilt:
    """Target p_ref(x) exp(c x) / Z for a 1-D mixture reference."""

    reference: GaussianMixture
    c: float

    def target(self) -> GaussianMixture:
        return tilted(self.reference, np.array([self.c]))


def tilts(
    *, min_c: float = 0.2, max_c: float = 0.8, min_shift: float = 0.5, max_weight: float = 0.97
) -> st.SearchStrategy[Tilt]:
    """Tilts of multimodal references: 2-3 components at least 4 stds apart (means in [-3, 3], stds in
    [0.3, 0.7]), |c| in [min_c, max_c] of either sign, kept when the tilt moves the law materially
    (W1(p_ref, target) >= min_shift) without collapsing it (every tilted weight <= max_weight).

    Shrinking moves towards two components, the smallest |c| and equal weights.
    """
    if not 0.0 < min_c <= max_c:
        raise InvalidArgument(f"need 0 < min_c={min_c} <= max_c={max_c}")
    magnitude = st.floats(min_value=min_c, max_value=max_c)
    signed = st.tuples(magnitude, st.booleans()).map(lambda p: -p[0] if p[1] else p[0])
    reference = gaussian_mixtures(min_std=0.3, max_std=0.7, min_separation=4.0)

    def material(tilt: Tilt) -> bool:
        target = tilt.target()
        return (
            max(target.weights) <= max_weight
            and wasserstein1_between_mixtures(tilt.reference, target, grid=2001) >= min_shift
        )

    return st.builds(Tilt, reference=reference, c=signed).filter(material)


@dataclass(frozen=True, kw_only=True)
class SeparatedTilt:
    """Two unit-variance modes at +-delta/2, reference weight ``weight`` on the upper mode, tilted so that
    the upper mode's weight becomes ``target_weight`` whatever the separation delta."""

    weight: float
    target_weight: float
    separations: tuple[float, ...] = (2.0, 4.0, 6.0, 8.0)

    def reference(self, delta: float) -> GaussianMixture:
        eye = as_matrix(np.eye(1))
        return GaussianMixture(
            weights=(1.0 - self.weight, self.weight), means=((-delta / 2,), (delta / 2,)), covs=(eye, eye)
        )

    def c(self, delta: float) -> float:
        """Tilt exp(c x) moving the upper mode's weight from ``weight`` to ``target_weight``."""
        logit = np.log(self.target_weight / (1 - self.target_weight)) - np.log(
            self.weight / (1 - self.weight)
        )
        return float(logit / delta)


def separated_tilts(
    *, min_weight: float = 0.3, max_weight: float = 0.6, min_move: float = 0.15, max_target: float = 0.9
) -> st.SearchStrategy[SeparatedTilt]:
    """Reference upper-mode weight in [min_weight, max_weight], target weight at least ``min_move`` above it
    and at most ``max_target``. Shrinking moves towards the smallest weights."""
    if not 0.0 < min_weight <= max_weight < max_target - min_move < 1.0:
        raise InvalidArgument("need 0 < min_weight <= max_weight < max_target - min_move < 1")
    return st.floats(min_value=min_weight, max_value=max_weight).flatmap(
        lambda w: st.builds(
            SeparatedTilt,
            weight=st.just(w),
            target_weight=st.floats(min_value=w + min_move, max_value=max_target),
        )
    )


@dataclass(frozen=True, kw_only=True)
class Alignment:
    """min_q gamma/2 (E_q[x] - goal)^2 + beta KL(q || p_ref): a convex, nonlinear objective over laws."""

    reference: GaussianMixture
    gamma: float
    beta: float
    goal: float


def alignments(
    *, min_stiffness: float = 1.5, max_stiffness: float = 4.0, beta: float = 1.0, max_goal: float = 1.5
) -> st.SearchStrategy[Alignment]:
    """Bimodal references (2 components, means in [-2.5, 2.5] at least 3 stds apart, stds in [0.4, 0.8]),
    gamma = kappa beta / Var(p_ref) with stiffness kappa in [min_stiffness, max_stiffness] (kappa > 1 is
    the regime where iterating the last first variation overshoots), goal in [-max_goal, max_goal].

    Shrinking moves towards the smallest stiffness and goal 0."""
    if not 0.0 < min_stiffness <= max_stiffness or beta <= 0:
        raise InvalidArgument("need 0 < min_stiffness <= max_stiffness and beta > 0")

    def build(reference: GaussianMixture, kappa: float, goal: float) -> Alignment:
        variance = float(mixture_cov(reference)[0, 0])
        return Alignment(reference=reference, gamma=kappa * beta / variance, beta=beta, goal=goal)

    return st.builds(
        build,
        gaussian_mixtures(
            min_components=2, max_components=2, max_abs_mean=2.5, min_std=0.4, max_std=0.8, min_separation=3.0
        ),
        st.floats(min_value=min_stiffness, max_value=max_stiffness),
        st.floats(min_value=-max_goal, max_value=max_goal),
    )


# --- 1-D tilt families (vectorised over tilts) ----------------------------------------------


def tilt_family(reference: GaussianMixture, a: np.ndarray) -> tuple[np.ndarray, ...]:
    """For q_a = p_ref exp(-a x) / Z(a), a (R,): component weights (R, K), means (R, K), the mean,
    variance and log Z(a) of q_a, each (R,)."""
    w, m, c = reference.arrays()
    mu, var = m[:, 0], c[:, 0, 0]
    a = np.asarray(a, dtype=float)[:, None]
    logw = np.log(w)[None] - a * mu[None] + 0.5 * a * a * var[None]
    log_z = np.logaddexp.reduce(logw, axis=1)
    weights = np.exp(logw - log_z[:, None])
    means = mu[None] - a * var[None]
    mean = (weights * means).sum(1)
    variance = (weights * (var[None] + means**2)).sum(1) - mean**2
    return weights, means, mean, variance, log_z


def tilt_family_sample(
    reference: GaussianMixture, a: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """n exact draws from each q_a: (R, n)."""
    weights, means, _, _, _ = tilt_family(reference, a)
    sd = np.sqrt(reference.arrays()[2][:, 0, 0])
    labels = (rng.random((len(weights), n))[..., None] > np.cumsum(weights, 1)[:, None, :]).sum(-1)
    labels = np.minimum(labels, weights.shape[1] - 1)
    return np.take_along_axis(means, labels, 1) + sd[labels] * rng.standard_normal(labels.shape)


def one_component(mean: float, std: float) -> GaussianMixture:
    """A 1-D Gaussian as a mixture (for tests and controls)."""
    return mixture(np.ones(1), np.array([[mean]]), np.array([[[std * std]]]))


def tilt_family_sample_batched(
    reference: GaussianMixture,
    a: np.ndarray,
    n: int,
    rngs: Sequence[np.random.Generator],
    family: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """:func:`tilt_family_sample` for S stacked sets of tilts a (S, R), set s drawn from ``rngs[s]`` in
    the unbatched order (uniforms, then normals): (S, R, n). ``family``: :func:`tilt_family` of the
    flattened a where the caller has it already."""
    stacked, runs = a.shape
    weights, means, _, _, _ = tilt_family(reference, a.reshape(-1)) if family is None else family
    sd = np.sqrt(reference.arrays()[2][:, 0, 0])
    uniforms = np.concatenate([rng.random((runs, n)) for rng in rngs])
    normals = np.concatenate([rng.standard_normal((runs, n)) for rng in rngs])
    # label = #{k: u > cumulative weight k} capped at K - 1, i.e. the first k with u <= cumulative weight
    # k (the cumulative weights increase), else K - 1; the draw is means[label] + sd[label] z, set one
    # component at a time from the last down (the same numbers as indexing by label)
    cumulative = np.cumsum(weights, 1)
    last = weights.shape[1] - 1
    draws = means[:, last : last + 1] + sd[last] * normals
    for k in range(last - 1, -1, -1):
        draws = np.where(uniforms <= cumulative[:, k : k + 1], means[:, k : k + 1] + sd[k] * normals, draws)
    return draws.reshape(stacked, runs, n)
