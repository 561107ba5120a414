"""Unit tests of models.mean_field: shapes, determinism and the closed-form gradient."""

from __future__ import annotations

import math

import pytest
import torch

from models.mean_field import MeanFieldConfig, network_outputs, train


def _data(n: int = 12, d: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, d, generator=g, dtype=torch.float64)
    return x, torch.tanh(x[:, 0])


def test_shapes_and_determinism() -> None:
    x, y = _data()
    config = MeanFieldConfig(scale=2.0, entropy=0.05, weight_decay=0.05, steps=10)
    a = train(config, x, y, replicas=3, width=5, generator=torch.Generator().manual_seed(1), record=[0, 5])
    b = train(config, x, y, replicas=3, width=5, generator=torch.Generator().manual_seed(1), record=[0, 5])
    assert a.shape == (3, 3, 12)  # steps 0, 5 and the final step 10
    assert (a == b).all()


def test_step_matches_autograd() -> None:
    """One noiseless step equals x - eta * N * d(loss)/dx_i with loss = risk/2 + lam' mean |x|^2."""
    x, y = _data()
    config = MeanFieldConfig(scale=1.5, entropy=1e-12, weight_decay=0.07, step=0.1, steps=1)
    width = 4
    out = train(config, x, y, replicas=1, width=width, generator=torch.Generator().manual_seed(2))
    p = torch.randn(1, width, 3, generator=torch.Generator().manual_seed(2)).double().requires_grad_()
    f = network_outputs(p, x, 1.5)
    loss = 0.5 * ((f - y) ** 2).mean() + 0.07 * (p**2).sum(-1).mean()
    (grad,) = torch.autograd.grad(loss, p)
    moved = (p - 0.1 * width * grad).detach()
    expected = network_outputs(moved, x, 1.5)
    assert torch.allclose(torch.as_tensor(out[-1]), expected, atol=1e-4)


def test_training_fits_and_outputs_bounded() -> None:
    x, y = _data()
    config = MeanFieldConfig(scale=2.0, entropy=0.01, weight_decay=0.01, steps=150)
    out = train(config, x, y, replicas=2, width=64, generator=torch.Generator().manual_seed(0), record=[0])
    risk = ((out - y.numpy()) ** 2).mean(axis=(1, 2))
    assert risk[-1] < 0.5 * risk[0]
    assert abs(out).max() <= 2.0 + 1e-6


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        MeanFieldConfig(scale=1.0, entropy=0.0, weight_decay=0.1)
    x, y = _data()
    config = MeanFieldConfig(scale=1.0, entropy=0.1, weight_decay=0.1, steps=2)
    with pytest.raises(ValueError):
        train(config, x, y, replicas=0, width=3, generator=torch.Generator())
    with pytest.raises(ValueError):
        train(config, x, y, replicas=1, width=3, generator=torch.Generator(), record=[5])
    assert math.isfinite(float(train(config, x, y, replicas=1, width=3, generator=torch.Generator()).sum()))
