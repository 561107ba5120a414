"""DFIV's error falls faster in n than the best fixed-feature sieve's on a target with a jump.

Kim, Meunier, Gretton, Suzuki, Li (2025), arXiv:2501.04898 (ICLR 2025),
Sec. 4: on spatially inhomogeneous targets (p < 2) DFIV keeps the minimax
rate n^(-2s/(2s + 2 gamma_0 + d)) while fixed-feature IV is capped at
n^(-2s'/(2s' + 2 gamma_0 + d)), s' = s - d(1/p - 1/2). For a jump (gamma_0 = 0,
d = 1, s = 1/p, s' = 1/2) the exponents are at least 2/3 (p = 1) against
1/2: DFIV's log-log slope is below the sieve's by at least 1/6 (the spec's
pre-registered margin, fixed before any run).

Checked: per seed, a sine-plus-jump target, the partial-compliance design,
one dataset per n = 64, 128, ..., 2048 (m = n; 6 points over 1.5 decades);
DFIV (one-hidden-layer ReLU feature nets of 32 units on X and on Z,
first-layer kinks initialised at uniform points of [0, 1], ridge 1e-3 per
sample in both stages, 40 epochs of 1 Stage-1 and 2 Stage-2 Adam steps at
lr 1e-2) and, on the same data, the hat sieve 2SLS tuned by its true error.
Statistic: the per-seed difference of least-squares log-log slopes, sieve
minus DFIV, >= 1/6.
Precondition: DFIV's Stage-2 loss has settled (late relative drop <= 2 %),
a validity gate on training, not on the errors judged.
Power raised after the audit of issue 13 (set before the run that is
reported, not tuned on it): the first versions used n = 128..1024 (4
points over 0.9 decades; per-seed sd of the difference about 0.2 against a
1/6 margin) with 100, then 60 epochs (the cut for time after a FLAKY run:
that 100-epoch run took 600 s, difference -0.04 [-0.08, 0.00] on 8 seeds,
0.13 [0.01, 0.24] on 8 fresh ones). Now 6 points over 1.5 decades (the
slope's sd falls about 2x: a 3-seed prototype gave sd 0.12) at 40 epochs,
which keeps the unit's cost about that of 4 n at 60 epochs (the fits are
dominated by per-step overhead, not by n); the prototype's late relative
loss drop was 0.001-0.002 at 40 epochs, so the 2 % gate is not binding.
Mutant (near miss): no adaptivity gain (DFIV no faster than the sieve, within
0.05). Control: DFIV with its features frozen at initialisation (a random
fixed-feature 2SLS: the mechanism, feature learning, removed).
Reference: the standard DFIV settings of Xu et al. (2021), not this paper's
(liyuan9988/DeepFeatureIV @ 54b04e9e, demand design): lam1 = lam2 = 0.1 per
sample, 20 Stage-1 steps per Stage-2 step, 100 epochs, Adam, treatment net
1-16-1, instrument net 3-128-64-32; its 1-D sin design: 1-20-3 and 2-20
LeakyReLU nets. Our budget is smaller and our ridge lighter (0.1 per sample
would bias a rate experiment).
Audit: a failed DFIV fit at the smallest n (seen once in 3 prototype seeds,
error 0.48 at n = 128) steepens DFIV's slope without any adaptivity; the
frozen-features control and the per-n errors in the record are the guard.
Gaps: a trained network, not the paper's empirical-risk minimiser over a
Besov-norm-constrained DNN class; shallow feature nets of fixed width (the
theorem grows the network with n: 32 kinks cap DFIV at the largest n);
1.5 decades of n and one dataset per n per seed (full tier: n to 4096,
600 epochs).
Earlier finding (default run of Dec 4, 60 epochs, n = 128..1024): FLAKY, a
violation that did not reproduce: difference -0.02 [-0.11, 0.06] on 8
seeds, 0.07 [-0.04, 0.18] on 8 fresh ones, instance estimates -0.16 to
+0.12 against >= 1/6. DFIV's error tracked the oracle sieve's at every n on
the same data (ratio 0.67 to 1.44), so at this budget the trained network
behaves like a fixed linear spline with 32 knots. Its training does move
it: the frozen-features control, run by hand on 4 seeds of the first
instance (the engine runs controls only where the claim holds), had
difference -0.36, -0.06, -0.16, -0.64 and error 1.3-2.4x the sieve's at
n = 1024; trained DFIV closed that gap but did not overtake the sieve's
slope.
Finding (default run of Dec 4 after the power change, 40 epochs, n =
64..2048; single process on the loaded 2-core machine: 459 s wall, 91 s
CPU): VIOLATED, confirmed on fresh seeds, on all 5 instances screened:
difference sieve minus DFIV -0.13 [-0.21, -0.05] and -0.15 [-0.26, -0.05]
(noise 0.2-0.3, non-compliance 0.2: DFIV's slope shallower than the
sieve's), -0.01 [-0.09, 0.08], -0.01 [-0.13, 0.12], +0.03 [-0.06, 0.12];
every interval lies below the 1/6 margin. The near miss (no adaptivity
gain, difference <= 0.05) survives: HOLDS on two instances, INCONCLUSIVE on
three. So with 1.5 decades the test now has the power the first versions
lacked, and the answer at this scale is no: trained 32-unit DFIV keeps pace
with the oracle sieve at small n and falls behind it at n = 1024-2048 (in
the 3-seed prototype its error flattened at 0.05-0.06 there while the
sieve's kept falling, ratio 1.4-1.6 at n = 2048), the capacity cap of a
fixed-width net (the theorem lets the network grow with n). A finding, not
a counterexample to the theorem: the adaptivity of Sec. 4 needs a network
that grows with n and an ERM, which this budget does not reach.
"""

from __future__ import annotations

import sympy as sp

from tasks.iv_regression import jump_designs
from theorycheck import Claim, Comparison, Control, Inequality, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    dfiv_frozen_vs_sieve,
    dfiv_frozen_vs_sieve_batched,
    dfiv_vs_sieve,
    dfiv_vs_sieve_batched,
)

dfiv, sieve = sp.symbols("dfiv_slope sieve_slope")
slack = sp.Symbol("slack", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, separation between DFIV and fixed-feature IV for p < 2",
    statement="On a structural function with a jump, DFIV's log-log error slope in n is below the "
    "best-tuned fixed-feature sieve's by at least 1/6.",
    instances=jump_designs(),
    experiment=dfiv_vs_sieve,
    # Batched seeds (Dec 5): verdict, mutant and control identical to --no-batch at the default tier,
    # per-seed numbers within 1.4e-9; since the stacked trainer takes Stage 1's gradient at the ridge
    # minimiser and Stage 2's loss from k x k moments (session 6: 2.3x faster stacked fits at
    # n >= 1024), within 9.8e-9 (intervals 3.8e-9), verdicts still identical. Training is mildly
    # sensitive to float-level changes: a 1e-7 nudge of every init parameter moved dfiv_slope by
    # 1.6e-4 to 1.2e-3 on 4 seeds (1e-10: up to 2.7e-4 on one seed, 1e-13: <= 2e-8); the FLAKY
    # verdict comes from seed-to-seed variation, not from this.
    batched_experiment=dfiv_vs_sieve_batched,
    prediction=Comparison(sieve, dfiv, ">=", margin=1 / 6),
    mutants=[
        Mutant(
            "no_adaptivity_gain",
            Inequality(dfiv >= sieve - slack, constants={slack: 0.05}),
            why="DFIV's features can place a kink pair at the jump, so its squared bias there is not tied "
            "to a fixed grid spacing 1/J ~ n^(-1/2)",
        ),
    ],
    reference=reference(
        section="4",
        value="DFIV attains n^(-2s/(2s+2 gamma_0+d)) for p < 2 where fixed features are strictly slower "
        "(theory only); DFIV code settings (Xu et al. 2021): lam = 0.1 n, 20 Stage-1 steps per Stage-2 "
        "step, 100 epochs",
    ),
    gaps=[
        "trained shallow ReLU feature nets of fixed width, not the ERM over a growing Besov-bounded class",
        "n = 64..2048, one dataset per n per seed, 40 epochs; full tier n to 4096 and 600 epochs",
    ],
    requires=[Threshold("dfiv_drift", "<=", 0.02)],
    controls=[
        Control(
            "frozen_features",
            experiment=dfiv_frozen_vs_sieve,
            batched_experiment=dfiv_frozen_vs_sieve_batched,
            why="without feature learning DFIV is a fixed random-feature 2SLS, capped like any linear method",
        )
    ],
)
