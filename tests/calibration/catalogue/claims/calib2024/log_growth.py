"""True: the expected maximum of n Exp(1) draws grows like log n (it is H_n = log n + 0.577 + o(1))."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Scaling, reference

from . import PAPER
from ._classics import exponential_maxima, repeats

n = sp.Symbol("n", positive=True)


def _growth(expr: sp.Expr) -> Scaling:
    return Scaling(expr, over=n, series="max")


CLAIM = Claim(
    paper=PAPER,
    theorem="extremes",
    statement="E max of n Exp(1) draws grows like log n.",
    instances=repeats(32, 64),
    experiment=exponential_maxima,
    prediction=_growth(sp.log(n)),
    mutants=[
        Mutant(
            "sqrt_n", _growth(sp.sqrt(n)), why="exponential tails give logarithmic, not polynomial, maxima"
        ),
        Mutant("no_growth", _growth(sp.S.One), why="the maximum of more draws keeps growing"),
        Mutant("log_squared", _growth(sp.log(n) ** 2), why="log n, not log^2 n"),
    ],
    reference=reference(section="extremes", value="E max = H_n"),
)
