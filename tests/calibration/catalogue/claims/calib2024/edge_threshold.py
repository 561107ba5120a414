"""Boundary case: accuracy >= 0.9 with true accuracy exactly 0.9 (type-I error of VIOLATED)."""

from __future__ import annotations

from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiments import accuracy, test_sets

CLAIM = Claim(
    paper=PAPER,
    theorem="EDGE-ACC",
    statement="Test accuracy is at least 0.9; true accuracy is exactly 0.9 (the edge).",
    instances=test_sets(),
    experiment=accuracy,
    prediction=Threshold("acc", ">=", 0.9),
    mutants=[Mutant("at_most", Threshold("acc", "<=", 0.9), why="also exactly on its edge")],
    reference=reference(section="EDGE", value="accuracy 0.9"),
)
