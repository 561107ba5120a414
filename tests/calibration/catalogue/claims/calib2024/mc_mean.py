"""True: the RMS error of a Monte Carlo mean decays like n^-1/2."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import mc_error, monte_carlo

n, C, c = sp.symbols("n C c", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="MC",
    statement="The RMS error of the mean of n i.i.d. draws decays as n^-1/2.",
    instances=monte_carlo(),
    experiment=mc_error,
    prediction=Rate(C / sp.sqrt(n), sweep=n, series="error"),
    mutants=[
        Mutant(
            "n_quarter",
            Rate(C * n ** sp.Rational(-1, 4), sweep=n, series="error"),
            why="exponent off by 0.25",
        ),
        Mutant(
            "n_three_quarters",
            Rate(C * n ** sp.Rational(-3, 4), sweep=n, series="error"),
            why="exponent off by 0.25",
        ),
        Mutant("one_over_n", Rate(C / n, sweep=n, series="error"), why="variance, not error, is 1/n"),
        Mutant("exponential", Rate(C * sp.exp(-c * n), sweep=n, series="error"), why="wrong rate form"),
    ],
    reference=reference(section="MC", value="error = scale n^-1/2"),
)
