"""Unit tests of models.dfiv: the ridge stage, initialisation and a short training run."""

from __future__ import annotations

import pytest
import torch

from models.dfiv import DFIVConfig, fit_dfiv, fit_dfiv_batched, ridge
from tasks.iv_regression import IVDesign, JumpTarget, draw_structural, grid_points, sample_iv


def test_ridge_matches_the_closed_form() -> None:
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(30, 4, generator=gen, dtype=torch.float64)
    b = torch.randn(30, 2, generator=gen, dtype=torch.float64)
    w = ridge(a, b, 0.5)
    assert torch.allclose(a.T @ (a @ w - b) + 0.5 * w, torch.zeros(4, 2, dtype=torch.float64), atol=1e-10)


def test_dfiv_is_seeded_and_learns_a_smooth_target() -> None:
    """No confounding and a smooth target: DFIV's error falls well below Var f* = 0.125."""
    design = IVDesign(target=JumpTarget(location=0.5, height=0.0, amplitude=0.5), confounding=0.0, noise=0.1)
    f = draw_structural(design.target, torch.Generator())
    gen = torch.Generator().manual_seed(1)
    one, two = sample_iv(design, f, 512, gen), sample_iv(design, f, 512, gen)
    config = DFIVConfig(
        width=16, depth=1, head=False, kink_init=True, epochs=60, stage1_iters=1, stage2_iters=2, lr=1e-2
    )
    fits = [
        fit_dfiv(config, (one.x, one.z), (two.z, two.y), torch.Generator().manual_seed(2)) for _ in range(2)
    ]
    grid = grid_points(1, 500)
    errors = [float(((fit(grid) - f(grid)) ** 2).mean()) for fit in fits]
    assert errors[0] == errors[1]
    assert errors[0] < 0.01
    assert fits[0].stage2_losses[-1] < fits[0].stage2_losses[0]


def test_kink_init_places_kinks_in_the_cube() -> None:
    design = IVDesign(target=JumpTarget(location=0.5, height=1.0))
    f = draw_structural(design.target, torch.Generator())
    gen = torch.Generator().manual_seed(3)
    one, two = sample_iv(design, f, 64, gen), sample_iv(design, f, 64, gen)
    config = DFIVConfig(width=64, depth=1, head=False, kink_init=True, epochs=0)
    fit = fit_dfiv(config, (one.x, one.z), (two.z, two.y), torch.Generator().manual_seed(4))
    first = fit.treatment_net[0]
    kinks = -first.bias / first.weight[:, 0]  # type: ignore[operator, index]
    assert bool(((kinks >= 0) & (kinks <= 1)).all())
    assert fit.stage2_losses == []


def test_batched_fit_equals_the_per_seed_fits() -> None:
    """Three seeds trained as stacked models (in stacks of one and of three) give each seed's own fit."""
    design = IVDesign(target=JumpTarget(location=0.4, height=1.0, amplitude=0.5))
    f = draw_structural(design.target, torch.Generator())
    config = DFIVConfig(
        width=8,
        depth=2,
        head=True,
        features=4,
        kink_init=True,
        epochs=6,
        stage1_iters=2,
        stage2_iters=2,
        lr=1e-2,
    )
    data = []
    for seed in range(3):
        gen = torch.Generator().manual_seed(seed)
        data.append((sample_iv(design, f, 64, gen), sample_iv(design, f, 64, gen), gen))
    states = [gen.get_state() for *_, gen in data]
    reference = [fit_dfiv(config, (o.x, o.z), (t.z, t.y), gen) for o, t, gen in data]
    grid = grid_points(1, 200)
    for max_rows in (64, 4096):
        gens = [torch.Generator().set_state(state) for state in states]
        fits = fit_dfiv_batched(
            config,
            [(o.x, o.z) for o, _, _ in data],
            [(t.z, t.y) for _, t, _ in data],
            gens,
            max_rows=max_rows,
        )
        for ref, fit, gen, (*_, used) in zip(reference, fits, gens, data, strict=True):
            assert torch.allclose(fit(grid), ref(grid), rtol=1e-9, atol=1e-10)
            assert torch.allclose(fit.beta, ref.beta, rtol=1e-9, atol=1e-10)
            assert fit.stage2_losses == pytest.approx(ref.stage2_losses, rel=1e-10)
            assert torch.equal(gen.get_state(), used.get_state())
