"""Oracle tests of the bu2024 experiment's exact speed-ups (against the evaluations they skip or reuse)."""

from __future__ import annotations

import pytest
import torch

from claims.bu2024._experiment import _train
from tasks.concept_prompts import ConceptTask
from theorycheck.tiers import TIERS

TASK = ConceptTask(concepts=2, dim=32, length=14, irrelevant=1, noise=0.15)


@pytest.mark.parametrize("frozen", [False, True])
def test_training_without_the_error_curve_is_the_same_run(frozen: bool) -> None:
    """``curve=False`` (ood: only the final test error is used) skips the intermediate evaluations:
    the same model, losses, final error and generator state as the run with the curve."""
    tier = TIERS["smoke"]
    with_curve = _train(TASK, 5, tier, frozen_attention=frozen)
    without = _train(TASK, 5, tier, frozen_attention=frozen, curve=False)
    (m1, log1, gen1, err1), (m2, log2, gen2, err2) = with_curve, without
    assert err1 == err2 == log1.evals[-1] and len(log1.evals) > 2 and log2.evals == ()
    assert log1.losses == log2.losses
    for p1, p2 in zip(m1.parameters(), m2.parameters(), strict=True):
        assert torch.equal(p1, p2)
    assert torch.equal(gen1.get_state(), gen2.get_state())
