"""Unit tests for models/crq.py: the exact stack RNN and the GRU classifier."""

from __future__ import annotations

import numpy as np
import torch

from models.crq import (
    GRUClassifier,
    GRUConfig,
    StackRNN,
    StackRNNConfig,
    TrainConfig,
    accuracy,
    train_classifier,
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
