"""Shared experiments of yehudai2025: the exact stack-RNN construction and trained GRUs in two orders.

Not a claim module (leading underscore). Pure given (instance, seed, tier):
every random draw comes from ``np.random.default_rng(seed)`` or a
``torch.Generator`` seeded with ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from torch.nn import functional as F

from models.crq import (
    GRUClassifier,
    GRUConfig,
    Sampler,
    StackRNN,
    StackRNNConfig,
    TrainConfig,
    accuracy,
    train_classifier,
    train_classifiers_batched,
)
from models.transformer import TinyCausalTransformer, TransformerConfig
from tasks.crq import (
    BooleanFormulas,
    CRQProblem,
    TreeShape,
    answers,
    bfs_order,
    boolean_formula_tasks,
    boolean_tokens,
    boolean_values,
    complete_tree,
    evaluate_boolean,
    post_order,
    sample_boolean_labels,
    stack_height,
)
from theorycheck import Measurement, Tier


def log_capacity(n_nodes: int) -> int:
    """floor(log2(n + 1)): the stack a heavy-first post-order needs on a binary tree with n nodes, at most."""
    return math.floor(math.log2(n_nodes + 1))


def stack_construction(problem: CRQProblem, seed: int, tier: Tier) -> Measurement:
    """Run the post-order stack RNN on random Gaussian labellings of the drawn tree; score exact answers.

    ``acc_log_state``: heavy-first post-order, capacity floor(log2(n + 1))
    (state dimension d * capacity). ``acc_constant_state``: same order,
    capacity 2 (a state that does not grow with n). ``acc_left_first``:
    capacity floor(log2(n + 1)) but children in their given left-right order.
    """
    shape, d = problem.shape, problem.dim
    rng = np.random.default_rng(seed)
    count = tier.pick(smoke=32, default=128)
    labels = rng.standard_normal((count, shape.n_nodes, d))
    truth = np.stack([answers(shape, lab)[0] for lab in labels])  # (count, d)
    cap = log_capacity(shape.n_nodes)
    heavy, left = post_order(shape, heavy_first=True), post_order(shape, heavy_first=False)

    def acc(order: tuple[int, ...], capacity: int) -> float:
        rnn = StackRNN(StackRNNConfig(dim=d, capacity=capacity))
        arities = tuple(len(shape.children[i]) for i in order)
        out = rnn.run(torch.as_tensor(labels[:, list(order)]), arities).numpy()
        return float(np.mean(np.all(out == truth, axis=1)))

    return Measurement.one(
        scalars={
            "acc_log_state": acc(heavy, cap),
            "acc_constant_state": acc(heavy, 2),
            "acc_left_first": acc(left, cap),
            "stack_heavy_first": float(stack_height(shape, heavy)),
            "stack_left_first": float(stack_height(shape, left)),
            "capacity": float(cap),
            "state_dim": float(cap * d),
            "n_nodes": float(shape.n_nodes),
            "depth": float(shape.depth()),
        }
    )


@dataclass(frozen=True, kw_only=True)
class GRUCase:
    """Boolean formulas on a complete tree and the GRU hidden size trained on them."""

    formulas: BooleanFormulas
    hidden: int


def gru_cases(*, min_depth: int = 3, max_depth: int = 3) -> st.SearchStrategy[GRUCase]:
    """Depth D in [min_depth, max_depth] and hidden size in [D + 1, 2**D - 2].

    D + 1 is the post-order stack (one bit per pending answer); 2**D - 1 the
    operator bits a root-first order must hold when the first leaf arrives.
    Shrinks towards the smallest depth and hidden size.
    """
    if min_depth < 3 or max_depth < min_depth:
        raise InvalidArgument(f"need 3 <= min_depth <= max_depth, got {min_depth} and {max_depth}")
    return boolean_formula_tasks(min_depth=min_depth, max_depth=max_depth).flatmap(
        lambda f: st.builds(GRUCase, formulas=st.just(f), hidden=st.integers(f.depth + 1, 2**f.depth - 2))
    )


def gru_orders_wide(case: GRUCase, seed: int, tier: Tier) -> Measurement:
    """Control: the same comparison with h = 2**(D+1) units, room for every operator bit of BFS order."""
    return gru_orders(_wide(case), seed, tier)


def gru_orders_wide_seeds(case: GRUCase, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``gru_orders_wide`` for several seeds, trained batched as ``gru_orders_seeds`` trains them."""
    return gru_orders_seeds(_wide(case), seeds, tier)


def _wide(case: GRUCase) -> GRUCase:
    return GRUCase(formulas=case.formulas, hidden=2 ** (case.formulas.depth + 1))


def _gru_orders_of(shape: TreeShape) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return (("post", post_order(shape, heavy_first=True)), ("bfs", bfs_order(shape)))


def _gru_config(tier: Tier) -> TrainConfig:
    return TrainConfig(steps=tier.pick(smoke=150, default=400), batch=128, lr=1e-2)


def _gru_sampler(shape: TreeShape, order: tuple[int, ...], rng: np.random.Generator) -> Sampler:
    """Fresh Boolean formulas from ``rng``, serialised in ``order``, and their values."""

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        lab = sample_boolean_labels(shape, n, rng)
        y = (evaluate_boolean(shape, lab) > 0).astype(np.int64)
        return torch.as_tensor(boolean_tokens(shape, lab, order)), torch.as_tensor(y)

    return sample


_HELD_OUT = 4000


def _gru_arm(
    scalars: dict[str, float],
    name: str,
    model: GRUClassifier,
    held_out: tuple[torch.Tensor, torch.Tensor],
    losses: list[float],
) -> None:
    """Held-out accuracy on fresh formulas and the mean of the last 20 training losses."""
    scalars[f"acc_{name}"] = accuracy(model, *held_out)
    scalars[f"loss_{name}"] = float(np.mean(losses[-20:]))


def _gru_row(
    scalars: dict[str, float], case: GRUCase, shape: TreeShape, rng: np.random.Generator
) -> Measurement:
    """The shortcut baseline (drawn after both arms) and the sizes."""
    task = case.formulas
    lab = sample_boolean_labels(shape, 4000, rng)
    root_op = lab[:, 0] > 0  # guess OR -> true, AND -> false: the best rule that reads only the root label
    scalars["acc_root_only"] = float(np.mean(root_op == (evaluate_boolean(shape, lab) > 0)))
    scalars["bfs_over_shortcut"] = scalars["acc_bfs"] - scalars["acc_root_only"]
    scalars["hidden"] = float(case.hidden)
    scalars["post_stack_bits"] = float(task.depth + 1)
    scalars["bfs_operator_bits"] = float(2**task.depth - 1)
    return Measurement.one(scalars=scalars)


def gru_orders(case: GRUCase, seed: int, tier: Tier) -> Measurement:
    """Train the same small GRU on Boolean CRQs serialised in post-order and in breadth-first order.

    Same initialisation, optimiser and number of fresh formulas for both
    orders; accuracies on 4000 fresh formulas. ``acc_root_only`` is the best
    rule that reads only the root operator (OR -> true), the shortcut level.
    """
    shape = complete_tree(case.formulas.depth)
    config = _gru_config(tier)
    rng = np.random.default_rng(seed)
    scalars: dict[str, float] = {}
    for name, order in _gru_orders_of(shape):
        sample = _gru_sampler(shape, order, rng)
        gen = torch.Generator().manual_seed(seed)  # same initialisation for both orders
        model = GRUClassifier(GRUConfig(vocab=4, hidden=case.hidden), generator=gen)
        losses = train_classifier(model, sample, config)
        _gru_arm(scalars, name, model, sample(_HELD_OUT), losses)
    return _gru_row(scalars, case, shape, rng)


def gru_orders_seeds(case: GRUCase, seeds: Sequence[int], tier: Tier) -> list[Measurement]:
    """``gru_orders`` for several seeds: the GRUs of every seed and both orders trained as one batched
    model (``train_classifiers_batched``). Each seed's formulas are drawn first from its own generator,
    in ``gru_orders``' order (per order: the training batches, then the held-out set; then the
    shortcut's set), and each seed's GRUs start from its own initialisation."""
    shape = complete_tree(case.formulas.depth)
    config = _gru_config(tier)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    arms = _gru_orders_of(shape)
    runs = [  # (seed index, order, its training batches and held-out set)
        (i, name, _drawn(_gru_sampler(shape, order, rng), config))
        for i, rng in enumerate(rngs)
        for name, order in arms
    ]
    models = [
        GRUClassifier(
            GRUConfig(vocab=4, hidden=case.hidden), generator=torch.Generator().manual_seed(seeds[i])
        )
        for i, _, _ in runs
    ]
    logs = train_classifiers_batched(models, [_replay(batches) for _, _, (batches, _) in runs], config)
    scalars: list[dict[str, float]] = [{} for _ in seeds]
    for (i, name, (_, held_out)), model, losses in zip(runs, models, logs, strict=True):
        _gru_arm(scalars[i], name, model, held_out, losses)
    return [_gru_row(row, case, shape, rng) for row, rng in zip(scalars, rngs, strict=True)]


Batch = tuple[torch.Tensor, torch.Tensor]


def _drawn(sample: Sampler, config: TrainConfig) -> tuple[list[Batch], Batch]:
    """The training batches ``train_classifier`` would draw from ``sample``, then the held-out set."""
    batches = [sample(config.batch) for _ in range(config.steps)]
    return batches, sample(_HELD_OUT)


def _replay(batches: list[Batch]) -> Sampler:
    """A sampler that hands out ``batches`` in order."""
    queue = iter(batches)

    def sample(n: int) -> Batch:
        x, y = next(queue)
        if len(y) != n:
            raise ValueError(f"replayed a batch of {len(y)}, asked for {n}")
        return x, y

    return sample


# --------------------------------------------------------------------------- chain of thought

SEP = 4  # separator token after the formula; vocabulary: 0/1 leaves and values, 2 AND, 3 OR, 4 SEP


def _cot_batch(
    shape: TreeShape, order: tuple[int, ...], n: int, rng: np.random.Generator, *, parents_first: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences (n, nodes + 1 + internal): formula in post-order, SEP, internal-node values in post-order.

    ``parents_first`` (control): the values in reversed post-order, so the
    root's value is the first CoT token and every node's value precedes its
    children's. Returns the sequences and the root's value.
    """
    lab = sample_boolean_labels(shape, n, rng)
    values = boolean_values(shape, lab)  # (n, nodes) in {-1, +1}
    internal = [i for i in order if shape.children[i]]
    if parents_first:
        internal = internal[::-1]
    cot = (values[:, internal] > 0).astype(np.int64)
    root = cot[:, 0] if parents_first else cot[:, -1]
    seq = np.concatenate([boolean_tokens(shape, lab, order), np.full((n, 1), SEP), cot], axis=1)
    return torch.as_tensor(seq), torch.as_tensor(root)


def _fit(
    model: TinyCausalTransformer, sample: Any, first_target: int, steps: int, lr: float, batch: int
) -> None:
    """Adam on fresh batches; next-token loss on positions >= first_target (teacher forcing).

    ``foreach``: on CPU the same per-tensor kernels as the default loop, in the same order, called
    from C++ (bit for bit the default's parameters: tests/unit/test_yehudai2025_cot.py)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    model.train()
    for _ in range(steps):
        seq, _ = sample(batch)
        logits = model(seq[:, :-1])[:, first_target - 1 :]  # predicts seq[:, first_target:]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), seq[:, first_target:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()


def cot_vs_direct(task: BooleanFormulas, seed: int, tier: Tier) -> Measurement:
    """The same shallow transformer, trained with one CoT token per internal node and without CoT.

    CoT arm: teacher-forced on [formula, SEP, values of the internal nodes in
    post-order]; scored by greedy generation of all CoT tokens (``acc_cot``:
    the generated last token is the root's value). Direct arm: the token
    after SEP is the root's value (``acc_direct``). Held-out: 1000 fresh formulas (500 at smoke).
    ``direct_over_shortcut``: acc_direct minus the accuracy of the rule that
    reads only the root operator (OR -> true), on the same held-out formulas.
    """
    return _cot_vs_direct(task, seed, tier, parents_first=False)


def cot_parents_first_vs_direct(task: BooleanFormulas, seed: int, tier: Tier) -> Measurement:
    """Control: the same CoT tokens in reversed post-order (root first), so no token follows its children."""
    return _cot_vs_direct(task, seed, tier, parents_first=True)


def _cot_vs_direct(task: BooleanFormulas, seed: int, tier: Tier, *, parents_first: bool) -> Measurement:
    shape = complete_tree(task.depth)
    order = post_order(shape, heavy_first=True)
    n_cot = sum(1 for kids in shape.children if kids)
    layers = 1
    steps = tier.pick(smoke=200, default=200)
    rng = np.random.default_rng(seed)
    prompt = shape.n_nodes + 1
    scalars: dict[str, float] = {}
    for arm, length in (("cot", prompt + n_cot), ("direct", prompt + 1)):
        gen = torch.Generator().manual_seed(seed)
        config = TransformerConfig(vocab=5, d_model=32, n_layers=layers, n_heads=4, seq_len=length)
        model = TinyCausalTransformer(config, generator=gen)

        def sample(n: int, length: int = length) -> tuple[torch.Tensor, torch.Tensor]:
            seq, root = _cot_batch(shape, order, n, rng, parents_first=parents_first)
            if length == prompt + 1:  # direct: the root's value right after SEP
                seq = torch.cat([seq[:, :prompt], root[:, None]], dim=1)
            return seq, root

        _fit(model, sample, prompt, steps, lr=3e-3, batch=64)
        seq, root = sample(tier.pick(smoke=500, default=1000))
        with torch.no_grad():
            out = seq[:, :prompt]
            for _ in range(length - prompt):  # greedy generation, values only
                nxt = model.last_logits(out)[:, :2].argmax(-1)  # model(out)[:, -1], bit for bit
                out = torch.cat([out, nxt[:, None]], dim=1)
        answer = out[:, prompt] if parents_first or arm == "direct" else out[:, -1]
        scalars[f"acc_{arm}"] = float((answer == root).float().mean())
        if arm == "direct":
            root_or = seq[:, shape.n_nodes - 1] == 3  # the root is the last formula token; 3 = OR
            shortcut = float((root_or.long() == root).float().mean())
            scalars["acc_root_only"] = shortcut
            scalars["direct_over_shortcut"] = scalars["acc_direct"] - shortcut
        if arm == "cot":
            scalars["cot_steps_correct"] = float(
                (out[:, prompt:] == seq[:, prompt:]).all(dim=1).float().mean()
            )
    scalars["n_cot_tokens"] = float(n_cot)
    scalars["n_nodes"] = float(shape.n_nodes)
    scalars["layers"] = float(layers)
    return Measurement.one(scalars=scalars)
