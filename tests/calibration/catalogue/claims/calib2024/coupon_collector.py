"""True: the coupon collector needs n H_n ~ n log n draws on average (a log factor)."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Scaling, reference

from . import PAPER
from ._classics import coupon_draws, repeats

n = sp.Symbol("n", positive=True)


def _draws(expr: sp.Expr) -> Scaling:
    return Scaling(expr, over=n, series="draws")


CLAIM = Claim(
    paper=PAPER,
    theorem="coupons",
    statement="Collecting all of n coupons takes about n log n draws.",
    instances=repeats(24, 48),
    experiment=coupon_draws,
    prediction=_draws(n * sp.log(n)),
    mutants=[
        Mutant("linear", _draws(n), why="the log factor is missing: the last coupons take n draws each"),
        Mutant("log_squared", _draws(n * sp.log(n) ** 2), why="one log factor, not two"),
        Mutant("quadratic", _draws(n**2), why="far too many"),
    ],
    reference=reference(section="coupons", value="E T = n H_n"),
)
