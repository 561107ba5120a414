"""True: OLS with Gaussian design has E||b - b*||^2 = sigma^2 d / (n - d - 1), an offset bound, exact
from n = d + 4 on; d is drawn and read from the measurement."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import ols_error, regressions

n, d, C = sp.symbols("n d C", positive=True)


def _risk(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=n, series="error", params=(d,), window=(1, 1e9))


CLAIM = Claim(
    paper=PAPER,
    theorem="OLS",
    statement="The OLS estimation error is sigma^2 d / (n - d - 1) for every n > d + 1.",
    instances=regressions(),
    experiment=ols_error,
    prediction=_risk(C * d / (n - d - 1)),
    mutants=[
        Mutant(
            "textbook",
            _risk(C * d / n),
            why="the asymptotic d/n: the same limit, but not the shape near n = d (a designated transient)",
        ),
        Mutant("root", _risk(C * sp.sqrt(d / n)), why="the error is d/n, not its square root"),
        Mutant("squared_offset", _risk(C * d / (n - d - 1) ** 2), why="one power of the offset, not two"),
    ],
    reference=reference(section="OLS", value="sigma^2 d / (n - d - 1)"),
)
