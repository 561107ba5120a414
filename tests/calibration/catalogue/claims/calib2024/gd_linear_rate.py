"""True: gradient descent on a strongly convex quadratic contracts like (1 - eta mu)^t."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import GD_L, GD_MU, gd_distance, quadratics

t, C, eta, mu = sp.symbols("t C eta mu", positive=True)
CONSTANTS = {eta: 1.0 / GD_L, mu: GD_MU}

CLAIM = Claim(
    paper=PAPER,
    theorem="GD",
    statement="||x_t - x*|| decays at the linear rate (1 - eta mu)^t, eta = 1/L.",
    instances=quadratics(),
    experiment=gd_distance,
    prediction=Rate(C * (1 - eta * mu) ** t, sweep=t, series="distance", constants=CONSTANTS),
    mutants=[
        Mutant(
            "double_mu",
            Rate(C * (1 - 2 * eta * mu) ** t, sweep=t, series="distance", constants=CONSTANTS),
            why="rate of the second eigenvalue bound, too fast",
        ),
        Mutant(
            "kappa_squared",
            Rate(C * (1 - eta * mu**2) ** t, sweep=t, series="distance", constants=CONSTANTS),
            why="mu^2 instead of mu, too slow",
        ),
        Mutant("power_law", Rate(C / t**2, sweep=t, series="distance"), why="wrong rate form (power law)"),
    ],
    reference=reference(section="GD", value="rate log(1 - eta mu) per step"),
)
