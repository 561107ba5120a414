"""The NPIV minimax rate n^(-2s/(2s + 2 gamma_0 + d)), attained on a spatially homogeneous target.

Kim, Meunier, Gretton, Suzuki, Li (2025), Optimality and Adaptivity of Deep
Neural Features for Instrumental Variable Regression, arXiv:2501.04898 (ICLR
2025), main upper bound (DFIV) and its matching information-theoretic lower
bound: over a Besov ball B^s_{p,q}([0,1]^d) under a link condition of degree
gamma_0, the minimax L2 risk of NPIV is n^(-2s/(2s + 2 gamma_0 + d)) (the
upper bound up to log factors). The separation of Sec. 4 concerns p < 2
only: on spatially homogeneous targets (p = 2) fixed features are optimal
too, so the rate is checked here on the best fixed-feature estimator, cheaply
and over many n (DFIV itself is ``dfiv_adapts_to_jump``).

Checked: per seed a random cosine series of smoothness s in d dimensions (a
draw from a prior whose Bayes rate is the minimax rate: Rademacher signs,
|k|^-(s + d/2) coefficients, ||f*|| = 1), the partial-compliance design
with the compliers' treatment a smoothed instrument, X = fold(Z + sqrt(V) W),
V ~ Gamma(gamma_0/2, 2/pi^2): the conditional-expectation operator is then
diagonal in the cosine basis with singular values (1 - pi)(1 + |k|^2)^(-gamma_0/2),
a link condition of degree gamma_0 exactly (tasks/iv_regression.py; the unit
test checks the singular values by Monte Carlo); gamma_0 in [0.25, 0.5];
m = n; the radial cosine sieve 2SLS tuned at each n by its true error
averaged over 4 datasets; n = 256..16384 (both d). The L2 error must decay
like n^(-2s/(2s + 2 gamma_0 + d)) within the default tolerance (10 % of the
exponent), fitted on the upper 2/3 of n.
Mutants (near misses): the exponent with 2d for d (the dimension counted
twice), with gamma_0 + 1 (more ill-posedness than the design has), with
gamma_0 dropped (the well-posed rate: for d = 1, s = 0.75, gamma_0 = 0.25
the exponent 0.6 against 0.5), the DFIV upper bound's log^2 n factor
read as part of the minimax rate, a single log n factor (+2/ln n, about
+0.12 in local slope here); far: the parametric 1/n. Control: an invalid
instrument (E[e | Z] != 0) must stop the decay.
Changed after the first default run: the prior's coefficients were
|k|^-(s + d/2) (indexed by the frequency's norm), and the d = 2 instance
(s = 1) fitted -0.553 [-0.596, -0.510] against -0.5, late local slope -0.57.
A closed-form check with no IV at all (the exact tail energy of that prior
against a variance c J / n, oracle J over the same radial sizes) gives -0.55
to -0.56: the lattice count #{|k| < R} = pi R^2/4 + O(R) and the heavier
weight of the axis frequencies make the prior's tail fall faster than
J^(-2s/d) at the radii reached (R <= 10), a pre-asymptotic property of the
target, not of the estimator. The prior now ranks the frequencies by |k|
(Weyl order j ~ |k|^d, the same Besov class) and gives the j-th orthonormal
cosine j^-(s/d + 1/2): the same closed-form check then gives -0.495 to
-0.499 for s = 1 and -0.433 to -0.438 for s = 0.75 (predicted -0.5 and
-0.429). In d = 1 the prior is unchanged (j = k). No tolerance, window or
range moved.
Gaps: the rate is read on the fixed-feature sieve, which the paper says is
optimal only for p >= 2 (no DFIV here); the partial-compliance design has a
point mass in X | Z (the paper assumes a smooth conditional density); s in
[0.75, 1.5] (above 1.5 the best sieve keeps <= 7 terms at n <= 16384 and the
integer size bends the curve; the full tier runs n to 65536 / 32768); d in {1, 2}
(d = 3 needs n beyond the CPU budget).
gamma_0 > 0 added after the audit of issue 13 (the first version had
gamma_0 = 0 only, so the ill-posedness term was never exercised; its
default run gave -0.625 vs -0.6 and -0.508 vs -0.5). The range [0.25, 0.5]
was set after a 2-3 seed prototype (d = 1, s = 1): at gamma_0 = 1 the best
sieve keeps 6-7 terms at n = 16384 and the per-seed slopes scattered (-0.39,
-0.52 against -0.4; upper 2/3 of n: -0.27, -0.45); at gamma_0 = 0.5 they sat
at the prediction (-0.51, -0.50, -0.53 against -0.5; d = 2: -0.40, -0.42
against -0.4). The upper end keeps the optimal sieve size n^(d/(2s+2 gamma_0+d))
at least about 7 terms at s = 1.5 (the same reason s stops at 1.5); the
lower end 0.25 keeps gamma_0 away from 0 on every drawn instance (the
default tier draws 2, the first at the strategy's minimum), so the claim
now tests the ill-posed exponent, not the well-posed one of earlier runs.
Default run with gamma_0 > 0 (Dec 4, 84 s, 27 s CPU): HOLDS on both
instances, -0.520 [-0.547, -0.493] against -0.5 (d = 1, s = 0.75,
gamma_0 = 0.25) and -0.401 [-0.431, -0.371] against -0.41 (d = 2); the
mutants with 2d, gamma_0 + 1, log^2 n, log n and 1/n are rejected; the
invalid-instrument control is VIOLATED (-0.04). But the new near miss
gamma_0 dropped survives (INCONCLUSIVE on both: the d = 1 interval reaches
-0.547, at the edge -0.55 its band shares with the claim's; on d = 2 the local slope
steepens from -0.38 to -0.43 toward its -0.50). So at gamma_0 <= 0.5 and
n <= 16384 the ill-posed exponent is consistent with the data but not yet
separated from the well-posed one: the difference of exponents (0.1 and
0.09 here) is two tolerance widths at most. A finding; the range was not
moved after this run (the full tier's n to 65536 / 32768 would narrow the
intervals).
"""

from __future__ import annotations

import sympy as sp

from tasks.iv_regression import iv_designs
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import homogeneous_sweep, homogeneous_sweep_invalid_instrument

n, C, s, d, g = sp.symbols("n C s d gamma0", positive=True)
PARAMS = (s, d, g)
MIN_GAMMA0, MAX_GAMMA0 = 0.25, 0.5  # ill-posedness degrees drawn (see the docstring)


def _rate(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=n, series="error", params=PARAMS)


CLAIM = Claim(
    paper=PAPER,
    theorem="minimax rate of NPIV over Besov balls (DFIV upper bound and the lower bound, Secs. 3-4)",
    statement="The L2 error of the best-tuned IV estimator on a spatially homogeneous structural function "
    "of smoothness s in d dimensions decays like n^(-2s/(2s + 2 gamma_0 + d)).",
    instances=iv_designs(
        min_dim=1,
        max_dim=2,
        min_smoothness=0.75,
        max_smoothness=1.5,
        min_ill_posedness=MIN_GAMMA0,
        max_ill_posedness=MAX_GAMMA0,
    ),
    experiment=homogeneous_sweep,
    prediction=_rate(C * n ** (-2 * s / (2 * s + 2 * g + d))),
    mutants=[
        Mutant(
            "dimension_counted_twice",
            _rate(C * n ** (-2 * s / (2 * s + 2 * g + 2 * d))),
            why="the estimator's variance grows with the number of sieve terms, J^d, not J^(2d)",
        ),
        Mutant(
            "ill_posed_penalty",
            _rate(C * n ** (-2 * s / (2 * s + 2 * (g + 1) + d))),
            why="the smoothing's singular values are (1 - pi)(1 + |k|^2)^(-gamma_0/2), ~ j^(-gamma_0/d) in "
            "Weyl order: a link condition of degree gamma_0, not gamma_0 + 1",
        ),
        Mutant(
            "ill_posedness_ignored",
            _rate(C * n ** (-2 * s / (2 * s + d))),
            why="the well-posed rate: the smoothing of X given Z shrinks the instrument's signal on the "
            "j-th term by j^(-gamma_0/d), and the estimator's variance pays its inverse square",
        ),
        Mutant(
            "log_factor_in_the_rate",
            _rate(C * sp.log(n) ** 2 * n ** (-2 * s / (2 * s + 2 * g + d))),
            why="the log factors of DFIV's upper bound are not in the lower bound; a tuned sieve has none",
        ),
        Mutant(
            "one_log_factor",
            _rate(C * sp.log(n) * n ** (-2 * s / (2 * s + 2 * g + d))),
            why="the minimax rate over a Besov ball with p = 2 carries no log factor (a single log n is the "
            "usual price of adaptivity or of a union bound, neither of which the oracle sieve pays)",
        ),
        Mutant("parametric", _rate(C / n), why="a nonparametric class of smoothness s has no 1/n rate"),
    ],
    reference=reference(
        section="3-4",
        value="minimax rate n^(-2s/(2s + 2 gamma_0 + d)) over B^s_{p,q}, attained by DFIV up to log factors "
        "(theory paper: no experiments; reviewers note it has none)",
    ),
    gaps=[
        "rate read on the oracle-tuned fixed-feature sieve (optimal for p >= 2), not on DFIV",
        "partial compliance with a Gamma-mixed Gaussian smoothing of Z (gamma_0 in [0.25, 0.5]); a point "
        "mass in X | Z (the non-compliers) besides the smooth part",
        "s in [0.75, 1.5], d in {1, 2}, n <= 16384; full tier to 65536 (d = 1) / 32768 (d = 2)",
        "prior in Weyl order (j-th cosine by |k|): tail J^(-2s/d) at CPU radii, not |k|-indexed",
    ],
    requires=[Threshold("edge", "<=", 0.0)],
    controls=[
        Control(
            "invalid_instrument",
            experiment=homogeneous_sweep_invalid_instrument,
            why="with E[e | Z] != 0 the IV estimand is not f*: the error must plateau at the bias",
        )
    ],
)
