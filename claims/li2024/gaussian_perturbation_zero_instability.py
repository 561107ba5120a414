"""Gaussian perturbations: the risk-sensitive noise level gives zero perturbation instability.

Li, Luyten, van der Schaar (2024), arXiv:2402.02081 (v3: "Risk-Sensitive
Diffusion: Robustly Optimizing Diffusion Models with Noisy Samples"), the
Gaussian-perturbation theorem of the risk-sensitive SDE (abstract of v2:
"zero instability measure is only achievable in the case where noisy samples
are caused by Gaussian perturbation"; theorem number and the exact
instability measure not verified: only the abstract was readable here).

Checked: for a sample x + e with e ~ N(0, r^2) (risk r drawn in [0.2, 2]),
diffusing it with the injected noise level sigma_r^2 = sigma^2 - alpha^2 r^2
gives exactly the clean point's VP marginal N(alpha x, sigma^2): the KL
between the two, computed by numerical convolution on a grid (the same code
as for every other perturbation law) and integrated over the times where
alpha^2 r^2 / sigma^2 runs from 0.95 to 0.05, is 0 within 1e-8. An exact
statement: what makes it a test is that the same computation is positive for
the near-miss corrections (mutants) and for non-Gaussian laws of the same
variance (controls, which must not hold).

Default tier (Dec 2026): |instability| <= 1.7e-17 (the quadrature's round-off);
uncorrected 4.7e-3 to 5.5e-3, correction without alpha 5.1e-3 to 0.12;
Laplace and near-uniform controls 1.0e-3 and 1.2e-3 (all rejected).

Gaps: the instability measure (KL of the clean to the perturbed marginal,
integrated over the feasible window) is our reconstruction; the forward
process is the VP SDE with beta in [0.1, 20]; scalar perturbations.
"""

from __future__ import annotations

from tasks.noisy_samples import perturbations
from theorycheck import Claim, Control, Identity, Mutant, reference

from . import PAPER
from ._experiment import instability, laplace_instability, near_uniform_instability

CLAIM = Claim(
    paper=PAPER,
    theorem="zero perturbation instability for Gaussian perturbations (Sec. 3; number unverified)",
    statement=(
        "For a Gaussian perturbation of known variance r^2, shrinking the injected noise to "
        "sigma^2 - alpha^2 r^2 makes the perturbed sample's forward marginal equal the clean one."
    ),
    instances=perturbations(shapes=((2.0, 2.0),)),
    experiment=instability,
    prediction=Identity("instability_adjusted", 0, tolerance=1e-8),
    mutants=[
        Mutant(
            "standard_sde_stable",
            Identity("instability_standard", 0, tolerance=1e-8),
            why="without the correction the perturbed marginal's variance exceeds the clean one by "
            "alpha^2 r^2 > 0",
        ),
        Mutant(
            "correction_without_signal_scale",
            Identity("instability_unscaled", 0, tolerance=1e-8),
            why="the perturbation is scaled by alpha(t) like the signal, so the correction is alpha^2 r^2, "
            "not r^2",
        ),
    ],
    controls=[
        Control("laplace_perturbation", laplace_instability, why="the theorem needs a Gaussian perturbation"),
        Control(
            "near_uniform_perturbation",
            near_uniform_instability,
            why="a light-tailed non-Gaussian perturbation of the same variance",
        ),
    ],
    reference=reference(
        section="3",
        value="Gaussian perturbation: zero instability achievable with the risk-sensitive coefficients; "
        "numerical experiments confirm the theorems (v2 abstract; values not readable here)",
    ),
    gaps=[
        "instability = KL(clean marginal || perturbed marginal) integrated over the feasible window "
        "(our reconstruction of the paper's measure)",
        "scalar perturbation, VP schedule beta in [0.1, 20]",
    ],
    unit_seconds=1.0,
)
