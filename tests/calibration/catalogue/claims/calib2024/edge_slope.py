"""Boundary case: the true slope -1/2 lies exactly on an edge of the tolerance band."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import gaussian_mc, gaussian_mc_error

n, C = sp.symbols("n C", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="EDGE-SLOPE",
    statement="Exponent 0.55 +- 0.05; the true slope -0.5 is the upper edge of the band.",
    instances=gaussian_mc(),
    experiment=gaussian_mc_error,
    prediction=Rate(C * n ** sp.Rational(-11, 20), sweep=n, series="error", tolerance=0.05),
    mutants=[
        Mutant(
            "lower_edge",
            Rate(C * n ** sp.Rational(-9, 20), sweep=n, series="error", tolerance=0.05),
            why="truth on the lower edge",
        ),
    ],
    reference=reference(section="EDGE", value="slope -1/2"),
)
