"""The pretrained attention makes a new downstream direction learnable from O(d + D) samples.

Zhang, Meng, Cao (2025), arXiv:2504.08638 (ICLR 2025), downstream transfer
theorem (Sec. 4; number not confirmed): for a downstream task with the same
relevant group j* and a new direction, the pretrained model reaches error
O((d + D) log^2 n / (gamma^2 n)) + O(log(1/delta) / n), i.e. a sample
complexity ~(d + D)/eps, against vectorised logistic regression on the dD
inputs.

Checked: at n = 2 (d + D) downstream samples (new direction orthogonal to v*),
logistic regression on the attended token of the frozen pretrained model
(d + D features) has a test error at least 0.1 below logistic regression on
vec(X) (dD features, from scratch), paired per seed (margin 0.1, the spec's).
Judged only where the pretraining fitted its task (held-out error <= 0.05:
a validity gate on the pretrained model the downstream theorem starts from,
not on the downstream errors judged).
Control: pretraining on a task whose relevant group is j* + 1 (mod D), then
the same transfer to the downstream task with relevant group j*: the
frozen attention then selects an uninformative group, so the readout must
not beat flat regression (the transfer theorem assumes the same sparsity
pattern).
Mutants (all near: 1-6 interval half-widths in the previous report): no
gain over flat regression; flat regression with twice the samples matches;
pretraining is irrelevant (uniform attention W = 0 does as well).
Gaps: W frozen and only a linear readout refitted by L2 logistic regression
(L-BFGS, lambda 1e-3) rather than the paper's downstream training of (W, v);
pretraining as in ``attention_selects_relevant_group`` (600 steps); the bound
is checked at one sample size, as a gap against the baseline, not as a rate
in n; sigma_x in [0.5, 1] (pretraining does not concentrate the attention
at sigma_x = 2 within our budget, see
``attention_selects_relevant_group_large_sigma``).
"""

from __future__ import annotations

from tasks.group_sparse import downstream_tasks
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import transfer, transfer_wrong_group

CLAIM = Claim(
    paper=PAPER,
    theorem="Downstream transfer theorem (Sec. 4): error O((d + D) log^2 n / (gamma^2 n))",
    statement=(
        "With the pretrained attention, a downstream task sharing j* but with a new direction is learned "
        "from about 2 (d + D) samples much better than by logistic regression on the flattened input."
    ),
    instances=downstream_tasks(min_d=4, max_d=12, min_groups=4, max_groups=8, max_sigma=1.0),
    experiment=transfer,
    prediction=Comparison("err_flat", "err_transfer", ">", margin=0.1),
    mutants=[
        Mutant(
            "no_gain_over_flat",
            Comparison("err_transfer", "err_flat", ">="),
            why="the attended token is ~ [x_{j*}; e_{j*}]: d informative features instead of dD, so the "
            "same n buys a lower error",
        ),
        Mutant(
            "flat_with_twice_the_samples_matches",
            Comparison("err_transfer", "err_flat_2n", ">="),
            why="flat regression's sample complexity grows with dD >= 2 (d + D) when d, D >= 4, so doubling "
            "n does not close the gap",
        ),
        Mutant(
            "pretraining_irrelevant",
            Comparison("err_transfer", "err_uniform", ">="),
            why="under uniform attention (W = 0) the attended token averages all D groups, so its best "
            "linear readout has correlation about 1/sqrt(D) with the label direction",
        ),
    ],
    reference=reference(
        section="4 (theory) and 5 (experiments)",
        value="sample complexity ~((d + D)/eps + log(1/delta)/eps), better than vectorised logistic "
        "regression in some regimes (no numbers extracted from the figures)",
    ),
    controls=[
        Control(
            "pretrained_on_another_group",
            transfer_wrong_group,
            why="the transfer theorem assumes the downstream task keeps the pretraining task's relevant "
            "group; pretrained on j* + 1 the attention selects an uninformative group",
        )
    ],
    requires=[Threshold("pre_err", "<=", 0.05)],
    gaps=[
        "W frozen, linear readout refitted by L2 logistic regression (paper: downstream training of W, v)",
        "pretraining budget 600 GD steps (default); one sample size n = 2 (d + D)",
        "sigma_x in [0.5, 1]; new direction orthogonal to v*",
    ],
)
