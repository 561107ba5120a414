"""After one teacher-forced step, each CoT position attends to its two children.

Kim, Suzuki (2024), arXiv:2410.08633, Sec. 3: the mechanism of the
teacher-forcing theorem (the one-step update moves each CoT position's
attention onto the two tokens whose product it must write; the paper's Fig. 1
draws this tree for k = 8, d = 16).

Checked: the smallest, over the k - 1 CoT positions, of the attention mass on
the position's two true children is >= 0.9 after one full-batch GD step from
zero logits (lr = 2 T^2, n = 16000), for drawn d in [8, 32], k in {4, 8},
secret set and tree. At initialisation the mass is 2 / m <= 2 / d.
Mutants: ``upper_levels_diffuse`` (the positions above the first level, which
multiply two written CoT tokens, keep their mass <= 0.5: one step would only
find the input pairs), the near miss; attention still diffuse everywhere
(mass <= 0.5) and mass at most four times the uniform 2 / T are far.
Control ``final_label_only``: the same step with only the final label in the
loss; the intermediate positions' attention then gets no gradient and stays
uniform, so the claim must not hold there.
The step is deterministic given the sample: intervals are points and mutant
distances in half-widths are undefined.
Gaps: as in one_step_teacher_forcing (fixed lr schedule and n, small d).
"""

from __future__ import annotations

import sympy as sp

from tasks.parity import parity_tasks
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import one_step, one_step_final_label_only

mass_min, T = sp.symbols("mass_min T", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 3, teacher-forcing theorem (attention after one step)",
    statement=(
        "One teacher-forced gradient step from zero attention puts almost all of every CoT position's "
        "attention on the two earlier tokens it multiplies."
    ),
    instances=parity_tasks(min_d=8, max_d=32, ks=(4, 8)),
    experiment=one_step,
    prediction=Threshold("mass_min", ">=", 0.9),
    mutants=[
        Mutant(
            "upper_levels_diffuse",
            Threshold("mass_min_upper", "<=", 0.5),
            why="with teacher forcing each upper position's target is the 2-parity of two written CoT "
            "tokens, so its gradient singles out those two positions just as at the first level",
        ),
        Mutant(
            "attention_stays_diffuse",
            Threshold("mass_min", "<=", 0.5),
            why="the children's logits grow by ~8 over the others' with lr = 2 T^2, so their mass -> 1",
        ),
        Mutant(
            "no_better_than_uniform",
            Threshold(mass_min * T / 2, "<=", 4.0),
            why="mass_min <= 8/T is at most 4x the uniform 2/T; the step multiplies it by ~e^8 / 2 (to ~1)",
        ),
    ],
    controls=[
        Control(
            "final_label_only",
            experiment=one_step_final_label_only,
            why="unsupervised intermediate positions get no gradient, so their attention stays uniform",
        ),
    ],
    reference=reference(
        figure="1",
        value="each CoT token x_m = x_c1[m] x_c2[m] of a binary tree (8-parity, d = 16 drawn); "
        "one step concentrates attention on c1[m], c2[m]",
    ),
    gaps=[
        "lr = 2 T^2 fixed, n = 16000 (4000 at smoke); the theorem's constants not read",
        "mass threshold 0.9 is a declared tolerance",
    ],
)
