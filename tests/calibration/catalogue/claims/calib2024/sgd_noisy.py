"""True: online SGD on least squares, O(1/t), noisier: 16-32 chains per seed (slope sd near the tolerance)."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Mutant, Rate, reference

from . import PAPER
from ._experiments import least_squares, sgd_excess

t, C, c = sp.symbols("t C c", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="SGD-noisy",
    statement="E (w_t - w*)^2 decays as 1/t for online SGD with step c/t, c >= 1.",
    instances=least_squares(chains=(16, 32)),
    experiment=sgd_excess,
    prediction=Rate(C / t, sweep=t, series="excess"),
    mutants=[
        Mutant(
            "t_three_quarters",
            Rate(C * t ** sp.Rational(-3, 4), sweep=t, series="excess"),
            why="exponent off by 0.25",
        ),
        Mutant(
            "t_five_quarters",
            Rate(C * t ** sp.Rational(-5, 4), sweep=t, series="excess"),
            why="exponent off by 0.25",
        ),
        Mutant("sqrt_t", Rate(C / sp.sqrt(t), sweep=t, series="excess"), why="the non-strongly-convex rate"),
        Mutant("exponential", Rate(C * sp.exp(-c * t), sweep=t, series="excess"), why="wrong rate form"),
    ],
    reference=reference(section="SGD", value="c^2 sigma^2 / ((2c - 1) t)"),
)
