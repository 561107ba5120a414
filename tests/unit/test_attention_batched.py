"""models.attention batched: stacked gradients and ``train_batched`` equal the per-model numpy runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.attention import (
    AttentionConfig,
    Batch,
    TrainResult,
    embed,
    loss_and_grads_numpy,
    loss_and_grads_stacked,
    pair_features,
    train,
    train_batched,
)
from tasks.strings import all_strings, even_pairs_labels

FIELDS = ("steps", "loss", "acc", "u_norm", "w_norm", "attention", "u_path")


def test_stacked_gradients_equal_the_numpy_ones() -> None:
    s = all_strings(2, 5)
    config = AttentionConfig(n_positions=5, init_scale=0.5, zero_attention=False)
    batch = embed(s, config)
    y = even_pairs_labels(s)
    rng = np.random.default_rng(0)
    w, u = rng.standard_normal((3, config.dim, config.dim)), rng.standard_normal((3, config.dim))
    emb, mask, query = batch.emb.numpy(), batch.mask.numpy(), batch.query.numpy()
    stacked = loss_and_grads_stacked(w, u, emb, mask, pair_features(batch), y)
    for i in range(3):
        alone = loss_and_grads_numpy(w[i], u[i], emb, mask, query, y)
        for got, want in zip(stacked, alone, strict=True):
            np.testing.assert_allclose(np.asarray(got[i]), np.asarray(want), rtol=1e-12, atol=1e-14)


def _redraw_loop(
    batch: Batch, y: torch.Tensor, config: AttentionConfig, steps: int, seed: int, give_up: int, tries: int
) -> tuple[TrainResult, int]:
    gen = torch.Generator().manual_seed(seed)
    for attempt in range(1, tries + 1):
        run = train(batch, y, config, steps, gen, give_up_at=None if attempt == tries else give_up)
        if run.steps[-1] == steps:
            return run, attempt
    raise AssertionError("the last try runs to the end")


@pytest.mark.parametrize("changes", [{}, {"weight_decay_u": 1e-2}, {"lr_u": 0.0}])
def test_batched_runs_equal_the_per_seed_runs_with_redraws(changes: dict) -> None:
    s = all_strings(2, 4)
    config = AttentionConfig(n_positions=4, init_scale=0.01, **changes)
    batch, y = embed(s, config), torch.as_tensor(even_pairs_labels(s))
    seeds, steps, give_up, tries = [0, 1, 2], 300, 40, 4
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    got = train_batched(batch, y, config, steps, gens, give_up_at=give_up, tries=tries)
    want = [_redraw_loop(batch, y, config, steps, seed, give_up, tries) for seed in seeds]
    if not changes:  # the case is meant to re-draw (seeds 1 and 2 start stuck at Lmax = 4)
        assert max(t for _, t in want) > 1
    for (run, t), (ref, t_ref) in zip(got, want, strict=True):
        assert t == t_ref
        for field in FIELDS:
            np.testing.assert_allclose(getattr(run, field), getattr(ref, field), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(run.params.W, ref.params.W, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(run.params.u, ref.params.u, rtol=1e-9, atol=1e-12)


def test_shared_generator_draws_starts_in_order() -> None:
    s = all_strings(2, 4)
    config = AttentionConfig(n_positions=4, init_scale=0.3, zero_attention=False)
    batch, y = embed(s, config), torch.as_tensor(even_pairs_labels(s))
    gen = torch.Generator().manual_seed(5)
    got = train_batched(batch, y, config, 50, [gen] * 3)
    ref_gen = torch.Generator().manual_seed(5)
    for run, tries in got:
        ref = train(batch, y, config, 50, ref_gen)
        assert tries == 1
        np.testing.assert_allclose(run.loss, ref.loss, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError):
        train_batched(batch, y, config, 50, [gen] * 2, give_up_at=10, tries=2)
