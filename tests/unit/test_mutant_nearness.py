"""Which mutants count: distance with a relative floor, far misses, kills implied by the claim."""

from __future__ import annotations

import math

import pytest

from theorycheck import Comparison, Threshold
from theorycheck.claim import decided_by_precondition, implied_by_claim
from theorycheck.judging import distance, far_beyond_scale
from theorycheck.verdict import Judgement, Verdict


def judged(estimate: float, interval: tuple[float, float], region: tuple[float, float]) -> Judgement:
    return Judgement(Verdict.VIOLATED, "s", estimate=estimate, interval=interval, region=region)


def test_a_deterministic_statistic_one_percent_off_is_near_not_millions_of_half_widths():
    exact = judged(0.988, (0.988 - 1e-9, 0.988 + 1e-9), (1.0, math.inf))
    assert distance(exact) == pytest.approx(1.2, rel=1e-3)  # unit: 1 % of the edge, not the 1e-9 half-width
    assert distance(judged(0.0, (0.0, 0.0), (1.0, math.inf))) == pytest.approx(100.0)
    assert distance(judged(1.0, (1.0, 1.0), (-math.inf, 0.0))) is None  # edge 0, no interval: no unit


def test_a_noisy_statistic_keeps_half_widths_as_its_unit():
    assert distance(judged(0.95, (0.94, 0.96), (0.97, math.inf))) == pytest.approx(2.0)


def test_a_mutant_far_beyond_its_own_scale_is_not_near_however_wide_its_interval():
    wide = judged(6277.0, (0.0, 12554.0), (-math.inf, 1e-4))
    assert distance(wide) == pytest.approx(1.0, rel=1e-3) and far_beyond_scale(wide)
    assert not far_beyond_scale(judged(0.95, (0.94, 0.96), (0.97, math.inf)))
    assert not far_beyond_scale(judged(-1.0, (-1.01, -0.99), (-0.55, -0.45)))  # within the edge's own size


def test_a_mutant_disjoint_from_the_claim_on_its_statistic_is_implied_by_the_claim():
    claim = Threshold("err", "<=", 0.06)
    assert implied_by_claim(Threshold("err", ">=", 0.06), claim) is not None  # the prediction negated
    assert implied_by_claim(Threshold("err", ">=", 0.2), claim) is not None  # beyond a gap
    assert implied_by_claim(Threshold("err", "<=", 0.03), claim) is None  # stronger: the data can reject it
    assert implied_by_claim(Threshold("other", ">=", 0.06), claim) is None  # another statistic
    gain = Comparison("a", "b", ">=", margin=0.05)
    assert implied_by_claim(Comparison("a", "b", "<="), gain) is not None
    assert implied_by_claim(Comparison("a", "b", ">=", margin=0.1), gain) is None
    # a precondition's region must be strictly disjoint: sharing its edge is not deciding
    assert decided_by_precondition(Threshold("loss", ">=", 0.05), [Threshold("loss", "<=", 0.05)]) is None
    assert decided_by_precondition(Threshold("loss", ">", 0.5), [Threshold("loss", "<=", 0.05)]) is not None
