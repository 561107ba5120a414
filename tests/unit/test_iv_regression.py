"""Unit tests of tasks.iv_regression: targets, the partial-compliance design and the strategies."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from models.sieve_iv import radial_frequencies
from tasks.iv_regression import (
    CosineTarget,
    IVDesign,
    JumpTarget,
    conditional_mean,
    cosine_norms,
    draw_structural,
    fold,
    grid_points,
    iv_designs,
    jump_designs,
    sample_iv,
    smoothed_instrument,
    smoothing_singular_values,
    weyl_ranks,
)


@pytest.mark.parametrize("dim", [1, 2])
def test_cosine_target_has_unit_norm_and_zero_mean(dim: int) -> None:
    f = draw_structural(CosineTarget(dim=dim, smoothness=1.0, terms=24), torch.Generator().manual_seed(0))
    values = f(grid_points(dim, 400 if dim == 1 else 120))
    assert abs(float(values.pow(2).mean()) - 1.0) < 0.02
    assert abs(float(values.mean())) < 0.02 and f.mean == 0.0


def test_cosine_coefficients_match_the_series() -> None:
    f = draw_structural(CosineTarget(dim=2, smoothness=1.5, terms=8), torch.Generator().manual_seed(1))
    k = torch.tensor([[0, 0], [1, 0], [3, 2], [9, 0]])
    c = f.cosine_coefficients(k)
    assert c[0] == 0.0 and c[3] == 0.0  # no constant term; beyond the series' terms
    assert c[1] == f.coefficients[1, 0] and c[2] == f.coefficients[3, 2]  # type: ignore[index]
    assert torch.allclose(cosine_norms(k), torch.tensor([1.0, 0.5, 0.25, 0.5], dtype=torch.float64))


def test_cosine_series_energy_decays_like_the_smoothness() -> None:
    """Squared coefficients (times norms) summed over the shell |k| in [2^j, 2^(j+1)) fall like 2^(-2 j s)."""
    s = 1.25
    f = draw_structural(CosineTarget(dim=1, smoothness=s, terms=1024), torch.Generator().manual_seed(2))
    c2 = f.coefficients.pow(2) * 0.5  # type: ignore[union-attr]
    shells = [float(c2[2**j : 2 ** (j + 1)].sum()) for j in range(3, 9)]
    slope = (math.log(shells[-1]) - math.log(shells[0])) / (5 * math.log(2.0))
    assert abs(slope + 2 * s) < 0.05


@pytest.mark.parametrize(("dim", "s"), [(2, 1.0), (2, 0.75), (3, 1.5)])
def test_cosine_series_tail_energy_is_a_power_of_the_sieve_size(dim: int, s: float) -> None:
    """The energy beyond the first J radial terms falls like J^(-2s/d) at every J (Weyl-ordered prior)."""
    terms = {2: 48, 3: 16}[dim]
    f = draw_structural(CosineTarget(dim=dim, smoothness=s, terms=terms), torch.Generator().manual_seed(3))
    k = radial_frequencies(dim, terms * math.sqrt(dim) + 1.0)
    k = k[(k <= terms).all(1)]
    energy = f.cosine_coefficients(k).pow(2) * cosine_norms(k)
    tail = 1.0 - torch.cumsum(energy, 0)
    sizes = [8, 16, 32, 64]
    logs = [math.log(float(tail[j - 1])) for j in sizes]
    slope = (logs[-1] - logs[0]) / math.log(sizes[-1] / sizes[0])
    assert abs(energy.sum() - 1.0) < 1e-9 and abs(slope + 2 * s / dim) < 0.05


def test_weyl_ranks_order_by_norm() -> None:
    k = torch.tensor([[1, 1], [0, 0], [2, 0], [0, 1], [1, 0]])
    assert weyl_ranks(k).tolist() == [3, 0, 4, 1, 2]


def test_jump_target_mean_and_values() -> None:
    t = JumpTarget(location=0.4, height=2.0, amplitude=0.5, frequency=1)
    f = draw_structural(t, torch.Generator())
    x = torch.tensor([[0.25], [0.75]], dtype=torch.float64)
    assert torch.allclose(f(x), torch.tensor([0.5, -0.5 + 2.0], dtype=torch.float64))
    assert math.isclose(f.mean, 2.0 * 0.6)
    assert abs(float(f(grid_points(1, 20000)).mean()) - f.mean) < 1e-3


def test_design_is_a_valid_instrument_with_confounding() -> None:
    """E[e | Z] = 0 (e uncorrelated with functions of Z), E[e | X] != 0, and E[Y | Z] = T f*."""
    design = IVDesign(
        target=JumpTarget(location=0.5, height=1.0), noncompliance=0.3, confounding=1.0, noise=0.3
    )
    f = draw_structural(design.target, torch.Generator())
    s = sample_iv(design, f, 200_000, torch.Generator().manual_seed(3))
    e = s.y - f(s.x)
    assert abs(float((e * (s.z[:, 0] - 0.5)).mean())) < 0.005
    assert abs(float((e * (s.x[:, 0] - 0.5)).mean()) - 0.3 * math.sqrt(1 / 12)) < 0.005
    residual = s.y - conditional_mean(design, f, s.z)
    assert abs(float((residual * (s.z[:, 0] > 0.5).double()).mean())) < 0.005


def test_without_confounding_least_squares_recovers_f() -> None:
    """No confounding: E[Y | X] = f*, so binned means of Y recover the structural function."""
    design = IVDesign(target=JumpTarget(location=0.5, height=1.0, amplitude=0.0), confounding=0.0, noise=0.1)
    f = draw_structural(design.target, torch.Generator())
    s = sample_iv(design, f, 100_000, torch.Generator().manual_seed(4))
    left, right = s.y[s.x[:, 0] < 0.45].mean(), s.y[s.x[:, 0] > 0.55].mean()
    assert abs(float(left)) < 0.01 and abs(float(right) - 1.0) < 0.01


def test_invalid_instrument_correlates_with_the_error() -> None:
    design = IVDesign(target=JumpTarget(location=0.5, height=1.0), invalidity=0.5)
    f = draw_structural(design.target, torch.Generator())
    s = sample_iv(design, f, 100_000, torch.Generator().manual_seed(5))
    e = s.y - f(s.x)
    assert float((e * (s.z[:, 0] - 0.5)).mean()) > 0.1


@settings(max_examples=20, deadline=None, database=None)
@given(iv_designs(min_dim=1, max_dim=2))
def test_drawn_iv_designs_respect_bounds(design: IVDesign) -> None:
    target = design.target
    assert isinstance(target, CosineTarget) and 1 <= target.dim <= 2
    assert 0.75 <= target.smoothness <= 2.0 and 0.2 <= design.noncompliance <= 0.4


@settings(max_examples=20, deadline=None, database=None)
@given(jump_designs())
def test_drawn_jump_designs_respect_bounds(design: IVDesign) -> None:
    target = design.target
    assert isinstance(target, JumpTarget) and 0.3 <= target.location <= 0.7 and 1.0 <= target.height <= 2.0


@pytest.mark.parametrize(
    "kwargs", [{"min_dim": 0}, {"min_smoothness": 2.0, "max_smoothness": 1.0}, {"terms": (1, 2, 3)}]
)
def test_invalid_iv_bounds_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        iv_designs(**kwargs)  # type: ignore[arg-type]


def test_invalid_jump_bounds_raise() -> None:
    with pytest.raises(InvalidArgument):
        jump_designs(min_location=0.8, max_location=0.2)


def test_smoothed_instrument_has_the_closed_form_singular_values() -> None:
    """E[e_k(X) | Z] = (1 + |k|^2)^(-gamma_0/2) e_k(Z) for the compliers; X stays uniform on [0, 1]^d."""
    gen = torch.Generator().manual_seed(5)
    z = torch.rand(400_000, 2, generator=gen, dtype=torch.float64)
    gamma0 = 1.0
    x = smoothed_instrument(z, gamma0, gen)
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert abs(float(x.mean()) - 0.5) < 0.003 and abs(float(x.var()) - 1 / 12) < 0.003
    for k in ([1, 0], [2, 0], [1, 1], [3, 2]):
        kk = torch.tensor([k], dtype=torch.float64)
        ex = torch.cos(math.pi * x * kk).prod(1)
        ez = torch.cos(math.pi * z * kk).prod(1)
        # E[e_k(X) e_k(Z)] / E[e_k(Z)^2] is the singular value
        ratio = float((ex * ez).mean() / (ez * ez).mean())
        assert ratio == pytest.approx(float(smoothing_singular_values(kk, gamma0)[0]), abs=0.01)
    assert torch.equal(smoothed_instrument(z, 0.0, gen), z)
    assert fold(torch.tensor([-0.25, 1.25, 2.5, 0.5])).tolist() == [0.25, 0.75, 0.5, 0.5]


@settings(max_examples=10, deadline=None, database=None)
@given(iv_designs(min_dim=1, max_dim=2, min_ill_posedness=0.5, max_ill_posedness=1.0))
def test_drawn_ill_posedness(design: IVDesign) -> None:
    assert 0.5 <= design.ill_posedness <= 1.0
