"""Oracle tests for kim2025's exact speed-ups in the cosine-sieve experiment: the prior's scales and the
radial frequency order memoised per process (tasks/iv_regression.py, models/sieve_iv.py) and the cosine
features gathered once from the table of per-axis products give, bit for bit, the previous numbers."""

from __future__ import annotations

import math

import pytest
import torch

from models.sieve_iv import cosine_features, radial_frequencies
from tasks.iv_regression import CosineTarget, draw_structural, weyl_ranks


def _previous_draw(target: CosineTarget, generator: torch.Generator) -> torch.Tensor:
    shape = (target.terms + 1,) * target.dim
    k = torch.stack(torch.meshgrid(*[torch.arange(target.terms + 1)] * target.dim, indexing="ij"))
    nonzero = (k > 0).sum(0).double()
    ranks = weyl_ranks(k.reshape(target.dim, -1).T).reshape(shape)
    exponent = target.smoothness / target.dim + 0.5
    weights = torch.where(ranks > 0, ranks.clamp(min=1).double() ** -exponent, 0.0) / (2.0**-nonzero).sqrt()
    signs = torch.randint(0, 2, shape, generator=generator).double() * 2.0 - 1.0
    coefficients = weights * signs
    energy = float((coefficients**2 * 2.0**-nonzero).sum())
    return coefficients / math.sqrt(energy)


def _previous_radial(dim: int, radius: float) -> torch.Tensor:
    top = math.ceil(radius)
    grid = torch.stack(torch.meshgrid(*[torch.arange(top)] * dim, indexing="ij")).reshape(dim, -1).T
    keep = grid[grid.double().pow(2).sum(1).sqrt() < radius]
    order = sorted(range(len(keep)), key=lambda i: (float(keep[i].double().norm()), keep[i].tolist()))
    return keep[order]


@pytest.mark.parametrize(
    "target",
    [
        CosineTarget(dim=1, smoothness=0.75, terms=128),
        CosineTarget(dim=2, smoothness=0.9977370368291074, terms=48),
        CosineTarget(dim=3, smoothness=1.25, terms=6),
    ],
)
def test_memoised_prior_draws_the_previous_coefficients(target: CosineTarget) -> None:
    for seed in (0, 1, 0):  # the second draw of seed 0 is served by the memo
        gen, old = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        f = draw_structural(target, gen)
        assert f.coefficients is not None
        assert torch.equal(f.coefficients, _previous_draw(target, old))
        assert torch.equal(gen.get_state(), old.get_state())


@pytest.mark.parametrize(("dim", "radius"), [(1, 200.0), (2, 40.0), (3, 7.5)])
def test_memoised_radial_frequencies_are_the_previous_order_and_a_copy(dim: int, radius: float) -> None:
    first = radial_frequencies(dim, radius)
    assert torch.equal(first, _previous_radial(dim, radius))
    first.zero_()  # a caller's copy: the memo is untouched
    assert torch.equal(radial_frequencies(dim, radius), _previous_radial(dim, radius))


def _previous_features(x: torch.Tensor, frequencies: torch.Tensor) -> torch.Tensor:
    scaled = math.pi * x.double()
    k = torch.arange(int(frequencies.max()) + 1 if frequencies.numel() else 1, dtype=torch.float64)
    index = frequencies.long()
    waves = [torch.cos(scaled[:, i : i + 1] * k).index_select(1, index[:, i]) for i in range(x.shape[1])]
    out = waves[0]
    for wave in waves[1:]:
        out = out * wave
    return out


@pytest.mark.parametrize(
    ("dim", "radius", "count"), [(1, 200.0, 97), (2, 40.0, 62), (2, 40.0, 321), (3, 12.0, 60)]
)
def test_cosine_features_from_the_product_table_equal_the_per_axis_gathers(
    dim: int, radius: float, count: int
) -> None:
    frequencies = radial_frequencies(dim, radius)[:count]
    shuffled = frequencies[torch.randperm(count, generator=torch.Generator().manual_seed(0))]
    for n in (1, 7, 256, 16384):
        x = torch.rand(n, dim, dtype=torch.float64, generator=torch.Generator().manual_seed(n))
        for rows in (frequencies, shuffled, frequencies[:3], frequencies[5:9], frequencies[:0]):
            assert torch.equal(cosine_features(x, rows), _previous_features(x, rows))
