"""False in a corner only: 'the Berry-Esseen constant for Bernoulli sums is at most 0.409'. The ratio
exceeds 0.409 only near p = 0.42 (or 0.58) with hundreds of trials: about 3 % of the (n, p) square."""

from __future__ import annotations

from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._classics import bernoullis, berry_esseen_ratio

CLAIM = Claim(
    paper=PAPER,
    theorem="Berry-Esseen",
    statement="sup |F_n - Phi| <= 0.409 rho / (sigma^3 sqrt n) for sums of n Bernoulli(p) (false).",
    instances=bernoullis(),
    experiment=berry_esseen_ratio,
    prediction=Threshold("ratio", "<=", 0.409),
    mutants=[Mutant("half", Threshold("ratio", "<=", 0.2), why="far below the constant")],
    reference=reference(section="Berry-Esseen", value="Esseen 1956: the constant is at least 0.4097"),
    unit_seconds=0.002,
)
