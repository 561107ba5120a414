"""Shared experiment of uematsu2024: one classifier per ambient dimension, projection scores and baselines.

One unit (one seed of one problem) draws, from ``numpy.random.default_rng(seed)``,
a data set at every d of the sweep (tasks/low_dim_ood.py: C clusters in a
random r-dimensional subspace), trains a one-hidden-layer ReLU network
(width 128 >= every d, so an untrained first layer has full rank) on 256 ID
inputs by full-batch SGD (lr 0.2, momentum 0.9, weight decay 0.03, 120 steps),
and reads the first layer's dimensionality-aware subspace V_k (right singular
vectors with s_i > 0.1 s_1; models/projection_ood.py).

* ``retention`` (series over d): mean ``||V_k x||^2 / ||x||^2`` of 500 isotropic
  OOD inputs divided by that of 500 ID test inputs: how much of an
  information-free input the low-dimensional weights pass on, relative to an
  inlier.
* At the largest d of the sweep, per OOD kind (isotropic, far, corrupted):
  AUROC of the projection ratio at the first layer, of the maximum softmax
  probability and of the hidden-layer Mahalanobis score (the downstream
  scores), and of the input-layer Mahalanobis score (full d x d covariance);
  ``proj_worst``, ``msp_worst``, ``downstream_worst`` (worst kind of the better downstream
  score), ``maha_input_worst``.
* At the largest d: ``bias_ood`` (mean over the far and isotropic sets of the
  share of OOD inputs predicted as the bias class, the class the network gives
  the zero input) and ``bias_id`` (the same share among ID test inputs).
* ``accuracy``: the smallest training accuracy over the sweep; ``rank``: k at
  the largest d.

Variants (the controls): ``untrained`` (no step), ``no_decay`` (weight decay 0),
``random_subspace`` (V_k replaced by a Haar-random subspace of the same k),
``in_subspace`` (every OOD set replaced by fresh clusters inside the ID
subspace). The optimiser settings were fixed after a prototype (120 steps of
momentum SGD with decay 0.03 shrink the untrained bulk of the first layer by
about e^-7; the authors' 1200 epochs at decay 5e-4 shrink it far more).
"""

from __future__ import annotations

import numpy as np

from models.projection_ood import (
    Trained,
    auroc,
    dominant_subspace,
    mahalanobis_scores,
    max_softmax,
    projection_ratio,
    random_subspace,
    train_classifier,
)
from tasks.low_dim_ood import LowDimData, LowDimProblem
from theorycheck import Curve, Measurement, Tier

DIMS = (8, 13, 20, 32, 51, 81, 128)
WIDTH = 128
RATIO = 0.1
N_TRAIN, N_TEST = 256, 500
LR, MOMENTUM, DECAY, STEPS = 0.2, 0.9, 0.03, 120
KINDS = ("isotropic", "far", "corrupted")


def _train(
    data: LowDimData, variant: str, seed: int, rng: np.random.Generator
) -> tuple[Trained, np.ndarray, np.ndarray]:
    x, y = data.inliers(N_TRAIN, rng)
    trained = train_classifier(
        x,
        y,
        classes=data.problem.classes,
        width=WIDTH,
        steps=0 if variant == "untrained" else STEPS,
        lr=LR,
        momentum=MOMENTUM,
        weight_decay=0.0 if variant == "no_decay" else DECAY,
        seed=seed,
    )
    return trained, x, y


def _subspace(trained: Trained, variant: str, rng: np.random.Generator) -> np.ndarray:
    basis = dominant_subspace(trained.weights(1), RATIO)
    if variant == "random_subspace":
        return random_subspace(basis.shape[1], basis.shape[0], rng)
    return basis


def _outliers(data: LowDimData, kind: str, variant: str, rng: np.random.Generator) -> np.ndarray:
    return data.outliers("in_subspace" if variant == "in_subspace" else kind, N_TEST, rng)


def _detection(
    data: LowDimData,
    trained: Trained,
    basis: np.ndarray,
    train: tuple[np.ndarray, np.ndarray],
    variant: str,
    rng: np.random.Generator,
) -> dict[str, float]:
    classes = data.problem.classes
    x_train, y_train = train
    x_id, _ = data.inliers(N_TEST, rng)
    h_train, _ = trained.features(x_train)
    h_id, logits_id = trained.features(x_id)
    scores_id = {
        "proj": projection_ratio(x_id, basis),
        "msp": max_softmax(logits_id),
        "maha_hidden": mahalanobis_scores(h_train, y_train, h_id, classes),
        "maha_input": mahalanobis_scores(x_train, y_train, x_id, classes),
    }
    zero_logits = trained.features(np.zeros((1, data.dim)))[1]
    bias_class = int(np.argmax(zero_logits[0]))
    shift_id = float(np.mean(np.sum((logits_id - zero_logits) ** 2, axis=1)))
    out: dict[str, float] = {"bias_id": float(np.mean(logits_id.argmax(axis=1) == bias_class))}
    shares = []
    for kind in KINDS:
        x_ood = _outliers(data, kind, variant, rng)
        h_ood, logits_ood = trained.features(x_ood)
        scores_ood = {
            "proj": projection_ratio(x_ood, basis),
            "msp": max_softmax(logits_ood),
            "maha_hidden": mahalanobis_scores(h_train, y_train, h_ood, classes),
            "maha_input": mahalanobis_scores(x_train, y_train, x_ood, classes),
        }
        for name, s_id in scores_id.items():
            out[f"auroc_{name}_{kind}"] = auroc(s_id, scores_ood[name])
        if kind in ("isotropic", "far"):
            shares.append(float(np.mean(logits_ood.argmax(axis=1) == bias_class)))
            out[f"bias_{kind}"] = shares[-1]
            out[f"shift_{kind}"] = float(np.mean(np.sum((logits_ood - zero_logits) ** 2, axis=1))) / shift_id
    out["bias_ood"] = float(np.mean(shares))
    out["proj_worst"] = min(out[f"auroc_proj_{k}"] for k in KINDS)
    out["msp_worst"] = min(out[f"auroc_msp_{k}"] for k in KINDS)
    out["downstream_worst"] = min(max(out[f"auroc_msp_{k}"], out[f"auroc_maha_hidden_{k}"]) for k in KINDS)
    out["maha_input_worst"] = min(out[f"auroc_maha_input_{k}"] for k in KINDS)
    return out


def _sweep(problem: LowDimProblem, seed: int, tier: Tier, variant: str) -> Measurement:
    rng = np.random.default_rng(seed)
    dims = tier.pick(smoke=DIMS[:5], default=DIMS)
    retention, accuracy, ranks = [], [], []
    scalars: dict[str, float] = {}
    for d in dims:
        data = problem.draw(d, rng)
        trained, x_train, y_train = _train(data, variant, seed, rng)
        accuracy.append(trained.accuracy)
        basis = _subspace(trained, variant, rng)
        ranks.append(float(basis.shape[0]))
        x_id, _ = data.inliers(N_TEST, rng)
        kept_id = float(np.mean(projection_ratio(x_id, basis)))
        kept_ood = float(np.mean(projection_ratio(_outliers(data, "isotropic", variant, rng), basis)))
        retention.append(kept_ood / kept_id)
        if d == dims[-1]:
            scalars = _detection(data, trained, basis, (x_train, y_train), variant, rng)
            scalars["rank"] = float(basis.shape[0])
            scalars["kept_id"] = kept_id
    scalars["accuracy"] = float(min(accuracy))
    series = {"retention": Curve.of(dims, retention), "rank": Curve.of(dims, ranks)}
    return Measurement.one(series=series, scalars=scalars)


def dimension_sweep(problem: LowDimProblem, seed: int, tier: Tier) -> Measurement:
    """The trained networks, their dimensionality-aware subspaces and every score (module docstring)."""
    return _sweep(problem, seed, tier, "trained")


def untrained_sweep(problem: LowDimProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the same networks at initialisation (no low-dimensional weights)."""
    return _sweep(problem, seed, tier, "untrained")


def no_decay_sweep(problem: LowDimProblem, seed: int, tier: Tier) -> Measurement:
    """Control: trained without weight decay (the untrained bulk of the first layer is kept)."""
    return _sweep(problem, seed, tier, "no_decay")


def random_subspace_sweep(problem: LowDimProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the trained networks, but the projection uses a random subspace of the same dimension k."""
    return _sweep(problem, seed, tier, "random_subspace")


def in_subspace_sweep(problem: LowDimProblem, seed: int, tier: Tier) -> Measurement:
    """Control: every OOD set replaced by fresh clusters inside the ID subspace (no low-dimensional gap)."""
    return _sweep(problem, seed, tier, "in_subspace")
