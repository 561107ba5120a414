"""Unit tests of tasks.concept_prompts: instances, strategy bounds, sampler structure, label rule, shifts."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.concept_prompts import (
    ConceptTask,
    PromptBatch,
    _distinct_indices,
    concept_dictionary,
    concept_tasks,
    sample_prompts,
)

TASK = ConceptTask(concepts=3, dim=16, length=10, irrelevant=2, noise=0.0)


@settings(max_examples=25, deadline=None, database=None)
@given(concept_tasks())
def test_drawn_tasks_respect_bounds(task: ConceptTask) -> None:
    assert 2 <= task.concepts <= 8 and 14 <= task.length <= 24 and 1 <= task.irrelevant <= 3
    assert 0.05 <= task.noise <= 0.15
    assert task.dim >= 2 * task.concepts + 2 * task.irrelevant
    task.shifted(irrelevant=2 * task.irrelevant, irrelevant_scale=2.0)  # the OOD shift fits


def test_sampler_shapes_and_seeding() -> None:
    a = sample_prompts(TASK, 7, torch.Generator().manual_seed(3))
    b = sample_prompts(TASK, 7, torch.Generator().manual_seed(3))
    assert a.x.shape == (7, 10, 16) and a.y.shape == (7, 10) and a.query.shape == (7, 16)
    assert a.target.shape == (7,)
    assert torch.equal(a.x, b.x) and torch.equal(a.target, b.target)


def test_words_are_one_semantic_plus_s_irrelevant_components() -> None:
    batch = sample_prompts(TASK, 200, torch.Generator().manual_seed(0))
    words = torch.cat([batch.x, batch.query[:, None]], dim=1)  # (B, L+1, d), noiseless
    semantic, irrelevant = words[..., :6], words[..., 6:]
    assert torch.all(semantic.abs().sum(-1) == 1)
    assert torch.all((irrelevant != 0).sum(-1) == 2) and torch.all(irrelevant.abs().sum(-1) == 2)
    # one concept per prompt
    concept = semantic.abs().argmax(-1) % 3  # (B, L+1)
    assert torch.all(concept == concept[:, :1])


def test_label_rule_is_set_by_the_prompt_flip() -> None:
    batch = sample_prompts(TASK, 4000, torch.Generator().manual_seed(1))
    words = torch.cat([batch.x, batch.query[:, None]], dim=1)
    labels = torch.cat([batch.y, batch.target[:, None]], dim=1)
    is_a = words[..., :3].abs().sum(-1) > 0  # (B, L+1): the word is a_k
    sign = torch.where(is_a, labels, -labels)  # the prompt's flip, read off every word
    assert torch.all(sign == sign[:, :1])
    # the query alone carries no label information: a_k queries are +1 half the time
    frac = float((batch.target[is_a[:, -1]] > 0).float().mean())
    assert frac == pytest.approx(0.5, abs=0.04)


def test_dictionary_is_orthonormal_and_rotates_the_words() -> None:
    task = ConceptTask(concepts=2, dim=8, length=5, irrelevant=1, noise=0.0)
    q = concept_dictionary(task, torch.Generator().manual_seed(0))
    assert torch.allclose(q @ q.T, torch.eye(8), atol=1e-5)
    plain = sample_prompts(task, 5, torch.Generator().manual_seed(2))
    rotated = sample_prompts(task, 5, torch.Generator().manual_seed(2), dictionary=q)
    assert torch.allclose(rotated.x, plain.x @ q, atol=1e-5)


def test_shift_and_floor() -> None:
    long = TASK.shifted(length=40, noise=0.2)
    assert long.length == 40 and long.noise == 0.2 and long.concepts == TASK.concepts
    assert TASK.shifted(length=4).length_floor == 2**-4
    with pytest.raises(ValueError):
        TASK.shifted(irrelevant=11)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_concepts": 0},
        {"min_concepts": 3, "max_concepts": 2},
        {"min_length": 0},
        {"min_noise": -0.1},
        {"min_noise": 0.2, "max_noise": 0.1},
        {"max_dim": 4, "min_dim": 2},
    ],
)
def test_bad_bounds_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidArgument):
        concept_tasks(**kwargs).example()  # type: ignore[arg-type]


def _former_sample_prompts(task: ConceptTask, batch: int, generator: torch.Generator) -> PromptBatch:
    """The sampler before the in-place noise scaling (oracle; standard basis)."""
    k_, d, n, s = task.concepts, task.dim, task.length + 1, task.irrelevant
    concept = torch.randint(k_, (batch,), generator=generator)
    flip = 2 * torch.randint(2, (batch,), generator=generator) - 1
    value = torch.randint(2, (batch, n), generator=generator)
    x = task.noise * torch.randn(batch, n, d, generator=generator)
    x.scatter_add_(2, (concept[:, None] + k_ * value)[..., None], torch.ones(batch, n, 1))
    if s > 0:
        picks = _distinct_indices(d - 2 * k_, s, (batch, n), generator) + 2 * k_
        signs = (2 * torch.randint(2, (batch, n, s), generator=generator) - 1).float()
        x.scatter_add_(2, picks, task.irrelevant_scale * signs)
    labels = (flip[:, None] * (1 - 2 * value)).float()
    return PromptBatch(x=x[:, :-1], y=labels[:, :-1], query=x[:, -1], target=labels[:, -1])


@pytest.mark.parametrize("noise", [0.0, 0.05, 0.1234, 0.3])
def test_in_place_noise_scaling_draws_the_same_prompts(noise: float) -> None:
    """Oracle: ``randn(...).mul_(sigma)`` gives the former ``sigma * randn(...)`` prompts bit for bit
    and leaves the generator in the same state."""
    task = ConceptTask(concepts=5, dim=48, length=20, irrelevant=2, noise=noise)
    new, old = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    for size in (1, 256, 1000):
        a, b = sample_prompts(task, size, new), _former_sample_prompts(task, size, old)
        for field in ("x", "y", "query", "target"):
            assert torch.equal(getattr(a, field), getattr(b, field))
    assert torch.equal(new.get_state(), old.get_state())
