"""Oracle test: yehudai2025's CoT trainer (now Adam with ``foreach``) gives the parameters and generator
state of its previous code (the default per-tensor Adam loop), bit for bit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from claims.yehudai2025._experiment import _cot_batch, _fit
from models.transformer import TinyCausalTransformer, TransformerConfig
from tasks.crq import complete_tree, post_order


def _previous_fit(
    model: TinyCausalTransformer, sample: Any, first_target: int, steps: int, lr: float, batch: int
) -> None:
    """``_fit`` before the change: the default (per-tensor) Adam."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        seq, _ = sample(batch)
        logits = model(seq[:, :-1])[:, first_target - 1 :]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), seq[:, first_target:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()


@pytest.mark.parametrize("depth", [3, 4])
def test_fit_matches_the_per_tensor_adam(depth: int) -> None:
    shape = complete_tree(depth)
    order = post_order(shape, heavy_first=True)
    prompt = shape.n_nodes + 1
    config = TransformerConfig(vocab=5, d_model=32, n_layers=1, n_heads=4, seq_len=prompt + 2**depth - 1)
    runs = []
    for fit in (_fit, _previous_fit):
        rng = np.random.default_rng(depth)
        model = TinyCausalTransformer(config, generator=torch.Generator().manual_seed(depth))
        fit(model, lambda n, rng=rng: _cot_batch(shape, order, n, rng), prompt, 40, 3e-3, 64)
        runs.append(([p.detach().clone() for p in model.parameters()], rng.bit_generator.state))
    (new, new_state), (old, old_state) = runs
    assert all(torch.equal(a, b) for a, b in zip(new, old, strict=True))
    assert new_state == old_state
