"""True asymptotically, seen in its transient: the squared error of the mean of n samples of a stationary
AR(1) decays like 1/n, but only once n passes the correlation time 1/(1 - rho)."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import ar_mean_error, autoregressions

n, C, c = sp.symbols("n C c", positive=True)


def _mse(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=n, series="mse", window=(1, 1e9))


CLAIM = Claim(
    paper=PAPER,
    theorem="AR(1)",
    statement="E (mean of n AR(1) samples)^2 decays like 1/n.",
    instances=autoregressions(),
    experiment=ar_mean_error,
    prediction=_mse(C / n),
    mutants=[
        Mutant("sqrt", _mse(C / sp.sqrt(n)), why="the variance of a mean decays like 1/n, not 1/sqrt n"),
        Mutant("n_squared", _mse(C / n**2), why="correlated samples never beat 1/n"),
        Mutant(
            "exponential", _mse(C * sp.exp(-c * n)), why="a variance of a mean never decays exponentially"
        ),
    ],
    reference=reference(section="AR(1)", value="(1/n)(1 + rho)/(1 - rho) - O(1/n^2)"),
)
