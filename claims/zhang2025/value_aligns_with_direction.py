"""The value vector of the trained model aligns with v* and ignores the positional codes.

Zhang, Meng, Cao (2025), arXiv:2504.08638 (ICLR 2025), main convergence
theorem (Sec. 3; number not confirmed): at T* the feature block of v is
aligned with v* and its positional block v_2 is exactly 0.

Checked: cos(v_feat(T), v*) >= 0.99 at the end of GD, on every drawn task,
with no precondition (the held-out error <= 0.05 gate was dropped with the
audit of issue #11: it gated on the outcome, not on the run's validity).
The positional fraction ||v_pos|| / ||v|| is recorded and a mutant says it
dominates.
Control: the same GD on labels independent of the input: v then follows the
batch noise and must not align with v*.
Mutants: the positional part dominates (far); the value is only half aligned
(cos <= 0.9, far); and a near miss, an alignment only to about 0.99-0.999
(cos <= 0.999), which a readout of leaked attention with finite batches
might leave: the irrelevant groups are independent of the label, so their
part of the value gradient averages out and cos is within ~1e-4 of 1.
This claim is weak by nature: alignment of v with v* follows from the label
model for any attention (even uniform attention gives a value gradient along
v*); the attention claims carry the mechanism.
Gaps: as for ``attention_selects_relevant_group`` (600 steps, fresh batches,
mean over queries, one-hot codes, sigma_x in [0.5, 1]); with a finite budget
v_pos is small, not exactly 0 (0.001-0.04 in prototypes).
"""

from __future__ import annotations

import sympy as sp

from tasks.group_sparse import group_sparse_tasks
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import pretraining, pretraining_shuffled_labels

cos_v = sp.Symbol("cos_v")

CLAIM = Claim(
    paper=PAPER,
    theorem="Main convergence theorem (Sec. 3): v_1(T*) aligned with v*, v_2(T*) = 0",
    statement=(
        "After GD from zero, the feature part of the value vector points along the label direction v* "
        "and the positional part stays negligible."
    ),
    instances=group_sparse_tasks(min_d=4, max_d=12, min_groups=4, max_groups=8, max_sigma=1.0),
    experiment=pretraining,
    prediction=Threshold("cos_v", ">=", 0.99),
    mutants=[
        Mutant(
            "positional_value_dominates",
            Threshold("vpos_frac", ">=", 0.5),
            why="the positional codes are the same in every input and carry no label information, and the "
            "labels are balanced, so their gradient averages out",
        ),
        Mutant(
            "value_only_half_aligned",
            Threshold(cos_v, "<=", 0.9),
            why="the Bayes-optimal readout of the attended x_{j*} is v* itself",
        ),
        Mutant(
            "value_aligned_only_to_0_999",
            Threshold(cos_v, "<=", 0.999),
            why="the irrelevant groups and the positional codes are independent of the label, so their "
            "share of the value gradient averages out over the batches: cos is within ~1e-4 of 1",
        ),
    ],
    controls=[
        Control(
            "shuffled_labels",
            pretraining_shuffled_labels,
            why="with labels independent of the input the value gradient has no direction; v follows the "
            "batch noise",
        )
    ],
    reference=reference(
        section="3 (theory)",
        value="v_1 aligned with v*, v_2(T*) = 0 (no numbers extracted from the figures)",
    ),
    gaps=[
        "600 GD steps (default) on fresh batches of 512, not T* and the population loss",
        "output averaged over queries (paper: summed); one-hot positional codes; sigma_x in [0.5, 1]",
    ],
)
