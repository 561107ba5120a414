"""Unit tests of models/pathfinding.py: shapes, masking, order invariance, one step lowers the loss,
the batched trainer gives each run its own unbatched run."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from models.pathfinding import (
    Columns,
    PathAttention,
    PathAttentionConfig,
    TrainConfig,
    train,
    train_batched,
)


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


def _pool(n: int, c: int, seed: int) -> tuple[Columns, torch.Tensor]:
    """A pool with empty slots (-1) in some columns; pools of different sizes and widths."""
    x, y = _batch(n=n, c=c, seed=seed)
    a = x.a.clone()
    a[::3, 1] = -1
    return Columns(a, x.b, x.ctype, x.cur, x.stage), y


@pytest.mark.parametrize("heads, cosine", [(1, False), (2, True)])
def test_batched_training_gives_each_run_its_unbatched_run(heads: int, cosine: bool) -> None:
    pools = [_pool(40, 6, 0), _pool(25, 4, 1), _pool(33, 5, 2)]  # widths 6, 4, 5: padded to 6
    config = TrainConfig(steps=30, batch=16, lr=0.05, cosine=cosine)

    def model(seed: int) -> PathAttention:
        cfg = PathAttentionConfig(vocab=8, heads=heads, init_scale=0.5)
        return PathAttention(cfg, generator=torch.Generator().manual_seed(seed))

    batched = [model(s) for s in range(3)]
    losses = train_batched(
        batched,
        [x for x, _ in pools],
        [y for _, y in pools],
        config,
        generators=[torch.Generator().manual_seed(10 + s) for s in range(3)],
    )
    for s, (x, y) in enumerate(pools):
        alone = model(s)
        want = train(alone, x, y, config, generator=torch.Generator().manual_seed(10 + s))
        assert torch.allclose(batched[s].W, alone.W, rtol=1e-5, atol=1e-6)
        assert torch.allclose(batched[s].U, alone.U, rtol=1e-5, atol=1e-6)
        assert losses[s] == pytest.approx(want, rel=1e-5, abs=1e-6)
    assert not torch.allclose(batched[0].W, model(0).W)  # it did train


def test_batched_training_needs_one_config() -> None:
    x, y = _pool(10, 4, 0)
    models = [_model(heads=1), _model(heads=2)]
    with pytest.raises(ValueError, match="one PathAttentionConfig"):
        train_batched(models, [x, x], [y, y], TrainConfig(steps=1), generators=[torch.Generator()] * 2)
