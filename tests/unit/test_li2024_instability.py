"""Oracle test: li2024's instability experiment gives the numbers of its previous code (it now reuses the
adjusted curve as the floor's for a Gaussian perturbation instead of computing it twice)."""

from __future__ import annotations

import numpy as np
import pytest

from claims.li2024._experiment import SCHEDULE, gaussian_instability, instability
from tasks.noisy_samples import (
    Perturbation,
    adjusted_noise,
    instability_curve,
    instability_grid,
    leading_order_instability,
    minimal_instability_curve,
    time_integral,
)
from theorycheck.tiers import get_tier

SMOKE = get_tier("smoke")


def _previous(p: Perturbation, seed: int) -> dict[str, float]:
    """The experiment's body before the rewrite (smoke tier), scalar by scalar."""
    grid = instability_grid(p.risk, SCHEDULE, points=6, rng=np.random.default_rng(seed))
    minimal, _ = minimal_instability_curve(p, grid)
    levels = {
        "adjusted": adjusted_noise(p.risk, grid.alpha, grid.sigma),
        "standard": grid.sigma,
        "unscaled": adjusted_noise(p.risk, grid.alpha, grid.sigma, signal_scaled=False),
    }
    out = {f"instability_{k}": time_integral(grid, instability_curve(p, grid, v)) for k, v in levels.items()}
    out["instability_min"] = time_integral(grid, minimal)
    gaussian = Perturbation(shape=2.0, risk=p.risk)
    floor = time_integral(grid, np.abs(instability_curve(gaussian, grid, levels["adjusted"])))
    out["resolution"] = max(floor, float(np.finfo(float).tiny))
    out["instability_leading"] = time_integral(grid, leading_order_instability(p, grid))
    return out


@pytest.mark.parametrize("shape", [1.3, 2.0 + 1e-4])
def test_instability_and_its_gaussian_control_give_the_previous_numbers(shape: float) -> None:
    p = Perturbation(shape=shape, risk=0.4)
    for experiment, law in ((instability, p), (gaussian_instability, Perturbation(shape=2.0, risk=0.4))):
        got = {k: v[0] for k, v in experiment(p, 3, SMOKE).scalars.items()}
        assert got == _previous(law, 3)  # exactly: the reference path's numbers must not move
