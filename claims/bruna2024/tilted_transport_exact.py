"""Tilted transport: exact boosted-posterior samples, carried by the denoising oracle, are posterior samples.

Bruna and Han (2024), arXiv:2407.00745, the tilted-transport identity (Sec. 3;
theorem number and the paper's OU parametrisation not verified: only the
abstract and third-party summaries were readable here). We use the heat-flow
form derived in tasks/tilted_transport.py: the likelihood's quadratic tilt
(Q, b) splits as the Gaussian channel of variance T composed with the boosted
tilt Q_T = Q (I - TQ)^{-1}, b_T = (I - TQ)^{-1} b, for T < T* = 1/lambda_max(Q),
so nu is the law of X ~ pi(x | Y_T = z) with z ~ nu_T ∝ pi_T exp(-z'Q_T z/2 + b_T'z).

Checked: on drawn linear inverse problems (d in {2, 3}, 2-3 prior modes on a
sphere of radius 1-3, std 0.3-0.7, square A with cond(A'A) <= 20, SNR 0-20 dB,
y from a prior draw), 4000 exact draws of nu_T at T = 0.95 T* transported by
the prior's reverse heat flow (Euler-Maruyama, 200 steps, score of the noised
prior only) match the exact posterior mixture: every mode weight (mean
responsibility, unbiased for the weight), every standardised coordinate mean
and sd within 0.06. The 0.06 was fixed after a 12-instance prototype (0.014 -
0.033) from the Monte Carlo floor: one standardised mean has sd 1/sqrt(4000) =
0.016 and the statistic is a max over 3d + K of them (~2.5 sd), so 0.06 leaves
about one more sd for the Euler bias.

Mutants: the near miss is the probability-flow ODE in place of the reverse
SDE (same marginals pi_T -> pi, but not the conditional law pi(x | Y_T = z)).
Judged twice: on all moments (it collapses the conditional spread, so the
sd part alone should kill it) and on the mode weights alone (where a careful
reader could expect the ODE's basins to carry nu_T's mixture weights, which
are nu's, unchanged; added after the first default run of this version showed
the ODE 0.78-0.80 off on all moments, its threshold the claim's own 0.06, set
before it was run). Far ones: nu_T taken as the posterior, the denoiser as a
map.

Default tier (Dec 4 2026): HOLDS (0.025 and 0.028). The ODE on all moments is
killed but far (0.78-0.80: nu_T is concentrated by the boost, and the
deterministic map shrinks its spread further). The weights-only ODE mutant
SURVIVES (1e-8 on an instance whose posterior is essentially one mode, 0.036
on the other): mode weights alone do not tell the ODE from the reverse SDE at
this tolerance; the claim's bite comes from its spread and mean parts. Kept
as the finding. Other mutants 0.77-1.5; control 0.76. The earlier
near miss (posterior_error >= 0.06, the prediction negated at the same
threshold) was replaced (Dec 4 2026, audit of issue 12).

Control: the same transport from pi_T under the original tilt (Q, b), i.e.
plain diffusion transport without the boosted tilt (prototype 0.15-0.55).

Gaps: exact prior score (a trained diffusion model in the paper); exact
sampling of nu_T (the paper runs Langevin on it); heat flow instead of the
paper's OU semigroup (the same up to a time change and scaling); square A.
"""

from __future__ import annotations

from tasks.tilted_transport import inverse_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import tilted_transport, untilted_transport

CLAIM = Claim(
    paper=PAPER,
    theorem="tilted transport identity (Sec. 3; number unverified)",
    statement=(
        "Exact samples of the boosted posterior nu_T, transported from time T to 0 by the prior's denoising "
        "oracle, are exact samples of the posterior for a linear-Gaussian measurement, for every T < T*."
    ),
    instances=inverse_problems(),
    experiment=tilted_transport,
    prediction=Threshold("posterior_error", "<=", 0.06),
    mutants=[
        Mutant(
            "probability_flow_transport",
            Threshold("flow_error", "<=", 0.06),
            why="the probability-flow ODE has the reverse diffusion's marginals (it maps pi_T to pi), "
            "but the identity needs draws of pi(x | Y_T = z) for each z, which a deterministic map "
            "cannot give: it shrinks each conditional spread to a point",
        ),
        Mutant(
            "probability_flow_keeps_weights",
            Threshold("flow_weight_error", "<=", 0.06),
            why="the ODE carries pi_T's mass near each noised mode into that mode of pi, and nu_T has nu's "
            "mixture weights; but nothing makes the ODE's basins split nu_T as nu's responsibilities "
            "do: only the conditional draws pi(x | Y_T = z) are guaranteed to",
        ),
        Mutant(
            "boosted_is_posterior",
            Threshold("untransported_error", "<=", 0.06),
            why="nu_T is the law of the noisy Y_T under the boosted tilt, not of X: it carries the channel's "
            "variance T and the boosted tilt's shift",
        ),
        Mutant(
            "denoiser_as_map",
            Threshold("denoiser_error", "<=", 0.06),
            why="the transport samples pi(x | Y_T = z); applying its mean E[X | Y_T = z] removes the "
            "conditional spread and pulls samples between modes",
        ),
    ],
    controls=[
        Control(
            "untilted_transport",
            untilted_transport,
            why="without the boosted tilt (Q_T, b_T) the transported law is pi tilted by a weaker, "
            "smoothed likelihood, not the posterior",
        ),
    ],
    reference=reference(
        section="5",
        value="high-dimensional Gaussian-mixture priors: tilted-transport samples match the true posterior "
        "statistics (figure values not readable here)",
    ),
    gaps=[
        "exact prior score and exact sampling of nu_T (no learned denoiser, no Langevin on nu_T)",
        "heat-flow parametrisation instead of the paper's OU semigroup",
        "d in {2, 3}, square A; T = 0.95 T* only",
    ],
)
