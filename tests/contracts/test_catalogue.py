"""Contract tests over every claim of the catalogue (DESIGN section 8), with no training beyond one unit.

Each claim: loads and validates, cites its own paper with a docstring that
names the paper and the gaps, has a strategy that draws JSON-serialisable
instances, mutants that differ from the claim, and an experiment that, run
once at the smoke tier, returns a finite one-row Measurement naming every
quantity the prediction, the mutants and the preconditions use, and returns
the same Measurement when run again with the same seed (pure in its inputs).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from theorycheck import Measurement, Verdict, get_tier
from theorycheck.catalogue import claim_ids, load_claim, load_module
from theorycheck.instances import from_json, to_json
from theorycheck.session import limit_torch_threads

ROOT = Path(__file__).resolve().parents[2]
IDS = claim_ids(ROOT)


def test_the_catalogue_is_not_empty():
    assert len(IDS) >= 6
    papers = {i.split("/")[0] for i in IDS}
    assert {"zhu2024", "huang2025b", "nitanda2025"} <= papers


def _draws(claim, count: int = 3) -> list:
    drawn: list = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(claim.instances)
    def collect(instance):
        drawn.append(instance)

    collect()
    return drawn


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_declaration(claim_id: str):
    claim = load_claim(claim_id, ROOT)
    module = load_module(claim_id, ROOT)
    doc = inspect.getdoc(module) or ""
    assert claim.paper.key == claim_id.split("/")[0]
    assert claim.paper.arxiv, "the paper needs its arXiv id"
    assert len(doc.splitlines()) >= 3, "the claim module's docstring cites the paper and lists the gaps"
    assert "gap" in doc.lower() or claim.gaps, "the gaps between experiment and theorem are listed"
    assert claim.mutants and all(
        m.prediction.signature() != claim.prediction.signature() for m in claim.mutants
    )
    assert claim.reference.value


@pytest.mark.parametrize("claim_id", IDS)
def test_strategy_draws_serialisable_instances(claim_id: str):
    claim = load_claim(claim_id, ROOT)
    drawn = _draws(claim)
    assert drawn, "the instances strategy draws nothing"
    for instance in drawn:
        data = to_json(instance)
        assert json.loads(json.dumps(data)) == data
        assert from_json(data) == instance


@pytest.mark.parametrize("claim_id", IDS)
def test_experiment_runs_once_and_is_pure(claim_id: str):
    limit_torch_threads(1)
    claim = load_claim(claim_id, ROOT)
    instance = _draws(claim, 1)[0]
    smoke = get_tier("smoke")
    first = claim.experiment(instance, 12345, smoke)
    assert isinstance(first, Measurement) and first.seeds == 1
    first.check_finite()
    again = claim.experiment(instance, 12345, smoke)
    assert again == first, "same (instance, seed, tier) must give the same measurement"
    two = Measurement.stack([first, again])
    for prediction in (claim.prediction, *(m.prediction for m in claim.mutants), *claim.requires):
        judged = prediction.judge(two, 0.05)
        assert judged.verdict is not Verdict.ERROR, judged.reason
