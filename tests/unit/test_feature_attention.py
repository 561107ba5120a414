"""Unit tests of models.feature_attention: shapes, centring, one pretraining step lowers the loss,
the batched pretraining of several seeds equals the per-seed runs."""

from __future__ import annotations

import pytest
import torch

from models.feature_attention import (
    FeatureAttentionConfig,
    FeatureLinearAttention,
    PretrainConfig,
    icl_error,
    pretrain,
    pretrain_batched,
    stacked_forward,
)
from tasks.single_index_prompts import (
    SingleIndexTask,
    random_subspace,
    sample_prompts,
    sample_prompts_stacked,
)


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


def test_stacked_forward_is_each_models_forward() -> None:
    models, batches = [], []
    for seed in (0, 1, 2):
        model, task, basis, gen = _setup(seed)
        models.append(model)
        batches.append(sample_prompts(task, basis, 4, 10, 3, gen))
    w, b, gamma = (torch.stack([getattr(m, n).detach() for m in models]) for n in ("W", "b", "gamma"))
    x, y, xq, _ = (torch.stack(parts) for parts in zip(*batches, strict=True))
    out = stacked_forward(w, b, gamma, x, y, xq)
    for s, (model, (xs, ys, xqs, _)) in enumerate(zip(models, batches, strict=True)):
        assert torch.allclose(out[s], model(xs, ys, xqs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_batched_pretraining_equals_the_per_seed_runs(noise: float) -> None:
    """pretrain_batched of 3 seeds: each seed's losses, trained parameters and generator state (so
    every later draw) are those of its own pretrain run."""
    task = SingleIndexTask(dim=5, rank=2, link="he2", noise=noise)
    config, seeds = PretrainConfig(steps=30, batch=8, length=12, queries=3, lr=1e-2), (0, 1, 7)
    alone = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        basis = random_subspace(5, 2, g)
        model = FeatureLinearAttention(FeatureAttentionConfig(dim=5, width=16), g)
        losses = pretrain(model, lambda b, n, q, u=basis, g=g: sample_prompts(task, u, b, n, q, g), config)
        alone.append((model, losses, torch.randn(3, generator=g)))
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    bases = [random_subspace(5, 2, g) for g in gens]
    models = [FeatureLinearAttention(FeatureAttentionConfig(dim=5, width=16), g) for g in gens]
    losses = pretrain_batched(
        models, lambda b, n, q: sample_prompts_stacked(task, bases, b, n, q, gens), config
    )
    for (ref, ref_losses, ref_next), model, batch_losses, g in zip(alone, models, losses, gens, strict=True):
        assert batch_losses == pytest.approx(ref_losses, rel=1e-5, abs=1e-6)
        for p, q in zip(ref.parameters(), model.parameters(), strict=True):
            assert torch.allclose(p, q, rtol=1e-5, atol=1e-6)
        assert torch.equal(torch.randn(3, generator=g), ref_next)


def test_batched_pretraining_needs_one_config() -> None:
    g = torch.Generator().manual_seed(0)
    models = [FeatureLinearAttention(FeatureAttentionConfig(dim=d, width=8), g) for d in (4, 5)]
    with pytest.raises(ValueError, match="one config"):
        pretrain_batched(models, lambda b, n, q: (torch.zeros(0),) * 4, PretrainConfig(steps=1))


@pytest.mark.parametrize(("dim", "length", "queries"), [(6, 8, 8), (32, 128, 8), (5, 1, 3)])
def test_in_place_evaluation_forward_is_the_autograd_forward(dim: int, length: int, queries: int) -> None:
    """Oracle: without grad, ``features`` and ``forward`` (in place) give the graph-recording
    path's arrays bit for bit (the same elementwise operations, without the copies)."""
    gen = torch.Generator().manual_seed(dim + length)
    model = FeatureLinearAttention(FeatureAttentionConfig(dim=dim, width=16), gen)
    x, y, xq = (
        torch.randn(50, length, dim, generator=gen),
        torch.randn(50, length, generator=gen),
        torch.randn(50, queries, dim, generator=gen),
    )
    with torch.no_grad():
        fast, fast_phi = model(x, y, xq), model.features(x)
    reference, reference_phi = model(x, y, xq).detach(), model.features(x).detach()
    assert torch.equal(fast, reference) and torch.equal(fast_phi, reference_phi)
