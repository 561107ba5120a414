"""True: the nearest-neighbour distance among n uniform points on the d-torus scales like n^(-1/d);
the exponent depends on the drawn dimension."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._classics import nearest_neighbour, tori

n, d, C = sp.symbols("n d C", positive=True)


def _nn(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=n, series="nn", params=(d,))


CLAIM = Claim(
    paper=PAPER,
    theorem="nearest neighbours",
    statement="The mean nearest-neighbour distance of n uniform points in d dimensions is ~ n^(-1/d).",
    instances=tori(),
    experiment=nearest_neighbour,
    prediction=_nn(C * n ** (-1 / d)),
    mutants=[
        Mutant("off_by_one", _nn(C * n ** (-1 / (d + 1))), why="the volume of a d-ball, not a (d+1)-ball"),
        Mutant("squared", _nn(C * n ** (-2 / d)), why="that is the squared distance"),
    ],
    reference=reference(section="NN", value="Gamma(1 + 1/d) (n V_d)^(-1/d)"),
)
