"""Reliability R-1 to R-6: every way a unit can fail is one ERROR claim; the rest still run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "plugin"))
from plugin_support import install, results

EXPECTED_REASONS = {
    "fault2024/exits": "exited with code 3",
    "fault2024/killed": "killed by SIGKILL",
    "fault2024/segfaults": "killed by SIGSEGV",
    "fault2024/hangs": "timeout after 5 s",
    "fault2024/nan": "non-finite scalar 'value'",
    "fault2024/raises": "ValueError: bad hyper-parameter on purpose [at claims/fault2024/_base.py",
    "fault2024/oom": "MemoryError",
}


def test_each_fault_is_one_clear_error_and_healthy_claims_are_unaffected(pytester: pytest.Pytester):
    root = install(pytester, "fault_catalogue")
    common = ("--tier", "smoke", "--unit-timeout", "5", "--unit-memory-mb", "3072", "--no-claims-cache")
    result = pytester.runpytest_subprocess("claims", "-n", "2", *common)
    assert result.ret == 1
    result.assert_outcomes(passed=2, errors=len(EXPECTED_REASONS))
    records = {c["id"]: c for c in results(root)["claims"]}
    for claim_id, reason in EXPECTED_REASONS.items():
        assert records[claim_id]["verdict"] == "ERROR"
        assert reason in records[claim_id]["reason"], (claim_id, records[claim_id]["reason"])
        assert claim_id in records[claim_id]["reason"]
    clean = pytester.runpytest_subprocess(
        "claims/fault2024/healthy_a.py", "claims/fault2024/healthy_b.py", "--claims-out", "clean", *common
    )
    clean.assert_outcomes(passed=2)
    clean_records = {c["id"]: c for c in results(root, "clean")["claims"]}
    for claim_id in ("fault2024/healthy_a", "fault2024/healthy_b"):
        for key in ("verdict", "estimate", "interval", "mutants", "instances"):
            assert records[claim_id][key] == clean_records[claim_id][key]
