"""Unit tests of models/parity_cot.py: shapes, the link function, one GD step and the MLP baseline."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.parity_cot import (
    MLPConfig,
    ParityCoTConfig,
    ParityMLP,
    PositionalAttentionCoT,
    children_mass,
    cot_loss,
    link,
    one_gd_step,
    train_mlp,
    train_mlp_batched,
)


def _data(n: int = 512, d: int = 6, seed: int = 0) -> torch.Tensor:
    """Inputs (n, d) with a 4-parity CoT on bits 0, 2, 3, 5: positions d, d+1, d+2."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 2, (n, d), generator=g).double() * 2 - 1
    a, b = x[:, 0] * x[:, 2], x[:, 3] * x[:, 5]
    return torch.cat([x, a[:, None], b[:, None], (a * b)[:, None]], dim=1)


CHILDREN = ((0, 2), (3, 5), (6, 7))


def test_link_computes_two_bit_products() -> None:
    for a in (-1.0, 1.0):
        for b in (-1.0, 1.0):
            assert float(link(torch.tensor((a + b) / 2))) == a * b


def test_shapes_and_uniform_attention_at_init() -> None:
    model = PositionalAttentionCoT(ParityCoTConfig(d=6, length=9))
    attn = model.attention()
    assert attn.shape == (3, 9)
    for i, m in enumerate(range(6, 9)):
        torch.testing.assert_close(attn[i, :m], torch.full((m,), 1.0 / m, dtype=torch.float64))
        assert float(attn[i, m:].sum().detach()) == 0.0  # causal: nothing at or after m
    seq = _data()
    assert model(seq).shape == (512, 3)
    assert model.generate(seq[:, :6]).shape == (512, 9)


def test_hand_set_attention_solves_the_parity() -> None:
    model = PositionalAttentionCoT(ParityCoTConfig(d=6, length=9))
    with torch.no_grad():
        for i, (a, b) in enumerate(CHILDREN):
            model.W[6 + i, [a, b]] = 50.0
    seq = _data()
    gen = model.generate(seq[:, :6])
    torch.testing.assert_close(gen, seq)
    assert float(cot_loss(model, seq)) < 1e-6
    assert children_mass(model, CHILDREN).min() > 0.999


def test_one_step_lowers_the_loss_and_moves_attention_to_children() -> None:
    model = PositionalAttentionCoT(ParityCoTConfig(d=6, length=9))
    seq = _data(n=4000)
    before = children_mass(model, CHILDREN)
    step = one_gd_step(model, seq, lr=2.0 * 9**2)
    assert step.loss_after < step.loss_before
    assert np.all(children_mass(model, CHILDREN) > before)


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        ParityCoTConfig(d=5, length=5)


def test_mlp_forward_and_training_lowers_loss() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 2, (256, 8), generator=g).float() * 2 - 1
    y = x[:, 0] * x[:, 1]
    model = ParityMLP(MLPConfig(d=8, width=32, steps=60, lr=1e-2, batch=64), g)
    assert model(x).shape == (256,)
    losses = train_mlp(model, x, y, g)
    assert losses.shape == (60,) and losses[-10:].mean() < losses[:10].mean()


def test_train_mlp_batched_equals_per_seed_runs() -> None:
    """Three MLPs trained as one stacked model: each seed's losses and parameters are its own run's
    (bit for bit on CPU: the stacked forward uses the per-seed kernels' row forms), and the probe sees
    every ``every``-th step with the models holding the current parameters."""
    cfg = MLPConfig(d=8, width=32, steps=40, lr=1e-2, batch=64)
    data = []
    for s in range(3):
        x = torch.randint(0, 2, (256, 8), generator=torch.Generator().manual_seed(50 + s)).float() * 2 - 1
        data.append((x, x[:, s] * x[:, s + 1]))
    alone, losses = [], []
    for s, (x, y) in enumerate(data):
        g = torch.Generator().manual_seed(s)
        alone.append(ParityMLP(cfg, g))
        losses.append(train_mlp(alone[-1], x, y, g))
    gens = [torch.Generator().manual_seed(s) for s in range(3)]
    stacked = [ParityMLP(cfg, g) for g in gens]
    seen: list[tuple[int, float]] = []
    batched = train_mlp_batched(
        stacked,
        [x for x, _ in data],
        [y for _, y in data],
        gens,
        lambda step: seen.append((step, float(stacked[0].u[0].detach()))),
        every=10,
    )
    assert batched.shape == (3, 40)
    assert torch.allclose(torch.as_tensor(batched), torch.as_tensor(np.stack(losses)), rtol=1e-6, atol=1e-7)
    for m, mb in zip(alone, stacked, strict=True):
        for name in ("V", "b", "u"):
            assert torch.allclose(getattr(mb, name), getattr(m, name), rtol=1e-5, atol=1e-6)
    assert [step for step, _ in seen] == [10, 20, 30, 40] and len({u for _, u in seen}) == 4
