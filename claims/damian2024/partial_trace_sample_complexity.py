"""The partial-trace estimator recovers the hidden direction with n ~ d^{k*/2} samples.

Damian, Pillaud-Vivien, Lee, Bruna (2024), Computational-Statistical Gaps in
Gaussian Single-Index Models, arXiv:2403.05529 (COLT 2024), Sec. 4 (partial
trace estimator: n >~ d^{max(1, k*/2)} suffices, matching the SQ / low-degree
lower bound Omega(d^{k*/2}) of Sec. 3).

Checked: binary links y = +-1 piecewise constant in |z| (tasks/single_index.py)
with generative exponent k* in {2, 4} computed from their closed-form Hermite
coefficients (k* = 4: E[y h_2] = 0 by the choice of breakpoints; every
transform of a binary label is affine, so no transform lowers it), breakpoint
drawn, labels flipped with probability p <= 0.1. The estimator is the paper's:
the order-k* Hermite tensor contracted with the identity ((k*-2)/2 times),
weighted by zeta(y) = E[h_k*(z) | y], top eigenvector. n_c(d) is where the
mean squared overlap over 8 replicate data sets crosses 0.5; d = 8..64
(k* = 4) or 32..256 (k* = 2), 7 points each. The log-log slope of n_c against
d must be k*/2 within 10 %.
Mutants: d^{k*/2} log d (near miss: the log factor of a union-bound analysis;
the spectral threshold has none); d^{k*-1} (online SGD with the information
exponent, the rate the partial trace beats for k* >= 3); n ~ d (the
information-theoretic rate, which no efficient method reaches when k* > 2).
For k* = 2 the last two coincide with the claim: they are killed only on
k* = 4 instances.
Gaps: even k* only (odd k* needs the paper's U-statistic); d <= 64 for
k* = 4 at the default tier (the full tier adds d = 90, 128 and 16 replicates
per d, about 6x the cost); the level 0.5
and the replicate count come from the spec's prototype; the k* = 2 range
starts at d = 32 because n_c/d still rose over d = 16..45 in the prototype
(a finite-size effect of the spectral transition), chosen before this claim
ran.
"""

from __future__ import annotations

import sympy as sp

from tasks.single_index import binary_links
from theorycheck import Claim, Mutant, Scaling, Threshold, reference

from . import PAPER
from ._experiment import binary_threshold_sweep

d, C, kstar = sp.symbols("d C kstar", positive=True)
ALL = (0.0, 1e9)  # fit over every d of the sweep


def _scaling(expr: sp.Expr) -> Scaling:
    return Scaling(C * expr, over=d, series="n_c", window=ALL, params=(kstar,))


CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4: the partial-trace estimator succeeds with n ~ d^{max(1, k*/2)}",
    statement="For binary links with generative exponent k* in {2, 4}, the sample size at which the "
    "partial-trace estimator recovers w* (mean squared overlap 0.5) grows like d^{k*/2}.",
    instances=binary_links(kstars=(4, 2), min_threshold=0.3, max_threshold=0.6, max_flip=0.1),
    experiment=binary_threshold_sweep,
    prediction=_scaling(d ** (kstar / 2)),
    mutants=[
        Mutant(
            "log_factor",
            _scaling(d ** (kstar / 2) * sp.log(d)),
            why="the top eigenvector of a spectral matrix with bounded weights separates from the bulk at "
            "n = alpha_c d^{k*/2}: a log d appears in matrix-Bernstein bounds, not in the threshold",
        ),
        Mutant(
            "online_sgd_exponent",
            _scaling(d ** (kstar - 1)),
            why="d^{k-1} is online SGD's sample complexity at information exponent k (Ben Arous et al.); "
            "the partial trace averages He_k over all samples at once and needs only d^{k/2}",
        ),
        Mutant(
            "information_theoretic",
            _scaling(d),
            why="n ~ d suffices information-theoretically, but the order-k* statistic's noise has operator "
            "norm ~ d^{k*/4} / sqrt(n): for k* = 4 it needs n ~ d^2",
        ),
    ],
    reference=reference(
        section="3, 4",
        value="efficient (SQ / low-degree) algorithms need n >~ d^{k*/2}; the partial trace succeeds with "
        "n >~ d^{max(1, k*/2)}; no experiment in the paper (exponents compared)",
    ),
    gaps=[
        "binary links with k* in {2, 4} only (odd k* needs the U-statistic estimator)",
        "d = 8..64 (k* = 4) and 32..256 (k* = 2); threshold at mean squared overlap 0.5",
    ],
    requires=[Threshold("censored", "<=", 2)],
)
