"""Unit tests of the decision rule and of combining instances (Holm / intersection-union)."""

from __future__ import annotations

import math

from theorycheck.engine import combine_instances
from theorycheck.verdict import Judgement, Verdict, decide


def test_decide_three_ways():
    assert decide("s", [1.0, 1.01, 0.99, 1.0], (0.9, 1.1), 0.05).verdict is Verdict.HOLDS
    assert decide("s", [2.0, 2.01, 1.99, 2.0], (0.9, 1.1), 0.05).verdict is Verdict.VIOLATED
    straddle = decide("s", [0.8, 1.2, 1.0, 1.3, 0.7], (0.9, 1.1), 0.05)
    assert straddle.verdict is Verdict.INCONCLUSIVE
    assert "seeds" in straddle.reason


def test_decide_one_sided_and_one_seed():
    assert decide("s", [0.1, 0.2, 0.15], (-math.inf, 1.0), 0.05).verdict is Verdict.HOLDS
    assert decide("s", [0.5], (0.0, 1.0), 0.05).verdict is Verdict.INCONCLUSIVE


def _j(verdict: Verdict, p: float) -> Judgement:
    return Judgement(verdict, "s", p_violation=p)


def test_combine_holds_only_when_every_instance_holds():
    assert combine_instances([_j(Verdict.HOLDS, 0.9), _j(Verdict.HOLDS, 0.8)], 0.05)[0] is Verdict.HOLDS
    verdict, index = combine_instances([_j(Verdict.HOLDS, 0.9), _j(Verdict.INCONCLUSIVE, 0.2)], 0.05)
    assert (verdict, index) == (Verdict.INCONCLUSIVE, 1)


def test_combine_violation_survives_holm_only_when_strong_enough():
    strong = [_j(Verdict.VIOLATED, 0.001), _j(Verdict.HOLDS, 0.9), _j(Verdict.HOLDS, 0.9)]
    assert combine_instances(strong, 0.05) == (Verdict.VIOLATED, 0)
    weak = [_j(Verdict.VIOLATED, 0.03), _j(Verdict.HOLDS, 0.9), _j(Verdict.HOLDS, 0.9)]
    assert combine_instances(weak, 0.05)[0] is Verdict.INCONCLUSIVE


def test_combine_error_wins():
    assert combine_instances([_j(Verdict.HOLDS, 0.9), _j(Verdict.ERROR, 1.0)], 0.05) == (Verdict.ERROR, 1)
