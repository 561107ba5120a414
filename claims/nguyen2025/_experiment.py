"""Shared experiments of nguyen2025: NGD vs plain GD to the Bayes risk, and OOD recall.

Every run trains :class:`models.recall_attention.OneLayerRecall` full batch on
``n`` sequences with soft labels (the expected cross-entropy over the label
noise) and evaluates the same analytic loss on ``n`` fresh sequences, so the
excess risk ``gap = L - H(alpha)`` is never negative up to rounding and has no
label-sampling noise. The only randomness of a unit is the seed's training and
evaluation sample (and the full model's init).

Fit window (by value, not by step, as the catalogue spec prescribes): the
returned ``gap`` curve holds the NGD steps from the first one with
``gap < 0.1`` up to the last one before ``gap`` falls below
``max(10 * floor_hat, 1e-10)``, where ``floor_hat`` is the median gap over the
last 20% of the run. For alpha = 0 the floor is float resolution; for
alpha > 0 constant-step NGD stalls at an lr-dependent floor (the fixed-length
step overshoots the finite optimal ratio of the answer and noise logits) and
only the geometric phase above it is fitted.
"""

from __future__ import annotations

import numpy as np
import torch

from models.recall_attention import (
    OneLayerRecall,
    RecallConfig,
    TrainConfig,
    TrainLog,
    accuracy,
    recall_loss,
    train,
)
from tasks.recall import RecallBatch, RecallProblem, RecallTask, sample_recall
from theorycheck import Curve, Measurement, Tier

NGD_LR = 0.2  # structured model, normalised GD
GD_LR = 5.0  # structured model, plain GD (the mutant's optimiser)
FULL_LR = 0.5  # full matrices, normalised GD
WINDOW_TOP = 0.1


def _sizes(tier: Tier) -> tuple[int, int]:
    """(sequences per set, training steps) for the tier."""
    return tier.pick(smoke=128, default=512), tier.pick(smoke=120, default=300)


def _model(task: RecallTask, attention: str, param: str, gen: torch.Generator) -> OneLayerRecall:
    config = RecallConfig(
        vocab_size=task.vocab_size, triggers=task.triggers, attention=attention, param=param
    )
    return OneLayerRecall(config, gen)


def _fit(
    model: OneLayerRecall, train_set: RecallBatch, test: RecallBatch, alpha: float, cfg: TrainConfig
) -> TrainLog:
    return train(model, (train_set.tokens, train_set.ybar), (test.tokens, test.ybar), alpha, cfg)


def value_window(gap: np.ndarray) -> tuple[np.ndarray, float]:
    """Indices of the geometric-phase window of an excess-risk curve, and the floor estimate."""
    floor_hat = float(np.median(gap[-max(1, len(gap) // 5) :]))
    low = max(10.0 * max(floor_hat, 0.0), 1e-10)
    below_top = np.flatnonzero(gap < WINDOW_TOP)
    if len(below_top) == 0:
        return np.arange(0), floor_hat
    start = int(below_top[0])
    under = np.flatnonzero(gap[start:] < low)
    end = start + int(under[0]) if len(under) else len(gap)
    return np.arange(start, end), floor_hat


def _r2(u: np.ndarray, v: np.ndarray) -> float:
    if len(u) < 3 or np.ptp(u) == 0:
        return 0.0
    return float(np.corrcoef(u, v)[0, 1] ** 2)


def ngd_vs_gd(problem: RecallProblem, seed: int, tier: Tier) -> Measurement:
    """Structured model, NGD and plain GD from the same init on the same data: excess-risk curves."""
    task = problem.task
    n, steps = _sizes(tier)
    gen = torch.Generator().manual_seed(seed)
    train_set, test = sample_recall(task, n, gen), sample_recall(task, n, gen)
    curves = {}
    for name, opt, lr in (("ngd", "ngd", NGD_LR), ("gd", "gd", GD_LR)):
        model = _model(task, problem.attention, "structured", gen)
        log = _fit(model, train_set, test, task.alpha, TrainConfig(steps=steps, lr=lr, optimizer=opt))
        curves[name] = (log.steps, np.maximum(log.eval_loss - task.bayes_risk, 0.0))
        if name == "ngd":
            with torch.no_grad():
                acc = accuracy(model(test.tokens), test.ybar)
    t, gap = curves["ngd"]
    idx, floor_hat = value_window(gap)
    tw, gw = t[idx], gap[idx]
    positive = gw > 0
    r2_semilog = _r2(tw[positive], np.log(gw[positive]))
    r2_loglog = _r2(np.log(tw[positive]), np.log(gw[positive]))
    return Measurement.one(
        series={
            "gap": Curve.of(tw, gw),
            "gap_full": Curve.of(t, gap),
            "gap_gd": Curve.of(*curves["gd"]),
        },
        scalars={
            "acc": acc,
            "final_gap": float(gap[-1]),
            "final_gap_gd": float(curves["gd"][1][-1]),
            "floor_hat": floor_hat,
            "window_points": float(len(idx)),
            "r2_semilog": r2_semilog,
            "r2_loglog": r2_loglog,
        },
    )


def bayes_optimality(problem: RecallProblem, seed: int, tier: Tier) -> Measurement:
    """Excess risk of the NGD-trained structured model and of the best context-blind predictor."""
    task = problem.task
    n, steps = _sizes(tier)
    gen = torch.Generator().manual_seed(seed)
    train_set, test = sample_recall(task, n, gen), sample_recall(task, n, gen)
    model = _model(task, problem.attention, "structured", gen)
    log = _fit(model, train_set, test, task.alpha, TrainConfig(steps=steps, lr=NGD_LR, optimizer="ngd"))
    # context-blind predictor: the empirical answer frequencies of the training set (and alpha on tau)
    counts = torch.bincount(train_set.ybar, minlength=task.vocab_size).double() + 1e-12
    blind = torch.log((1 - task.alpha) * counts / counts.sum())
    blind[-1] = np.log(task.alpha) if task.alpha > 0 else -1e9
    blind_loss = recall_loss(blind.expand(len(test.ybar), -1), test.ybar, task.alpha)
    with torch.no_grad():
        acc = accuracy(model(test.tokens), test.ybar)
    return Measurement.one(
        scalars={
            "gap": float(log.eval_loss[-1] - task.bayes_risk),
            "train_gap": float(log.train_loss[-1] - task.bayes_risk),
            "blind_gap": float(blind_loss) - task.bayes_risk,
            "acc": acc,
        }
    )


def ood(problem: RecallProblem, seed: int, tier: Tier) -> Measurement:
    """Structured vs full model trained on the allowed answers; accuracy on held-out answers (longer T)."""
    task = problem.task
    n, steps = _sizes(tier)
    gen = torch.Generator().manual_seed(seed)
    train_set, test = sample_recall(task, n, gen), sample_recall(task, n, gen)
    shifted = sample_recall(task, n, gen, answers="held_out", context=task.test_context or None)
    out: dict[str, float] = {}
    for param, lr in (("structured", NGD_LR), ("full", FULL_LR)):
        model = _model(task, problem.attention, param, gen)
        log = _fit(model, train_set, test, task.alpha, TrainConfig(steps=steps, lr=lr, optimizer="ngd"))
        with torch.no_grad():
            z_id, z_ood = model(test.tokens), model(shifted.tokens)
            out[f"acc_id_{param}"] = accuracy(z_id, test.ybar)
            out[f"acc_ood_{param}"] = accuracy(z_ood, shifted.ybar)
            out[f"gap_id_{param}"] = float(log.eval_loss[-1] - task.bayes_risk)
            out[f"gap_ood_{param}"] = float(recall_loss(z_ood, shifted.ybar, task.alpha)) - task.bayes_risk
    return Measurement.one(scalars=out)
