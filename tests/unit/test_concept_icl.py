"""Unit tests of models.concept_icl: shapes, zero-init attention, GD steps, error rate, baseline."""

from __future__ import annotations

import pytest
import torch

from models.concept_icl import (
    AttnMLPClassifier,
    AttnMLPConfig,
    Batch,
    GDConfig,
    QueryOnlyMLP,
    error_rate,
    frozen_attention_error_rate,
    logistic_loss,
    train_gd,
)


def _batch(size: int, gen: torch.Generator, d: int = 8, length: int = 6) -> Batch:
    x = torch.randn(size, length, d, generator=gen)
    y = (2 * torch.randint(2, (size, length), generator=gen) - 1).float()
    # the query copies demonstration 0, so its label is that demonstration's label
    return x, y, x[:, 0].clone(), y[:, 0].clone()


def test_forward_shapes_and_uniform_attention_at_init() -> None:
    gen = torch.Generator().manual_seed(0)
    model = AttnMLPClassifier(AttnMLPConfig(dim=8), gen)
    x, y, q, _ = _batch(5, gen)
    assert model(x, y, q).shape == (5,)
    p = model.attention(x, q)
    assert torch.allclose(p, torch.full((5, 6), 1 / 6))
    assert torch.allclose(model.attended_label(x, y, q), y.mean(-1))
    assert torch.allclose(model.head.abs().sum(), torch.tensor(1.0))
    assert QueryOnlyMLP(AttnMLPConfig(dim=8), gen)(x, y, q).shape == (5,)


def test_gd_lowers_the_loss_and_moves_w() -> None:
    gen = torch.Generator().manual_seed(1)
    model = AttnMLPClassifier(AttnMLPConfig(dim=8), gen)
    fixed = _batch(512, torch.Generator().manual_seed(5))
    with torch.no_grad():
        before = float(logistic_loss(model(*fixed[:3]), fixed[3]))
    log = train_gd(model, lambda n: fixed, GDConfig(steps=20, batch=512, lr=2.0, eval_every=10))
    with torch.no_grad():
        after = float(logistic_loss(model(*fixed[:3]), fixed[3]))
    assert after < before and len(log.losses) == 20
    assert float(model.W.abs().sum()) > 0


def test_error_rate_and_eval_cadence() -> None:
    gen = torch.Generator().manual_seed(2)
    model = AttnMLPClassifier(AttnMLPConfig(dim=8), gen)
    batch = _batch(300, gen)
    err = error_rate(model, batch, chunk=64)
    assert 0.0 <= err <= 1.0
    log = train_gd(
        model, lambda n: _batch(n, gen), GDConfig(steps=10, batch=32, eval_every=5), evaluate=lambda m: 0.5
    )
    assert log.eval_steps == (0, 5, 10) and log.evals == (0.5, 0.5, 0.5)


def test_frozen_attention_error_rate_is_error_rate() -> None:
    """Oracle: the cached attended labels give error_rate's float at every evaluation of a GD run."""
    gen = torch.Generator().manual_seed(6)
    model = AttnMLPClassifier(AttnMLPConfig(dim=8), gen)
    with torch.no_grad():
        model.W.copy_(torch.randn(8, 8, generator=gen))  # frozen anywhere, not only at zero
    model.W.requires_grad_(False)
    test = _batch(300, gen)
    cached = frozen_attention_error_rate(model, test, chunk=64)
    pairs: list[tuple[float, float]] = []
    train_gd(
        model,
        lambda n: _batch(n, gen),
        GDConfig(steps=40, batch=32, eval_every=4),
        evaluate=lambda m: pairs.append((cached(m), error_rate(m, test, chunk=64))) or 0.0,
    )
    assert len(pairs) == 11 and all(a == b for a, b in pairs)
    assert len({a for a, _ in pairs}) > 1  # the MLP moved: not a constant
    with pytest.raises(ValueError, match="frozen"):
        frozen_attention_error_rate(AttnMLPClassifier(AttnMLPConfig(dim=8), gen), test)
