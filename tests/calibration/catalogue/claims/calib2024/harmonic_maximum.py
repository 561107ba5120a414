"""True: E max of n Exp(1) draws = H_n exactly (Renyi's representation): an identity with harmonic()."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Identity, Mutant, reference

from . import PAPER
from ._classics import mean_maximum, small_samples

n, mean_max = sp.symbols("n mean_max", positive=True)
TOLERANCE = 0.05

CLAIM = Claim(
    paper=PAPER,
    theorem="Renyi",
    statement="The mean of the maximum of n Exp(1) draws is the harmonic number H_n.",
    instances=small_samples(),
    experiment=mean_maximum,
    prediction=Identity(mean_max, sp.harmonic(n), tolerance=TOLERANCE),
    mutants=[
        Mutant("log", Identity(mean_max, sp.log(n), tolerance=TOLERANCE), why="H_n = log n + 0.577 + ..."),
        Mutant(
            "off_by_one", Identity(mean_max, sp.harmonic(n - 1), tolerance=TOLERANCE), why="H_n, not H_(n-1)"
        ),
        Mutant(
            "asymptotic",
            Identity(mean_max, sp.log(n) + sp.EulerGamma, tolerance=TOLERANCE),
            why="the asymptotic expansion misses 1/(2n) at small n",
        ),
    ],
    reference=reference(section="Renyi", value="E max = sum_k 1/k"),
)
