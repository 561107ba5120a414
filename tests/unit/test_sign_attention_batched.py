"""Batched seeds of models.sign_attention: the stacked trainer on the kept columns equals per-seed runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.sign_attention import (
    Optimizer,
    SignAttentionConfig,
    SparseInputs,
    StackedSignAttention,
    TwoLayerSoftmaxAttnClassifier,
    attention_scores,
    compress,
    readout,
    trajectory,
)
from tasks.signal_sparse_noise import SignalSparseNoise, sample

PROBLEM = SignalSparseNoise(d=300, n=6, s=4, sigma_p=1.0, mu_norm=1.0)


def _seeds(seeds: tuple[int, ...], config: SignAttentionConfig) -> tuple[list[torch.Tensor], ...]:
    xs, ys, ws = [], [], []
    for seed in seeds:
        gen = torch.Generator().manual_seed(seed)
        x, y = sample(PROBLEM, PROBLEM.n, gen)
        xs.append(x)
        ys.append(y)
        ws.append(TwoLayerSoftmaxAttnClassifier(config).init(gen))
    return xs, ys, ws


def test_compress_keeps_exactly_the_nonzero_columns_and_expand_restores_the_rest() -> None:
    xs, _, ws = _seeds((0, 1, 2), SignAttentionConfig(d=PROBLEM.d))
    comp = compress(xs)
    for s, x in enumerate(xs):
        c = comp.count[s]
        assert c <= PROBLEM.n * PROBLEM.s + 1
        assert torch.equal(comp.x[s, ..., :c], x[..., comp.columns[s, :c]])
        assert not comp.x[s, ..., c:].any()
        rest = torch.ones(PROBLEM.d, dtype=torch.bool)
        rest[comp.columns[s, :c]] = False
        assert not x[..., rest].any()  # every dropped column is zero in every token
    full = torch.stack(ws)
    back = comp.expand(comp.weights(full), full)
    for s in range(3):
        assert torch.equal(back[s], full[s])


@pytest.mark.parametrize(
    ("optimizer", "lr", "freeze"),
    [("gd", 0.5, False), ("signgd", 1e-3, False), ("adam", 1e-3, False), ("signgd", 1e-3, True)],
)
def test_batched_training_equals_each_seeds_own_run(optimizer: Optimizer, lr: float, freeze: bool) -> None:
    config = SignAttentionConfig(d=PROBLEM.d, optimizer=optimizer, lr=lr, freeze_values=freeze)
    xs, ys, ws = _seeds((0, 1, 2), config)
    comp = compress(xs)
    losses, w, _ = StackedSignAttention(config).train(
        comp.weights(torch.stack(ws)), comp.x, torch.stack(ys), 60
    )
    trained = comp.expand(w, torch.stack(ws))
    model = TwoLayerSoftmaxAttnClassifier(config)
    for s in range(3):
        ref = model.train(ws[s], xs[s], ys[s], 60)
        np.testing.assert_allclose(losses[s], ref.loss, rtol=1e-5, atol=1e-7)
        torch.testing.assert_close(trained[s], ref.weights, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("every", [1, 7])
def test_batched_trajectory_equals_each_seeds_trajectory(every: int) -> None:
    config = SignAttentionConfig(d=PROBLEM.d, optimizer="signgd", lr=1e-3)
    xs, ys, ws = _seeds((4, 5), config)
    comp = compress(xs)
    stacked = StackedSignAttention(config)
    _, _, trajs = stacked.train(comp.weights(torch.stack(ws)), comp.x, torch.stack(ys), 30, every=every)
    model = TwoLayerSoftmaxAttnClassifier(config)
    for s, got in enumerate(trajs):
        ref = trajectory(model, ws[s], xs[s], ys[s], 30, every=every)
        np.testing.assert_array_equal(got.steps, ref.steps)
        for name in ("loss", "value_noise", "key_noise", "query_noise", "log_scores"):
            np.testing.assert_allclose(
                getattr(got, name), getattr(ref, name), rtol=1e-5, atol=1e-6, err_msg=name
            )


def test_batched_trajectory_refuses_adam() -> None:
    config = SignAttentionConfig(d=PROBLEM.d, optimizer="adam")
    xs, ys, ws = _seeds((0,), config)
    comp = compress(xs)
    with pytest.raises(ValueError, match="stateless"):
        StackedSignAttention(config).train(comp.weights(torch.stack(ws)), comp.x, torch.stack(ys), 5, every=1)


def test_sparse_inputs_embed_like_the_dense_matmul_and_give_the_models_scores() -> None:
    config = SignAttentionConfig(d=PROBLEM.d)
    gen = torch.Generator().manual_seed(9)
    x, _ = sample(PROBLEM, 50, gen)
    w = TwoLayerSoftmaxAttnClassifier(config).init(gen)
    sparse = SparseInputs.of(x)
    assert sparse.index.shape == (50, 2, PROBLEM.s)  # the widest token: a noise token's s coordinates
    torch.testing.assert_close(sparse.embed(w), x @ w.T, rtol=1e-5, atol=1e-7)
    model = TwoLayerSoftmaxAttnClassifier(config)
    h = sparse.embed(w)
    torch.testing.assert_close(readout(config, h), model.forward(w, x), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(attention_scores(config, h), model.scores(w, x), rtol=1e-5, atol=1e-7)
    empty = SparseInputs.of(torch.zeros(3, 2, 5))
    assert torch.equal(empty.embed(torch.ones(4, 5)), torch.zeros(3, 2, 4))


def test_written_out_gradient_equals_autograd() -> None:
    config = SignAttentionConfig(d=PROBLEM.d, m_k=3, m_v=5)
    xs, ys, ws = _seeds((0, 1), config)
    comp = compress(xs)
    stacked = StackedSignAttention(config)
    w = comp.weights(torch.stack(ws)) * 30  # away from the near-uniform softmax of the init
    loss, grad = stacked.loss_and_grad(w, comp.x, torch.stack(ys))
    leaf = w.clone().requires_grad_(True)
    ref = stacked.losses(leaf, comp.x, torch.stack(ys))
    (ref_grad,) = torch.autograd.grad(ref.sum(), leaf)
    torch.testing.assert_close(loss, ref.detach(), rtol=1e-6, atol=1e-7)
    torch.testing.assert_close(grad, ref_grad, rtol=1e-5, atol=1e-8)


def test_the_stacked_run_refuses_adam_without_eps() -> None:
    """Compressed columns equal the full run only when Adam leaves an untouched coordinate alone."""
    from models.sign_attention import SignAttentionConfig, StackedSignAttention

    stacked = StackedSignAttention(SignAttentionConfig(d=8, optimizer="adam", eps=0.0))
    with pytest.raises(ValueError, match="eps > 0"):
        stacked.train(torch.zeros(1, 34, 8), torch.zeros(1, 2, 3, 8), torch.ones(1, 2), steps=1)
