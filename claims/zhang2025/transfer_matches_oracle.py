"""Transfer through the pretrained attention is as good as being handed the relevant group.

Zhang, Meng, Cao (2025), arXiv:2504.08638 (ICLR 2025), downstream transfer
theorem (Sec. 4; number not confirmed): the pretrained attention performs the
optimal variable selection, so downstream learning costs what learning on
x_{j*} alone costs, up to the (d + D) vs d features.

Checked: at n = 2 (d + D) downstream samples, the test error of logistic
regression on the attended token is within 0.03 of the oracle's (logistic
regression on x_{j*}, fitted on the same samples), mean of |difference| over
seeds. Judged only where the pretraining fitted its task.
Gaps: as for ``downstream_few_sample_transfer``.
"""

from __future__ import annotations

import sympy as sp

from tasks.group_sparse import downstream_tasks
from theorycheck import Claim, Comparison, Mutant, Threshold, reference

from . import PAPER
from ._experiment import transfer

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
    prediction=Threshold(sp.Abs(err_transfer - err_oracle), "<=", 0.03),
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
    ],
    reference=reference(
        section="4 (theory) and 5 (experiments)",
        value="pretrained attention selects the relevant group; downstream accuracy good with few samples "
        "(no numbers extracted from the figures)",
    ),
    requires=[Threshold("pre_err", "<=", 0.05)],
    gaps=[
        "W frozen, linear readout refitted by L2 logistic regression (paper: downstream training of W, v)",
        "pretraining budget 600 GD steps (default); one sample size n = 2 (d + D); sigma_x in [0.5, 1]",
    ],
)
