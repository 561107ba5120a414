"""Unit tests of tasks.bigram_recall: sequence structure, noise, strategy bounds."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from tasks.bigram_recall import TAU, BigramRecall, bigram_matrix, bigram_recalls, sample

TASK = BigramRecall(vocab=32, n_triggers=3, seq_len=16, alpha=0.5, skew=0.7, bigram_seed=3)


def test_bigram_matrix_is_row_stochastic_and_uniform_at_skew_zero() -> None:
    p = bigram_matrix(TASK)
    assert p.shape == (TASK.n_ordinary, TASK.n_ordinary)
    assert torch.allclose(p.sum(dim=1), torch.ones(TASK.n_ordinary, dtype=p.dtype))
    flat = bigram_matrix(BigramRecall(vocab=32, n_triggers=1, seq_len=16, alpha=0.5))
    assert torch.allclose(flat, torch.full_like(flat, 1 / flat.shape[0]))


def test_training_sequences_plant_the_trigger_and_its_answer() -> None:
    b = sample(TASK, 256, torch.Generator().manual_seed(0))
    q = b.x[:, -1]
    assert b.x.shape == (256, 16) and b.y.shape == b.ybar.shape == (256,)
    assert torch.all((q >= 1) & (q <= 3)) and torch.all(b.ybar > 3)
    for row, trig, ans in zip(b.x, q, b.ybar, strict=True):
        pos = torch.nonzero(row[:-1] == trig)[:, 0]
        assert len(pos) == TASK.occurrences and row[pos[0] + 1] == ans
        assert torch.all((row[pos + 1] == ans) | (row[pos + 1] == TAU))
    assert 0.35 < float((b.y == TAU).float().mean()) < 0.65
    assert torch.all((b.y == TAU) | (b.y == b.ybar))


def test_test_sequences_have_no_noise_token() -> None:
    b = sample(TASK, 256, torch.Generator().manual_seed(1), noisy_context=False, noisy_target=False)
    assert not torch.any(b.x == TAU) and torch.equal(b.y, b.ybar)


def test_sampling_is_pure_in_the_generator() -> None:
    a = sample(TASK, 8, torch.Generator().manual_seed(5))
    b = sample(TASK, 8, torch.Generator().manual_seed(5))
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)


@settings(max_examples=25, deadline=None)
@given(bigram_recalls(min_vocab=32, max_vocab=48, min_seq_len=16, max_seq_len=24, min_alpha=0.4))
def test_strategy_stays_in_range(task: BigramRecall) -> None:
    assert 32 <= task.vocab <= 48 and 16 <= task.seq_len <= 24
    assert 0.4 <= task.alpha <= 0.6 and 1 <= task.n_triggers <= 4 and 0 <= task.skew <= 1


def test_strategy_validates_bounds() -> None:
    with pytest.raises(InvalidArgument):
        bigram_recalls(min_vocab=64, max_vocab=32).example()
    with pytest.raises(InvalidArgument):
        bigram_recalls(min_alpha=0.6).example()
    with pytest.raises(ValueError):
        BigramRecall(vocab=32, n_triggers=1, seq_len=6, alpha=0.5)
