"""True: E||Z|| = sqrt(2) Gamma((d+1)/2) / Gamma(d/2) for Z ~ N(0, I_d): an identity with gamma()."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Identity, Mutant, reference

from . import PAPER
from ._classics import gaussian_vectors, mean_norm

d, mean = sp.symbols("d mean_norm", positive=True)
TOLERANCE = 0.03

CLAIM = Claim(
    paper=PAPER,
    theorem="chi",
    statement="The mean norm of a standard Gaussian vector is sqrt 2 Gamma((d+1)/2)/Gamma(d/2).",
    instances=gaussian_vectors(),
    experiment=mean_norm,
    prediction=Identity(mean, sp.sqrt(2) * sp.gamma((d + 1) / 2) / sp.gamma(d / 2), tolerance=TOLERANCE),
    mutants=[
        Mutant("sqrt_d", Identity(mean, sp.sqrt(d), tolerance=TOLERANCE), why="that is sqrt(E||Z||^2)"),
        Mutant("sqrt_d_plus_1", Identity(mean, sp.sqrt(d + 1), tolerance=TOLERANCE), why="off the other way"),
    ],
    reference=reference(section="chi", value="mean of the chi distribution"),
)
