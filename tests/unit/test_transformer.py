"""Unit tests of models/transformer.py: shapes, causality, masked loss, training, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.transformer import (
    AdamWConfig,
    TinyCausalTransformer,
    TransformerConfig,
    last_token_mask,
    masked_loss,
    train_adamw,
)

CFG = TransformerConfig(vocab=11, d_model=16, n_layers=2, n_heads=2, seq_len=4)


def _model(seed: int = 0, cfg: TransformerConfig = CFG) -> TinyCausalTransformer:
    return TinyCausalTransformer(cfg, generator=torch.Generator().manual_seed(seed))


def test_shapes_and_length_check() -> None:
    model = _model()
    assert model(torch.zeros(3, 4, dtype=torch.long)).shape == (3, 4, 11)
    with pytest.raises(ValueError):
        model(torch.zeros(1, 5, dtype=torch.long))


def test_causal() -> None:
    model = _model().eval()
    a = torch.tensor([[1, 2, 3, 4]])
    b = torch.tensor([[1, 2, 9, 7]])
    with torch.no_grad():
        assert torch.allclose(model(a)[:, :2], model(b)[:, :2], atol=1e-6)
        assert not torch.allclose(model(a)[:, 2], model(b)[:, 2])


def test_last_token_mask_scores_only_last_target() -> None:
    mask = last_token_mask(2, 4)
    assert mask.tolist() == [[False, False, True]] * 2
    model = _model()
    x = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    logits = model(x[:, :-1])[:, -1]
    expected = torch.nn.functional.cross_entropy(logits, x[:, -1])
    assert torch.allclose(masked_loss(model, x, torch.as_tensor(mask)), expected)


def test_fits_a_small_lookup_and_is_deterministic() -> None:
    cfg = TransformerConfig(vocab=10, d_model=32, n_layers=1, n_heads=2, seq_len=3)
    tokens = np.array([[i, 8, (i + 3) % 8] for i in range(8)])
    opt = AdamWConfig(steps=150, lr=1e-2, log_every=50)
    model = _model(seed=1, cfg=cfg)
    log = train_adamw(model, tokens, last_token_mask(8, 3), opt)
    assert log.steps == (0, 50, 100, 150)
    assert log.loss[-1] < 0.05
    with torch.no_grad():
        pred = model(torch.as_tensor(tokens[:, :2]))[:, -1].argmax(-1)
    assert pred.tolist() == tokens[:, 2].tolist()
    again = train_adamw(_model(seed=1, cfg=cfg), tokens, last_token_mask(8, 3), opt)
    assert again == log


def test_mask_shape_checked() -> None:
    with pytest.raises(ValueError):
        tokens, mask = np.zeros((2, 4), dtype=int), np.ones((2, 4), dtype=bool)
        train_adamw(_model(), tokens, mask, AdamWConfig(steps=1, lr=1e-3))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"vocab": 0, "d_model": 8, "n_layers": 1, "n_heads": 1, "seq_len": 2},
        {"vocab": 5, "d_model": 10, "n_layers": 1, "n_heads": 3, "seq_len": 2},
    ],
)
def test_bad_config(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        TransformerConfig(**kwargs)


@pytest.mark.parametrize("n_layers", [1, 2])
def test_last_logits_is_the_forward_last_row_bit_for_bit(n_layers: int) -> None:
    """Oracle for greedy decoding (yehudai2025): ``last_logits`` is ``forward(x)[:, -1]`` with ==, at the
    experiment's sizes (1000 sequences at the default tier, 500 at smoke, of 16 to 47 tokens), with
    generic weights (LayerNorms, biases too). Not at every batch size: below 8 rows MKL's products of
    one row and of many can round differently (last_logits says so)."""
    cfg = TransformerConfig(vocab=5, d_model=32, n_layers=n_layers, n_heads=4, seq_len=47)
    model = _model(seed=n_layers, cfg=cfg).eval()
    gen = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=gen))
        tokens = torch.randint(0, 5, (1000, 47), generator=gen)
        for batch in (1000, 500):
            for t in (1, 16, 23, 32, 33, 40, 47):
                assert torch.equal(model.last_logits(tokens[:batch, :t]), model(tokens[:batch, :t])[:, -1])
    with pytest.raises(ValueError):
        model.last_logits(torch.zeros(1, 48, dtype=torch.long))
