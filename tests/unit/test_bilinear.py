"""Unit tests of models/bilinear.py: shapes, frozen embeddings, GD, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from models.bilinear import Bilinear, BilinearConfig, GDConfig, train_gd


def _model(vocab: int = 12, d: int = 64, seed: int = 0) -> Bilinear:
    return Bilinear(BilinearConfig(vocab=vocab, d=d), generator=torch.Generator().manual_seed(seed))


def test_starts_uniform() -> None:
    model = _model()
    x = torch.arange(12)
    assert model(x).shape == (12, 12)
    assert torch.allclose(model.probabilities(x, x), torch.full((12,), 1 / 12, dtype=torch.float64))
    assert math.isclose(float(model.loss(x, x).detach()), math.log(12), rel_tol=1e-12)


def test_embeddings_are_frozen_buffers() -> None:
    model = _model()
    assert [n for n, _ in model.named_parameters()] == ["theta"]
    norms = model.embed.norm(dim=1)
    assert torch.all((norms > 0.6) & (norms < 1.4))  # rows of N(0, I/d) have norm ~ 1


def test_gd_fits_forward_and_logs() -> None:
    model = _model()
    embed = model.embed.clone()
    x, y = np.arange(6), np.arange(6, 12)
    log = train_gd(model, (x, y), (y[:2], x[:2]), GDConfig(steps=100, lr=64.0, log_every=25))
    assert log.steps == (0, 25, 50, 75, 100)
    assert log.train_loss[-1] < 0.05 * log.train_loss[0]
    assert torch.equal(model.embed, embed)


def test_reverse_loss_does_not_fall() -> None:
    model = _model(vocab=40, d=128, seed=3)
    x, y = np.arange(20), np.arange(20, 40)
    log = train_gd(model, (x, y), (y, x), GDConfig(steps=200, lr=128.0, log_every=50))
    assert log.test_loss[-1] >= log.test_loss[0] - 0.05


def test_same_seed_same_curve() -> None:
    x, y = np.arange(5), np.arange(5, 10)
    cfg = GDConfig(steps=20, lr=64.0, log_every=5)
    a = train_gd(_model(vocab=10, seed=7), (x, y), (y, x), cfg)
    b = train_gd(_model(vocab=10, seed=7), (x, y), (y, x), cfg)
    assert a == b


@pytest.mark.parametrize("kwargs", [{"vocab": 1, "d": 4}, {"vocab": 4, "d": 0}])
def test_bad_config(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        BilinearConfig(**kwargs)


def test_bad_gd_config() -> None:
    with pytest.raises(ValueError):
        GDConfig(steps=0, lr=1.0, log_every=1)


def test_symmetric_theta_makes_the_reverse_follow_the_forward() -> None:
    model = Bilinear(
        BilinearConfig(vocab=40, d=128, symmetric=True), generator=torch.Generator().manual_seed(3)
    )
    x, y = np.arange(20), np.arange(20, 40)
    log = train_gd(model, (x, y), (y, x), GDConfig(steps=200, lr=128.0, log_every=50))
    assert log.test_loss[-1] < 0.5 * log.test_loss[0]  # the untrained reverse falls with the forward
    with torch.no_grad():
        xt = torch.as_tensor(x)
        assert torch.allclose(model(xt)[:, 20:], model(torch.as_tensor(y))[:, :20].T)
