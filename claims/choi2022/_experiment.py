"""Shared experiments of the choi2022 claims: TSM for mutual information, and the density chasm.

The bridge is x_t = sqrt(1 - t^2) x_0 + t x_1 between p_0 (t = 0, the
"noise" or denominator) and p_1 (t = 1, the data or numerator), as in the
authors' toy code (ermongroup/dre-infinity: ``ToyInterpXt``,
``PeakedGaussians``, ``GaussiansforMI``); the TSM weight is their
lambda(t) = 1 - t^2 (+eps); the model is their parametric Gaussian-path
time score (``toy_param_mvn_mi``), here with a symmetric theta and, for the
1-D chasm, a learnt mean and a log-Cholesky variance (their 1-D model learns
the mean only, with p_1's variance built in).

The ``*_batched`` twins take several seeds and fit their models as one stacked
model (:func:`models.time_score.train_tsm_batched`,
:func:`models.time_score.fit_logistic_ratio_batched`), every seed's init and
draws from its own generator in the order of the unbatched experiment: the
same numbers up to float reduction order. The t-integrals and test draws after
training stay per seed (a small share of a unit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch

from models.time_score import (
    DTYPE,
    ClassifierConfig,
    GaussianPathTimeScore,
    Sampler,
    TSMConfig,
    fit_logistic_ratio,
    fit_logistic_ratio_batched,
    integrate_time_score,
    train_tsm,
    train_tsm_batched,
)
from tasks.density_ratio import CorrelatedPairs, PeakedGaussian
from tasks.gaussians import correlated_pairs
from theorycheck import Measurement, Tier


def _tsm_config(tier: Tier) -> TSMConfig:
    return tier.pick(smoke=TSMConfig(steps=40), default=TSMConfig(steps=800), full=TSMConfig(steps=4000))


def _pair_samplers(task: CorrelatedPairs) -> tuple[int, Sampler, Sampler]:
    """The dimension, p_0's sampler N(0, I) and p_1's (the correlated pairs)."""
    joint = correlated_pairs(task.rhos)
    chol = torch.tensor(np.linalg.cholesky(joint.sigma()), dtype=DTYPE)
    dim = joint.dim

    def draw0(n: int, g: torch.Generator) -> torch.Tensor:
        return torch.randn(n, dim, generator=g, dtype=DTYPE)

    def draw1(n: int, g: torch.Generator) -> torch.Tensor:
        return draw0(n, g) @ chol.T

    return dim, draw0, draw1


def _mutual_information(task: CorrelatedPairs, seed: int, tier: Tier, total_derivative: bool) -> Measurement:
    """Train the parametric time score by TSM on fresh draws (p_1: correlated pairs, p_0: N(0, I)),
    integrate it over t on 4000 draws of p_1. Scalar ``mi_ratio`` = MI estimate / true MI."""
    generator = torch.Generator().manual_seed(seed)
    dim, draw0, draw1 = _pair_samplers(task)
    model = GaussianPathTimeScore(dim, generator)
    config = replace(_tsm_config(tier), total_derivative=total_derivative)
    train_tsm(model, draw0, draw1, config, generator)
    estimate = float(integrate_time_score(model, draw1(4000, generator)).mean())
    return Measurement.one(scalars={"mi_ratio": estimate / task.mutual_information})


def _mutual_information_batched(
    task: CorrelatedPairs, seeds: Sequence[int], tier: Tier, total_derivative: bool
) -> list[Measurement]:
    """:func:`_mutual_information` for several seeds, the time scores trained as one stacked model."""
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    dim, draw0, draw1 = _pair_samplers(task)
    models = [GaussianPathTimeScore(dim, g) for g in generators]
    config = replace(_tsm_config(tier), total_derivative=total_derivative)
    train_tsm_batched(models, [draw0] * len(seeds), [draw1] * len(seeds), config, generators)
    return [
        Measurement.one(
            scalars={
                "mi_ratio": float(integrate_time_score(model, draw1(4000, g)).mean())
                / task.mutual_information
            }
        )
        for model, g in zip(models, generators, strict=True)
    ]


def mutual_information(task: CorrelatedPairs, seed: int, tier: Tier) -> Measurement:
    return _mutual_information(task, seed, tier, total_derivative=False)


def mutual_information_total_derivative(task: CorrelatedPairs, seed: int, tier: Tier) -> Measurement:
    """Control: TSM with x_t built from the differentiated t (d/dt along the path, not at fixed x)."""
    return _mutual_information(task, seed, tier, total_derivative=True)


def mutual_information_batched(task: CorrelatedPairs, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`mutual_information` for several seeds, trained as one stacked model."""
    return _mutual_information_batched(task, seeds, tier, total_derivative=False)


def mutual_information_total_derivative_batched(
    task: CorrelatedPairs, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`mutual_information_total_derivative` for several seeds, trained as one stacked model."""
    return _mutual_information_batched(task, seeds, tier, total_derivative=True)


def chasm(task: PeakedGaussian, seed: int, tier: Tier) -> Measurement:
    """KL(p_1 || p_0) estimated from the same finite samples by DRE-infinity (TSM on bridges of
    minibatch pairs, then the t-integral) and by one logistic classifier of the same Gaussian
    log-ratio family (plus a constant). Scalars: ``dre_error`` and ``classifier_error``, relative
    |KL_hat - KL| / KL, KL_hat the mean estimated log ratio over 20000 fresh p_1 draws."""
    generator = torch.Generator().manual_seed(seed)
    steps = _chasm_steps(tier)
    data0 = torch.randn(task.samples, 1, generator=generator, dtype=DTYPE)
    data1 = task.std * torch.randn(task.samples, 1, generator=generator, dtype=DTYPE)
    test = task.std * torch.randn(20000, 1, generator=generator, dtype=DTYPE)
    dre = GaussianPathTimeScore(1, generator, learn_mean=True, init=0.0, cholesky=True)
    train_tsm(dre, _from_set(data0), _from_set(data1), TSMConfig(steps=steps, lr=5e-2), generator)
    dre_kl = float(integrate_time_score(dre, test).mean())
    clf = GaussianPathTimeScore(1, generator, learn_mean=True, init=0.0, cholesky=True)
    offset = fit_logistic_ratio(clf, data0, data1, ClassifierConfig(steps=steps, lr=5e-2), generator)
    with torch.no_grad():
        clf_kl = float((clf.log_ratio(test) + offset).mean())
    return _chasm_row(task, dre_kl, clf_kl)


def overlapping_chasm(task: PeakedGaussian, seed: int, tier: Tier) -> Measurement:
    """Control: the same comparison without a chasm (p_1 = N(0, 0.5^2), KL 0.32 nats)."""
    return chasm(replace(task, std=0.5), seed, tier)


def _chasm_steps(tier: Tier) -> int:
    return tier.pick(smoke=40, default=600, full=5000)


def _from_set(data: torch.Tensor) -> Sampler:
    return lambda n, g: data[torch.randint(len(data), (n,), generator=g)]


def _chasm_row(task: PeakedGaussian, dre_kl: float, clf_kl: float) -> Measurement:
    return Measurement.one(
        scalars={
            "dre_error": abs(dre_kl - task.kl) / task.kl,
            "classifier_error": abs(clf_kl - task.kl) / task.kl,
        }
    )


def chasm_batched(task: PeakedGaussian, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`chasm` for several seeds: each estimator's seeds fitted as one stacked model."""
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]
    steps = _chasm_steps(tier)
    data0, data1, tests, dres = [], [], [], []
    for g in generators:  # the draws of chasm() before training, in its order
        data0.append(torch.randn(task.samples, 1, generator=g, dtype=DTYPE))
        data1.append(task.std * torch.randn(task.samples, 1, generator=g, dtype=DTYPE))
        tests.append(task.std * torch.randn(20000, 1, generator=g, dtype=DTYPE))
        dres.append(GaussianPathTimeScore(1, g, learn_mean=True, init=0.0, cholesky=True))
    config = TSMConfig(steps=steps, lr=5e-2)
    train_tsm_batched(dres, [_from_set(d) for d in data0], [_from_set(d) for d in data1], config, generators)
    clfs = [GaussianPathTimeScore(1, g, learn_mean=True, init=0.0, cholesky=True) for g in generators]
    offsets = fit_logistic_ratio_batched(
        clfs, data0, data1, ClassifierConfig(steps=steps, lr=5e-2), generators
    )
    rows = []
    for dre, clf, offset, test in zip(dres, clfs, offsets, tests, strict=True):
        dre_kl = float(integrate_time_score(dre, test).mean())
        with torch.no_grad():
            clf_kl = float((clf.log_ratio(test) + offset).mean())
        rows.append(_chasm_row(task, dre_kl, clf_kl))
    return rows


def overlapping_chasm_batched(task: PeakedGaussian, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`overlapping_chasm` for several seeds, fitted as stacked models."""
    return chasm_batched(replace(task, std=0.5), seeds, tier)
