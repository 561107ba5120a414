"""True: mean a (1.0) exceeds mean b (0.8) by at least 0.1."""

from __future__ import annotations

from theorycheck import Claim, Comparison, Mutant, reference

from . import PAPER
from ._experiments import means, two_means

CLAIM = Claim(
    paper=PAPER,
    theorem="CMP",
    statement="a >= b + 0.1 (true difference 0.2).",
    instances=two_means(),
    experiment=means,
    prediction=Comparison("a", "b", ">=", margin=0.1),
    mutants=[
        Mutant("margin_03", Comparison("a", "b", ">=", margin=0.3), why="margin beyond the true difference"),
        Mutant("reversed", Comparison("a", "b", "<="), why="wrong direction"),
    ],
    reference=reference(section="CMP", value="difference 0.2"),
)
