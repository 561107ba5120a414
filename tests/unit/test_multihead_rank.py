"""Unit tests of models.multihead_rank: shapes, parameter budget, the analytic head, one Adam step."""

from __future__ import annotations

import pytest
import torch

from models.multihead_rank import (
    DeepAttnRank,
    DeepRankConfig,
    MultiHeadAttnRank,
    RankConfig,
    TrainConfig,
    mse,
    nearest_neighbour_head,
    train,
    train_batched,
    two_layer_nn_construction,
    value_std,
)
from tasks.nn_readout import NNReadout, sample, sample_stacked


def _data(batch: int, dim: int, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    q = torch.nn.functional.normalize(torch.randn(batch, dim, generator=g), dim=-1)
    c = torch.nn.functional.normalize(torch.randn(batch, n, dim, generator=g), dim=-1)
    best = torch.einsum("bd,bnd->bn", q, c).argmax(dim=-1)
    return q, c, c[torch.arange(batch), best]


def test_shapes_and_attention_rows_sum_to_one() -> None:
    model = MultiHeadAttnRank(RankConfig(dim=6, heads=3, rank=2), torch.Generator().manual_seed(0))
    q, c, _ = _data(5, 6, 4, 1)
    assert model(q, c).shape == (5, 6)
    p = model.attention(q, c)
    assert p.shape == (5, 3, 4) and torch.allclose(p.sum(dim=-1), torch.ones(5, 3))


def test_equal_query_key_budget() -> None:
    g = torch.Generator().manual_seed(0)
    full = MultiHeadAttnRank(RankConfig(dim=8, heads=1, rank=8), g)
    low = MultiHeadAttnRank(RankConfig(dim=8, heads=8, rank=1), g)
    assert full.q.numel() + full.k.numel() == low.q.numel() + low.k.numel() == 2 * 8 * 8
    assert low.parameter_count() == 8 * (2 * 8 + 64)


def test_rank_above_dim_is_rejected() -> None:
    with pytest.raises(ValueError):
        RankConfig(dim=4, heads=1, rank=5)


def test_analytic_head_approaches_the_target_as_beta_grows() -> None:
    q, c, y = _data(4096, 5, 3, 2)
    errs = [mse(nearest_neighbour_head(5, beta), q, c, y) for beta in (1.0, 30.0, 1000.0)]
    assert errs[0] > errs[1] > errs[2] and errs[2] < 0.01
    zero = nearest_neighbour_head(5, 0.0)  # beta = 0: uniform attention, the context average
    assert torch.allclose(zero(q, c), c.mean(dim=1), atol=1e-6)


def test_one_adam_step_lowers_the_loss_and_is_deterministic() -> None:
    q, c, y = _data(256, 4, 2, 3)

    def fixed(batch: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return q, c, y

    runs = []
    for _ in range(2):
        model = MultiHeadAttnRank(RankConfig(dim=4, heads=1, rank=4), torch.Generator().manual_seed(4))
        losses = train(model, fixed, TrainConfig(steps=2, batch=256, lr=1e-2), torch.Generator())
        runs.append(losses)
        assert mse(model, q, c, y) < losses[0]
    assert runs[0] == runs[1]


def test_deep_stack_shapes_and_budget() -> None:
    config = DeepRankConfig(dim=6, context=3, heads=4, rank=1, layers=2)
    model = DeepAttnRank(config, torch.Generator().manual_seed(0))
    q, c, _ = _data(5, 6, 3, 1)
    y, z = model.tokens(q, c)
    assert y.shape == (5, 9) and z.shape == (5, 3, 9)
    assert torch.equal(z[:, :, 6:], torch.eye(3).expand(5, 3, 3)) and torch.equal(y[:, 6:], torch.zeros(5, 3))
    assert model(q, c).shape == (5, 6)
    assert model.parameter_count() == 2 * 4 * 2 * 9 + 4 * 9 * 9 + 4 * 6 * 9
    with pytest.raises(ValueError):
        DeepRankConfig(dim=4, context=2, heads=1, rank=1, layers=0)


def test_one_layer_stack_is_the_one_layer_model_when_it_ignores_positions() -> None:
    flat = MultiHeadAttnRank(RankConfig(dim=5, heads=3, rank=1), torch.Generator().manual_seed(0))
    deep = DeepAttnRank(
        DeepRankConfig(dim=5, context=4, heads=3, rank=1, layers=1), torch.Generator().manual_seed(1)
    )
    with torch.no_grad():
        for tensor in (deep.q, deep.k, deep.w):
            tensor.zero_()
        deep.q[0, :, :5] = flat.q
        deep.k[0, :, :5] = flat.k
        deep.w[:, :, :5] = flat.v
    q, c, _ = _data(7, 5, 4, 2)
    assert torch.allclose(deep(q, c), flat(q, c), atol=1e-6)


def test_two_layer_construction_approaches_the_target_at_two_points() -> None:
    q, c, y = _data(4096, 6, 2, 5)
    errs = [
        mse(two_layer_nn_construction(6, a, g), q, c, y) for a, g in ((1.0, 10.0), (0.3, 1e3), (0.1, 1e5))
    ]
    blind = float(((c.mean(dim=1) - y) ** 2).sum(dim=-1).mean())
    assert errs[0] > errs[1] > errs[2] and errs[2] < 0.01 * blind


def test_one_adam_step_lowers_the_two_layer_loss_and_is_deterministic() -> None:
    q, c, y = _data(256, 4, 2, 3)

    def fixed(batch: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return q, c, y

    runs = []
    for _ in range(2):
        config = DeepRankConfig(dim=4, context=2, heads=4, rank=1, layers=2)
        model = DeepAttnRank(config, torch.Generator().manual_seed(4))
        losses = train(model, fixed, TrainConfig(steps=2, batch=256, lr=1e-2), torch.Generator())
        runs.append(losses)
        assert mse(model, q, c, y) < losses[0]
    assert runs[0] == runs[1]


def test_value_init_has_the_authors_xavier_variance() -> None:
    model = MultiHeadAttnRank(RankConfig(dim=16, heads=8, rank=1), torch.Generator().manual_seed(0))
    assert value_std(16, 8) == pytest.approx((2 / (16 * 9)) ** 0.5)
    assert float(model.v.detach().std()) == pytest.approx(value_std(16, 8), rel=0.05)


def _rank_model(kind: str, g: torch.Generator) -> MultiHeadAttnRank | DeepAttnRank:
    if kind == "full":
        return MultiHeadAttnRank(RankConfig(dim=4, heads=1, rank=4), g)
    if kind == "low":
        return MultiHeadAttnRank(RankConfig(dim=4, heads=3, rank=2), g)
    return DeepAttnRank(
        DeepRankConfig(dim=4, context=3, heads=3, rank=1, layers=1 if kind == "deep1" else 2), g
    )


@pytest.mark.parametrize(
    "kind,freeze", [("full", False), ("low", False), ("deep1", False), ("deep2", False), ("deep2", True)]
)
def test_batched_training_equals_the_per_seed_runs(kind: str, freeze: bool) -> None:
    """train_batched of 3 seeds: each seed's losses and trained parameters are those of its own train run."""
    task, config, seeds = NNReadout(dim=4, context=3), TrainConfig(steps=25, batch=32, lr=3e-2), (0, 1, 7)
    alone = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        model = _rank_model(kind, g)
        if freeze:
            for p in (model.q, model.k, model.v):
                p.register_hook(_zero_layer_zero)
        alone.append((model, train(model, lambda b, gen: sample(task, b, gen), config, g)))
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    models = [_rank_model(kind, g) for g in gens]
    initial = [[p.detach().clone() for p in m.parameters()] for m in models]
    losses = train_batched(
        models, lambda b, gs: sample_stacked(task, b, gs), config, gens, freeze_first_layer=freeze
    )
    for (ref, ref_losses), model, batch_losses, init in zip(alone, models, losses, initial, strict=True):
        assert batch_losses == pytest.approx(ref_losses, rel=1e-5, abs=1e-6)
        for p, q in zip(ref.parameters(), model.parameters(), strict=True):
            assert torch.allclose(p, q, rtol=1e-5, atol=1e-6)
        if freeze:  # the first layer's factors stayed at init, the rest moved
            assert torch.equal(model.q[0], init[0][0]) and torch.equal(model.v[0], init[2][0])
            assert not torch.equal(model.q[1], init[0][1])


def _zero_layer_zero(grad: torch.Tensor) -> torch.Tensor:
    out = grad.clone()
    out[0] = 0.0
    return out


def test_batched_training_rejects_mixed_configs() -> None:
    g = torch.Generator().manual_seed(0)
    models = [MultiHeadAttnRank(RankConfig(dim=4, heads=1, rank=r), g) for r in (1, 2)]
    with pytest.raises(ValueError):
        train_batched(
            models, lambda b, gs: sample_stacked(NNReadout(dim=4, context=2), b, gs), TrainConfig(), [g, g]
        )
