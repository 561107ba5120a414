"""Unit tests of models.sign_attention: shapes, the forward formula, hooks and one step of each optimiser."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.sign_attention import (
    SignAttentionConfig,
    TwoLayerSoftmaxAttnClassifier,
    sign_alignment,
    trajectory,
)


def _data(n: int = 12, d: int = 200) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (n,), generator=g).float() * 2 - 1
    x = torch.zeros(n, 2, d)
    x[:, 0, 0] = y
    x[:, 1, 1:] = torch.randn(n, d - 1, generator=g) * (torch.rand(n, d - 1, generator=g) < 0.05)
    return x, y


def test_forward_matches_the_formula() -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, m_k=4, m_v=3, sigma_0=0.3))
    w = model.init(torch.Generator().manual_seed(1))
    assert w.shape == (2 * 4 + 2 * 3, 200)
    x, _ = _data()
    wq, wk, vp, vm = w[:4], w[4:8], w[8:11], w[11:]
    i = 5
    xi = x[i]  # (2, d)
    s = torch.softmax((xi @ wq.T) @ (xi @ wk.T).T, dim=-1)  # (L, L)
    vals = (xi @ vp.T).mean(-1) - (xi @ vm.T).mean(-1)  # (L,)
    expected = sum(s[q] @ vals for q in range(2))
    assert model.forward(w, x)[i] == pytest.approx(float(expected), rel=1e-5, abs=1e-7)
    assert torch.allclose(model.scores(w, x)[i], s, atol=1e-6)


def test_hooks_shapes() -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, m_k=4, m_v=3))
    w = model.init(torch.Generator().manual_seed(1))
    x, y = _data()
    p = model.projections(w, x, y)
    assert p.value_noise.shape == (12,) and p.query_noise.shape == (12, 4) and p.key_noise.shape == (12, 4)
    assert p.query_signal.shape == (4,) and p.value_signal.shape == ()
    assert model.scores(w, x).sum(-1).allclose(torch.ones(12, 2))


@pytest.mark.parametrize(("optimizer", "lr"), [("gd", 0.5), ("signgd", 1e-3), ("adam", 1e-3)])
def test_one_step_lowers_the_loss(optimizer: str, lr: float) -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, optimizer=optimizer, lr=lr))  # type: ignore[arg-type]
    w = model.init(torch.Generator().manual_seed(2))
    x, y = _data()
    run = model.train(w, x, y, 3)
    assert run.loss.shape == (4,)
    assert run.loss[1] < run.loss[0] and run.loss[-1] < run.loss[0]
    assert torch.equal(w, model.init(torch.Generator().manual_seed(2)))  # the input weights are untouched


def test_config_validates() -> None:
    with pytest.raises(ValueError):
        SignAttentionConfig(d=10, optimizer="sgd")  # type: ignore[arg-type]


def test_log_scores_match_scores() -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, m_k=4, m_v=3, sigma_0=0.3))
    w = model.init(torch.Generator().manual_seed(3))
    x, _ = _data()
    assert torch.allclose(model.log_scores(w, x).exp(), model.scores(w, x), atol=1e-6)


def test_trajectory_is_the_same_run_as_train() -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, m_k=4, m_v=3))
    w = model.init(torch.Generator().manual_seed(4))
    x, y = _data()
    traj = trajectory(model, w, x, y, 7, every=3)
    run = model.train(w, x, y, 7)
    assert traj.steps.tolist() == [0, 3, 6, 7]
    assert torch.allclose(traj.weights, run.weights)
    assert traj.loss == pytest.approx(run.loss[[0, 3, 6, 7]], rel=1e-5)
    assert traj.value_noise.shape == (4, 12) and traj.key_noise.shape == (4, 12, 4)
    assert traj.query_noise.shape == (4, 12, 4) and traj.log_scores.shape == (4, 12, 2, 2)
    first = model.projections(w, x, y)
    assert traj.key_noise[0] == pytest.approx(first.key_noise.numpy())


def test_signgd_moves_the_mean_value_noise_coherently() -> None:
    """With disjoint noise supports one sign step moves it by exactly 2 eta ||xi_i||_1."""
    d, n = 200, 6
    x = torch.zeros(n, 2, d)
    y = torch.tensor([1.0, -1, 1, -1, 1, -1])
    x[:, 0, 0] = y
    for i in range(n):
        x[i, 1, 1 + 10 * i : 11 + 10 * i] = torch.linspace(-1, 1, 10) + 0.05
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=d, m_k=4, m_v=3, lr=1e-3))
    traj = trajectory(model, model.init(torch.Generator().manual_seed(5)), x, y, 1)
    moved = traj.value_noise[1] - traj.value_noise[0]
    assert moved == pytest.approx((2e-3 * x[:, 1].abs().sum(1)).numpy(), rel=1e-4)


def test_trajectory_rejects_adam() -> None:
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=200, optimizer="adam"))
    x, y = _data()
    with pytest.raises(ValueError):
        trajectory(model, model.init(torch.Generator().manual_seed(0)), x, y, 2)


def test_sign_alignment_counts_shared_signs_per_snapshot() -> None:
    a = np.array([[[1.0, -2.0], [3.0, 0.5]], [[-1.0, -2.0], [-3.0, 0.5]]])  # (K=2, N=2, m_k=2)
    b = np.array([[[2.0, -1.0], [-1.0, 4.0]], [[1.0, 1.0], [1.0, -1.0]]])
    assert sign_alignment(a, b).tolist() == [0.75, 0.0]
    assert sign_alignment(a, a).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError):
        sign_alignment(a, b[:1])


def test_signgd_aligns_query_and_key_noise() -> None:
    """Independent at init (about 1/2), query and key noise share their sign after a few dozen sign steps."""
    d, n = 400, 8
    g = torch.Generator().manual_seed(6)
    y = torch.tensor([1.0, -1] * (n // 2))
    x = torch.zeros(n, 2, d)
    x[:, 0, 0] = y
    for i in range(n):  # disjoint supports of 10 coordinates
        x[i, 1, 1 + 10 * i : 11 + 10 * i] = torch.randn(10, generator=g)
    model = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=d, m_k=8, m_v=8, lr=1e-3))
    traj = trajectory(model, model.init(g), x, y, 30, every=30)
    align = sign_alignment(traj.query_noise, traj.key_noise)
    assert 0.25 < align[0] < 0.75
    assert align[-1] >= 0.9


@pytest.mark.parametrize(("optimizer", "lr"), [("gd", 0.5), ("signgd", 1e-3), ("adam", 1e-3)])
def test_frozen_values_stay_at_init(optimizer: str, lr: float) -> None:
    config = SignAttentionConfig(d=200, m_k=4, m_v=3, optimizer=optimizer, lr=lr, freeze_values=True)  # type: ignore[arg-type]
    model = TwoLayerSoftmaxAttnClassifier(config)
    w = model.init(torch.Generator().manual_seed(2))
    x, y = _data()
    out = model.train(w, x, y, 3).weights
    assert torch.equal(out[8:], w[8:])  # both value maps untouched
    assert not torch.equal(out[:8], w[:8])  # queries and keys still train
