"""R-13: a violation that its confirmation block does not reproduce is FLAKY, with both intervals."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_support import results

ARGS = ("claims", "--tier", "default", "--claims-executor", "inprocess", "-p", "no:cacheprovider")


def test_unreproduced_violation_is_flaky_and_skipped_by_default(pytester: pytest.Pytester, flaky: Path):
    result = pytester.runpytest_subprocess(*ARGS, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*FLAKY flaky2024/unreproducible*VIOLATED on 4 seeds*HOLDS on 8 fresh*"])
    record = results(flaky)["claims"][0]
    assert record["verdict"] == "FLAKY"
    assert record["interval"] == [0.0, 0.0]
    assert record["confirmation"]["verdict"] == "HOLDS"
    assert record["confirmation"]["seeds"] == 8 and record["confirmation"]["interval"] == [1.0, 1.0]
    assert record["counterexample"] is None  # an unconfirmed violation stores no counterexample
    assert not list((flaky / ".theorycheck").rglob("counterexamples*/*.json"))
    assert results(flaky)["summary"]["verdicts"]["FLAKY"] == 1


def test_on_flaky_fail_makes_it_a_failure(pytester: pytest.Pytester, flaky: Path):
    result = pytester.runpytest_subprocess(*ARGS, "--on-flaky", "fail")
    result.assert_outcomes(failed=1)
    assert result.ret == 1


def test_a_reproduced_violation_stays_violated_with_its_confirmation(pytester: pytest.Pytester, toy: Path):
    result = pytester.runpytest_subprocess("claims/toy2024/false_rate.py", *ARGS[1:])
    result.assert_outcomes(failed=1)
    record = results(toy)["claims"][0]
    assert record["verdict"] == "VIOLATED"
    assert record["confirmation"]["verdict"] == "VIOLATED" and record["confirmation"]["seeds"] == 8


def test_smoke_tier_runs_no_confirmation(pytester: pytest.Pytester, flaky: Path):
    result = pytester.runpytest_subprocess("claims", "--tier", "smoke", "--claims-executor", "inprocess")
    result.assert_outcomes(passed=1)
    assert results(flaky)["claims"][0]["confirmation"] is None
