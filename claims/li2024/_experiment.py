"""Shared experiments of the li2024 claims: perturbation instability by quadrature, and DSM training.

The instability of a perturbation law at diffusion time t is the KL divergence
between the VP forward marginal of a clean point, N(alpha x, sigma^2), and
that of the perturbed point x + e diffused with an injected noise level
sigma_r, the law of alpha (x + e) + sigma_r z (tasks/noisy_samples.py). The
claims integrate it over the times where the perturbation's share of the
marginal's variance, alpha^2 r^2 / sigma^2, runs from 0.95 down to 0.05 (the
window where sigma_r^2 = sigma^2 - alpha^2 r^2 is feasible and the
perturbation still matters). This measure is our reconstruction: the paper's
exact definition could not be read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch

from models.score_mlp import ScoreConfig, ScoreMLP, train_dsm, train_dsm_batched
from tasks.gaussians import wasserstein1_to_mixture
from tasks.noisy_samples import (
    NoisyDataset,
    Perturbation,
    adjusted_noise,
    draw,
    instability_curve,
    instability_grid,
    minimal_instability_curve,
    noisy_law,
    time_integral,
)
from tasks.sde import VPSchedule, reverse_diffusion
from theorycheck import Measurement, Tier

SCHEDULE = VPSchedule()


def instability(p: Perturbation, seed: int, tier: Tier) -> Measurement:
    """Time-integrated instability of ``p`` under four choices of the injected noise level.

    Scalars: ``instability_adjusted`` (sigma_r^2 = sigma^2 - alpha^2 r^2, the
    risk-sensitive level), ``instability_standard`` (sigma_r = sigma, no
    correction), ``instability_unscaled`` (sigma_r^2 = sigma^2 - r^2, the
    correction without the signal scale alpha), ``instability_min`` (the
    smallest KL over sigma_r at each time). The seed draws the times (one per cell of the window).
    """
    rng = np.random.default_rng(seed)
    grid = instability_grid(p.risk, SCHEDULE, points=tier.pick(smoke=6, default=24, full=48), rng=rng)
    minimal, _ = minimal_instability_curve(p, grid)
    levels = {
        "adjusted": adjusted_noise(p.risk, grid.alpha, grid.sigma),
        "standard": grid.sigma,
        "unscaled": adjusted_noise(p.risk, grid.alpha, grid.sigma, signal_scaled=False),
    }
    scalars = {
        f"instability_{k}": time_integral(grid, instability_curve(p, grid, v)) for k, v in levels.items()
    }
    scalars["instability_min"] = time_integral(grid, minimal)
    return Measurement.one(scalars=scalars)


def laplace_instability(p: Perturbation, seed: int, tier: Tier) -> Measurement:
    """Control: the same risk, Laplace-shaped perturbation."""
    return instability(replace(p, shape=1.0), seed, tier)


def near_uniform_instability(p: Perturbation, seed: int, tier: Tier) -> Measurement:
    """Control: the same risk, a generalised-normal perturbation of shape 8 (close to uniform)."""
    return instability(replace(p, shape=8.0), seed, tier)


def gaussian_instability(p: Perturbation, seed: int, tier: Tier) -> Measurement:
    """Control: the same risk, Gaussian perturbation."""
    return instability(replace(p, shape=2.0), seed, tier)


def _score_config(tier: Tier) -> ScoreConfig:
    return tier.pick(
        smoke=ScoreConfig(steps=150, batch=256),
        default=ScoreConfig(steps=1500, batch=1024),
        full=ScoreConfig(steps=6000, batch=1024, width=128),
    )


def _fit(data: NoisyDataset, seed: int, tier: Tier, risk_sensitive: bool) -> Measurement:
    """Train a score MLP on the observed samples, sample it, and place its law between clean and noisy.

    Scalars: ``share`` = W1(gen, clean) / (W1(gen, clean) + W1(gen, noisy law))
    (0 at the clean law, 1 at the noisy law); ``w1_ratio`` = W1(gen, clean) /
    W1(noisy law, clean) by quadrature; ``train_loss`` (final 10% of steps).
    """
    rng = np.random.default_rng(seed)
    generator = torch.Generator().manual_seed(seed)
    x, risk = draw(data, rng)
    model, loss = train_dsm(
        x[:, None], risk, _score_config(tier), risk_sensitive=risk_sensitive, generator=generator
    )
    return _judge_model(data, model, loss, rng, tier)


def _fit_seeds(
    data: NoisyDataset, seeds: Sequence[int], tier: Tier, risk_sensitive: bool
) -> list[Measurement]:
    """``_fit`` for several seeds, the score MLPs trained as one batched model (each seed's rng and
    generator seeded and drawn from as ``_fit`` does)."""
    rngs = [np.random.default_rng(seed) for seed in seeds]
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    draws = [draw(data, rng) for rng in rngs]
    models, losses = train_dsm_batched(
        [x[:, None] for x, _ in draws],
        [risk for _, risk in draws],
        _score_config(tier),
        risk_sensitive=risk_sensitive,
        generators=generators,
    )
    return [
        _judge_model(data, model, loss, rng, tier)
        for model, loss, rng in zip(models, losses, rngs, strict=True)
    ]


def _judge_model(
    data: NoisyDataset, model: ScoreMLP, loss: float, rng: np.random.Generator, tier: Tier
) -> Measurement:
    """Sample the trained model by the reverse SDE and measure where its law lies (``_fit``'s scalars)."""
    particles = tier.pick(smoke=1000, default=4000, full=10000)
    gen = reverse_diffusion(
        model.score,
        SCHEDULE,
        rng.standard_normal((particles, 1)),
        steps=tier.pick(smoke=50, default=200),
        rng=rng,
    )[:, 0]
    to_clean = wasserstein1_to_mixture(gen, data.clean)
    to_noisy = wasserstein1_to_mixture(gen, noisy_law(data))
    noisy_vs_clean = wasserstein1_to_mixture(draw(data, rng)[0], data.clean)
    return Measurement.one(
        scalars={
            "share": to_clean / (to_clean + to_noisy),
            "w1_ratio": to_clean / noisy_vs_clean,
            "train_loss": loss,
        }
    )


def risk_sensitive_fit(data: NoisyDataset, seed: int, tier: Tier) -> Measurement:
    return _fit(data, seed, tier, risk_sensitive=True)


def risk_sensitive_fits(data: NoisyDataset, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``risk_sensitive_fit`` for several seeds, trained as one batched model."""
    return _fit_seeds(data, seeds, tier, risk_sensitive=True)


def standard_fit(data: NoisyDataset, seed: int, tier: Tier) -> Measurement:
    """Control: standard denoising score matching on the same noisy samples (risk ignored)."""
    return _fit(data, seed, tier, risk_sensitive=False)


def standard_fits(data: NoisyDataset, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``standard_fit`` for several seeds, trained as one batched model."""
    return _fit_seeds(data, seeds, tier, risk_sensitive=False)
