"""Shared experiment of the bu2024 claims: train the attention + MLP classifier by GD, then measure.

One unit (one seed of one :class:`ConceptTask`) builds a ``torch.Generator``
from the seed; the MLP initialisation, every training batch (256 fresh
prompts per step), the fixed test set and the OOD test sets are drawn from it.
The dictionary is the standard basis (rotation-equivalent to a random
orthonormal one for GD from ``W = 0``, see ``tasks.concept_prompts``).

* ``convergence``: the test 0-1 error every 2 GD steps (series ``test_err``,
  its positive points), the hitting times ``T_eps`` (first step with error
  <= eps, log-interpolated between evaluations) for eps on a grid down to 20
  test errors, and the steps spent in the two decades 0.2 -> 0.02 -> 0.002
  (recorded, not judged).
* ``ood``: the error of the final model on prompts under concept-preserving
  shifts (4x longer prompts, irrelevant components doubled in count and
  scale, noise doubled) and on 4-demonstration prompts, whose ``2^-4`` floor
  no label-averaging predictor escapes.

Controls: the same units with the attention matrix ``W`` frozen at its zero
initialisation (uniform attention over the demonstrations: the attended
label averages labels of both semantic values, so the query's concept value
is never matched).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import torch

from models.concept_icl import (
    AttnMLPClassifier,
    AttnMLPConfig,
    Batch,
    GDConfig,
    TrainLog,
    error_rate,
    frozen_attention_error_rate,
    train_gd,
)
from tasks.concept_prompts import ConceptTask, sample_prompts
from theorycheck import Curve, Measurement, Tier

LR = 2.0
EVAL_EVERY = 2
EPS_GRID = (0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002)
DECADE_END = 0.002  # 20 errors in the 10 000 default test prompts


def _as_batch(task: ConceptTask, size: int, gen: torch.Generator) -> Batch:
    b = sample_prompts(task, size, gen)
    return b.x, b.y, b.query, b.target


def _train(
    task: ConceptTask, seed: int, tier: Tier, *, frozen_attention: bool = False, curve: bool = True
) -> tuple[AttnMLPClassifier, TrainLog, torch.Generator, float]:
    """The trained model, its log, the generator (after the test set and training) and the final
    test error; with ``curve`` the log holds the test error every ``EVAL_EVERY`` steps, without it
    the test error is computed only after training (the evaluations are pure, so skipping the
    discarded ones changes no draw and no number)."""
    steps = tier.pick(smoke=120, default=200)
    n_test = tier.pick(smoke=5000, default=10000)
    gen = torch.Generator().manual_seed(seed)
    model = AttnMLPClassifier(AttnMLPConfig(dim=task.dim), gen)
    if frozen_attention:
        model.W.requires_grad_(False)  # stays at its zero initialisation: uniform attention
    test = _as_batch(task, n_test, gen)
    # frozen W: the test set's attended labels are the same at every evaluation, computed once
    evaluate = (
        frozen_attention_error_rate(model, test) if frozen_attention else partial(error_rate, batch=test)
    )
    log = train_gd(
        model,
        lambda size: _as_batch(task, size, gen),
        GDConfig(steps=steps, lr=LR, eval_every=EVAL_EVERY),
        evaluate=evaluate if curve else None,
    )
    final = log.evals[-1] if curve else evaluate(model)
    return model, log, gen, final


def hitting_times(steps: np.ndarray, err: np.ndarray, eps: tuple[float, ...]) -> list[tuple[float, float]]:
    """``(eps, T_eps)`` for every reached eps; ``T`` log-interpolated between evaluations."""
    out = []
    for e in eps:
        hit = np.flatnonzero(err <= e)
        if len(hit) == 0:
            continue
        i = int(hit[0])
        if i == 0:
            out.append((e, float(steps[0])))
            continue
        lo, hi = err[i - 1], err[i]
        frac = 1.0 if hi <= 0 else (math.log(lo) - math.log(e)) / (math.log(lo) - math.log(hi))
        out.append((e, float(steps[i - 1] + frac * (steps[i] - steps[i - 1]))))
    return out


def convergence(task: ConceptTask, seed: int, tier: Tier) -> Measurement:
    """Test-error curve and hitting times of one GD run."""
    return _convergence(task, seed, tier, frozen_attention=False)


def convergence_frozen_attention(task: ConceptTask, seed: int, tier: Tier) -> Measurement:
    """Control: ``convergence`` with the attention matrix frozen at zero."""
    return _convergence(task, seed, tier, frozen_attention=True)


def _convergence(task: ConceptTask, seed: int, tier: Tier, *, frozen_attention: bool) -> Measurement:
    eps = EPS_GRID
    _, log, _, _ = _train(task, seed, tier, frozen_attention=frozen_attention)
    steps = np.asarray(log.eval_steps, dtype=float)
    err = np.asarray(log.evals)
    hits = hitting_times(steps, err, eps)
    reached = dict(hits)
    # steps spent in each decade of error; an unreached end is censored at the last step (a lower bound)
    t0, t1 = reached.get(0.2, steps[-1]), reached.get(0.02, steps[-1])
    t2 = reached.get(DECADE_END, steps[-1])
    positive = err > 0
    return Measurement.one(
        series={
            "hit_time": Curve.of([1.0 / e for e, _ in hits], [t for _, t in hits]),
            "test_err": Curve.of(steps[positive], err[positive]),
        },
        scalars={
            "err_final": float(err[-1]),
            "eps_reached": float(len(hits)),
            "eps_grid": float(len(eps)),
            "steps_decade1": max(t1 - t0, 1.0),
            "steps_decade2": max(t2 - t1, 1.0),
            "loss_drop": float(np.mean(log.losses[-10:]) / np.mean(log.losses[:10])),
        },
    )


def ood(task: ConceptTask, seed: int, tier: Tier) -> Measurement:
    """In-distribution and shifted-distribution errors of the trained model."""
    return _ood(task, seed, tier, frozen_attention=False)


def ood_frozen_attention(task: ConceptTask, seed: int, tier: Tier) -> Measurement:
    """Control: ``ood`` with the attention matrix frozen at zero."""
    return _ood(task, seed, tier, frozen_attention=True)


def _ood(task: ConceptTask, seed: int, tier: Tier, *, frozen_attention: bool) -> Measurement:
    # only the final in-distribution error is used: no test-error curve
    model, _, gen, err_id = _train(task, seed, tier, frozen_attention=frozen_attention, curve=False)
    n_ood = tier.pick(smoke=2000, default=5000)
    shifts = {
        "long": task.shifted(length=4 * task.length),
        "irrelevant": task.shifted(irrelevant=2 * task.irrelevant, irrelevant_scale=2.0),
        "noise": task.shifted(noise=2 * task.noise),
    }
    errors = {name: error_rate(model, _as_batch(t, n_ood, gen)) for name, t in shifts.items()}
    excess = max(errors[name] - err_id - shifts[name].length_floor for name in shifts)
    worst = max(errors[name] - shifts[name].length_floor for name in shifts)
    short = task.shifted(length=4)
    return Measurement.one(
        scalars={
            "err_id": err_id,
            **{f"err_{name}": value for name, value in errors.items()},
            "ood_excess": float(excess),
            "ood_err": float(worst),
            "err_len4": error_rate(model, _as_batch(short, n_ood, gen)),
            "floor_len4": short.length_floor,
        }
    )
