"""Unit tests of models.group_attention: shapes, uniform start, one GD step, logistic regression."""

from __future__ import annotations

import torch

from models.group_attention import (
    GDConfig,
    GroupAttentionConfig,
    OneLayerSelfAttnClassifier,
    fit_logistic,
    logistic_error,
    logistic_loss,
    train_gd,
    train_gd_batched,
)


def _data(n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randn(n, 3, 4, generator=gen)  # d = 3, D = 4; label reads group 2
    y = torch.sign(x[:, 0, 2])
    y[y == 0] = 1.0
    return torch.cat([x, torch.eye(4).expand(n, -1, -1)], dim=1), y


def test_forward_shapes_and_uniform_attention_at_zero() -> None:
    model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4))
    z, _ = _data(5, torch.Generator().manual_seed(0))
    s = model.attention(z)
    assert s.shape == (5, 4, 4) and torch.allclose(s, torch.full_like(s, 0.25))
    assert model.attended(z).shape == (5, 7) and torch.allclose(model.attended(z), z.mean(dim=2))
    assert model(z).shape == (5,) and torch.all(model(z) == 0)


def test_output_is_value_of_tokens_attended_and_averaged() -> None:
    model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4))
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        model.W.copy_(torch.randn(7, 7, generator=gen))
        model.v.copy_(torch.randn(7, generator=gen))
    z, _ = _data(3, gen)
    s = model.attention(z)
    assert torch.allclose(s.sum(dim=1), torch.ones(3, 4))
    expected = torch.stack([model.v @ z[i] @ s[i] @ torch.ones(4) / 4 for i in range(3)])
    assert torch.allclose(model(z), expected, atol=1e-5)


def test_gd_lowers_the_loss_and_logs_checkpoints() -> None:
    gen = torch.Generator().manual_seed(2)
    model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4))
    z, y = _data(512, torch.Generator().manual_seed(9))
    with torch.no_grad():
        before = float(logistic_loss(model(z), y))
    log = train_gd(model, _data, GDConfig(steps=20, lr=2.0, batch=256), gen, probe=z, log_steps=(10, 20))
    assert log.steps == (10, 20) and log.attention.shape == (2, 4, 4)
    with torch.no_grad():
        assert float(logistic_loss(model(z), y)) < before


def test_frozen_attention_trains_the_value_only() -> None:
    model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4))
    probe, _ = _data(64, torch.Generator().manual_seed(9))
    config = GDConfig(steps=5, lr=2.0, batch=128)
    train_gd(model, _data, config, torch.Generator().manual_seed(4), probe=probe, freeze_attention=True)
    assert torch.all(model.W == 0) and float(model.v.norm()) > 0
    # uniform attention: the value gradient is along the mean of the groups' label-relevant coordinate
    assert int(model.v[:3].abs().argmax()) == 0


def test_logistic_regression_separates_a_linear_rule() -> None:
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(200, 5, generator=gen)
    y = torch.where(x[:, 1] - x[:, 3] > 0, 1.0, -1.0)
    w, b = fit_logistic(x, y, l2=1e-4)
    assert w.shape == (5,) and b.shape == ()
    assert logistic_error(w, b, x, y) < 0.05


def test_batched_gd_gives_each_seed_its_unbatched_run() -> None:
    """train_gd_batched over 3 seeds: each seed's weights and log are train_gd's up to float rounding."""
    config = GDConfig(steps=30, lr=2.0, batch=64)
    probes = [_data(20, torch.Generator().manual_seed(100 + s))[0] for s in range(3)]
    for freeze in (False, True):
        singles = []
        for s in range(3):
            model = OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4))
            log = train_gd(
                model,
                _data,
                config,
                torch.Generator().manual_seed(s),
                probe=probes[s],
                log_steps=[10, 30],
                freeze_attention=freeze,
            )
            singles.append((model, log))
        models = [OneLayerSelfAttnClassifier(GroupAttentionConfig(dim=7, groups=4)) for _ in range(3)]
        gens = [torch.Generator().manual_seed(s) for s in range(3)]
        logs = train_gd_batched(
            models, _data, config, gens, probes=probes, log_steps=[10, 30], freeze_attention=freeze
        )
        for (single, log), model, batched in zip(singles, models, logs, strict=True):
            assert batched.steps == log.steps == (10, 30)
            assert torch.allclose(model.W, single.W, atol=1e-5) and torch.allclose(
                model.v, single.v, atol=1e-5
            )
            assert torch.allclose(torch.tensor(batched.loss), torch.tensor(log.loss), atol=1e-5)
            assert torch.allclose(batched.attention, log.attention, atol=1e-5)
            assert not freeze or torch.all(model.W == 0)
