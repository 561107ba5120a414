"""True: the Berry-Esseen bound with Shevtsova's constant 0.4748 holds for every Bernoulli sum."""

from __future__ import annotations

from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._classics import bernoullis, berry_esseen_ratio

CLAIM = Claim(
    paper=PAPER,
    theorem="Berry-Esseen",
    statement="sup |F_n - Phi| <= 0.4748 rho / (sigma^3 sqrt n) for sums of n Bernoulli(p).",
    instances=bernoullis(),
    experiment=berry_esseen_ratio,
    prediction=Threshold("ratio", "<=", 0.4748),
    mutants=[
        Mutant(
            "esseen_minus",
            Threshold("ratio", "<=", 0.409),
            why="Esseen's lower bound 0.4097 is approached near p = 0.42 with many trials: false there",
        )
    ],
    reference=reference(
        section="Berry-Esseen", value="C <= 0.4748 (Shevtsova 2011); C >= 0.4097 (Esseen 1956)"
    ),
    unit_seconds=0.002,
)
