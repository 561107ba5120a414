"""Unit tests of models.score_mlp: the batched DSM trainer gives each seed its unbatched fit, and the
stacked score each model's score."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.score_mlp import ScoreConfig, ScoreMLP, StackedScore, train_dsm, train_dsm_batched


@pytest.mark.parametrize("risk_sensitive", [True, False])
def test_batched_dsm_gives_each_seed_its_unbatched_fit(risk_sensitive: bool) -> None:
    config = ScoreConfig(steps=40, batch=64, width=16)
    rng = np.random.default_rng(0)
    samples = [rng.standard_normal((200 + 50 * s, 1)) for s in range(3)]  # sizes differ per seed
    risks = [np.where(rng.random(len(x)) < 0.5, 0.8, 0.0) for x in samples]
    singles = [
        train_dsm(x, r, config, risk_sensitive=risk_sensitive, generator=torch.Generator().manual_seed(s))
        for s, (x, r) in enumerate(zip(samples, risks, strict=True))
    ]
    models, losses = train_dsm_batched(
        samples,
        risks,
        config,
        risk_sensitive=risk_sensitive,
        generators=[torch.Generator().manual_seed(s) for s in range(3)],
    )
    points = np.linspace(-2, 2, 9)[:, None]
    for (single, loss), model, batched_loss in zip(singles, models, losses, strict=True):
        assert batched_loss == pytest.approx(loss, rel=1e-5)
        assert np.allclose(model.score(points, 0.3), single.score(points, 0.3), atol=1e-5)


def test_batched_dsm_needs_one_generator_per_seed() -> None:
    with pytest.raises(ValueError, match="one sample set"):
        train_dsm_batched(
            [np.zeros((4, 1))], [np.zeros(4)], ScoreConfig(), risk_sensitive=True, generators=[]
        )


def test_stacked_score_is_each_models_score() -> None:
    config = ScoreConfig(dim=2, width=16)
    models = [ScoreMLP(config, torch.Generator().manual_seed(s)) for s in range(3)]
    stacked = StackedScore(models)
    x = np.random.default_rng(1).standard_normal((2, 5, 2))
    for t in (0.05, 0.4):
        out = stacked.score(x, t, [2, 0])  # a subset, out of order
        assert out.shape == (2, 5, 2)
        assert np.allclose(out[0], models[2].score(x[0], t), rtol=1e-5, atol=1e-6)
        assert np.allclose(out[1], models[0].score(x[1], t), rtol=1e-5, atol=1e-6)
