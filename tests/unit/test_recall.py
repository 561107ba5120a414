"""Unit tests of tasks.recall: sequence layout, answer sets, noise, Bayes risk and strategies."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.recall import (
    RecallProblem,
    RecallTask,
    answer_tokens,
    recall_problems,
    recall_tasks,
    sample_recall,
)


def test_sequences_hold_the_pair_and_the_query() -> None:
    task = RecallTask(vocab=20, triggers=3, context=12)
    b = sample_recall(task, 256, torch.Generator().manual_seed(0))
    rows = torch.arange(256)
    assert b.tokens.shape == (256, 12)
    q = b.tokens[:, -1]
    assert torch.all(q < 3)
    assert torch.equal(b.tokens[rows, b.position], q)
    assert torch.equal(b.tokens[rows, b.position + 1], b.ybar)
    # the trigger occurs exactly twice: at the pair and at the end
    assert torch.all((b.tokens < 3).sum(dim=1) == 2)
    assert torch.equal(b.target, b.ybar)  # alpha = 0


def test_noise_rate_and_bayes_risk() -> None:
    task = RecallTask(vocab=20, triggers=2, context=8, alpha=0.3)
    b = sample_recall(task, 4000, torch.Generator().manual_seed(1))
    noisy = (b.target == task.noise_token).double().mean().item()
    assert noisy == pytest.approx(0.3, abs=0.03)
    assert not torch.any(b.tokens == task.noise_token)
    assert task.bayes_risk == pytest.approx(-(0.7 * math.log(0.7) + 0.3 * math.log(0.3)))
    assert RecallTask(vocab=20, triggers=2, context=8).bayes_risk == 0.0


def test_held_out_answers_and_longer_context() -> None:
    task = RecallTask(vocab=22, triggers=2, context=8, held_out=0.5, test_context=16)
    train, held = answer_tokens(task, "train"), answer_tokens(task, "held_out")
    assert len(train) == len(held) == 10 and not set(train.tolist()) & set(held.tolist())
    gen = torch.Generator().manual_seed(2)
    assert set(sample_recall(task, 500, gen).ybar.tolist()) <= set(train.tolist())
    ood = sample_recall(task, 500, gen, answers="held_out", context=task.test_context)
    assert ood.tokens.shape == (500, 16) and set(ood.ybar.tolist()) <= set(held.tolist())


def test_sampling_is_a_function_of_the_generator() -> None:
    task = RecallTask(vocab=16, triggers=2, context=8, alpha=0.1)
    a = sample_recall(task, 64, torch.Generator().manual_seed(3))
    b = sample_recall(task, 64, torch.Generator().manual_seed(3))
    assert torch.equal(a.tokens, b.tokens) and torch.equal(a.target, b.target)


@settings(max_examples=30, deadline=None)
@given(recall_tasks(max_alpha=0.3, min_held_out=0.25, max_held_out=0.75, longer_test=True))
def test_recall_tasks_stay_in_range(task: RecallTask) -> None:
    assert 16 <= task.vocab <= 64 and 1 <= task.triggers <= 8 and 8 <= task.context <= 32
    assert task.alpha == 0.0 or 0.05 <= task.alpha <= 0.3
    assert 1 <= task.n_held_out < task.n_outputs
    assert task.test_context in (0, 2 * task.context)


@settings(max_examples=20, deadline=None)
@given(recall_tasks(min_alpha=0.1, max_alpha=0.3))
def test_min_alpha_draws_the_noisy_case_only(task: RecallTask) -> None:
    assert 0.1 <= task.alpha <= 0.3


@settings(max_examples=10, deadline=None)
@given(recall_problems(attentions=("softmax", "linear")))
def test_recall_problems_draw_the_listed_attention(problem: RecallProblem) -> None:
    assert problem.attention in ("softmax", "linear") and problem.task.held_out == 0.0


def test_strategies_and_tasks_validate() -> None:
    with pytest.raises(InvalidArgument):
        recall_tasks(min_vocab=8, max_triggers=8).example()
    with pytest.raises(InvalidArgument):
        recall_tasks(max_alpha=0.6).example()
    with pytest.raises(InvalidArgument):
        recall_tasks(min_alpha=0.3, max_alpha=0.2).example()
    with pytest.raises(InvalidArgument):
        recall_problems(attentions=("gelu",)).example()
    with pytest.raises(ValueError):
        RecallTask(vocab=10, triggers=9, context=8)
    with pytest.raises(ValueError):
        RecallProblem(task=RecallTask(vocab=10, triggers=2, context=8), attention="gelu")
