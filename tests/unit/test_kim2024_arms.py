"""kim2024's memoised MLP arms: the control reads the claim's arms, and what a worker ran before (which
seeds share a stack, which path filled the memo) does not change a seed's numbers."""

from __future__ import annotations

import pytest

from claims.kim2024 import _experiment as kim
from tasks.parity import ParityTask
from theorycheck.tiers import TIERS

TASK = ParityTask(d=16, leaves=(0, 3, 5, 9), pairings=((0, 1, 2, 3), (0, 1)))
SMOKE = TIERS["smoke"]


@pytest.fixture(autouse=True)
def _empty_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kim, "_MLP_ARMS", {})


def _samples(seeds: list[int]) -> list:  # type: ignore[type-arg]
    return [kim._samples(TASK, seed, 4000, 2000) for seed in seeds]


def test_a_seeds_arms_do_not_depend_on_its_stack_or_on_what_ran_before() -> None:
    together = kim._mlp_arms(TASK, [0, 1], SMOKE, _samples([0, 1]), batched=True)
    kim._MLP_ARMS.clear()
    alone = kim._mlp_arms(TASK, [1], SMOKE, _samples([1]), batched=True)
    assert alone == together[1:]
    kim._MLP_ARMS.clear()
    assert kim._mlp_arms(TASK, [1], SMOKE, _samples([1]), batched=False) == alone  # the per-seed runs


def test_the_control_reads_the_claims_arms(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = kim.cot_vs_direct_batched(TASK, [0, 1], SMOKE)

    def untrained(*args: object, **kwargs: object) -> None:
        raise AssertionError("the control trained an MLP the claim had trained")

    monkeypatch.setattr(kim, "_mlp_runs_batched", untrained)
    control = kim.cot_vs_direct_final_label_only_batched(TASK, [0, 1], SMOKE)
    for a, b in zip(claim, control, strict=True):
        assert a.scalars["acc_nocot"] == b.scalars["acc_nocot"]
        assert a.scalars["acc_mlp_pair"] == b.scalars["acc_mlp_pair"]
