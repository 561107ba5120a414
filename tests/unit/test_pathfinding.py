"""Unit tests of models/pathfinding.py: shapes, masking, order invariance, one step lowers the loss."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from models.pathfinding import Columns, PathAttention, PathAttentionConfig, TrainConfig, train


def _batch(n: int = 16, c: int = 6, v: int = 8, seed: int = 0) -> tuple[Columns, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    a = torch.randint(v, (n, c), generator=g)
    b = torch.randint(v, (n, c), generator=g)
    ctype = torch.randint(1, 4, (n, c), generator=g)
    ctype[:, -1] = 0  # one empty column
    cur = torch.randint(v, (n,), generator=g)
    stage = torch.randint(2, (n,), generator=g)
    return Columns(a, b, ctype, cur, stage), a[:, 0]


def _model(heads: int = 2, v: int = 8) -> PathAttention:
    return PathAttention(
        PathAttentionConfig(vocab=v, heads=heads), generator=torch.Generator().manual_seed(1)
    )


def test_shapes_and_masking() -> None:
    x, _ = _batch()
    logits, attn = _model()(x)
    assert logits.shape == (16, 8) and attn.shape == (16, 2, 6)
    assert torch.allclose(attn.sum(-1), torch.ones(16, 2))
    assert torch.all(attn[..., -1] == 0)


def test_column_order_invariance() -> None:
    x, _ = _batch()
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    xp = Columns(x.a[:, perm], x.b[:, perm], x.ctype[:, perm], x.cur, x.stage)
    model = _model()
    assert torch.allclose(model(x)[0], model(xp)[0], atol=1e-6)


def test_one_step_lowers_the_loss() -> None:
    x, y = _batch(n=64)
    model = _model()
    with torch.no_grad():
        before = float(F.cross_entropy(model(x)[0], y))
    losses = train(
        model,
        x,
        y,
        TrainConfig(steps=5, batch=64, lr=0.05, cosine=False),
        generator=torch.Generator().manual_seed(0),
    )
    assert losses[-1] < before


def test_predict_is_deterministic() -> None:
    x, _ = _batch()
    p1, _ = _model().predict(x)
    p2, _ = _model().predict(x)
    assert torch.equal(p1, p2)
