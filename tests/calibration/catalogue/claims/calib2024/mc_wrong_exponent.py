"""False: claims the Monte Carlo error decays like n^-3/4 (truth n^-1/2): power of a claim-level VIOLATED.

Unlike a mutant, a false claim's VIOLATED must reproduce on the confirmation
block (R-13), so this row measures the power left after confirmation.
"""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import mc_error, monte_carlo

n, C = sp.symbols("n C", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="MC-FALSE",
    statement="(False) the RMS error of the mean of n i.i.d. draws decays as n^-3/4.",
    instances=monte_carlo(),
    experiment=mc_error,
    prediction=Rate(C * n ** sp.Rational(-3, 4), sweep=n, series="error"),
    mutants=[Mutant("one_over_n", Rate(C / n, sweep=n, series="error"), why="exponent off by 0.5")],
    reference=reference(section="MC", value="error = scale n^-1/2"),
)
