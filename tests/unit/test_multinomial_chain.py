"""The bulk Markov chain against successive torch.multinomial calls: the same states, the same generator."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tasks import multinomial_chain
from tasks.multinomial_chain import chain_states


def _reference(p: torch.Tensor, start: torch.Tensor, steps: int, generator: torch.Generator) -> torch.Tensor:
    states = [start]
    for _ in range(steps):
        states.append(torch.multinomial(p[states[-1]], 1, generator=generator)[:, 0])
    return torch.stack(states, dim=1)


def _rows(m: int, seed: int, skew: float = 0.7) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    rows = (1 - skew) / m + skew * rng.dirichlet(np.full(m, 0.5), size=m)
    return torch.as_tensor(rows / rows.sum(axis=1, keepdims=True))


def _same_as_torch(p: torch.Tensor, batch: int, steps: int, seed: int) -> None:
    ours, theirs = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    torch.rand(seed % 5, generator=ours)  # start mid-stream, off the twist boundary
    torch.rand(seed % 5, generator=theirs)
    start = torch.randint(0, p.shape[0], (batch,), generator=ours)
    torch.randint(0, p.shape[0], (batch,), generator=theirs)
    assert torch.equal(chain_states(p, start, steps, ours), _reference(p, start, steps, theirs))
    assert torch.equal(ours.get_state(), theirs.get_state())
    assert torch.equal(torch.rand(3, generator=ours), torch.rand(3, generator=theirs))


@pytest.mark.parametrize(
    ("m", "batch", "steps"), [(33, 128, 23), (37, 512, 15), (5, 3, 40), (61, 1, 7), (9, 700, 1), (12, 20, 0)]
)
def test_the_states_and_generator_are_torch_multinomials(m: int, batch: int, steps: int) -> None:
    for seed in range(3):
        _same_as_torch(_rows(m, seed), batch, steps, seed)


def test_near_ties_are_decided_with_torchs_own_q(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row goes through the exact path, and a wrong bulk q (off by up to 50 %) is overruled there,
    including the rest of a chain that had followed a wrong state."""
    monkeypatch.setattr(multinomial_chain, "MARGIN", float("inf"))
    rng = np.random.default_rng(7)
    real_log1p = np.log1p
    monkeypatch.setattr(np, "log1p", lambda x: real_log1p(x) * rng.uniform(0.5, 1.5, size=np.shape(x)))
    for seed in range(3):
        _same_as_torch(_rows(11, seed), 40, 12, seed)


def test_ties_and_zero_probabilities() -> None:
    p = torch.tensor([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]], dtype=torch.float64)
    _same_as_torch(p, 300, 10, 0)


def test_rows_it_cannot_replicate_fall_back_to_torch() -> None:
    _same_as_torch(_rows(10, 0).float(), 50, 5, 1)
    _same_as_torch(_rows(10, 0).requires_grad_(), 50, 5, 2)


@pytest.mark.parametrize(
    "bad",
    [torch.ones(3, 4, dtype=torch.float64), torch.full((3, 3), -1.0, dtype=torch.float64),
     torch.zeros(3, 3, dtype=torch.float64), torch.full((3, 3), float("nan"), dtype=torch.float64)],
)  # fmt: skip
def test_malformed_transitions_are_refused(bad: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="p"):
        chain_states(bad, torch.zeros(2, dtype=torch.long), 3, torch.Generator().manual_seed(0))


def test_the_replica_is_checked_against_the_installed_torch() -> None:
    assert multinomial_chain._replica_matches_torch()
