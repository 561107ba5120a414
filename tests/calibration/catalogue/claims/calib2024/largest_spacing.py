"""True: the largest gap between n uniform points shrinks like log n / n (its mean is H_(n+1)/(n+1))."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import largest_spacing, repeats

n, C = sp.symbols("n C", positive=True)


def _gap(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=n, series="spacing")


CLAIM = Claim(
    paper=PAPER,
    theorem="spacings",
    statement="The largest of the n + 1 spacings of n uniforms decays like log n / n.",
    instances=repeats(48, 96),
    experiment=largest_spacing,
    prediction=_gap(C * sp.log(n) / n),
    mutants=[
        Mutant("one_over_n", _gap(C / n), why="the typical spacing is 1/n; the largest is log n times it"),
        Mutant("log_squared", _gap(C * sp.log(n) ** 2 / n), why="one log factor, not two"),
        Mutant("sqrt", _gap(C / sp.sqrt(n)), why="far too slow"),
    ],
    reference=reference(section="spacings", value="E max spacing = H_(n+1)/(n+1)"),
)
