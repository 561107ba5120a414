"""After one teacher-forced step, each CoT position attends to its two children.

Kim, Suzuki (2024), arXiv:2410.08633, Sec. 3: the mechanism of the
teacher-forcing theorem (the one-step update moves each CoT position's
attention onto the two tokens whose product it must write; the paper's Fig. 1
draws this tree for k = 8, d = 16).

Checked: the smallest, over the k - 1 CoT positions, of the attention mass on
the position's two true children is >= 0.9 after one full-batch GD step from
zero logits (lr = 2 T^2, n = 16000), for drawn d in [8, 32], k in {4, 8},
secret set and tree. At initialisation the mass is 2 / m <= 2 / d.
Mutants: attention still diffuse (mass <= 0.5), and mass at most four times
the uniform 2 / T (mass_min * T / 2 <= 4).
Gaps: as in one_step_teacher_forcing (fixed lr schedule and n, small d).
"""

from __future__ import annotations

import sympy as sp

from tasks.parity import parity_tasks
from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiment import one_step

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
