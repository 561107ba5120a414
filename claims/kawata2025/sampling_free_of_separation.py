"""The h-transform sampler's accuracy does not depend on the reference's isoperimetry (mode separation).

Kawata, Oko, Nitanda, Suzuki (2025), arXiv:2502.02954, end-to-end sampling
bound (abstract: "when the original distribution's score is known accurately,
the complexity of sampling from shifted distributions is independent of
isoperimetric conditions"; theorem number not verified).

Checked: references with two unit-variance modes at +-delta/2, delta in
{2, 4, 6, 8} (the log-Sobolev constant of the tilt grows like exp(delta^2/8)),
each tilted so that the upper mode's weight moves from the drawn reference
weight to the drawn target weight. The sampler is the paper's: the reference
score (exact: the theorem's premise) plus grad log h_t *estimated from 1000
fresh draws of the reference* by self-normalised importance weights (the
forward kernel N(x; alpha_t y_i, sigma_t^2) times exp(c y_i) for the tilted
posterior mean), evaluated on a 64-point grid over the particles and
interpolated (run time). Separation can enter through that estimate: the mode
weights are decided at the noise level where the noised modes merge, which
moves to larger t as delta grows, and the estimate there rests on the few
draws the kernel weights most; and through the Euler steps, since grad log h_t
scales with delta at that level. The error of the upper-mode mass P(X > 0)
of 4000 samples (200 reverse steps) against the exact tilt may not grow by
more than 0.03 from delta = 2 to delta = 8. The 0.03 was fixed before any run
of the earlier exact-h version (Monte Carlo sd of one error ~0.008 there) and
kept unchanged for this estimated-h version before its first run; the 1000
draws add an sd of about 0.012 to each error (binomial noise of the draws'
mode counts, carried to the tilted weight).

Default tier (Dec 4 2026, estimated h): HOLDS on both instances (growth
-0.001 [-0.007, 0.005] and -0.007 [-0.020, 0.005]); the mild-growth near
miss is killed (its edge 0.01 about 0.8 interval half-widths above the upper
bound); the Langevin control's growth is 0.142 (VIOLATED).

History: the first version used the exact posterior in grad log h_t, so
separation could enter only through Euler error and the claim held by
construction (audit of issue 12); the near-miss mutant was the prediction
negated at the same threshold. Both were replaced (Dec 4 2026).

Mutants: a mild growth (>= 0.01, about one Monte Carlo sd of a single error:
the growth an importance estimate could show as fewer draws sit where the
noised modes merge); the growth of Langevin (>= 0.1).

Control: unadjusted Langevin (step 0.05) on the tilted law with its exact
score, started from exact reference samples, same number of score
evaluations (200): it must move mass across the barrier and cannot at large
delta (prototype growth 0.16-0.25).

Gaps: exact reference score (the theorem's premise; a learnt one would add
its own separation-dependent error); 1-D; the paper's bound is on KL and
includes score-estimation terms not exercised here; the estimated grad log h_t
is interpolated from a 64-point grid.
"""

from __future__ import annotations

from tasks.alignment import separated_tilts
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    doob_separation_sweep,
    doob_separation_sweeps,
    langevin_separation_sweep,
    langevin_separation_sweeps,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="end-to-end sampling bound free of isoperimetric constants (Sec. 4; number unverified)",
    statement=(
        "With the reference score exact and h estimated from reference samples, sampling the tilted law by "
        "the h-transformed reverse diffusion costs the same however separated the reference's modes are."
    ),
    instances=separated_tilts(),
    experiment=doob_separation_sweep,
    batched_experiment=doob_separation_sweeps,
    prediction=Threshold("error_growth", "<=", 0.03),
    mutants=[
        Mutant(
            "mild_growth_with_separation",
            Threshold("error_growth", ">=", 0.01),
            why="the estimate of grad log h_t is an importance average over reference draws; where "
            "the noised modes merge (at higher noise as delta grows) the kernel weights few of "
            "them, yet the mode weights are decided there from the same 1000 draws at every delta",
        ),
        Mutant(
            "degrades_like_langevin",
            Threshold("error_growth", ">=", 0.1),
            why="mass is moved between modes at high noise, where the noised reference is unimodal",
        ),
    ],
    controls=[
        Control(
            "langevin_on_tilt",
            langevin_separation_sweep,
            batched_experiment=langevin_separation_sweeps,
            why="a Langevin chain on the tilted law mixes in time ~ exp(barrier), growing with delta",
        ),
    ],
    reference=reference(
        section="4",
        value="sampling complexity independent of isoperimetric (log-Sobolev / Poincare) constants when "
        "the reference score is exact (bound; no separation sweep reported)",
    ),
    gaps=[
        "exact reference score; grad log h_t estimated from 1000 reference draws (64-point grid); "
        "1-D two-mode references",
        "P(X > 0) error instead of the paper's KL bound",
        "Langevin budget = 200 score evaluations, step 0.05",
    ],
)
