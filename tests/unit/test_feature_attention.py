"""Unit tests of models.feature_attention: shapes, centring, one pretraining step lowers the loss."""

from __future__ import annotations

import torch

from models.feature_attention import (
    FeatureAttentionConfig,
    FeatureLinearAttention,
    PretrainConfig,
    icl_error,
    pretrain,
)
from tasks.single_index_prompts import SingleIndexTask, random_subspace, sample_prompts


def _setup(seed: int = 0) -> tuple[FeatureLinearAttention, SingleIndexTask, torch.Tensor, torch.Generator]:
    gen = torch.Generator().manual_seed(seed)
    task = SingleIndexTask(dim=6, rank=2, link="he2", noise=0.0)
    basis = random_subspace(6, 2, gen)
    return FeatureLinearAttention(FeatureAttentionConfig(dim=6, width=16), gen), task, basis, gen


def test_forward_shapes_and_label_linearity() -> None:
    model, task, basis, gen = _setup()
    x, y, xq, _ = sample_prompts(task, basis, 4, 10, 3, gen)
    out = model(x, y, xq)
    assert out.shape == (4, 3)
    assert torch.allclose(model(x, 2 * y, xq), 2 * out, atol=1e-5)  # labels are the values
    assert torch.allclose(model(x, y + 1.0, xq), out, atol=1e-5)  # centred features: a label shift cancels


def test_pretraining_lowers_the_loss() -> None:
    model, task, basis, gen = _setup(1)
    held = sample_prompts(task, basis, 256, 32, 4, torch.Generator().manual_seed(9))
    before = icl_error(model, held)
    losses = pretrain(
        model,
        lambda b, n, q: sample_prompts(task, basis, b, n, q, gen),
        PretrainConfig(steps=60, batch=32, length=16, queries=4, lr=1e-2),
    )
    assert len(losses) == 60
    assert icl_error(model, held) < before
