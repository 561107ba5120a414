"""Shared experiments of the kim2024 claims: one teacher-forced GD step, and no-CoT baselines.

Not a claim module (leading underscore). Pure given (task, seed, tier): all
randomness (training sample, fresh test sample, MLP init and minibatches)
comes from generators seeded with ``seed``.

Step size. The expected gradient at uniform attention separates a CoT
position's two children from the other ``M ~ T`` tokens by about ``4 / T^2``
per unit step (squared loss, ``phi(z) = 2 z^2 - 1``), so the step must grow
like ``T^2`` for the softmax to concentrate. We use ``lr = 2 T^2`` with
``T = d + k - 1``. Measured on 10 seeds per (d, k) at n = 20000, every
``lr`` in ``[1.5 T^2, 3 T^2]`` gave accuracy 1.0; ``0.5 T^2`` leaves the
attention diffuse (accuracy ~0.5 at d >= 16), and ``4 T^2`` with a small
sample (n = 512 at d = 8) lets sampling noise tip each node onto one child
(accuracy 0.5): the step must stay below ~1 / (noise of the gradient), which
is why n is not scaled down with d here.

``cot_vs_direct*_batched``: the same units for several seeds, each MLP arm trained
as one stacked model (:func:`models.parity_cot.train_mlp_batched`, bit for bit the
per-seed runs on CPU); the one CoT step, the samples and the probes stay per seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from models.parity_cot import (
    MLPConfig,
    ParityCoTConfig,
    ParityMLP,
    PositionalAttentionCoT,
    children_mass,
    one_gd_step,
    train_mlp_batched,
)
from tasks.parity import ParityTask
from theorycheck import Measurement, Tier

LR_PER_T2 = 2.0
MLP_BUDGET = 2000  # Adam steps for the no-CoT MLP: the spec's T_big, fixed before any run


def _accuracy(pred: torch.Tensor, target: torch.Tensor) -> float:
    return float((torch.sign(pred) == target).double().mean())


def _one_step_cot(
    task: ParityTask, train: torch.Tensor, test: torch.Tensor, *, final_only: bool = False
) -> dict[str, float]:
    """One teacher-forced GD step from W = 0; accuracies on fresh inputs, attention on the children.

    ``final_only`` (control): the step uses the last position's loss alone, so
    the intermediate parities are fed in but never supervised.
    """
    t = task.length
    model = PositionalAttentionCoT(ParityCoTConfig(d=task.d, length=t))
    acc_0 = _accuracy(model.generate(test[:, : task.d])[:, -1], test[:, -1])
    step = one_gd_step(model, train, LR_PER_T2 * t**2, final_only=final_only)
    generated = model.generate(test[:, : task.d])  # (n_test, T): the model's own CoT
    with torch.no_grad():
        tf = torch.where(model(test) >= 0, 1.0, -1.0) == test[:, task.d :]  # (n_test, k-1) teacher forced
    mass = children_mass(model, task.children)
    upper = np.asarray(task.levels) >= 2  # CoT positions above the first level (k >= 4: at least one)
    return {
        "acc": _accuracy(generated[:, -1], test[:, -1]),
        "acc_init": acc_0,
        "acc_tf_min": float(tf.double().mean(dim=0).min()),
        "acc_tf_root": float(tf.double().mean(dim=0)[-1]),
        "mass_min": float(mass.min()),
        "mass_min_upper": float(mass[upper].min()),
        "mass_mean": float(mass.mean()),
        "loss_before": step.loss_before,
        "loss_after": step.loss_after,
        "lr": LR_PER_T2 * t**2,
        "T": float(t),
    }


def _one_step_direct(task: ParityTask, train: torch.Tensor, test: torch.Tensor) -> float:
    """The same model and step rule without CoT positions: one output reads the inputs, final loss only."""
    d = task.d
    model = PositionalAttentionCoT(ParityCoTConfig(d=d, length=d + 1))
    direct = torch.cat([train[:, :d], train[:, -1:]], dim=1)  # (n, d + 1): inputs, then the label
    one_gd_step(model, direct, LR_PER_T2 * (d + 1) ** 2)
    return _accuracy(model.generate(test[:, :d])[:, -1], test[:, -1])


def _samples(task: ParityTask, seed: int, n: int, n_test: int) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(task.sample(n, rng)), torch.as_tensor(task.sample(n_test, rng))


def one_step(task: ParityTask, seed: int, tier: Tier) -> Measurement:
    """One teacher-forced step of the CoT model, and the same step for the model without CoT."""
    return _one_step(task, seed, tier, final_only=False)


def one_step_final_label_only(task: ParityTask, seed: int, tier: Tier) -> Measurement:
    """Control: the same model and step, the CoT positions fed in but only the final label in the loss."""
    return _one_step(task, seed, tier, final_only=True)


def _one_step(task: ParityTask, seed: int, tier: Tier, *, final_only: bool) -> Measurement:
    n = tier.pick(smoke=4000, default=16000)
    train, test = _samples(task, seed, n, tier.pick(smoke=2000, default=4000))
    scalars = _one_step_cot(task, train, test, final_only=final_only)
    scalars["acc_direct"] = _one_step_direct(task, train, test)
    scalars["n"] = float(n)
    return Measurement.one(scalars=scalars)


def _mlp_run(
    x: torch.Tensor, y: torch.Tensor, test_x: torch.Tensor, test_y: torch.Tensor, cfg: MLPConfig, seed: int
) -> tuple[float, float, float]:
    """(fresh-input accuracy, final training loss over the last 50 steps, first step at which the
    fresh-input accuracy reached 0.9, checked every 50 steps; the budget + 50 if never) of an
    Adam-trained MLP."""
    gen = torch.Generator().manual_seed(seed)
    model = ParityMLP(cfg, gen)
    xs, ys, tx = x.float(), y.float(), test_x.float()
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    losses = np.empty(cfg.steps)
    reached = float(cfg.steps + 50)
    for step in range(cfg.steps):
        idx = torch.randint(0, xs.shape[0], (cfg.batch,), generator=gen)
        loss = torch.nn.functional.softplus(-ys[idx] * model(xs[idx])).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = float(loss.detach())
        if (step + 1) % 50 == 0 and reached > cfg.steps:
            with torch.no_grad():
                if _accuracy(model(tx).double(), test_y) >= 0.9:
                    reached = float(step + 1)
    with torch.no_grad():
        acc = _accuracy(model(tx).double(), test_y)
    return acc, float(losses[-50:].mean()), reached


def cot_vs_direct(task: ParityTask, seed: int, tier: Tier) -> Measurement:
    """CoT model after one step vs a 2-layer MLP after ``budget`` Adam steps on the final label only.

    Precondition arm: the same MLP on the 2-parity of the first CoT node, for a
    quarter of the budget and at least 300 steps (``acc_mlp_pair``), shows the baseline learns when
    the target is easy.
    """
    return _cot_vs_direct(task, seed, tier, final_only=False)


def cot_vs_direct_final_label_only(task: ParityTask, seed: int, tier: Tier) -> Measurement:
    """Control: the CoT arm's one step sees only the final label (intermediates not supervised)."""
    return _cot_vs_direct(task, seed, tier, final_only=True)


def _cot_vs_direct(task: ParityTask, seed: int, tier: Tier, *, final_only: bool) -> Measurement:
    n = tier.pick(smoke=4000, default=10000)
    train, test = _samples(task, seed, n, tier.pick(smoke=2000, default=4000))
    cot = _one_step_cot(task, train, test, final_only=final_only)
    ((mlp, acc_pair),) = _mlp_arms(task, [seed], tier, [(train, test)], batched=False)
    return _cot_vs_direct_row(task, cot, mlp, acc_pair, _budget(tier), n)


def _budget(tier: Tier) -> int:
    return tier.pick(smoke=300, default=MLP_BUDGET)


MLPArms = tuple[
    tuple[float, float, float], float
]  # (acc, loss, steps to 0.9) of the final-label MLP; pair acc
_MLP_ARMS: dict[tuple[ParityTask, int, str, bool], MLPArms] = {}


def _mlp_arms(
    task: ParityTask,
    seeds: Sequence[int],
    tier: Tier,
    samples: Sequence[tuple[torch.Tensor, torch.Tensor]],
    *,
    batched: bool,
) -> list[MLPArms]:
    """Each seed's two no-CoT MLP arms on its (train, test) samples: the final-label MLP (``budget``
    Adam steps) and the precondition's MLP on the first CoT node's 2-parity (a quarter of it, at least
    300). Memoised in-process: the claim and its final-label-only control train the same MLPs on the
    same samples (the CoT step is what differs), so a control's arms are the claim's, not a rerun.
    ``batched``: the seeds not yet memoised train as one stacked model (bit for bit the per-seed runs)."""
    todo = [i for i, seed in enumerate(seeds) if (task, seed, tier.name, batched) not in _MLP_ARMS]
    if todo:
        d, pair, budget = task.d, task.d, _budget(tier)  # pair: the first CoT node, a 2-parity of secret bits
        cfg = MLPConfig(d=d, width=256, steps=budget, lr=1e-3, batch=256)
        pair_cfg = MLPConfig(d=d, width=256, steps=max(300, budget // 4), lr=1e-3, batch=256)
        xs, txs = [samples[i][0][:, :d] for i in todo], [samples[i][1][:, :d] for i in todo]
        arms = []
        for column, config, shift in ((-1, cfg, 0), (pair, pair_cfg, 1)):
            ys, tys = [samples[i][0][:, column] for i in todo], [samples[i][1][:, column] for i in todo]
            arm_seeds = [seeds[i] + shift for i in todo]
            if batched:
                arms.append(_mlp_runs_batched(xs, ys, txs, tys, config, arm_seeds))
            else:
                runs = zip(xs, ys, txs, tys, arm_seeds, strict=True)
                arms.append([_mlp_run(x, y, tx, ty, config, s) for x, y, tx, ty, s in runs])
        for i, mlp, paired in zip(todo, *arms, strict=True):
            _MLP_ARMS[task, seeds[i], tier.name, batched] = (mlp, paired[0])
    return [_MLP_ARMS[task, seed, tier.name, batched] for seed in seeds]


def _cot_vs_direct_row(
    task: ParityTask,
    cot: dict[str, float],
    mlp: tuple[float, float, float],
    acc_pair: float,
    budget: int,
    n: int,
) -> Measurement:
    acc_mlp, loss_mlp, reached = mlp
    return Measurement.one(
        scalars={
            "acc_cot": cot["acc"],
            "acc_nocot": acc_mlp,
            "acc_mlp_pair": acc_pair,
            "loss_mlp": loss_mlp,
            "mlp_steps_to_90": reached,
            "budget": float(budget),
            "lr_cot": cot["lr"],
            "n": float(n),
            "d": float(task.d),
            "k": float(task.k),
        }
    )


def _mlp_runs_batched(
    xs: Sequence[torch.Tensor],
    ys: Sequence[torch.Tensor],
    test_xs: Sequence[torch.Tensor],
    test_ys: Sequence[torch.Tensor],
    cfg: MLPConfig,
    seeds: Sequence[int],
) -> list[tuple[float, float, float]]:
    """:func:`_mlp_run` of several seeds, the MLPs trained as one stacked model (its probe per seed)."""
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    models = [ParityMLP(cfg, gen) for gen in gens]
    txs = [tx.float() for tx in test_xs]
    reached = [float(cfg.steps + 50)] * len(seeds)

    def probe(step: int) -> None:
        for i, (model, tx, ty) in enumerate(zip(models, txs, test_ys, strict=True)):
            if reached[i] > cfg.steps:
                with torch.no_grad():
                    if _accuracy(model(tx).double(), ty) >= 0.9:
                        reached[i] = float(step)

    losses = train_mlp_batched(
        models, [x.float() for x in xs], [y.float() for y in ys], gens, probe, every=50
    )
    out = []
    for i, (model, tx, ty) in enumerate(zip(models, txs, test_ys, strict=True)):
        with torch.no_grad():
            acc = _accuracy(model(tx).double(), ty)
        out.append((acc, float(losses[i, -50:].mean()), reached[i]))
    return out


def _cot_vs_direct_batched(
    task: ParityTask, seeds: Sequence[int], tier: Tier, *, final_only: bool
) -> list[Measurement]:
    """:func:`_cot_vs_direct` of several seeds: the CoT step per seed, each MLP arm as one stacked model."""
    n = tier.pick(smoke=4000, default=10000)
    samples = [_samples(task, seed, n, tier.pick(smoke=2000, default=4000)) for seed in seeds]
    cots = [_one_step_cot(task, train, test, final_only=final_only) for train, test in samples]
    arms = _mlp_arms(task, seeds, tier, samples, batched=True)
    return [
        _cot_vs_direct_row(task, cot, mlp, acc_pair, _budget(tier), n)
        for cot, (mlp, acc_pair) in zip(cots, arms, strict=True)
    ]


def cot_vs_direct_batched(task: ParityTask, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`cot_vs_direct` for several seeds, each MLP arm trained as one stacked model."""
    return _cot_vs_direct_batched(task, seeds, tier, final_only=False)


def cot_vs_direct_final_label_only_batched(
    task: ParityTask, seeds: Sequence[int], tier: Tier
) -> list[Measurement]:
    """:func:`cot_vs_direct_final_label_only` for several seeds, each MLP arm trained as one stacked model."""
    return _cot_vs_direct_batched(task, seeds, tier, final_only=True)
