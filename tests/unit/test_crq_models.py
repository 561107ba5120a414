"""Unit tests for models/crq.py: the exact stack RNN, the GRU classifier and its batched trainer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

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
from tasks.crq import answers, complete_tree, post_order


def test_stack_rnn_is_exact_with_enough_capacity() -> None:
    shape = complete_tree(3)
    order = post_order(shape, heavy_first=True)
    rng = np.random.default_rng(1)
    labels = rng.standard_normal((20, shape.n_nodes, 3))
    truth = np.stack([answers(shape, lab)[0] for lab in labels])
    arities = tuple(len(shape.children[i]) for i in order)
    rnn = StackRNN(StackRNNConfig(dim=3, capacity=4))
    out = rnn.run(torch.as_tensor(labels[:, list(order)]), arities).numpy()
    assert rnn.state_dim == 12 and np.array_equal(out, truth)
    small = StackRNN(StackRNNConfig(dim=3, capacity=2)).run(torch.as_tensor(labels[:, list(order)]), arities)
    assert not np.array_equal(small.numpy(), truth)


def test_gru_shapes_and_one_step_lowers_loss() -> None:
    gen = torch.Generator().manual_seed(0)
    model = GRUClassifier(GRUConfig(vocab=4, hidden=5), generator=gen)
    x = torch.randint(0, 4, (32, 7), generator=gen)
    y = (x[:, -1] > 1).long()
    assert model(x).shape == (32, 2)
    with torch.no_grad():
        before = float(torch.nn.functional.cross_entropy(model(x), y))
    train_classifier(model, lambda n: (x, y), TrainConfig(steps=5, batch=32, lr=1e-2))
    with torch.no_grad():
        after = float(torch.nn.functional.cross_entropy(model(x), y))
    assert after < before
    assert 0.0 <= accuracy(model, x, y) <= 1.0


def _sampler(seed: int) -> Sampler:
    """Tokens in {0..3} of length 6 from the seed's own generator; label: is the last token > 1."""
    gen = torch.Generator().manual_seed(seed + 100)

    def sample(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randint(0, 4, (n, 6), generator=gen)
        return x, (x[:, -1] > 1).long()

    return sample


@pytest.mark.parametrize("max_units", [128, 6])  # one group of 3; groups of 2 and 1
def test_batched_training_equals_per_seed_training(max_units: int) -> None:
    """train_classifiers_batched over 3 seeds: each seed's weights and losses are train_classifier's
    up to float rounding, and every seed draws its batches from its own sampler."""
    config = TrainConfig(steps=30, batch=16, lr=1e-2)
    gru = GRUConfig(vocab=4, hidden=3, embed=4)
    seeds = (0, 1, 2)
    singles = [GRUClassifier(gru, generator=torch.Generator().manual_seed(s)) for s in seeds]
    single_losses = [train_classifier(m, _sampler(s), config) for m, s in zip(singles, seeds, strict=True)]
    batched = [GRUClassifier(gru, generator=torch.Generator().manual_seed(s)) for s in seeds]
    before = [p.detach().clone() for p in batched[1].parameters()]
    logs = train_classifiers_batched(batched, [_sampler(s) for s in seeds], config, max_units=max_units)
    assert len(logs) == 3 and all(len(log) == 30 for log in logs)
    assert any(not torch.equal(a, b) for a, b in zip(before, batched[1].parameters(), strict=True))
    for one, many, loss_one, loss_many in zip(singles, batched, single_losses, logs, strict=True):
        np.testing.assert_allclose(loss_many, loss_one, rtol=1e-5, atol=1e-6)
        for (name, p), q in zip(one.named_parameters(), many.parameters(), strict=True):
            torch.testing.assert_close(q, p, rtol=1e-5, atol=1e-6, msg=name)
    assert not np.allclose(logs[0], logs[1])  # different seeds: different runs
