"""Non-Gaussian perturbations: no choice of the injected noise level removes the instability.

Li, Luyten, van der Schaar (2024), arXiv:2402.02081, the non-Gaussian
counterpart of the Gaussian theorem (v2 abstract: zero instability "is only
achievable" for Gaussian perturbations; "for non-Gaussian cases, we will
also provide its optimal coefficients"; theorem number, the exact measure
and the paper's optimal coefficients not verified).

Checked: for generalised-normal perturbations exp(-|e/a|^p) of standard
deviation r in [0.2, 2], over the theorem's whole range in our family: every
shape p != 2 in [0.5, 8] (p = 2 is the Gaussian member, excluded because
"non-Gaussian" means exactly p != 2), drawn as p = 2 -/+ 10^u with u uniform
from -5 to the range's end, so shapes within 1e-5..1e-1 of Gaussian are drawn
as often per decade as Laplace-like or near-uniform ones. The smallest KL
over the injected level sigma_r in [0.02 sigma, sigma], taken at each time and
integrated over the window where alpha^2 r^2 / sigma^2 runs from 0.95 to
0.05, exceeds ten times the quadrature's numerical floor:
log10(|instability_min| / resolution) >= 1, where ``resolution`` is the same
computation on the Gaussian perturbation of the same risk and grid at its
exact level (true value 0; measured 1.6e-17 to 3.5e-17). Rule fixed before
the run (it replaces an absolute floor of 1e-6 that failed near p = 2).

Precondition (validity of the instrument, not the outcome): the predicted
leading-order instability, the fourth-cumulant term kappa(p)^2 psi^4 / 48
integrated over the window (Gram-Charlier; kappa the excess kurtosis, psi
the perturbation's share of the variance), is at least 100 times the floor,
so the quadrature can resolve what the theorem predicts. It holds over the
drawn range (|p - 2| >= 1e-5 gives >= ~900 times the floor). Below that
double-precision quadrature cannot tell the law from a Gaussian: measured
(prototype, r = 0.2) 1.5e-10 at |p - 2| = 1e-3 and the (p - 2)^2 scaling
gives ~1.5e-16, ten times the floor, at 1e-6: the theorem's statement there is
beyond this instrument, which is why the draw stops at 1e-5.

Prototype (before this rule, r = 0.2 and 2): the minimum is 0.8-1.1 times the
leading term within 0.1 of p = 2 (1.09 at |p - 2| = 1e-3: higher cumulants add),
0.009 at p = 0.5 (where it is not a prediction); 3.9e-7 at p = 1.95 and 1.5e-10
at 1.999.

Mutants: ``variance_matching_optimal`` (the risk-sensitive level
sigma^2 - alpha^2 r^2 is the minimiser, within 1% of the minimum: a reading of
the paper's "optimal coefficients"; the 1% was set after the prototype, which
showed the excess is 0.1% at p = 1.95 and 10-90% far from 2: variance matching
is optimal to leading order near p = 2, where He_2 and He_4 are orthogonal, so
this near miss can only be rejected on an instance away from 2);
``fourth_cumulant_only`` (the minimum is the leading fourth-cumulant term
within 1%, the same tolerance; the prototype had seen 1.09 near p = 2);
``no_correction_needed`` (the uncorrected level within 1%); ``zero_achievable``
(the minimum at the floor).

Control: a Gaussian perturbation of the same risk, minimised by the same
optimiser (it must come down to the floor). This is a check of the optimiser
and the floor, not of a mechanism: by Cramer's decomposition theorem the only
law that removes the premise is the Gaussian, whose minimum is 0 by the
variance identity (tests/unit/test_noisy_samples.py).

Default tier (Dec 2026, 162 s on a loaded machine): HOLDS on the two judged
instances, both next to the Gaussian shape (shrinking and the search move
there): p = 2 - 1e-5, r = 0.2, log10(minimum / floor) = 2.88 (CI 2.72-3.04,
the minimum about 760 times the floor); p = 2 - 1e-4, r = 1.2, 5.14. Killed:
fourth_cumulant_only (the minimum is 1.097 times the leading term, CI
1.091-1.102), no_correction_needed; zero_achievable is VIOLATED but not
viable (the prediction negated on its own statistic: its kill repeats the
claim's verdict). fourth_cumulant_only is killed 0.097 outside a +/-0.01
band, further than the band's own scale, so it is not a near miss by the
engine's rule. Survived:
variance_matching_optimal (relative excess -4e-4 and -3e-6, within the
optimiser's tolerance): near p = 2 variance matching is optimal to leading
order, so this near miss is true where the claim is hardest; an earlier run
that judged p = 1 and p = 3 killed it (excess 0.57 and 0.19). Gaussian
control VIOLATED (-0.67: the optimiser's minimum sits at the floor). A
direct run at r = 0.2 (default grid, seed 0): p = 2 +/- 1e-5 gives 2.98,
p = 2 + 1e-6 gives 1.02 (the leading term 0.94, so the precondition would mark
it unresolvable), p = 2 - 1e-7 gives -0.73, p = 2 gives 0.02.

Gaps: our instability measure (KL of the clean to the perturbed marginal,
integrated over the feasible window; the paper's measure was not readable);
the minimisation is per time over one scalar (the paper may allow more general
coefficients); generalised-normal family only.
"""

from __future__ import annotations

import sympy as sp

from tasks.noisy_samples import non_gaussian_perturbations
from theorycheck import Claim, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._experiment import gaussian_instability, instability

adjusted, minimal, standard, resolution, leading = sp.symbols(
    "instability_adjusted instability_min instability_standard resolution instability_leading"
)
ABOVE_FLOOR = sp.log(sp.Abs(minimal) / resolution, 10)

CLAIM = Claim(
    paper=PAPER,
    theorem="no zero instability for non-Gaussian perturbations (Sec. 3; number unverified)",
    statement=(
        "For a non-Gaussian perturbation, every choice of the injected noise level leaves the perturbed "
        "sample's forward marginal different from the clean one."
    ),
    instances=non_gaussian_perturbations(),
    experiment=instability,
    # No batched_experiment: there is no model to stack, and the one batched path measured (every KL's
    # convolution as one blocked matrix product, the same sums in another order, 1.2-1.3x per unit in CPU
    # time) moves ``resolution``, which is float round-off by construction, by up to 2x (1.1e-17 against
    # 2.6e-17 on one seed): at the default tier the search then judged another instance (p = 2 + 1e-5,
    # r = 0.2 instead of r = 1.32) and the batched run was not faster on the loaded machine (146 s, 111 s).
    prediction=Threshold(ABOVE_FLOOR, ">=", 1),
    requires=[Threshold(sp.log(leading / resolution, 10), ">=", 2)],
    mutants=[
        Mutant(
            "variance_matching_optimal",
            Identity((adjusted - minimal) / minimal, 0, tolerance=0.01),
            why="under this KL the optimum injects more noise than variance matching: a non-Gaussian "
            "law's Fisher information exceeds 1/variance (Cramer-Rao), and the KL's stationarity "
            "condition asks the perturbed law to match the clean one's Fisher information",
        ),
        Mutant(
            "fourth_cumulant_only",
            Identity(minimal / leading, 1, tolerance=0.01),
            why="near p = 2 the fourth-cumulant term is the leading one, but every cumulant of the "
            "generalised normal departs from the Gaussian's at first order in p - 2, so the sixth and "
            "higher add to the KL at the same order (Gram-Charlier)",
        ),
        Mutant(
            "no_correction_needed",
            Identity((standard - minimal) / minimal, 0, tolerance=0.01),
            why="the uncorrected level leaves the variance alpha^2 r^2 too large",
        ),
        Mutant(
            "zero_achievable",
            Threshold(ABOVE_FLOOR, "<=", 0),
            why="alpha e + sigma_r z is Gaussian only if e is (Cramer's decomposition theorem)",
        ),
    ],
    controls=[
        Control(
            "gaussian_perturbation",
            gaussian_instability,
            why="the Gaussian case's minimum is 0: the optimiser must find it down to the floor",
        )
    ],
    reference=reference(
        section="3",
        value="non-Gaussian perturbations: zero instability unattainable; optimal coefficients given "
        "(v2 abstract; values not readable here)",
    ),
    gaps=[
        "instability measure reconstructed (KL over the feasible window)",
        "one scalar coefficient per time; generalised-normal perturbation family, |p - 2| >= 1e-5",
    ],
    unit_seconds=1.0,
)
