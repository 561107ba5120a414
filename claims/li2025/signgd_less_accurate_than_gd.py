"""SignGD's poor generalisation is noise memorisation: fresh samples that meet memorised noise are misread.

Li, Huang, Han, Zhou, Suzuki, Zhu, Chen (2025), On the Optimization and
Generalization of Two-layer Transformers with Sign Gradient Descent,
arXiv:2410.04870 (ICLR 2025), Sec. 3 (poor generalisation of SignGD through
noise memorisation in attention and values) and Fig. 1 (one softmax score
decays to zero).

Checked: per seed, on the same data and init, after T steps, among the test
samples whose noise support meets a coordinate of some training sample's
noise support (a coordinate SignGD can have memorised; 27-58 % of the test
set here), GD's accuracy exceeds SignGD's by at least 0.1, given that both
fit the training set. Measured (s = 4-10, two seeds each, before this
version was run): SignGD 0.74-0.82 on those samples and exactly 1.000 on the
others; GD 1.000 on both.
Restated under issue #11 (finding 12): the old claim compared the accuracy
over the whole test set with margin 0.1 and drew s >= 8 only, because
s = 6 had given a gap of 0.09: the whole-set gap is the overlap share times
the per-overlap error, so it was set by d / (n s^2) rather than by the
optimiser. The paper's theorem concerns the test loss (see
signgd_test_loss_stays_high); in its regime d = poly(n) overlaps vanish, and
the accuracy loss we can see at CPU scale is exactly where memorised noise
meets a fresh sample. Conditioning on that removes the dependence on s, so
s is now drawn over [4, 16] (the spec's [5, 20], capped by d <= 1 600) and
the margin 0.1 of the old claim is kept, now about half the measured gap.
The mutant errors_not_from_memorised_noise is the alternative a careful
reader could hold: SignGD's errors come from the attention collapse (the
signal query's weight on the signal key falls to 0.004-0.15), which would
spread them over all test samples; the data put every error on an
overlapping sample.
Control (re-audit of issue #11): it was GD in the SignGD arm, the same run
as the GD arm (gap exactly 0), which could never hold. It is now Adam with
eps = 0.1 and lr 0.1 in the SignGD arm (the spec's GD-like Adam, as in the
control of adam_behaves_like_signgd): its steps follow the gradient, not its
sign, yet it is another optimiser and run than the GD arm, so the gap is
not fixed in advance. Default tier, session seed 0: the claim HOLDS (gap
0.19 [0.17, 0.21]); the control VIOLATED (gap 0.00 on every seed: the
large-eps Adam arm classifies the overlapping samples like GD).
Gaps: d <= 1 600 and n <= 16 (not d = poly(n)); fixed step budget; GD step
0.5 chosen for stability.
"""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    PROBLEMS,
    adam_large_eps_vs_gd,
    adam_large_eps_vs_gd_batched,
    sign_vs_gd,
    sign_vs_gd_batched,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 3 (poor generalisation of SignGD through noise memorisation), Fig. 1",
    statement=(
        "On signal-plus-sparse-noise data, the two-layer transformer trained by SignGD misclassifies fresh "
        "samples whose noise meets coordinates memorised from the training noise markedly more often than "
        "the same model trained by GD, both having fitted the training set."
    ),
    instances=PROBLEMS,
    experiment=sign_vs_gd,
    batched_experiment=sign_vs_gd_batched,  # the seeds of a look as one stacked model
    prediction=Comparison("acc_overlap_gd", "acc_overlap_sign", ">=", margin=0.1),
    mutants=[
        Mutant(
            "errors_not_from_memorised_noise",
            Threshold(sp.Symbol("acc_clean_sign") - sp.Symbol("acc_overlap_sign"), "<=", 0.05),
            why="SignGD memorises each sample's noise in the value maps (2 eta per coordinate a step), so "
            "a fresh sample is misread only where its noise meets a memorised coordinate; the attention "
            "collapse alone does not flip clean samples, whose signal term keeps its sign",
        ),
        Mutant(
            "signgd_as_accurate_as_gd",
            Comparison("acc_sign", "acc_gd", ">=", margin=0.0),
            why="memorised noise outvotes the signal on a share of the overlapping test samples",
        ),
        Mutant(
            "attention_on_signal",
            Threshold("attn_sig_sig_sign", ">=", 0.5),
            why="under SignGD the query/key noise terms grow at the same per-coordinate speed as the signal "
            "terms and win the softmax: the signal query's weight on the signal key decays towards 0",
        ),
    ],
    controls=[
        Control(
            "gd_like_adam_instead_of_signgd",
            adam_large_eps_vs_gd,
            batched_experiment=adam_large_eps_vs_gd_batched,
            why="the memorisation comes from sign steps moving every noise coordinate as fast as the signal; "
            "Adam with eps = 0.1 (far above the gradients) steps along the gradient like GD, so in the "
            "SignGD arm it should classify the overlapping samples like the others",
        )
    ],
    reference=reference(
        figure="1",
        value="softmax scores decay exponentially, one of them to ~0 by t = 150 while the other stays near "
        "1/2; SignGD generalises poorly where GD does not",
        setting="synthetic signal + sparse noise, two-layer transformer",
    ),
    gaps=[
        "d <= 1600, n <= 16: test noise meets memorised coordinates (27-58 % of test samples), which is "
        "where the accuracy is lost; in the paper's d = poly(n) overlaps vanish",
        "accuracy conditioned on overlap with the training noise supports (our reading of the mechanism)",
        "which softmax entry collapses differs from the paper's figure (our signal query, its s_21)",
        "fixed step budget; GD step 0.5 chosen for stability",
    ],
    requires=[Threshold("train_acc_sign", ">=", 1.0), Threshold("train_acc_gd", ">=", 1.0)],
)
