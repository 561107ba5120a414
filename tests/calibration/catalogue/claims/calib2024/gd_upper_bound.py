"""True: gradient descent on a strongly convex quadratic converges at least as fast as 1/t (it is
linear: every window decays faster than the bound)."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import gd_distance, quadratics

t, C = sp.symbols("t C", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="GD",
    statement="||x_t - x*|| = O(1/t) (an upper bound met in every window).",
    instances=quadratics(),
    experiment=gd_distance,
    prediction=Rate(C / t, sweep=t, series="distance", sense="at_most"),
    mutants=[
        Mutant("matches_one_over_t", Rate(C / t, sweep=t, series="distance"), why="linear, not 1/t"),
        Mutant(
            "lower_bound",
            Rate(C / t, sweep=t, series="distance", sense="at_least"),
            why="the distance decays faster than 1/t, so 1/t is no lower bound",
        ),
        Mutant("t_cubed", Rate(C / t**3, sweep=t, series="distance"), why="no power law: exponential"),
    ],
    reference=reference(section="GD", value="(1 - eta mu)^t"),
)
