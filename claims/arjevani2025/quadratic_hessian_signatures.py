"""The Hessian signature of each critical point S_I follows a shifted Eckart-Young rule; some minima spurious.

Arjevani, Bruna, Kileel, Polak, Trager (2025), Geometry and Optimization of
Shallow Polynomial Networks, arXiv:2501.06074, Sec. 5 (critical points and
their Hessian signatures for quadratic networks with Gaussian data; bad local
minima exist although the width is large enough for no spurious valleys).

Derivation (ours): on the rank-|I| manifold, a curve leaving S_I along
v_i -> v_i + t v_j has second-order loss change proportional to
(l_i - l_j) / (l_i + s_I) (s_I = sum_{j not in I} l_j / (|I| + 2)): one
negative direction per pair (i in I, j not in I) where that ratio is
negative; the gauge (neuron rescalings and the O(p, q) mixing of active
neurons) gives |I|(|I|+1)/2 zero eigenvalues. A dead neuron (w = 0, output
weight a) has Hessian 2 a G in w, G = -4 (l_j + s_I) on v_j, and 0 on span(v_I)
and in a. S_I is second-order stationary when every ratio is positive and
(|I| < r) every l_j + s_I has the sign that a can take.

Checked: on the panels of ``quadratic_critical_points`` (same units), the
float64 Hessian of the loss in (W, a) at the canonical realisation of every
S_I, |I| <= r (random neuron scales, random dead-neuron signs), has exactly
the predicted (negative, zero, positive) counts. The claim: no S_I differs.
Mutants: the Frobenius rule (s_I = 0: the signatures of plain Eckart-Young,
the near miss); every local minimum is global (no second-order S_I above the
best value: what "width large enough" suggests, false for mixed-sign
teachers); every minimum uses the full width (second-order points with a dead
neuron exist when all l_j + s_I share a sign).
Gaps: the canonical realisation only (other realisations of the same S_I,
e.g. one direction split over two neurons, are not probed); the paper's own
signature formula could not be transcribed, so ours is checked.
"""

from __future__ import annotations

import sympy as sp

from tasks.polynomial_teachers import teacher_panels
from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiment import quadratic_landscape

sig_mismatch = sp.Symbol("sig_mismatch", nonnegative=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 5: Hessian signatures of the critical points for quadratic networks, Gaussian data",
    statement="At S_I the parameter-space Hessian has one negative eigenvalue per pair (i in I, j not in I) "
    "with (l_i - l_j)/(l_i + s_I) < 0 (plus the dead neurons' directions of sign -a (l_j + s_I)), and "
    "|I|(|I|+1)/2 zero eigenvalues (plus |I| + 1 per dead neuron).",
    instances=teacher_panels(size=4, min_inputs=3, max_inputs=6, max_eigenvalue=30),
    experiment=quadratic_landscape,
    prediction=Threshold(sig_mismatch, "<=", 0),
    mutants=[
        Mutant(
            "frobenius_rule",
            Threshold("frobenius_mismatch", "<=", 0),
            why="the curvature along v_i -> v_j is 4 (l_i - l_j)/(l_i + s_I); with s_I = 0 the sign flips "
            "whenever l_i and l_i + s_I differ in sign or the dead directions' l_j + s_I do",
        ),
        Mutant(
            "all_minima_global",
            Threshold("spurious_minima", "<=", 0),
            why="for a mixed-sign teacher, S_I keeping the largest positive and the most negative eigenvalue "
            "can both be minima (each swap raises the loss to second order) with different values",
        ),
        Mutant(
            "minima_use_full_width",
            Threshold("deficient_minima", "<=", 0),
            why="a dead neuron at w = 0 sees the curvature 2 a G; when every l_j + s_I has one sign,"
            " the sign "
            "of a makes it non-negative, a second-order point with |I| < r",
        ),
    ],
    reference=reference(
        section="5",
        value="Hessian signatures of all critical points (Gaussian and Frobenius metrics); bad local minima "
        "without spurious valleys (abstract and summaries; exact statement not transcribed)",
    ),
    gaps=[
        "signature rule derived by us and checked in float64 (zero within 1e-7 of the largest eigenvalue)",
        "canonical realisations of S_I only; n <= 6, r <= n - 1",
    ],
)
