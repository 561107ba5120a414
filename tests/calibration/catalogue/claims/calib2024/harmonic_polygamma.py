"""True: H_n = psi(n + 1) + gamma, checked by sympy (no measurement): a symbolic special-function identity."""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Identity, Mutant, reference

from . import PAPER
from ._classics import Repeats, repeats

n = sp.Symbol("n", positive=True)


def nothing(instance: Repeats, seed: int, tier: object) -> object:
    """A symbolic identity measures nothing; one dummy scalar keeps the seed rows."""
    from theorycheck import Measurement

    return Measurement.one(scalars={"unused": 0.0})


CLAIM = Claim(
    paper=PAPER,
    theorem="digamma",
    statement="The harmonic number is the digamma function at n + 1 plus Euler's gamma.",
    instances=repeats(1, 2),
    experiment=nothing,  # type: ignore[arg-type]
    prediction=Identity(sp.harmonic(n), sp.polygamma(0, n + 1) + sp.EulerGamma, symbolic=True),
    mutants=[
        Mutant(
            "shifted",
            Identity(sp.harmonic(n), sp.polygamma(0, n) + sp.EulerGamma, symbolic=True),
            why="psi(n) + gamma = H_(n-1)",
        )
    ],
    reference=reference(section="digamma", value="H_n = psi(n+1) + gamma"),
)
