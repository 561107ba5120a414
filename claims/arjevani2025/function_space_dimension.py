"""The function space of a width-r polynomial network has the Alexander-Hirschowitz dimension.

Arjevani, Bruna, Kileel, Polak, Trager (2025), Geometry and Optimization of
Shallow Polynomial Networks, arXiv:2501.06074, Sec. 2-3 (the function space of
f(x) = sum_i a_i (w_i . x)^d is the set of symmetric tensors of rank <= r; its
dimension is min(r n, C(n+d-1, d)) except the quadrics and the four
Alexander-Hirschowitz exceptions, which fix where the low-dimensional, thick
and filling width regimes begin).

Checked: a panel of (n, d) pairs (one AH exception, one quadric d = 2, two
generic pairs with d >= 3, n <= 6, C(n+d-1, d) <= 84); for every width r from
1 to the thick width + 1, dim F_r is measured as the rank of the tangent forms
(w_i . x)^{d-1} x_j at a random point, computed exactly over F_p
(models/polynomial_network.py), and compared with the AH formula. The claim:
no width of the panel is off (count 0). The seed draws the random point; the
rank is exact, so every seed gives the same count unless a point is unlucky
(probability ~1e-7).
Mutants: no exceptions at all (the near miss: min(r n, D) everywhere, off only
at the one exceptional width of the panel); the quadrics follow the same count
(ignores the r(r-1)/2 of symmetric matrices); the projective count
min(r n, D) - 1 (the dimension of the secant variety in P^{D-1}, not of the
affine cone the network parameterises).
Gaps: n <= 6 and D <= 84 at the default tier (the exception (5, 4) with
D = 70 is drawn); real weights and signed output weights (the rank over Q at
a generic point is the dimension over R and C); the filling width (every
tensor reachable) is not measured. The spec's prototype first used integer
weights in [-5, 5] and saw spurious rank drops; the F_p computation at points
uniform in F_p avoids them.
"""

from __future__ import annotations

import sympy as sp

from tasks.polynomial_teachers import dimension_panels
from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiment import dimension_counts

mismatch = sp.Symbol("mismatch", nonnegative=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 2-3: dim F_r = min(r n, C(n+d-1, d)) up to the Alexander-Hirschowitz exceptions",
    statement="For monomial activations of degree d on n inputs, the width-r function space has dimension "
    "min(r n, C(n+d-1, d)), one less at (n, d, r) = (3,4,5), (4,4,9), (5,4,14), (5,3,7), and r n - r(r-1)/2 "
    "for quadrics.",
    instances=dimension_panels(max_inputs=6, max_degree=5, max_ambient=84, generic_pairs=2),
    experiment=dimension_counts,
    prediction=Threshold(mismatch, "<=", 0),
    mutants=[
        Mutant(
            "no_exceptions",
            Threshold("off_exceptions", "<=", 0),
            why="at (3,4,5), (4,4,9), (5,4,14), (5,3,7) the r-th secant of the Veronese is defective: the "
            "forms (w_i . x)^{d-1} x_j satisfy one extra relation, so the rank is one short of min(r n, D)",
        ),
        Mutant(
            "quadrics_generic",
            Threshold("off_quadrics", "<=", 0),
            why="for d = 2 the function is the symmetric matrix W^T diag(a) W, whose rank-r set has"
            " dimension r n - r(r-1)/2 (the O(p, q) mixing of neurons is invisible), not r n",
        ),
        Mutant(
            "projective_count",
            Threshold("off_projective", "<=", 0),
            why="min(r n, D) - 1 is the dimension of the secant variety in projective space; the network "
            "parameterises its affine cone (the output scale is free), one more",
        ),
    ],
    reference=reference(
        section="2-3",
        value="three width regimes (low-dimensional, thick, filling); r_thick = ceil(C(n+d-1, d) / n)"
        " except at "
        "the Alexander-Hirschowitz exceptions (abstract and Sec. 2-3; exact, no experiment)",
    ),
    gaps=[
        "n <= 6, C(n+d-1, d) <= 84; widths 1..thick + 1; the filling width is not measured",
        "rank over F_p at a uniform random point (equal to the generic rank with probability >= 1 - 1e-7)",
    ],
    unit_seconds=0.05,
)
