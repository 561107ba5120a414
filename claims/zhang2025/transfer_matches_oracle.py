"""Transfer through the pretrained attention is as good as being handed the relevant group.

Zhang, Meng, Cao (2025), arXiv:2504.08638 (ICLR 2025), downstream transfer
theorem (Sec. 4; number not confirmed): the pretrained attention performs the
optimal variable selection, so downstream learning costs what learning on
x_{j*} alone costs, up to the (d + D) vs d features.

Checked: at n = 2 (d + D) downstream samples, the test error of logistic
regression on the attended token is within 0.02 of the oracle's (logistic
regression on x_{j*}, fitted on the same samples), mean of |difference| over
seeds. Judged only where the pretraining fitted its task (a validity gate on
the pretrained model, not on the errors judged). The tolerance is the spec's
0.02; the first version used 0.03 with no recorded reason, so it was set back
to the pre-registered value (measured difference ~0.0015).
Control: pretraining on another relevant group (j* + 1 mod D): the readout
then sees an uninformative group and must be far from the oracle.
Mutants: no better than flat regression (near, 2.6-4.3 half-widths before);
far from the oracle (>= 0.1, far); and the near miss of the theorem's bound
read literally: the (d + D)-feature readout pays for its D extra features
against the d-feature oracle, err_transfer - err_oracle >= 0.01 at n = 2 (d + D)
(after attention the positional part is ~e_{j*} for every input, a constant
the intercept absorbs, so it costs nothing).
Gaps: as for ``downstream_few_sample_transfer``.
"""

from __future__ import annotations

import sympy as sp

from tasks.group_sparse import downstream_tasks
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import transfer, transfer_wrong_group

err_transfer, err_oracle = sp.symbols("err_transfer err_oracle")

CLAIM = Claim(
    paper=PAPER,
    theorem="Downstream transfer theorem (Sec. 4): optimal variable selection carries over",
    statement=(
        "On a downstream task with the same relevant group, a linear readout of the pretrained attention "
        "output is as accurate as one fitted on the relevant group x_{j*} alone."
    ),
    instances=downstream_tasks(min_d=4, max_d=12, min_groups=4, max_groups=8, max_sigma=1.0),
    experiment=transfer,
    prediction=Threshold(sp.Abs(err_transfer - err_oracle), "<=", 0.02),
    mutants=[
        Mutant(
            "transfer_no_better_than_flat",
            Comparison("err_transfer", "err_flat", ">="),
            why="selecting x_{j*} leaves d relevant features instead of dD",
        ),
        Mutant(
            "transfer_far_from_oracle",
            Threshold(err_transfer - err_oracle, ">=", 0.1),
            why="the attended token is x_{j*} up to a leak of a few percent of other groups",
        ),
        Mutant(
            "transfer_pays_for_positional_features",
            Threshold(err_transfer - err_oracle, ">=", 0.01),
            why="after attention the positional part of the token is ~e_{j*} for every input, a constant "
            "the intercept absorbs, so the D extra features cost no samples",
        ),
    ],
    reference=reference(
        section="4 (theory) and 5 (experiments)",
        value="pretrained attention selects the relevant group; downstream accuracy good with few samples "
        "(no numbers extracted from the figures)",
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
        "pretraining budget 600 GD steps (default); one sample size n = 2 (d + D); sigma_x in [0.5, 1]",
    ],
)
