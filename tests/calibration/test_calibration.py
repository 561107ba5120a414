"""The statistical calibration suite (issue 6, VERDICTS 1.9) at a test-sized number of runs.

Each figure is asserted against its target plus three Monte Carlo standard
errors at the number of runs used, and everything is seeded, so the tests
are deterministic. ``benchmarks/calibration.py`` runs the same code with
more runs and writes ``reports/calibration.md``.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from theorycheck.verdict import Verdict

pytestmark = pytest.mark.calibration

SEED = 31337  # fresh seeds: the report uses another base seed
RUNS = 30
ALPHA = 0.05


@pytest.fixture(scope="module")
def cal() -> ModuleType:
    """benchmarks/calibration.py, imported as a module."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "calibration.py"
    spec = importlib.util.spec_from_file_location("theorycheck_calibration_suite", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def at_most(rate: float, target: float, runs: int) -> bool:
    return rate <= target + 3 * math.sqrt(target * (1 - target) / runs)


def at_least(rate: float, target: float, runs: int) -> bool:
    return rate >= target - 3 * math.sqrt(target * (1 - target) / runs)


@pytest.mark.parametrize(
    "claim_id",
    [
        "calib2024/mc_mean",
        "calib2024/gd_linear_rate",
        "calib2024/gd_exp_form",
        "calib2024/sgd_one_over_t",
        "calib2024/bernoulli_accuracy",
        "calib2024/two_means",
        # issue 10: classical results judged against the bound's own shape
        "calib2024/log_growth",
        "calib2024/gaussian_maximum",
        "calib2024/coupon_collector",
        "calib2024/largest_spacing",
        "calib2024/ols_offset",
        "calib2024/gd_upper_bound",
        "calib2024/nn_distance",
        "calib2024/power_iteration",
        "calib2024/rayleigh_quotient",
        "calib2024/harmonic_maximum",
        "calib2024/chi_mean",
        "calib2024/harmonic_polygamma",
        "calib2024/berry_esseen",
    ],
)
def test_true_claims_and_their_mutants(cal: ModuleType, claim_id: str) -> None:
    tallies = cal.run_engine_claim(claim_id, RUNS, SEED)
    claim, mutants = tallies[0], tallies[1:]
    assert claim.counts["ERROR"] == 0
    assert at_most(claim.rate(Verdict.VIOLATED), ALPHA, RUNS), claim.counts
    assert at_most(claim.rate(Verdict.INCONCLUSIVE), 0.10, RUNS), claim.counts
    for m in mutants:
        assert m.counts["HOLDS"] == 0, (m.name, m.counts)
        if m.truth == "false":
            assert at_least(m.rate(Verdict.VIOLATED), 0.95, RUNS), (m.name, m.counts)


def test_a_true_rate_seen_in_its_transient_is_never_confirmed_violated(cal: ModuleType) -> None:
    claim, *mutants = cal.run_engine_claim("calib2024/ar1_transient", RUNS, SEED)
    assert claim.counts["VIOLATED"] == 0 and claim.counts["ERROR"] == 0, claim.counts
    for m in mutants:
        assert at_least(m.rate(Verdict.VIOLATED), 0.95, RUNS), (m.name, m.counts)


def test_a_bound_false_only_in_a_corner_is_found(cal: ModuleType) -> None:
    claim, _mutant = cal.run_engine_claim("calib2024/berry_esseen_sharp", RUNS, SEED)
    assert at_least(claim.rate(Verdict.VIOLATED), 0.90, RUNS), claim.counts


def test_a_false_claim_keeps_its_power_through_the_confirmation_block(cal: ModuleType) -> None:
    claim, _mutant = cal.run_engine_claim("calib2024/mc_wrong_exponent", RUNS, SEED)
    assert claim.counts["ERROR"] == 0 and claim.counts["HOLDS"] == 0, claim.counts
    assert at_least(claim.rate(Verdict.VIOLATED), 0.95, RUNS), claim.counts


@pytest.mark.parametrize("claim_id", ["calib2024/edge_threshold", "calib2024/edge_slope"])
def test_truth_on_the_edge_is_rarely_violated(cal: ModuleType, claim_id: str) -> None:
    for tally in cal.run_engine_claim(claim_id, RUNS, SEED):
        assert at_most(tally.rate(Verdict.VIOLATED), ALPHA, RUNS), (tally.name, tally.counts)
        assert at_most(tally.rate(Verdict.HOLDS), ALPHA, RUNS), (tally.name, tally.counts)


def test_holm_controls_the_family_wise_error_within_a_claim(cal: ModuleType) -> None:
    runs = 60
    tally = cal.fwer_within_claim(runs, SEED + 1)
    assert at_most(tally.rate(Verdict.VIOLATED), ALPHA, runs), tally.counts


def test_fdr_across_a_suite_with_benjamini_hochberg(cal: ModuleType) -> None:
    runs = 6
    stats = cal.suite_fdr(runs, SEED + 2)
    assert stats.fdr_bh <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / runs)
    assert stats.power >= 0.8


@pytest.mark.parametrize("tier", ["default", "full"])
def test_group_sequential_looks_keep_type_one_error(cal: ModuleType, tier: str) -> None:
    runs = 100
    valid, _naive = cal.sequential(runs, SEED + 3, tier)
    assert at_most(valid.rate(Verdict.VIOLATED), ALPHA, runs), valid.counts
    assert at_most(valid.rate(Verdict.HOLDS), ALPHA, runs), valid.counts


def test_t_interval_coverage(cal: ModuleType) -> None:
    runs = 300
    with cal.calibration_catalogue():
        rows = cal.coverage(runs, SEED + 4)
    half = 3 * math.sqrt(0.9 * 0.1 / runs)
    for size, t_cover, _boot in rows:
        assert 0.9 - half <= t_cover <= 0.9 + half, (size, t_cover)


def test_floor_never_flips_the_verdict(cal: ModuleType) -> None:
    runs = 30
    for name, agree, contradictions, _free, floored in cal.floor_handling(runs, SEED + 5):
        assert contradictions == 0, (name, floored)
        assert at_least(agree, 0.9, runs), (name, floored)


def test_transient_regime_never_holds(cal: ModuleType) -> None:
    runs = 30
    for tally in cal.transient(runs, SEED + 6):
        assert tally.counts["HOLDS"] == 0, (tally.name, tally.counts)
        assert at_least(tally.rate(Verdict.INCONCLUSIVE), 0.9, runs), (tally.name, tally.counts)
