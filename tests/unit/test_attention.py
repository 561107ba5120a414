"""Unit tests of models.attention: shapes, hand-written gradients, checkpoints, a short GD run."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from models.attention import (
    AttentionConfig,
    Batch,
    Params,
    attention,
    checkpoints,
    embed,
    logits,
    loss_and_grads,
    loss_and_grads_numpy,
    train,
)
from tasks.strings import all_strings, even_pairs_labels


def _setup() -> tuple[AttentionConfig, Batch, torch.Tensor]:
    s = all_strings(2, 4)
    config = AttentionConfig(n_positions=4, init_scale=0.5, zero_attention=False)
    return config, embed(s, config), torch.as_tensor(even_pairs_labels(s))


def test_embedding_and_attention_shapes() -> None:
    _, batch, _ = _setup()
    assert batch.emb.shape == (28, 4, 6) and batch.query.shape == (28, 6)
    assert torch.all(batch.emb[~batch.mask] == 0)
    params = Params(W=torch.zeros(6, 6, dtype=torch.float64), u=torch.ones(6, dtype=torch.float64))
    p = attention(params, batch)
    assert torch.allclose(p.sum(dim=1), torch.ones(28, dtype=torch.float64))
    assert torch.all(p[~batch.mask] == 0)


def test_hand_gradients_match_autograd() -> None:
    _, batch, y = _setup()
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(6, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    u = torch.randn(6, generator=gen, dtype=torch.float64, requires_grad=True)
    loss = F.softplus(-y * logits(Params(W=w, u=u), batch)).mean()
    loss.backward()
    value, _, grad_w, grad_u, _ = loss_and_grads(Params(W=w.detach(), u=u.detach()), batch, y)
    assert abs(value - float(loss.detach())) < 1e-12
    assert w.grad is not None and u.grad is not None
    assert torch.allclose(grad_w, w.grad, atol=1e-12) and torch.allclose(grad_u, u.grad, atol=1e-12)


def test_checkpoints_are_log_spaced_and_end_at_steps() -> None:
    c = checkpoints(1000)
    assert c[0] == 1 and c[-1] == 1000 and np.all(np.diff(c) > 0)


def test_short_run_is_deterministic_and_gives_up() -> None:
    config, batch, y = _setup()
    config = AttentionConfig(n_positions=4, init_scale=0.01, lr_w=3.0, lr_u=3.0)
    a = train(batch, y, config, 200, torch.Generator().manual_seed(1))
    b = train(batch, y, config, 200, torch.Generator().manual_seed(1))
    assert np.array_equal(a.loss, b.loss) and a.loss[-1] < a.loss[0]
    assert a.attention.shape == (len(a.steps), 28, 4)
    early = train(batch, y, config, 200, torch.Generator().manual_seed(1), give_up_at=1)
    assert early.steps[-1] <= 1


def test_numpy_gradients_match_the_torch_ones() -> None:
    _, batch, y = _setup()
    gen = torch.Generator().manual_seed(3)
    w = torch.randn(6, 6, generator=gen, dtype=torch.float64)
    u = torch.randn(6, generator=gen, dtype=torch.float64)
    loss, acc, grad_w, grad_u, p = loss_and_grads(Params(W=w, u=u), batch, y)
    out = loss_and_grads_numpy(
        w.numpy(), u.numpy(), batch.emb.numpy(), batch.mask.numpy(), batch.query.numpy(), y.numpy()
    )
    assert abs(out[0] - loss) < 1e-12 and out[1] == acc
    np.testing.assert_allclose(out[2], grad_w.numpy(), atol=1e-12)
    np.testing.assert_allclose(out[3], grad_u.numpy(), atol=1e-12)
    np.testing.assert_allclose(out[4], p.numpy(), atol=1e-12)


def test_weight_decay_shrinks_the_readout_and_u_path_is_recorded() -> None:
    _, batch, y = _setup()
    plain = AttentionConfig(n_positions=4, init_scale=0.01)
    decayed = AttentionConfig(n_positions=4, init_scale=0.01, weight_decay_u=0.05)
    a = train(batch, y, plain, 300, torch.Generator().manual_seed(1))
    b = train(batch, y, decayed, 300, torch.Generator().manual_seed(1))
    assert b.u_norm[-1] < a.u_norm[-1]
    assert a.u_path.shape == (len(a.steps), 6)
    np.testing.assert_allclose(np.linalg.norm(a.u_path, axis=1), a.u_norm)
