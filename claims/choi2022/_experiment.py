"""Shared experiments of the choi2022 claims: TSM for mutual information, and the density chasm.

The bridge is x_t = sqrt(1 - t^2) x_0 + t x_1 between p_0 (t = 0, the
"noise" or denominator) and p_1 (t = 1, the data or numerator), as in the
authors' toy code (ermongroup/dre-infinity: ``ToyInterpXt``,
``PeakedGaussians``, ``GaussiansforMI``); the TSM weight is their
lambda(t) = 1 - t^2 (+eps); the model is their parametric Gaussian-path
time score (``toy_param_mvn_mi``), here with a symmetric theta and, for the
1-D chasm, a learnt mean and a log-Cholesky variance (their 1-D model learns
the mean only, with p_1's variance built in).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from models.time_score import (
    DTYPE,
    ClassifierConfig,
    GaussianPathTimeScore,
    TSMConfig,
    fit_logistic_ratio,
    integrate_time_score,
    train_tsm,
)
from tasks.density_ratio import CorrelatedPairs, PeakedGaussian
from tasks.gaussians import correlated_pairs
from theorycheck import Measurement, Tier


def _tsm_config(tier: Tier) -> TSMConfig:
    return tier.pick(smoke=TSMConfig(steps=40), default=TSMConfig(steps=800), full=TSMConfig(steps=4000))


def _mutual_information(task: CorrelatedPairs, seed: int, tier: Tier, total_derivative: bool) -> Measurement:
    """Train the parametric time score by TSM on fresh draws (p_1: correlated pairs, p_0: N(0, I)),
    integrate it over t on 4000 draws of p_1. Scalar ``mi_ratio`` = MI estimate / true MI."""
    generator = torch.Generator().manual_seed(seed)
    joint = correlated_pairs(task.rhos)
    chol = torch.tensor(np.linalg.cholesky(joint.sigma()), dtype=DTYPE)
    dim = joint.dim

    def draw0(n: int, g: torch.Generator) -> torch.Tensor:
        return torch.randn(n, dim, generator=g, dtype=DTYPE)

    def draw1(n: int, g: torch.Generator) -> torch.Tensor:
        return draw0(n, g) @ chol.T

    model = GaussianPathTimeScore(dim, generator)
    config = replace(_tsm_config(tier), total_derivative=total_derivative)
    train_tsm(model, draw0, draw1, config, generator)
    estimate = float(integrate_time_score(model, draw1(4000, generator)).mean())
    return Measurement.one(scalars={"mi_ratio": estimate / task.mutual_information})


def mutual_information(task: CorrelatedPairs, seed: int, tier: Tier) -> Measurement:
    return _mutual_information(task, seed, tier, total_derivative=False)


def mutual_information_total_derivative(task: CorrelatedPairs, seed: int, tier: Tier) -> Measurement:
    """Control: TSM with x_t built from the differentiated t (d/dt along the path, not at fixed x)."""
    return _mutual_information(task, seed, tier, total_derivative=True)


def chasm(task: PeakedGaussian, seed: int, tier: Tier) -> Measurement:
    """KL(p_1 || p_0) estimated from the same finite samples by DRE-infinity (TSM on bridges of
    minibatch pairs, then the t-integral) and by one logistic classifier of the same Gaussian
    log-ratio family (plus a constant). Scalars: ``dre_error`` and ``classifier_error``, relative
    |KL_hat - KL| / KL, KL_hat the mean estimated log ratio over 20000 fresh p_1 draws."""
    generator = torch.Generator().manual_seed(seed)
    steps = tier.pick(smoke=40, default=600, full=5000)
    data0 = torch.randn(task.samples, 1, generator=generator, dtype=DTYPE)
    data1 = task.std * torch.randn(task.samples, 1, generator=generator, dtype=DTYPE)

    def from_set(data: torch.Tensor):
        return lambda n, g: data[torch.randint(len(data), (n,), generator=g)]

    test = task.std * torch.randn(20000, 1, generator=generator, dtype=DTYPE)
    dre = GaussianPathTimeScore(1, generator, learn_mean=True, init=0.0, cholesky=True)
    train_tsm(dre, from_set(data0), from_set(data1), TSMConfig(steps=steps, lr=5e-2), generator)
    dre_kl = float(integrate_time_score(dre, test).mean())
    clf = GaussianPathTimeScore(1, generator, learn_mean=True, init=0.0, cholesky=True)
    offset = fit_logistic_ratio(clf, data0, data1, ClassifierConfig(steps=steps, lr=5e-2), generator)
    with torch.no_grad():
        clf_kl = float((clf.log_ratio(test) + offset).mean())
    return Measurement.one(
        scalars={
            "dre_error": abs(dre_kl - task.kl) / task.kl,
            "classifier_error": abs(clf_kl - task.kl) / task.kl,
        }
    )


def overlapping_chasm(task: PeakedGaussian, seed: int, tier: Tier) -> Measurement:
    """Control: the same comparison without a chasm (p_1 = N(0, 0.5^2), KL 0.32 nats)."""
    return chasm(replace(task, std=0.5), seed, tier)
