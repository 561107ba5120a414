"""Shared experiments of yang2025: train the one-layer attention model, test it on unseen trees.

Per seed: a pool of training trees (random recursive trees, labels avoiding
every edge of the problem's test trees) is encoded as teacher-forced steps;
the model is trained by Adam on mini-batches from that pool; it is then
evaluated on the problem's test trees (never seen, no shared edge), teacher
forced (step accuracy, attention on the step's target column) and by free
generation (exact chains).

Batched seeds (``backwards``, ``forwards`` and their variants): every run
draws its pool and its initial model from its own seed's generators, in the
order :func:`_fit` draws them, and the runs of one look that share a head
count train as one stacked model (``models.pathfinding.train_batched``); the
evaluation stays per run. Each seed's numbers are its unbatched run's (the
stacked step is bitwise the same on CPU; the bench found no difference). The
untrained control has nothing to train and stays per seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from models.pathfinding import (
    Columns,
    PathAttention,
    PathAttentionConfig,
    TrainConfig,
    train,
    train_batched,
)
from tasks.trees import (
    BACKWARD,
    COT,
    FORWARD,
    PathFindingProblem,
    StepData,
    Tree,
    encode_steps,
    rollout,
    sample_training_trees,
    true_paths,
)
from theorycheck import Measurement, Tier

TWO_HOP_SEED = 7919  # the two-hop arm's seed offset
ONE_HEAD_SEED = 7919  # the one-head arm's seed offset


def _columns(d: StepData) -> tuple[Columns, torch.Tensor]:
    t = torch.as_tensor
    return Columns(t(d.parent), t(d.child), t(d.ctype), t(d.cur), t(d.stage)), t(d.target)


@dataclass
class _Run:
    """One training run of :func:`_fit` up to the training: its model, pool, generators and step count."""

    task: str
    model: PathAttention
    x: Columns
    y: torch.Tensor
    rng: np.random.Generator
    gen: torch.Generator
    steps: int


def _prepare(
    problem: PathFindingProblem, task: str, heads: int, seed: int, tier: Tier, *, control: str | None = None
) -> _Run:
    """Draw the run's tree pool and its initial model (in this order, from the seed's generators).

    ``control``: ``"shuffled"`` permutes the training targets across steps
    (labels no longer tied to the tree), ``"untrained"`` skips training.
    """
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    pool = sample_training_trees(problem, tier.pick(smoke=200, default=800), rng)
    x, y = _columns(encode_steps(pool, task))
    model = PathAttention(
        PathAttentionConfig(vocab=problem.vocab, heads=heads, init_scale=0.5), generator=gen
    )
    if control == "shuffled":
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed + 104729))]
    steps = 0 if control == "untrained" else tier.pick(smoke=200, default=500)
    return _Run(task, model, x, y, rng, gen, steps)


def _train_config(steps: int) -> TrainConfig:
    return TrainConfig(steps=steps, batch=128, lr=0.05, cosine=False)


def _finish(problem: PathFindingProblem, run: _Run) -> tuple[PathAttention, float]:
    """The trained model and its step accuracy on fresh pool-like trees (drawn after the pool)."""
    fresh = sample_training_trees(problem, 32, run.rng)
    fx, fy = _columns(encode_steps(fresh, run.task))
    pred, _ = run.model.predict(fx)
    return run.model, float((pred == fy).float().mean())


def _fit(
    problem: PathFindingProblem, task: str, heads: int, seed: int, tier: Tier, *, control: str | None = None
) -> tuple[PathAttention, float]:
    """Train on a per-seed tree pool; returns the model and its step accuracy on fresh pool-like trees."""
    run = _prepare(problem, task, heads, seed, tier, control=control)
    train(run.model, run.x, run.y, _train_config(run.steps), generator=run.gen)
    return _finish(problem, run)


def _fit_batched(problem: PathFindingProblem, runs: Sequence[_Run]) -> list[tuple[PathAttention, float]]:
    """:func:`_fit` of several prepared runs: those sharing a head count and step count train as one
    batched model (``train_batched``), each on its own pool and generator."""
    groups: dict[tuple[int, int], list[_Run]] = {}
    for run in runs:
        groups.setdefault((run.model.config.heads, run.steps), []).append(run)
    for (_, steps), group in groups.items():
        if steps > 0:
            train_batched(
                [r.model for r in group],
                [r.x for r in group],
                [r.y for r in group],
                _train_config(steps),
                generators=[r.gen for r in group],
            )
    return [_finish(problem, run) for run in runs]


def _exact(model: PathAttention, trees: list[Tree], task: str) -> float:
    def predict(
        a: np.ndarray, b: np.ndarray, c: np.ndarray, cur: np.ndarray, stage: np.ndarray
    ) -> np.ndarray:
        t = torch.as_tensor
        return model.predict(Columns(t(a), t(b), t(c), t(cur), t(stage)))[0].numpy()

    emitted = rollout(trees, task, predict)
    truth = [p for tree in trees for p in true_paths(tree, task)]
    return float(np.mean([e == t for e, t in zip(emitted, truth, strict=True)]))


def _target_mass(model: PathAttention, d: StepData) -> tuple[np.ndarray, np.ndarray]:
    """Per-step accuracy ``(N,)`` and attention mass of each head on the step's target column ``(N, H)``."""
    x, y = _columns(d)
    pred, attn = model.predict(x)
    mass = attn[torch.arange(len(d)), :, torch.as_tensor(d.target_col)].numpy()
    return (pred == y).float().numpy(), mass


def _backward_row(
    problem: PathFindingProblem,
    fit: tuple[PathAttention, float],
    two_hop_fit: tuple[PathAttention, float] | None,
) -> Measurement:
    """The backward measurement of a trained one-head model (and of its two-hop arm, if any)."""
    tests = list(problem.test_trees)
    model, train_acc = fit
    d = encode_steps(tests, "backward")
    acc, mass = _target_mass(model, d)
    _, attn = model.predict(_columns(d)[0])
    scalars = {
        "train_acc": train_acc,
        "step_acc": float(acc.mean()),
        "path_exact": _exact(model, tests, "backward"),
        "attn_parent": float(mass[:, 0].mean()),
        "attn_cot": float((attn[:, 0].numpy() * (d.ctype == COT)).sum(axis=1).mean()),
    }
    if two_hop_fit is not None:
        two_hop, train_acc_two_hop = two_hop_fit
        d2 = encode_steps(tests, "two_hop")
        x2, y2 = _columns(d2)
        parent_copy = np.asarray([t.labels[t.parents[g]] for t in tests for g in range(t.n)])
        scalars["acc_two_hop"] = float((two_hop.predict(x2)[0] == y2).float().mean())
        scalars["train_acc_two_hop"] = train_acc_two_hop
        scalars["two_hop_parent_baseline"] = float(np.mean(parent_copy == d2.target))
    return Measurement.one(scalars=scalars)


def backward(
    problem: PathFindingProblem,
    seed: int,
    tier: Tier,
    *,
    two_hop_arm: bool = True,
    control: str | None = None,
) -> Measurement:
    """Backward chain with one head (CoT); optionally the same model trained on the grandparent directly."""
    fit = _fit(problem, "backward", 1, seed, tier, control=control)
    two_hop = _fit(problem, "two_hop", 1, seed + TWO_HOP_SEED, tier) if two_hop_arm else None
    return _backward_row(problem, fit, two_hop)


def backwards(
    problem: PathFindingProblem,
    seeds: Sequence[int],
    tier: Tier,
    *,
    two_hop_arm: bool = True,
    control: str | None = None,
) -> list[Measurement]:
    """:func:`backward` for several seeds; every run (two-hop arms included) trains in one batched model."""
    runs = [_prepare(problem, "backward", 1, s, tier, control=control) for s in seeds]
    if two_hop_arm:
        runs += [_prepare(problem, "two_hop", 1, s + TWO_HOP_SEED, tier) for s in seeds]
    fits = _fit_batched(problem, runs)
    arms = fits[len(seeds) :] if two_hop_arm else [None] * len(seeds)
    return [_backward_row(problem, f, a) for f, a in zip(fits[: len(seeds)], arms, strict=True)]


def backward_mechanism(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """The one-head backward run alone (no two-hop arm)."""
    return backward(problem, seed, tier, two_hop_arm=False)


def backward_mechanisms(problem: PathFindingProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`backward_mechanism` for several seeds, trained as one batched model."""
    return backwards(problem, seeds, tier, two_hop_arm=False)


def backward_shuffled(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the one-head backward run trained on targets shuffled across steps."""
    return backward(problem, seed, tier, two_hop_arm=False, control="shuffled")


def backwards_shuffled(problem: PathFindingProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`backward_shuffled` for several seeds, trained as one batched model."""
    return backwards(problem, seeds, tier, two_hop_arm=False, control="shuffled")


def _forward_row(
    problem: PathFindingProblem,
    fit: tuple[PathAttention, float],
    one_head_fit: tuple[PathAttention, float] | None,
) -> Measurement:
    """The forward measurement of a trained two-head model (and of its one-head arm, if any)."""
    tests = list(problem.test_trees)
    model, train_acc = fit
    d = encode_steps(tests, "forward")
    acc, mass = _target_mass(model, d)
    bwd, fwd = d.stage == BACKWARD, d.stage == FORWARD
    mb, mf = mass[bwd].mean(axis=0), mass[fwd].mean(axis=0)  # (H,) per stage
    hb = int(np.argmax(mb))
    ho = 1 - hb
    scalars = {
        "train_acc": train_acc,
        "step_acc": float(acc.mean()),
        "path_exact": _exact(model, tests, "forward"),
        "mass_bwd_head_bwd": float(mb[hb]),
        "mass_fwd_head_fwd": float(mf[ho]),
        "mass_bwd_head_fwd": float(mf[hb]),
        "specialisation": float(0.5 * ((mb[hb] - mb[ho]) + (mf[ho] - mf[hb]))),
    }
    if one_head_fit is not None:
        single, train_acc_single = one_head_fit
        scalars["path_exact_one_head"] = _exact(single, tests, "forward")
        scalars["train_acc_one_head"] = train_acc_single
    return Measurement.one(scalars=scalars)


def forward(
    problem: PathFindingProblem,
    seed: int,
    tier: Tier,
    *,
    one_head_arm: bool = True,
    control: str | None = None,
) -> Measurement:
    """Forward task (backward chain, then its reversal) with two heads; optionally a one-head arm."""
    fit = _fit(problem, "forward", 2, seed, tier, control=control)
    single = _fit(problem, "forward", 1, seed + ONE_HEAD_SEED, tier) if one_head_arm else None
    return _forward_row(problem, fit, single)


def forwards(
    problem: PathFindingProblem,
    seeds: Sequence[int],
    tier: Tier,
    *,
    one_head_arm: bool = True,
    control: str | None = None,
) -> list[Measurement]:
    """:func:`forward` for several seeds; the two-head runs train as one batched model, the one-head
    arms as another."""
    runs = [_prepare(problem, "forward", 2, s, tier, control=control) for s in seeds]
    if one_head_arm:
        runs += [_prepare(problem, "forward", 1, s + ONE_HEAD_SEED, tier) for s in seeds]
    fits = _fit_batched(problem, runs)
    arms = fits[len(seeds) :] if one_head_arm else [None] * len(seeds)
    return [_forward_row(problem, f, a) for f, a in zip(fits[: len(seeds)], arms, strict=True)]


def forward_mechanism(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """The two-head forward run alone (no one-head arm)."""
    return forward(problem, seed, tier, one_head_arm=False)


def forward_mechanisms(problem: PathFindingProblem, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """:func:`forward_mechanism` for several seeds, trained as one batched model."""
    return forwards(problem, seeds, tier, one_head_arm=False)


def forward_untrained(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the two-head forward model at its random initialisation (no training)."""
    return forward(problem, seed, tier, one_head_arm=False, control="untrained")
