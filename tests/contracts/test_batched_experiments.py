"""Contract tests over every experiment that opts in to batched seeds (claims and controls).

``batched_experiment(instance, seeds, tier)`` must give, seed by seed, the
measurement ``experiment(instance, seed, tier)`` gives, up to float reduction
order: each seed's init and data from its own generator in the unbatched
order (draws after training included). One batch of two seeds at the smoke
tier against the two unbatched units, on the strategy's first instance; the
experiment module is reloaded in between so that an in-process memo (li2024's
arms) cannot serve one path with the other's numbers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_catalogue import _draws  # the same first instance the contract tests draw

from theorycheck import Measurement, get_tier
from theorycheck.catalogue import claim_ids, load_claim
from theorycheck.session import limit_torch_threads

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (12345, 12346)


def _batched() -> list[tuple[str, str]]:
    out = []
    for claim_id in claim_ids(ROOT):
        claim = load_claim(claim_id, ROOT)
        if claim.batched_experiment is not None:
            out.append((claim_id, ""))
        out += [(claim_id, c.name) for c in claim.controls if c.batched_experiment is not None]
    return out


BATCHED = _batched()


def test_some_experiments_opt_in():
    assert len({claim_id.split("/")[0] for claim_id, _ in BATCHED}) >= 5


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [x for key in sorted(value) for x in _numbers(value[key])]
    if isinstance(value, (list, tuple)):
        return [x for item in value for x in _numbers(item)]
    return []


def _forget(fn: Callable[..., Any]) -> None:
    """Reload the module that defines ``fn``: its module-level memos start empty again (the claim's
    functions keep working: they read the reloaded globals). The classes it defines are put back,
    so that instances drawn before (li2025's SignGDStageRun) still equal those rebuilt from JSON by
    later tests (a dataclass equals only an instance of the very same class)."""
    module = sys.modules[fn.__module__]
    classes = {
        k: v for k, v in vars(module).items() if isinstance(v, type) and v.__module__ == module.__name__
    }
    importlib.reload(module)
    vars(module).update(classes)


@pytest.mark.parametrize(("claim_id", "control"), BATCHED, ids=[f"{c}:{n or 'claim'}" for c, n in BATCHED])
def test_batched_seeds_equal_their_unbatched_runs(claim_id: str, control: str):
    limit_torch_threads(1)
    claim = load_claim(claim_id, ROOT)
    owner = claim if not control else next(c for c in claim.controls if c.name == control)
    assert owner.batched_experiment is not None
    instance = _draws(claim, 1)[0]
    smoke = get_tier("smoke")
    _forget(owner.batched_experiment)  # nothing an earlier test left in a memo serves the batched run
    rows = list(owner.batched_experiment(instance, SEEDS, smoke))
    assert len(rows) == len(SEEDS) and all(isinstance(r, Measurement) and r.seeds == 1 for r in rows)
    _forget(owner.experiment)
    for seed, row in zip(SEEDS, rows, strict=True):
        alone = owner.experiment(instance, seed, smoke)
        assert sorted(row.scalars) == sorted(alone.scalars) and sorted(row.series) == sorted(alone.series)
        batched, unbatched = _numbers(row.to_json()), _numbers(alone.to_json())
        assert len(batched) == len(unbatched)
        np.testing.assert_allclose(batched, unbatched, rtol=1e-5, atol=1e-6, err_msg=f"seed {seed}")
