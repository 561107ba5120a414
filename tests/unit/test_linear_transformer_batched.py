"""models.linear_transformer ``train_batched``: S models trained together equal their per-seed runs."""

from __future__ import annotations

import numpy as np
import torch

from models.linear_transformer import (
    LinearSelfAttention,
    LSAConfig,
    Sampler,
    TrainConfig,
    train,
    train_batched,
)
from tasks.linear_regression_prompts import RegressionPrompt, gd_iterates, sample_prompts


def _run(seed: int, problem: RegressionPrompt) -> tuple[torch.Generator, LinearSelfAttention, Sampler]:
    gen = torch.Generator().manual_seed(seed)
    model = LinearSelfAttention(LSAConfig(dim=problem.dim, init_scale=0.3), gen)

    def batch(size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, y, _ = sample_prompts(problem, size, gen)
        return x, y, gd_iterates(x, y, 0.5, 3)

    return gen, model, batch


def test_batched_training_equals_the_per_seed_runs() -> None:
    problem = RegressionPrompt(dim=3, length=7)
    # a large lr and a small clip so that clipping acts (per model) on most steps
    config = TrainConfig(steps=25, batch=16, lr=0.05, clip=0.05)
    seeds = [0, 1, 2]
    alone = []
    for seed in seeds:
        gen, model, batch = _run(seed, problem)
        alone.append((train(model, batch, config), model, torch.randn(4, generator=gen)))
    runs = [_run(seed, problem) for seed in seeds]
    losses = train_batched([m for _, m, _ in runs], [b for _, _, b in runs], config)
    assert losses.shape == (len(seeds), config.steps)
    for (gen, model, _), got, (want, ref, after) in zip(runs, losses, alone, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        torch.testing.assert_close(model.w_kq, ref.w_kq, rtol=1e-5, atol=1e-7)
        torch.testing.assert_close(model.w_pv, ref.w_pv, rtol=1e-5, atol=1e-7)
        assert torch.equal(torch.randn(4, generator=gen), after)  # each generator drew what train draws


def test_targets_computed_together_equal_the_per_seed_targets() -> None:
    problem = RegressionPrompt(dim=3, length=7)
    config = TrainConfig(steps=10, batch=16, lr=0.05, clip=0.05)
    alone = []
    for seed in (3, 4):
        _, model, batch = _run(seed, problem)
        alone.append((train(model, batch, config), model))
    runs = []
    for seed in (3, 4):
        gen = torch.Generator().manual_seed(seed)
        model = LinearSelfAttention(LSAConfig(dim=problem.dim, init_scale=0.3), gen)
        runs.append((model, lambda size, gen=gen: sample_prompts(problem, size, gen)))
    losses = train_batched(
        [m for m, _ in runs], [b for _, b in runs], config, targets=lambda x, y, _: gd_iterates(x, y, 0.5, 3)
    )
    for (model, _), got, (want, ref) in zip(runs, losses, alone, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        torch.testing.assert_close(model.w_kq, ref.w_kq, rtol=1e-5, atol=1e-7)
