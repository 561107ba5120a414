"""Even pairs: from a small random start, GD ends phase 1 (the strings become separable).

Huang, Liang, Yang (2025), arXiv:2505.00926 (ICML 2025), even-pairs theorem
(Sec. 4): in the first phase the attention layer grows rapidly and maps the
positive and negative strings to linearly separable vectors; the second phase
(1/t loss, log t readout) starts from there.

Checked: the first tries. Per seed, 8 fresh starts (W_0 = 0, u_0 ~ N(0, s^2)
with the drawn init scale s, step 3.0) are each trained for T/20 = 500 steps
on all strings of lengths [Lmin, Lmax]; the per-seed statistic is the fraction
that reaches training accuracy 1. The theorem's analysis has no stuck starts,
so the prediction is that (nearly) every start escapes: fraction >= 0.95.
Finding (before this claim was written, measured on 10 starts per instance):
10-40 % of first tries fall into a spurious stationary point (accuracy ~0.75,
loss ~0.347) and stay there (same starts stuck at step 0.3, still stuck at
10^4 steps), most at Lmax = 4. So this claim is expected VIOLATED: the
reconstruction's random start is not the theorem's (the paper's initialisation
could not be read here; W = u = 0 is a saddle where both gradients vanish by
the a <-> b symmetry). The phase-2 claims study phase 2 on starts that ended
phase 1 (re-drawn, counted in ``tries``) and say so.
Mutants: ``most_starts_stuck`` (fraction <= 0.5) and ``escape_is_rare``
(fraction <= 0.2). Control ``frozen_attention``: with W frozen at 0 no start
can separate the strings (fraction 0), so the claim must not hold there.
Gaps: the embedding, init and step size are our reconstruction; 500 steps is
the give-up point (every start that escapes does so within ~150 steps here).
"""

from __future__ import annotations

from tasks.strings import string_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    phase_one_escape,
    phase_one_escape_batched,
    phase_one_frozen_attention,
    phase_one_frozen_attention_batched,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem (even pairs, two-phase dynamics), Sec. 4, phase 1",
    statement="GD from a small random start makes the even-pairs strings separable (phase 1 ends).",
    instances=string_problems(min_length=2, max_length=7),
    experiment=phase_one_escape,
    batched_experiment=phase_one_escape_batched,
    prediction=Threshold("escaped", ">=", 0.95),
    mutants=[
        Mutant(
            "most_starts_stuck",
            Threshold("escaped", "<=", 0.5),
            why="the attention gradient at W = 0 is nonzero once u breaks the token symmetry, so most "
            "starts grow the attention and separate the strings",
        ),
        Mutant(
            "escape_is_rare",
            Threshold("escaped", "<=", 0.2),
            why="phase 1 is the generic behaviour of the joint dynamics, not a rare event",
        ),
    ],
    controls=[
        Control(
            "frozen_attention",
            experiment=phase_one_frozen_attention,
            batched_experiment=phase_one_frozen_attention_batched,
            why="with the attention frozen at uniform no start can make the strings separable",
        ),
    ],
    reference=reference(
        section="4 and 6",
        value="phase 1: the attention grows rapidly until the attention outputs are separable "
        "(abstract; the paper's initialisation not read)",
    ),
    gaps=[
        "random u_0 ~ N(0, s^2), W_0 = 0: our reconstruction, not necessarily the theorem's start",
        "8 starts per seed, 500 GD steps each",
    ],
)
