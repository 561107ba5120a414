"""True: a classifier of accuracy 0.9 scores at least 0.85 on a test set."""

from __future__ import annotations

from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiments import accuracy, test_sets

CLAIM = Claim(
    paper=PAPER,
    theorem="ACC",
    statement="Test accuracy is at least 0.85 (true accuracy 0.9).",
    instances=test_sets(),
    experiment=accuracy,
    prediction=Threshold("acc", ">=", 0.85),
    mutants=[
        Mutant("at_least_092", Threshold("acc", ">=", 0.92), why="just beyond the truth (0.9)"),
        Mutant("at_least_091", Threshold("acc", ">=", 0.91), why="barely beyond the truth (0.9)"),
        Mutant("at_most_085", Threshold("acc", "<=", 0.85), why="wrong direction"),
    ],
    reference=reference(section="ACC", value="accuracy 0.9"),
)
