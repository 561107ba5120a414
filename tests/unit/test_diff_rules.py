"""What `theorycheck diff` calls worse: every verdict pair, mutants, controls, added and removed claims."""

from __future__ import annotations

import copy
import itertools

import pytest
from report_records import document, hollow_record, record

from theorycheck.diff import claim_got_worse, compare, tier_note

VERDICTS = ("HOLDS", "VIOLATED", "INCONCLUSIVE", "ERROR", "FLAKY", "HOLLOW")
# base -> head pairs that are regressions; every other pair of different verdicts is a change only
WORSE = {
    *(("HOLDS", v) for v in VERDICTS if v != "HOLDS"),
    *((b, h) for b in VERDICTS for h in ("VIOLATED", "HOLLOW", "ERROR") if b != h),
}


@pytest.mark.parametrize(("base", "head"), list(itertools.product(VERDICTS, VERDICTS)))
def test_every_verdict_pair(base: str, head: str):
    assert claim_got_worse(base, head) == ((base, head) in WORSE)
    changes = compare(document(record("a/x", base)), document(record("a/x", head)))
    claim = [c for c in changes if c.what == "claim"]
    if base == head:
        assert claim == []
    else:
        assert [c.regression for c in claim] == [(base, head) in WORSE]


def test_the_table_reads_as_documented():
    assert ("HOLDS", "FLAKY") in WORSE and ("INCONCLUSIVE", "VIOLATED") in WORSE
    assert ("VIOLATED", "HOLLOW") in WORSE and ("HOLLOW", "VIOLATED") in WORSE
    assert ("VIOLATED", "HOLDS") not in WORSE and ("INCONCLUSIVE", "FLAKY") not in WORSE
    assert ("ERROR", "INCONCLUSIVE") not in WORSE and ("FLAKY", "INCONCLUSIVE") not in WORSE
    assert claim_got_worse("HOLDS", "SOMETHING_NEW") and claim_got_worse("INCONCLUSIVE", "SOMETHING_NEW")


def _mutant_change(base_claim: str, base_m: str, head_claim: str, head_m: str) -> list[tuple[str, bool]]:
    base = document(record("a/x", base_claim, {"m": base_m}))
    head = document(record("a/x", head_claim, {"m": head_m}))
    return [(c.what, c.regression) for c in compare(base, head) if c.what.startswith("mutant")]


def test_a_killed_mutant_that_survives_or_errors_is_a_regression():
    assert _mutant_change("HOLDS", "VIOLATED", "HOLDS", "INCONCLUSIVE") == [("mutant m", True)]
    assert _mutant_change("HOLDS", "VIOLATED", "HOLDS", "HOLDS") == [("mutant m", True)]
    assert _mutant_change("HOLDS", "VIOLATED", "HOLDS", "ERROR") == [("mutant m", True)]


def test_a_mutant_a_precondition_decides_is_not_viable_but_no_regression():
    base = document(record("a/x", "HOLDS", {"m": "VIOLATED"}))
    head = document(record("a/x", "HOLDS", {"m": "VIOLATED"}))
    head["claims"][0]["mutants"][0]["not_viable_because"] = "acc >= 0.9"
    got = [(c.what, c.head, c.regression) for c in compare(base, head)]
    assert got == [("mutant m", "VIOLATED (not_viable: decided by the declaration)", False)]


def test_mutants_of_a_claim_that_stopped_holding_are_unscored_not_a_second_regression():
    assert _mutant_change("HOLDS", "VIOLATED", "INCONCLUSIVE", "HOLDS") == [("mutant m", False)]
    assert _mutant_change("HOLDS", "VIOLATED", "INCONCLUSIVE", "VIOLATED") == []  # the claim's row says it
    assert _mutant_change("INCONCLUSIVE", "VIOLATED", "HOLDS", "VIOLATED") == []


def test_a_survivor_that_is_now_killed_is_a_change():
    assert _mutant_change("HOLDS", "INCONCLUSIVE", "HOLDS", "VIOLATED") == [("mutant m", False)]


def test_a_removed_killed_mutant_is_a_regression():
    base = document(record("a/x", "HOLDS", {"m": "VIOLATED", "n": "VIOLATED"}))
    head = document(record("a/x", "HOLDS", {"m": "VIOLATED"}))
    assert [(c.what, c.head, c.regression) for c in compare(base, head)] == [("mutant n", "absent", True)]


def test_a_stored_status_is_not_trusted_over_the_verdicts():
    base = document(record("a/x", "HOLDS", {"m": "VIOLATED"}))
    head = copy.deepcopy(base)
    head["claims"][0]["mutants"][0]["verdict"] = "INCONCLUSIVE"  # status still says "killed"
    assert [c.regression for c in compare(base, head)] == [True]


def test_holding_on_a_control_is_a_regression():
    base = hollow_record()
    base["verdict"] = "HOLDS"
    base["controls"][0]["verdict"] = "VIOLATED"
    head = hollow_record()
    changes = compare(document(base), document(head))
    assert ("claim", "HOLDS", "HOLLOW", True) in [(c.what, c.base, c.head, c.regression) for c in changes]
    assert ("control shuffled_labels", True) in [(c.what, c.regression) for c in changes]
    reverse = compare(document(head), document(base))
    assert not any(c.regression for c in reverse)


def test_added_and_removed_claims():
    base = document(record("a/x", "HOLDS"))
    head = document(record("a/y", "INCONCLUSIVE"), record("a/z", "VIOLATED"))
    got = {(c.claim_id, c.base, c.head): c.regression for c in compare(base, head)}
    assert got == {
        ("a/x", "HOLDS", "absent"): True,
        ("a/y", "absent", "INCONCLUSIVE"): False,
        ("a/z", "absent", "VIOLATED"): True,
    }


def test_tier_note():
    a, b = document(record("a/x", "HOLDS")), document(record("a/x", "HOLDS"))
    assert tier_note(a, b) is None
    b["tier"] = "smoke"
    assert "smoke" in (tier_note(a, b) or "")
