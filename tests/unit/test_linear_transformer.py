"""Unit tests of models.linear_transformer: shapes, causality, GD representability, one training step."""

from __future__ import annotations

import torch

from models.linear_transformer import (
    LinearSelfAttention,
    LSAConfig,
    TrainConfig,
    cot_tokens,
    embed_prompt,
    teacher_forced_loss,
    train,
)
from tasks.linear_regression_prompts import RegressionPrompt, gd_iterates, sample_prompts


def _gd_model(d: int, eta: float) -> LinearSelfAttention:
    """The hand-set LSA that performs w <- w - eta (S w - h): W_kq c = [w - 1*0; -1; ...], W_pv reads x."""
    model = LinearSelfAttention(LSAConfig(dim=d), torch.Generator().manual_seed(0))
    width = 2 * d + 2
    kq, pv = torch.zeros(width, width), torch.zeros(width, width)
    kq[:d, d + 1 : 2 * d + 1] = torch.eye(d)  # x-block of W_kq c_k is w_k
    kq[d, 2 * d + 1] = -1.0  # y-slot of W_kq c_k is -1 (from the constant 1)
    pv[d + 1 : 2 * d + 1, :d] = -eta * torch.eye(d)  # write -eta (S w - h) into the w block
    with torch.no_grad():
        model.w_kq.copy_(kq)
        model.w_pv.copy_(pv)
    return model


def test_shapes_and_tokens() -> None:
    x, y, w = sample_prompts(RegressionPrompt(dim=3, length=6), 4, torch.Generator().manual_seed(0))
    examples, cot = embed_prompt(x, y), cot_tokens(w.unsqueeze(1))
    assert examples.shape == (4, 6, 8) and cot.shape == (4, 1, 8)
    assert torch.equal(cot[..., -1], torch.ones(4, 1))
    model = LinearSelfAttention(LSAConfig(dim=3), torch.Generator().manual_seed(0))
    assert model(examples, cot).shape == (4, 1, 3)
    assert model.rollout(x, y, 5).shape == (4, 5, 3)


def test_gd_is_exactly_representable() -> None:
    problem = RegressionPrompt(dim=3, length=9)
    x, y, _ = sample_prompts(problem, 8, torch.Generator().manual_seed(2))
    model = _gd_model(3, 0.3)
    assert torch.allclose(model.rollout(x, y, 6), gd_iterates(x, y, 0.3, 6), atol=1e-5)
    with torch.no_grad():
        assert float(teacher_forced_loss(model, x, y, gd_iterates(x, y, 0.3, 6))) < 1e-10


def test_prediction_is_causal() -> None:
    x, y, _ = sample_prompts(RegressionPrompt(dim=2, length=5), 3, torch.Generator().manual_seed(0))
    model = LinearSelfAttention(LSAConfig(dim=2, init_scale=0.5), torch.Generator().manual_seed(1))
    cot = cot_tokens(torch.randn(3, 4, 2, generator=torch.Generator().manual_seed(3)))
    full = model(embed_prompt(x, y), cot)
    head = model(embed_prompt(x, y), cot[:, :2])
    assert torch.allclose(full[:, :2], head, atol=1e-6)


def test_training_lowers_the_loss() -> None:
    problem = RegressionPrompt(dim=2, length=6)
    gen = torch.Generator().manual_seed(0)
    model = LinearSelfAttention(LSAConfig(dim=2, init_scale=0.1), gen)

    def batch(size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, y, _ = sample_prompts(problem, size, gen)
        return x, y, gd_iterates(x, y, 0.4, 3)

    losses = train(model, batch, TrainConfig(steps=100, batch=32, lr=2e-2))
    assert losses.shape == (100,)
    assert losses[-10:].mean() < 0.5 * losses[:5].mean()
