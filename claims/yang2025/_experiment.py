"""Shared experiments of yang2025: train the one-layer attention model, test it on unseen trees.

Per seed: a pool of training trees (random recursive trees, labels avoiding
every edge of the problem's test trees) is encoded as teacher-forced steps;
the model is trained by Adam on mini-batches from that pool; it is then
evaluated on the problem's test trees (never seen, no shared edge), teacher
forced (step accuracy, attention on the step's target column) and by free
generation (exact chains).
"""

from __future__ import annotations

import numpy as np
import torch

from models.pathfinding import Columns, PathAttention, PathAttentionConfig, TrainConfig, train
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


def _columns(d: StepData) -> tuple[Columns, torch.Tensor]:
    t = torch.as_tensor
    return Columns(t(d.parent), t(d.child), t(d.ctype), t(d.cur), t(d.stage)), t(d.target)


def _fit(
    problem: PathFindingProblem, task: str, heads: int, seed: int, tier: Tier, *, control: str | None = None
) -> tuple[PathAttention, float]:
    """Train on a per-seed tree pool; returns the model and its step accuracy on fresh pool-like trees.

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
    train(model, x, y, TrainConfig(steps=steps, batch=128, lr=0.05, cosine=False), generator=gen)
    fresh = sample_training_trees(problem, 32, rng)
    fx, fy = _columns(encode_steps(fresh, task))
    pred, _ = model.predict(fx)
    return model, float((pred == fy).float().mean())


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


def backward(
    problem: PathFindingProblem,
    seed: int,
    tier: Tier,
    *,
    two_hop_arm: bool = True,
    control: str | None = None,
) -> Measurement:
    """Backward chain with one head (CoT); optionally the same model trained on the grandparent directly."""
    tests = list(problem.test_trees)
    model, train_acc = _fit(problem, "backward", 1, seed, tier, control=control)
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
    if two_hop_arm:
        two_hop, train_acc_two_hop = _fit(problem, "two_hop", 1, seed + 7919, tier)
        d2 = encode_steps(tests, "two_hop")
        x2, y2 = _columns(d2)
        parent_copy = np.asarray([t.labels[t.parents[g]] for t in tests for g in range(t.n)])
        scalars["acc_two_hop"] = float((two_hop.predict(x2)[0] == y2).float().mean())
        scalars["train_acc_two_hop"] = train_acc_two_hop
        scalars["two_hop_parent_baseline"] = float(np.mean(parent_copy == d2.target))
    return Measurement.one(scalars=scalars)


def backward_mechanism(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """The one-head backward run alone (no two-hop arm)."""
    return backward(problem, seed, tier, two_hop_arm=False)


def backward_shuffled(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the one-head backward run trained on targets shuffled across steps."""
    return backward(problem, seed, tier, two_hop_arm=False, control="shuffled")


def forward(
    problem: PathFindingProblem,
    seed: int,
    tier: Tier,
    *,
    one_head_arm: bool = True,
    control: str | None = None,
) -> Measurement:
    """Forward task (backward chain, then its reversal) with two heads; optionally a one-head arm."""
    tests = list(problem.test_trees)
    model, train_acc = _fit(problem, "forward", 2, seed, tier, control=control)
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
    if one_head_arm:
        single, train_acc_single = _fit(problem, "forward", 1, seed + 7919, tier)
        scalars["path_exact_one_head"] = _exact(single, tests, "forward")
        scalars["train_acc_one_head"] = train_acc_single
    return Measurement.one(scalars=scalars)


def forward_mechanism(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """The two-head forward run alone (no one-head arm)."""
    return forward(problem, seed, tier, one_head_arm=False)


def forward_untrained(problem: PathFindingProblem, seed: int, tier: Tier) -> Measurement:
    """Control: the two-head forward model at its random initialisation (no training)."""
    return forward(problem, seed, tier, one_head_arm=False, control="untrained")
