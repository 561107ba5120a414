"""True: power iteration's Rayleigh quotient converges like (l2/l1)^(2t): twice the vector's rate."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import power_iteration, spectra

t, l1, l2, C = sp.symbols("t l1 l2 C", positive=True)


def _gap(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=t, series="rayleigh", params=(l1, l2), floor=1e-14)


CLAIM = Claim(
    paper=PAPER,
    theorem="power iteration",
    statement="l1 - Rayleigh quotient ~ (l2/l1)^(2t).",
    instances=spectra(),
    experiment=power_iteration,
    prediction=_gap(C * (l2 / l1) ** (2 * t)),
    mutants=[Mutant("vector_rate", _gap(C * (l2 / l1) ** t), why="the quotient squares the vector's error")],
    reference=reference(section="power iteration", value="O((l2/l1)^(2t)) for symmetric matrices"),
)
