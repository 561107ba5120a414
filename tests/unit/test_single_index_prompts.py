"""Unit tests of tasks.single_index_prompts: links, subspace prior, sampler, strategies."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.single_index_prompts import (
    LINKS,
    PriorContrast,
    SingleIndexFamily,
    SingleIndexTask,
    apply_link,
    link_degree,
    prior_contrasts,
    random_subspace,
    sample_indices,
    sample_prompts,
    sample_prompts_stacked,
    single_index_families,
    single_index_tasks,
)


@pytest.mark.parametrize("link", LINKS)
def test_links_have_zero_mean_and_unit_variance(link: str) -> None:
    z = torch.randn(400_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    f = apply_link(link, z)
    assert abs(float(f.mean())) < 0.02
    assert float(f.var()) == pytest.approx(1.0, abs=0.03)
    assert link_degree(link) in (2, 3)


def test_indices_lie_on_the_unit_sphere_of_the_subspace() -> None:
    gen = torch.Generator().manual_seed(1)
    basis = random_subspace(10, 3, gen)
    assert torch.allclose(basis.T @ basis, torch.eye(3), atol=1e-5)
    beta = sample_indices(basis, 50, gen)
    assert torch.allclose(beta.norm(dim=1), torch.ones(50), atol=1e-5)
    assert torch.allclose(beta @ basis @ basis.T, beta, atol=1e-5)  # in span(U)


def test_sampler_is_seeded_and_has_shapes() -> None:
    task = SingleIndexTask(dim=6, rank=2, link="he2", noise=0.0)
    out = [
        sample_prompts(task, random_subspace(6, 2, g), 5, 7, 3, g)
        for g in (torch.Generator().manual_seed(3), torch.Generator().manual_seed(3))
    ]
    (x, y, xq, fq), again = out
    assert x.shape == (5, 7, 6) and y.shape == (5, 7) and xq.shape == (5, 3, 6) and fq.shape == (5, 3)
    assert all(torch.equal(a, b) for a, b in zip(out[0], again, strict=True))


@settings(max_examples=25, deadline=None, database=None)
@given(single_index_tasks(min_dim=3, max_dim=20, max_rank=3, links=LINKS, max_noise=0.1))
def test_drawn_tasks_respect_bounds(task: SingleIndexTask) -> None:
    assert 3 <= task.dim <= 20 and 1 <= task.rank <= min(3, task.dim)
    assert task.link in LINKS and 0.0 <= task.noise <= 0.1


@settings(max_examples=25, deadline=None, database=None)
@given(single_index_families(min_base=3, max_base=8, ratio=4, points=6))
def test_drawn_families_span_the_ratio(family: SingleIndexFamily) -> None:
    assert len(family.dims) == 6 and family.dims[-1] == 4 * family.dims[0]
    assert list(family.dims) == sorted(set(family.dims))
    assert family.at(family.dims[-1]).dim == family.dims[-1]


@pytest.mark.parametrize(
    "kwargs",
    [{"min_dim": 0}, {"min_dim": 5, "max_dim": 4}, {"min_rank": 0}, {"links": ("he4",)}, {"max_noise": 1.5}],
)
def test_bad_task_bounds_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        single_index_tasks(**kwargs).example()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"ratio": 1}, {"points": 1}, {"min_base": 2, "points": 9}, {"min_rank": 5}]
)
def test_bad_family_bounds_are_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidArgument):
        single_index_families(**kwargs).example()  # type: ignore[arg-type]


def test_invalid_instances_raise() -> None:
    with pytest.raises(ValueError):
        SingleIndexTask(dim=2, rank=3, link="he2")
    with pytest.raises(ValueError):
        SingleIndexFamily(dims=(8, 4), rank=1, link="he2")


@settings(max_examples=25, deadline=None, database=None)
@given(prior_contrasts(min_dim=3, max_dim=16, min_rank=1, max_rank=4, max_noise=0.1))
def test_drawn_contrasts_pair_a_low_rank_with_the_full_prior(contrast: PriorContrast) -> None:
    assert 3 <= contrast.dim <= 16 and 1 <= contrast.rank <= min(4, contrast.dim - 1)
    low, full = contrast.low(), contrast.full()
    assert low.dim == full.dim == contrast.dim and low.rank == contrast.rank and full.rank == contrast.dim
    assert low.link == full.link and low.noise == full.noise == contrast.noise


def test_full_prior_indices_span_the_whole_space() -> None:
    full = PriorContrast(dim=6, rank=2, link="he2").full()
    gen = torch.Generator().manual_seed(4)
    basis = random_subspace(full.dim, full.rank, gen)
    beta = sample_indices(basis, 200, gen)
    assert torch.linalg.matrix_rank(beta) == 6  # not confined to a subspace
    x, y, xq, fq = sample_prompts(full, basis, 3, 5, 2, gen)
    assert x.shape == (3, 5, 6) and y.shape == (3, 5) and xq.shape == (3, 2, 6) and fq.shape == (3, 2)


@pytest.mark.parametrize(
    "kwargs",
    [{"min_dim": 1}, {"min_dim": 9, "max_dim": 8}, {"min_rank": 0}, {"min_rank": 8}, {"links": ("he4",)}],
)
def test_bad_contrast_bounds_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        prior_contrasts(**kwargs).example()  # type: ignore[arg-type]


def test_invalid_contrast_raises() -> None:
    with pytest.raises(ValueError):
        PriorContrast(dim=4, rank=4, link="he2")
    with pytest.raises(ValueError):
        PriorContrast(dim=4, rank=2, link="he5")


@pytest.mark.parametrize(("link", "noise"), [("he2", 0.0), ("he2+he3", 0.2)])
def test_stacked_prompts_are_each_generators_own_draws(link: str, noise: float) -> None:
    """Oracle: row s of the stacked sampler is sample_prompts on generator s, and each generator ends
    in the same state (so every later draw of that seed is the unbatched one)."""
    task = SingleIndexTask(dim=7, rank=2, link=link, noise=noise)
    seeds = (0, 3, 9)
    bases = [random_subspace(7, 2, torch.Generator().manual_seed(100 + s)) for s in seeds]
    alone_gens = [torch.Generator().manual_seed(s) for s in seeds]
    alone = [sample_prompts(task, u, 5, 6, 3, g) for u, g in zip(bases, alone_gens, strict=True)]
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    stacked = sample_prompts_stacked(task, bases, 5, 6, 3, gens)
    for k, row in enumerate(alone):
        for part, ref in zip(stacked, row, strict=True):
            assert part.shape[1:] == ref.shape and torch.allclose(part[k], ref, rtol=1e-5, atol=1e-6)
    for g, h in zip(gens, alone_gens, strict=True):
        assert torch.equal(g.get_state(), h.get_state())


def _former_apply_link(link: str, z: torch.Tensor) -> torch.Tensor:
    """The link before it computed only the polynomials it uses (oracle)."""
    he2 = (z * z - 1.0) / math.sqrt(2.0)
    he3 = (z**3 - 3.0 * z) / math.sqrt(6.0)
    return {"he2": he2, "he3": he3, "he2+he3": (he2 + he3) / math.sqrt(2.0)}[link]


def _former_sample_prompts(
    task: SingleIndexTask, basis: torch.Tensor, batch: int, length: int, queries: int, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The sampler before the in-place label noise (oracle)."""
    beta = sample_indices(basis, batch, gen)
    x = torch.randn(batch, length, task.dim, generator=gen)
    xq = torch.randn(batch, queries, task.dim, generator=gen)
    y = _former_apply_link(task.link, torch.einsum("bnd,bd->bn", x, beta))
    y = y + task.noise * torch.randn(batch, length, generator=gen)
    fq = _former_apply_link(task.link, torch.einsum("bqd,bd->bq", xq, beta))
    return x, y, xq, fq


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_sampler_and_links_match_the_former_code(link: str, noise: float) -> None:
    """Oracle: the same prompts, targets and generator state as the former sampler and links."""
    task = SingleIndexTask(dim=12, rank=3, link=link, noise=noise)
    basis = random_subspace(12, 3, torch.Generator().manual_seed(1))
    new, old = torch.Generator().manual_seed(2), torch.Generator().manual_seed(2)
    for batch, length in ((1, 1), (40, 16), (300, 128)):
        a = sample_prompts(task, basis, batch, length, 8, new)
        b = _former_sample_prompts(task, basis, batch, length, 8, old)
        assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert torch.equal(new.get_state(), old.get_state())
    z = torch.randn(1000, generator=new)
    assert torch.equal(apply_link(link, z), _former_apply_link(link, z))
