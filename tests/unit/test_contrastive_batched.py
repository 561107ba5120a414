"""Batched contrastive trainers (models.contrastive ``train_*_batched``) against the per-seed runs, and the
Gram's training rows (``gaussian_gram(rows=...)``) against the full Gram: same numbers, same generator."""

from __future__ import annotations

import copy

import pytest
import torch

from models.contrastive import (
    CROSS_CLASS_FROM,
    ContrastiveConfig,
    Encoder,
    train_multi_modal,
    train_multi_modal_batched,
    train_single_modal,
    train_single_modal_batched,
)
from tasks.multimodal_contrastive import balanced_labels, draw_modality, gaussian_gram


def _config(n: int) -> ContrastiveConfig:
    """The claims' scaling at d = 4 n^2 (noise memorisation grows by about 30 % per step)."""
    return ContrastiveConfig(
        neurons=6, init_scale=0.01 / (2 * n), temperature=1.0, lr=0.3 * 6 / (4 * n), steps=40
    )


def _draw(seed: int, n: int, rows: bool) -> tuple[Encoder, Encoder, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    first = draw_modality(4 * n * n, n, 6.0, 1.0, 0.1, 8, gen, training_rows=rows)
    second = draw_modality(4 * n * n, n, 12.0, 1.0, 0.1, 8, gen, training_rows=rows)
    labels = balanced_labels(n, gen)
    partner = labels[torch.randperm(n, generator=gen)]
    config = _config(n)
    h = Encoder(first.gram.gram, n, first.gram.project(config.neurons, config.init_scale, gen))
    g = Encoder(second.gram.gram, n, second.gram.project(config.neurons, config.init_scale, gen))
    return h, g, labels, partner


def test_training_rows_are_the_full_grams_rows_and_leave_the_generator_alike() -> None:
    scales = torch.tensor([1.0] * 5 + [0.1] * 5 + [1.0] * 3, dtype=torch.float64)
    g_full, g_rows = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    full = gaussian_gram(200, 2.0, scales, g_full)
    rows = gaussian_gram(200, 2.0, scales, g_rows, rows=5)
    assert rows.gram.shape == (6, 14)
    torch.testing.assert_close(rows.gram, full.gram[:6], rtol=1e-13, atol=1e-12)
    assert torch.equal(g_full.get_state(), g_rows.get_state())
    assert torch.equal(rows.factor, full.factor) and torch.equal(rows.along, full.along)


@pytest.mark.parametrize("n", [10, CROSS_CLASS_FROM])
@pytest.mark.parametrize("keep_noise", [True, False])
def test_single_modal_batched_equals_the_per_seed_runs(n: int, keep_noise: bool) -> None:
    config = _config(n)
    draws = [_draw(seed, n, rows=False) for seed in (0, 1, 2)]
    alone = [copy.deepcopy(d[0]) for d in draws]
    runs = [
        train_single_modal(e, d[2], config, keep_noise=keep_noise) for e, d in zip(alone, draws, strict=True)
    ]
    batched = [_draw(seed, n, rows=True)[0] for seed in (0, 1, 2)]
    labels = torch.stack([d[2] for d in draws])
    runs_b = train_single_modal_batched(batched, labels, config, keep_noise=keep_noise)
    for e, e_b, run, run_b in zip(alone, batched, runs, runs_b, strict=True):
        torch.testing.assert_close(e_b.coefficients, e.coefficients, rtol=1e-10, atol=1e-12)
        assert run_b.losses == pytest.approx(run.losses, rel=1e-10)


def test_single_modal_batched_stops_each_run_on_its_own() -> None:
    def stop(e: Encoder) -> bool:
        return float(e.noise_memorisation().abs().max()) >= 1.0

    config = _config(12)
    draws = [_draw(seed, 12, rows=False) for seed in (4, 5, 6)]
    alone = [copy.deepcopy(d[0]) for d in draws]
    runs = [train_single_modal(e, d[2], config, stop=stop) for e, d in zip(alone, draws, strict=True)]
    assert len({len(r.losses) for r in runs}) > 1  # the runs stop at different steps
    labels = torch.stack([d[2] for d in draws])
    runs_b = train_single_modal_batched(
        [d[0] for d in draws], labels, config, stop=lambda encoders: [stop(e) for e in encoders]
    )
    for e, d, run, run_b in zip(alone, draws, runs, runs_b, strict=True):
        assert len(run_b.losses) == len(run.losses)
        torch.testing.assert_close(d[0].coefficients, e.coefficients, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shuffle", [False, True])
def test_multi_modal_batched_equals_the_per_seed_runs(shuffle: bool) -> None:
    config = _config(10)
    draws = [_draw(seed, 10, rows=False) for seed in (0, 1, 2)]
    pairs = [(copy.deepcopy(d[0]), copy.deepcopy(d[1])) for d in draws]
    runs = [
        train_multi_modal(h, g, d[2], config, partner_labels=d[3] if shuffle else None)
        for (h, g), d in zip(pairs, draws, strict=True)
    ]
    labels = torch.stack([d[2] for d in draws])
    partner = torch.stack([d[3] for d in draws]) if shuffle else None
    runs_b = train_multi_modal_batched(
        [d[0] for d in draws], [d[1] for d in draws], labels, config, partner_labels=partner
    )
    for (h, g), d, run, run_b in zip(pairs, draws, runs, runs_b, strict=True):
        torch.testing.assert_close(d[0].coefficients, h.coefficients, rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(d[1].coefficients, g.coefficients, rtol=1e-10, atol=1e-12)
        assert run_b.losses == pytest.approx(run.losses, rel=1e-10)


def test_first_stage_over_all_is_the_per_encoder_test() -> None:
    from claims.huang2024._experiment import _first_stage_over, _first_stage_over_all

    encoders = [_draw(seed, 12, rows=True)[0] for seed in (0, 1, 2, 3)]
    for e, scale in zip(encoders, (0.0, 0.5, 2.0, 30.0), strict=True):
        e.coefficients.normal_(generator=torch.Generator().manual_seed(7)).mul_(scale / 144)
    assert _first_stage_over_all(encoders) == [_first_stage_over(e) for e in encoders]
    assert len(set(_first_stage_over_all(encoders))) == 2
