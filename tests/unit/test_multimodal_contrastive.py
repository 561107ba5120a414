"""Unit tests of tasks.multimodal_contrastive and models.contrastive.

The key check: gradient descent simulated on inner products drawn from
their joint law equals gradient descent on explicit vectors in R^d.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from models.contrastive import (
    ContrastiveConfig,
    Encoder,
    downstream_accuracy,
    full_space_single_modal,
    train_multi_modal,
    train_single_modal,
)
from tasks.multimodal_contrastive import (
    MultiModalTask,
    balanced_labels,
    draw_modality,
    first_stage_tasks,
    gaussian_gram,
    multimodal_tasks,
    sample_full,
)


def test_gaussian_gram_has_the_wishart_moments() -> None:
    """E G = diag(scales^2) (plus ||mu||^2), Var of an off-diagonal entry = d scale^4."""
    d, k = 50, 3
    scales = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    grams = torch.stack(
        [gaussian_gram(d, 3.0, scales, torch.Generator().manual_seed(s)).gram for s in range(4000)]
    )
    mean = grams.mean(0)
    assert abs(float(mean[0, 0]) - 9.0) < 1e-9
    assert torch.allclose(mean[1:, 1:].diagonal(), d * scales**2, rtol=0.03)
    assert abs(float(grams[:, 1, 2].var()) / (d * 1.0 * 4.0) - 1.0) < 0.1
    assert abs(float(grams[:, 0, 1].var()) / (9.0 * 1.0) - 1.0) < 0.1  # <mu, g> ~ N(0, ||mu||^2 s^2)
    assert k == 3


def test_projections_have_the_right_covariance() -> None:
    gram = gaussian_gram(
        40, 2.0, torch.tensor([1.0, 1.0], dtype=torch.float64), torch.Generator().manual_seed(0)
    )
    p = gram.project(200_000, 0.5, torch.Generator().manual_seed(1))
    cov = p.T @ p / p.shape[0]
    assert torch.allclose(cov, 0.25 * gram.gram, rtol=0.02, atol=0.3)


def _reduced_vs_full(steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The same problem twice: explicit vectors, and inner products computed from them."""
    task = MultiModalTask(dim=60, samples=10, signal=3.0)
    gen = torch.Generator().manual_seed(2)
    data = sample_full(task, 10, gen)
    w0 = 0.05 * torch.randn(6, 60, generator=gen, dtype=torch.float64)
    config = ContrastiveConfig(neurons=6, init_scale=0.05, temperature=0.5, lr=0.3, steps=steps)
    w = full_space_single_modal(data["mu"], data["xi"], data["eps"], data["y"], w0, config)
    vectors = torch.cat([data["mu"][None, :], data["xi"], data["eps"]])  # (2n+1, d)
    encoder = Encoder(vectors @ vectors.T, 10, w0 @ vectors.T)
    train_single_modal(encoder, data["y"], config)
    return (w @ vectors.T)[:, :11], encoder.products(slice(0, 11))


def test_reduced_gradient_descent_equals_full_space_gradient_descent() -> None:
    full, reduced = _reduced_vs_full(steps=40)
    assert torch.allclose(full, reduced, atol=1e-9)


def test_multi_modal_beats_single_modal_on_the_papers_setting() -> None:
    """The paper's synthetic regime (d = 2000, n = 100, ||mu|| = 5, C_mu = 3), one seed: multi-modal training
    learns the signal and transfers, single-modal training memorises noise."""
    task = MultiModalTask(dim=2000, samples=100, signal=5.0, partner_ratio=3.0)
    gen = torch.Generator().manual_seed(0)
    first = draw_modality(2000, 100, 5.0, 1.0, 0.1, 400, gen)
    second = draw_modality(2000, 100, 15.0, 1.0, 0.1, 400, gen)
    y, yt = balanced_labels(100, gen), balanced_labels(400, gen)
    config = ContrastiveConfig(
        neurons=50, init_scale=0.01 / math.sqrt(2000), temperature=1.0, lr=0.1 * 100 * 50 / 2000, steps=250
    )

    def encoder(modality):  # type: ignore[no-untyped-def]
        return Encoder(modality.gram.gram, 100, modality.gram.project(50, config.init_scale, gen))

    single = encoder(first)
    run = train_single_modal(single, y, config)
    h, g = encoder(first), encoder(second)
    train_multi_modal(h, g, y, config)
    assert run.losses[-1] < 0.05 * run.losses[0]
    assert float(single.noise_memorisation().abs().max(0).values.mean()) > float(
        single.signal_learning().abs().max()
    )
    assert float(h.signal_learning().abs().max()) > float(h.noise_memorisation().abs().max(0).values.mean())
    assert (
        downstream_accuracy(h, yt, task.test_signal) > downstream_accuracy(single, yt, task.test_signal) + 0.1
    )


def test_balanced_labels() -> None:
    y = balanced_labels(11, torch.Generator().manual_seed(0))
    assert int((y > 0).sum()) == 5 and int((y < 0).sum()) == 6


@settings(max_examples=30, deadline=None, database=None)
@given(multimodal_tasks())
def test_drawn_tasks_are_in_the_papers_regime(task: MultiModalTask) -> None:
    assert 2.66 <= task.partner_ratio <= 4.0
    assert 0.8 - 1e-9 <= task.n_snr2 <= 1.6 + 1e-9
    assert task.partner_ratio * task.n_snr2 >= 1.06 / 0.48 - 1e-9


@settings(max_examples=30, deadline=None, database=None)
@given(first_stage_tasks(top_samples=512, min_dim_ratio=1.0, max_dim_ratio=16.0))
def test_first_stage_tasks_keep_d_above_n_squared(task: MultiModalTask) -> None:
    assert task.samples == 512 and 512**2 - 1 <= task.dim <= 16 * 512**2 + 1
    assert 0.8 - 1e-9 <= task.n_snr2 <= 1.6 + 1e-9


def test_with_n_snr2_sets_the_signal() -> None:
    task = MultiModalTask(dim=2000, samples=100, signal=1.0).with_n_snr2(1.25)
    assert math.isclose(task.signal, 5.0) and math.isclose(task.n_snr2, 1.25)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_dim": 100, "max_samples": 100},
        {"min_n_snr2": 2.0, "max_n_snr2": 1.0},
        {"min_partner_product": 100.0},
    ],
)
def test_invalid_bounds_raise(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument):
        multimodal_tasks(**kwargs)  # type: ignore[arg-type]
