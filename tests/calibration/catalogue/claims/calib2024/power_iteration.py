"""True: power iteration's angle to the top eigenvector decays like (l2/l1)^t; l1, l2 are drawn."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import power_iteration, spectra

t, l1, l2, C = sp.symbols("t l1 l2 C", positive=True)


def _sine(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=t, series="sine", params=(l1, l2), floor=1e-10)


CLAIM = Claim(
    paper=PAPER,
    theorem="power iteration",
    statement="sin angle(v_t, top eigenvector) ~ (l2/l1)^t.",
    instances=spectra(),
    experiment=power_iteration,
    prediction=_sine(C * (l2 / l1) ** t),
    mutants=[
        Mutant(
            "rayleigh_rate",
            _sine(C * (l2 / l1) ** (2 * t)),
            why="the Rayleigh quotient's rate, not the vector's",
        ),
        Mutant("half_rate", _sine(C * (l2 / l1) ** (t / 2)), why="the angle, not its square root"),
        Mutant("power_law", _sine(C / t**2), why="linear convergence, not a power law"),
    ],
    reference=reference(section="power iteration", value="tan angle = O((l2/l1)^t)"),
)
