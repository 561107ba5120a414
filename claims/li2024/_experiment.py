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
from tasks.gaussians import mixture_sample, wasserstein1_to_mixture
from tasks.noisy_samples import (
    NoisyDataset,
    Perturbation,
    adjusted_noise,
    draw,
    instability_curve,
    instability_grid,
    leading_order_instability,
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
    smallest KL over sigma_r at each time), ``resolution`` (the quadrature's numerical floor: the same
    computation for a Gaussian perturbation of the same risk at its exact level, whose true value is 0,
    integrated in absolute value) and ``instability_leading`` (the fourth-cumulant term of the minimum,
    the predicted scale near shape 2). The seed draws the times (one per cell of the window).
    """
    rng = np.random.default_rng(seed)
    grid = instability_grid(p.risk, SCHEDULE, points=tier.pick(smoke=6, default=24, full=48), rng=rng)
    minimal, _ = minimal_instability_curve(p, grid)
    levels = {
        "adjusted": adjusted_noise(p.risk, grid.alpha, grid.sigma),
        "standard": grid.sigma,
        "unscaled": adjusted_noise(p.risk, grid.alpha, grid.sigma, signal_scaled=False),
    }
    curves = {k: instability_curve(p, grid, v) for k, v in levels.items()}
    scalars = {f"instability_{k}": time_integral(grid, curve) for k, curve in curves.items()}
    scalars["instability_min"] = time_integral(grid, minimal)
    gaussian = Perturbation(shape=2.0, risk=p.risk)
    if gaussian == p:  # the floor's curve is the adjusted one (the Gaussian control): the same numbers
        floor_curve = curves["adjusted"]
    else:
        floor_curve = instability_curve(gaussian, grid, levels["adjusted"])
    floor = time_integral(grid, np.abs(floor_curve))
    scalars["resolution"] = max(floor, float(np.finfo(float).tiny))
    scalars["instability_leading"] = time_integral(grid, leading_order_instability(p, grid))
    return Measurement.one(scalars=scalars)


def gaussian_instability(p: Perturbation, seed: int, tier: Tier) -> Measurement:
    """Control: the same risk, Gaussian perturbation."""
    return instability(replace(p, shape=2.0), seed, tier)


def _score_config(tier: Tier) -> ScoreConfig:
    return tier.pick(
        smoke=ScoreConfig(steps=150, batch=256),
        default=ScoreConfig(steps=1500, batch=1024),
        full=ScoreConfig(steps=6000, batch=1024, width=128),
    )


Arm = tuple[bool, int, bool]  # (risk_sensitive, training stream, risks shuffled)
_ARMS: dict[tuple[NoisyDataset, int, str, Arm], dict[str, float]] = {}


def _arm(data: NoisyDataset, seed: int, tier: Tier, arm: Arm) -> dict[str, float]:
    """Train one score MLP on the seed's observed samples, sample it, place its law between clean and noisy.

    ``arm`` = (risk_sensitive, stream, shuffled): the loss, the training stream (the generator of the
    minibatches, times and noise; the data and the sampler's draws depend on the seed alone) and
    whether the risk vector is permuted across samples before training. Returns ``share`` =
    W1(gen, clean) / (W1(gen, clean) + W1(gen, noisy law)) (0 at the clean law, 1 at the noisy law)
    and ``train_loss`` (final 10% of steps). Memoised in-process: the claim and its controls share arms.
    """
    return _arms(data, [seed], tier, arm, batched=False)[0]


def _arms(
    data: NoisyDataset, seeds: Sequence[int], tier: Tier, arm: Arm, *, batched: bool
) -> list[dict[str, float]]:
    """:func:`_arm` for several seeds; with ``batched`` the ones not yet memoised train as one
    batched model (``train_dsm_batched``: each seed's init, minibatches and noise from its own
    generator, drawn in ``train_dsm``'s order, so each seed's numbers are ``_arm``'s up to float
    reduction order)."""
    todo = [s for s in seeds if (data, s, tier.name, arm) not in _ARMS]
    if todo:
        risk_sensitive, stream, shuffled = arm
        observed = [_observed(data, seed, shuffled) for seed in todo]
        generators = [torch.Generator().manual_seed(2 * seed + stream) for seed in todo]
        config = _score_config(tier)
        if not batched:  # train_dsm, seed by seed: the reference
            trained = [
                train_dsm(x[:, None], risk, config, risk_sensitive=risk_sensitive, generator=g)
                for (x, risk), g in zip(observed, generators, strict=True)
            ]
        else:  # one stacked model even for a single uncached seed, so the cache state cannot matter
            models, losses = train_dsm_batched(
                [x[:, None] for x, _ in observed],
                [risk for _, risk in observed],
                config,
                risk_sensitive=risk_sensitive,
                generators=generators,
            )
            trained = list(zip(models, losses, strict=True))
        for seed, (model, loss) in zip(todo, trained, strict=True):
            _ARMS[(data, seed, tier.name, arm)] = {
                "share": _sampled_share(model, data, seed, tier),
                "train_loss": loss,
            }
    return [_ARMS[(data, s, tier.name, arm)] for s in seeds]


def _observed(data: NoisyDataset, seed: int, shuffled: bool) -> tuple[np.ndarray, np.ndarray]:
    """The seed's observed samples and their risks (permuted across samples when ``shuffled``)."""
    x, risk = draw(data, np.random.default_rng(seed))
    if shuffled:
        risk = np.random.default_rng([seed, 1]).permutation(risk)
    return x, risk


def _sampled_share(model: ScoreMLP, data: NoisyDataset, seed: int, tier: Tier) -> float:
    """The share of the law the reverse VP SDE draws from ``model`` (the seed's sampler draws)."""
    particles = tier.pick(smoke=1000, default=4000, full=10000)
    sampler = np.random.default_rng([seed, 2])
    gen = reverse_diffusion(
        model.score,
        SCHEDULE,
        sampler.standard_normal((particles, 1)),
        steps=tier.pick(smoke=50, default=200),
        rng=sampler,
    )[:, 0]
    return _share(gen, data)


def _share(sample: np.ndarray, data: NoisyDataset) -> float:
    to_clean = wasserstein1_to_mixture(sample, data.clean)
    return to_clean / (to_clean + wasserstein1_to_mixture(sample, noisy_law(data)))


RISK_SENSITIVE: Arm = (True, 0, False)
STANDARD: Arm = (False, 1, False)


def _paired(data: NoisyDataset, seed: int, tier: Tier, first: Arm) -> Measurement:
    """The ``first`` arm against standard DSM on the same samples (own training streams).

    Scalars: ``share_rs`` and ``train_loss_rs`` of the first arm, ``share_std`` and ``train_loss_std``
    of standard DSM, ``share_floor`` (the share of an exact draw of the clean law of the same size:
    the W1 estimates' Monte Carlo resolution).
    """
    return _paired_seeds(data, [seed], tier, first, batched=False)[0]


def _paired_seeds(
    data: NoisyDataset, seeds: Sequence[int], tier: Tier, first: Arm, *, batched: bool = True
) -> list[Measurement]:
    """:func:`_paired` for several seeds, each arm's models trained as one batched model."""
    firsts = _arms(data, seeds, tier, first, batched=batched)
    standards = _arms(data, seeds, tier, STANDARD, batched=batched)
    particles = tier.pick(smoke=1000, default=4000, full=10000)
    out = []
    for seed, a, b in zip(seeds, firsts, standards, strict=True):
        exact = mixture_sample(data.clean, particles, np.random.default_rng([seed, 3]))[:, 0]
        scalars = {
            "share_rs": a["share"],
            "share_std": b["share"],
            "share_floor": _share(exact, data),
            "train_loss_rs": a["train_loss"],
            "train_loss_std": b["train_loss"],
        }
        out.append(Measurement.one(scalars=scalars))
    return out


def paired_fit(data: NoisyDataset, seed: int, tier: Tier) -> Measurement:
    """The risk-sensitive loss against standard DSM, paired on the same samples."""
    return _paired(data, seed, tier, RISK_SENSITIVE)


def standard_pair(data: NoisyDataset, seed: int, tier: Tier) -> Measurement:
    """Control: the risk-sensitive arm trained by standard DSM (its own stream): standard against standard."""
    return _paired(data, seed, tier, (False, 0, False))


def shuffled_risk_pair(data: NoisyDataset, seed: int, tier: Tier) -> Measurement:
    """Control: the risk-sensitive loss with the risk vector permuted across samples (risk not known)."""
    return _paired(data, seed, tier, (True, 0, True))


def paired_fits(data: NoisyDataset, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`paired_fit` for the seeds of one look, each arm trained as one batched model."""
    return _paired_seeds(data, seeds, tier, RISK_SENSITIVE)


def standard_pairs(data: NoisyDataset, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`standard_pair` for the seeds of one look, batched."""
    return _paired_seeds(data, seeds, tier, (False, 0, False))


def shuffled_risk_pairs(data: NoisyDataset, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`shuffled_risk_pair` for the seeds of one look, batched."""
    return _paired_seeds(data, seeds, tier, (True, 0, True))
