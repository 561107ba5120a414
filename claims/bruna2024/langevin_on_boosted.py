"""Langevin on the boosted posterior, then the oracle transport, recovers a multimodal posterior's weights.

Bruna and Han (2024), arXiv:2407.00745, the sampling scheme (Langevin on nu_T,
strongly log-concave under the condition, followed by the tilted transport;
Sec. 4-5, numbers unverified: only the abstract and summaries were readable).

Checked: on drawn inverse problems meeting the strong log-concavity condition
whose posterior is genuinely multimodal (two components of weight >= 0.1, and
negative curvature somewhere) and where direct sampling faces a real barrier:
the likelihood moves at least 0.15 of mass between the prior's components
(3x the tolerance below; chains started in the prior's modes must carry it
across), and the posterior's log-density dips by at least log 40 = 3.7 nats
between its two heaviest components (Kramers: exp(barrier) exceeds the direct
chains' run, 400 steps x 0.1 preconditioned time units). All of these are
closed forms of the instance, the theorem's premise and regime, not the
outcome judged; the two premise thresholds were fixed from that reasoning
before any run with them (Dec 4 2026, after the audit below). 4000 chains
started from the prior noised to T (draws of pi_T) run 200 steps of ULA on
nu_T (preconditioned by (Q_T + I/T)^{-1}, step 0.1), then 200 steps of the
oracle transport. The posterior's mode weights, estimated by mean
responsibility (unbiased for each weight; Monte Carlo sd <= 0.008), are
within 0.05 (fixed before the first run of this claim).

Control: ULA on the posterior itself, preconditioned by (Q + I/s^2)^{-1}, same
step, 400 steps (the same number of score evaluations), chains started from
the prior. History: without the shift and barrier premise, a 10-instance
prototype found the control right too on 8 (errors 0.002-0.018; 0.06 and 0.13
on the other 2): most drawn posteriors had dips of 0-3 nats between their
modes, which Langevin crosses, so non-hollowness depended on the draw (audit
of issue 12, P6). The premise now requires the barrier the boost is for.

Default tier (Dec 4 2026, with the premise): HOLDS on both instances (weight
error 0.007 and 0.007); the direct-Langevin control is VIOLATED (0.154 over
the judged instances and seeds); keeps_prior_weights is killed at 0.17 and
0.39 (the prior-to-posterior shifts of the two instances).

Mutants: the mechanism-absent outcome as a near miss: the samples keep the
prior's mode weights (chains start in the prior's modes and each is carried
back by the transport into the mode it started from); Langevin on nu_T alone,
without the transport. The earlier near miss (weight_error >= 0.05, the
prediction negated at the same threshold) was replaced.

Gaps: exact scores of the prior and of nu_T; d in {2, 3}; preconditioned ULA.
"""

from __future__ import annotations

import math

from tasks.tilted_transport import multimodal_slc_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import direct_langevin, tilted_langevin

CLAIM = Claim(
    paper=PAPER,
    theorem="posterior sampling scheme: Langevin on nu_T + tilted transport (Sec. 4-5; number unverified)",
    statement=(
        "When the boosted posterior is strongly log-concave, a short Langevin run on it followed by the "
        "oracle transport samples the posterior, multimodal posteriors included."
    ),
    instances=multimodal_slc_problems(min_shift=0.15, min_barrier=math.log(40)),
    experiment=tilted_langevin,
    prediction=Threshold("weight_error", "<=", 0.05),
    mutants=[
        Mutant(
            "keeps_prior_weights",
            Threshold("prior_weight_error", "<=", 0.05),
            why="the chains start in the prior's modes and Langevin on the log-concave nu_T moves them only "
            "locally; but nu_T carries the likelihood's reweighting (its mixture weights are nu's), so the "
            "transported samples take the posterior's weights, not the prior's",
        ),
        Mutant(
            "langevin_alone",
            Threshold("untransported_weight_error", "<=", 0.05),
            why="the Langevin samples are of nu_T, not nu; without the transport the weights are those of "
            "nu_T's mass under nu's responsibilities",
        ),
    ],
    controls=[
        Control(
            "direct_langevin",
            direct_langevin,
            why="without the boost, Langevin on a multimodal posterior keeps the weights it started with",
        ),
    ],
    reference=reference(
        section="5",
        value="high-dimensional Gaussian mixtures: Langevin on nu_T + transport matches the posterior "
        "statistics (figure values not readable here)",
    ),
    gaps=[
        "exact scores (no learned denoiser)",
        "d in {2, 3}; ULA preconditioned by the known quadratic part",
        "instances restricted to a mass shift >= 0.15 and a posterior barrier >= log 40 nats (the regime "
        "where direct Langevin cannot mix; rare under the SLC condition: ~3-5% of raw draws)",
        "weights only (moments are claim tilted_transport_exact's)",
    ],
)
