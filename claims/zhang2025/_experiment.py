"""Shared experiments of zhang2025: GD pretraining from zero, then downstream transfer.

Pretraining: the one-layer self-attention classifier (output averaged over
queries) trained by GD with step 4 on fresh batches of group-sparse samples.
Sizes per tier: smoke 150 steps of 256 samples, default 600 of 512, full
3000 of 1024. The attention statistic is measured on 2 000 held-out inputs:
``S_bar = mean_X S(X)`` and ``leak = 1 - min_j S_bar[j*, j]`` (the mass that
the worst query position puts off the relevant group).

Downstream: the pretrained ``W`` is frozen and a fresh L2 logistic regression
(lambda = 1e-3, L-BFGS) is fitted on ``n = 2 (d + D)`` downstream samples to
each feature map: the attended token ``Z S 1 / D`` (transfer), the flattened
groups ``vec(X)`` (flat, ``dD`` features, from scratch), the relevant group
``x_{j*}`` (oracle), and the attended token under uniform attention ``W = 0``
(no pretraining). Errors are measured on 10 000 fresh test samples.

Controls (the premise removed, same sizes): pretraining on labels drawn
independently of the input (no group carries label information), and
pretraining on a task whose relevant group is another one than the
downstream task's (the transfer theorem assumes the same sparsity pattern),
and pretraining with the attention frozen at ``W = 0`` (uniform attention,
only ``v`` trained). ``readout_corr`` is the correlation over the probe inputs
of the model's logit with ``v*^T x_{j*}``, the relevant group's label score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import torch

from models.group_attention import (
    GDConfig,
    GDLog,
    GroupAttentionConfig,
    OneLayerSelfAttnClassifier,
    fit_logistic,
    logistic_error,
    train_gd,
    train_gd_batched,
)
from tasks.group_sparse import DownstreamTask, GroupSparseTask, sample
from theorycheck import Measurement, Tier

LR = 4.0
N_PROBE = 2000
N_TEST = 10000


def _gd(tier: Tier) -> GDConfig:
    return GDConfig(
        steps=tier.pick(smoke=150, default=600, full=3000),
        lr=LR,
        batch=tier.pick(smoke=256, default=512, full=1024),
    )


def _shuffled(task: GroupSparseTask) -> Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]:
    """Samples of ``task`` whose labels are fair coins drawn independently of the input."""

    def draw(n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        z, _ = sample(task, n, gen)
        return z, 2.0 * torch.randint(0, 2, (n,), generator=gen).float() - 1.0

    return draw


Pretrained = tuple[OneLayerSelfAttnClassifier, dict[str, float], tuple[list[float], list[float]]]


def _pretrain(
    task: GroupSparseTask,
    tier: Tier,
    gen: torch.Generator,
    *,
    shuffle: bool = False,
    freeze_attention: bool = False,
) -> Pretrained:
    """Train from zero; return the model, its end-of-training scalars and the leak curve.

    ``shuffle``: train on labels independent of the input (a control); the
    statistics are still measured against ``task``'s relevant group and labels.
    ``freeze_attention``: keep ``W = 0`` (uniform attention) and train ``v`` only (a control).
    """
    config = _gd(tier)
    probe, y_probe = sample(task, N_PROBE, gen)
    model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=task.dim, groups=task.groups))
    grid = _log_grid(config)
    log = train_gd(
        model,
        _sampler(task, shuffle),
        config,
        gen,
        probe=probe,
        log_steps=grid,
        freeze_attention=freeze_attention,
    )
    return _summary(task, config, model, log, probe, y_probe)


def _pretrain_seeds(
    task: GroupSparseTask,
    tier: Tier,
    gens: Sequence[torch.Generator],
    *,
    shuffle: bool = False,
    freeze_attention: bool = False,
) -> list[Pretrained]:
    """``_pretrain`` for several seeds' generators, the models trained as one batched model."""
    config = _gd(tier)
    probes = [sample(task, N_PROBE, gen) for gen in gens]
    models = [
        OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=task.dim, groups=task.groups)) for _ in gens
    ]
    logs = train_gd_batched(
        models,
        _sampler(task, shuffle),
        config,
        gens,
        probes=[probe for probe, _ in probes],
        log_steps=_log_grid(config),
        freeze_attention=freeze_attention,
    )
    return [
        _summary(task, config, model, log, probe, y_probe)
        for model, log, (probe, y_probe) in zip(models, logs, probes, strict=True)
    ]


def _log_grid(config: GDConfig) -> list[int]:
    return sorted({max(1, round(config.steps * f)) for f in (0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 0.8, 1.0)})


def _sampler(
    task: GroupSparseTask, shuffle: bool
) -> Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]:
    return _shuffled(task) if shuffle else (lambda n, g: sample(task, n, g))


def _summary(
    task: GroupSparseTask,
    config: GDConfig,
    model: OneLayerSelfAttnClassifier,
    log: GDLog,
    probe: torch.Tensor,
    y_probe: torch.Tensor,
) -> Pretrained:
    """The trained model's end-of-training scalars and leak curve (what ``_pretrain`` returns)."""
    on_jstar = log.attention[:, task.jstar, :]  # (K, D): mass each query puts on j*
    leak = (1.0 - on_jstar.min(dim=1).values).clamp(min=1e-12)  # (K,)
    quarter = list(log.steps).index(max(1, round(config.steps * 0.25)))
    final = log.attention[-1]  # (D, D)
    others = torch.cat([final[: task.jstar], final[task.jstar + 1 :]])  # (D - 1, D)
    with torch.no_grad():
        err = float(((model(probe) * y_probe) <= 0).float().mean())
        v = model.v.detach()
        vfeat, vpos = v[: task.d], v[task.d :]
        vstar = torch.tensor(task.vstar, dtype=v.dtype)
        cos = float(vfeat @ vstar / vfeat.norm().clamp(min=1e-12))
        pos_frac = float(vpos.norm() / v.norm().clamp(min=1e-12))
        readout = _corr(model(probe), probe[:, : task.d, task.jstar] @ vstar)
    scalars = {
        "leak_T": float(leak[-1]),
        "leak_quarter": float(leak[quarter]),
        "mass_jstar_min": float(on_jstar[-1].min()),
        "mass_other_max": float(others.max()),
        "err_test": err,
        "loss_T": float(log.loss[-1]),
        "cos_v": cos,
        "vpos_frac": pos_frac,
        "readout_corr": readout,
        "groups": float(task.groups),
        "d": float(task.d),
    }
    return model, scalars, ([float(s) for s in log.steps], [float(x) for x in leak])


def _corr(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation of two ``(n,)`` tensors (0 when either is constant)."""
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b / (a.norm() * b.norm()).clamp(min=1e-12))


def pretraining(task: GroupSparseTask, seed: int, tier: Tier) -> Measurement:
    """GD from zero on the pretraining task: attention, value-vector and error statistics at T."""
    gen = torch.Generator().manual_seed(seed)
    return _pretraining_row(_pretrain(task, tier, gen))


def pretraining_shuffled_labels(task: GroupSparseTask, seed: int, tier: Tier) -> Measurement:
    """Control: the same GD on labels independent of the input; statistics as ``pretraining``."""
    gen = torch.Generator().manual_seed(seed)
    return _pretraining_row(_pretrain(task, tier, gen, shuffle=True))


def pretraining_frozen_attention(task: GroupSparseTask, seed: int, tier: Tier) -> Measurement:
    """Control: the same GD with the attention frozen at ``W = 0`` (uniform); only ``v`` is trained."""
    gen = torch.Generator().manual_seed(seed)
    return _pretraining_row(_pretrain(task, tier, gen, freeze_attention=True))


def pretrainings(task: GroupSparseTask, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``pretraining`` for several seeds, trained as one batched model."""
    return [_pretraining_row(p) for p in _pretrain_seeds(task, tier, _generators(seeds))]


def pretrainings_shuffled_labels(
    task: GroupSparseTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """``pretraining_shuffled_labels`` for several seeds, trained as one batched model."""
    return [_pretraining_row(p) for p in _pretrain_seeds(task, tier, _generators(seeds), shuffle=True)]


def pretrainings_frozen_attention(
    task: GroupSparseTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """``pretraining_frozen_attention`` for several seeds, trained as one batched model."""
    gens = _generators(seeds)
    return [_pretraining_row(p) for p in _pretrain_seeds(task, tier, gens, freeze_attention=True)]


def _generators(seeds: Sequence[int]) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(seed) for seed in seeds]


def _pretraining_row(pretrained: Pretrained) -> Measurement:
    _, scalars, curve = pretrained
    return Measurement.one(series={"leak": curve}, scalars=scalars)


def _flat(z: torch.Tensor, d: int) -> torch.Tensor:
    return z[:, :d, :].reshape(len(z), -1)  # (n, d * D): the groups, positional codes dropped


def _error(train_x: torch.Tensor, y: torch.Tensor, test_x: torch.Tensor, y_test: torch.Tensor) -> float:
    w, b = fit_logistic(train_x, y)
    return logistic_error(w, b, test_x, y_test)


def transfer(problem: DownstreamTask, seed: int, tier: Tier) -> Measurement:
    """Pretrain on ``v*``, then fit each feature map on ``n = 2 (d + D)`` samples of the ``vnew`` task."""
    return _transfer(problem, seed, tier, problem.task)


def transfer_wrong_group(problem: DownstreamTask, seed: int, tier: Tier) -> Measurement:
    """Control: pretrain on a task whose relevant group is ``j* + 1 (mod D)``, then transfer as ``transfer``
    to the downstream task (relevant group ``j*``)."""
    task = problem.task
    other = replace(task, jstar=(task.jstar + 1) % task.groups)
    return _transfer(problem, seed, tier, other)


def _transfer(problem: DownstreamTask, seed: int, tier: Tier, upstream: GroupSparseTask) -> Measurement:
    gen = torch.Generator().manual_seed(seed)
    model, pre, _ = _pretrain(upstream, tier, gen)
    down = problem.downstream
    n = 2 * (down.d + down.groups)
    z, y = sample(down, n, gen)
    z_test, y_test = sample(down, N_TEST, gen)
    uniform = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=down.dim, groups=down.groups))
    j = down.jstar
    with torch.no_grad():
        feats = {
            "transfer": (model.attended(z), model.attended(z_test)),
            "flat": (_flat(z, down.d), _flat(z_test, down.d)),
            "oracle": (z[:, : down.d, j], z_test[:, : down.d, j]),
            "uniform": (uniform.attended(z), uniform.attended(z_test)),
        }
    errs = {f"err_{name}": _error(tr, y, te, y_test) for name, (tr, te) in feats.items()}
    z2, y2 = sample(down, 2 * n, gen)
    errs["err_flat_2n"] = _error(_flat(z2, down.d), y2, _flat(z_test, down.d), y_test)
    scalars = {"pre_err": pre["err_test"], "pre_leak": pre["leak_T"], "n": float(n), **errs}
    return Measurement.one(scalars=scalars)
