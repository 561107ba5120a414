"""True: gradient descent on a strongly convex quadratic converges exponentially, exp(-c t)."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import gd_distance, quadratics

t, C, c = sp.symbols("t C c", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="GD-form",
    statement="||x_t - x*|| decays like C exp(-c t) for some c > 0 (constant semi-log slope).",
    instances=quadratics(),
    experiment=gd_distance,
    prediction=Rate(C * sp.exp(-c * t), sweep=t, series="distance"),
    mutants=[
        Mutant(
            "stretched",
            Rate(C * sp.exp(-c * sp.sqrt(t)), sweep=t, series="distance"),
            why="wrong rate form: stretched exponential",
        ),
    ],
    reference=reference(section="GD", value="linear convergence"),
)
