"""Unit tests of tasks.signal_sparse_noise: sampler layout, regime filter and strategy bounds."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.signal_sparse_noise import SignalSparseNoise, sample, signal_sparse_noise_problems


def test_sample_layout_and_sparsity() -> None:
    p = SignalSparseNoise(d=500, n=8, s=5, sigma_p=1.0, mu_norm=1.5)
    x, y = sample(p, 64, torch.Generator().manual_seed(0))
    assert x.shape == (64, 2, 500) and y.shape == (64,)
    assert set(y.tolist()) <= {-1.0, 1.0}
    assert torch.equal(x[:, 0, 0], y * 1.5)  # signal token y * mu on coordinate 0
    assert torch.all(x[:, 0, 1:] == 0)
    assert torch.all(x[:, 1, 0] == 0)  # the noise never touches the signal coordinate
    assert torch.all((x[:, 1] != 0).sum(1) == 5)


def test_sample_is_seeded() -> None:
    p = SignalSparseNoise(d=300, n=4, s=3, sigma_p=1.0, mu_norm=1.0)
    a = sample(p, 10, torch.Generator().manual_seed(3))
    b = sample(p, 10, torch.Generator().manual_seed(3))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_regime_properties() -> None:
    p = SignalSparseNoise(d=800, n=10, s=8, sigma_p=1.0, mu_norm=1.0)
    assert p.in_regime and p.noise_l1_ratio == pytest.approx(8 * 0.7979, rel=1e-3)
    assert not SignalSparseNoise(d=799, n=10, s=8, sigma_p=1.0, mu_norm=1.0).in_regime
    assert not SignalSparseNoise(d=800, n=10, s=8, sigma_p=0.1, mu_norm=1.0).in_regime
    assert p.gd_snr == pytest.approx(10 / 8)


@settings(max_examples=20, deadline=None)
@given(
    signal_sparse_noise_problems(
        min_n=10, max_n=16, min_s=8, max_s=12, max_d=1600, max_d_over_ns=13.0, min_gd_snr=0.8
    )
)
def test_strategy_draws_inside_the_regime(p: SignalSparseNoise) -> None:
    assert p.in_regime and p.gd_snr >= 0.8
    assert 10 <= p.n <= 16 and 8 <= p.s <= 12 and 10 * p.n * p.s <= p.d <= min(1600, 13 * p.n * p.s)


def test_strategy_validates_bounds() -> None:
    with pytest.raises(InvalidArgument):
        signal_sparse_noise_problems(min_n=5, max_n=4).example()
    with pytest.raises(InvalidArgument):
        signal_sparse_noise_problems(max_d=10).example()
    with pytest.raises(InvalidArgument):
        signal_sparse_noise_problems(max_s=1, min_s=1, max_sigma_p=0.5, min_mu_norm=2.0).example()
