"""Even pairs: the attention pattern moves in phase 1 and settles in phase 2.

Huang, Liang, Yang (2025), arXiv:2505.00926 (ICML 2025), even-pairs theorem
(Sec. 4): in the first phase the attention layer grows rapidly and maps the
strings to separable vectors; in the second phase it becomes stable.

Checked: per seed, the largest change of any attention probability (over all
training strings and positions) during phase 1 (from t = 0 to the phase-2
start) minus the largest change during phase 2 (phase-2 start to T) is at
least 0.3. We compare probabilities, not ||W||: ||W|| keeps creeping up in
phase 2 because saturating the softmax still pays.
Gaps: as for the loss rate; phase 2 is a finite window (about 1.2 decades).
"""

from __future__ import annotations

from tasks.strings import string_problems
from theorycheck import Claim, Comparison, Mutant, reference

from . import PAPER
from ._experiment import even_pairs

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem (even pairs, two-phase dynamics), Sec. 4",
    statement="The attention probabilities change much more in phase 1 than in phase 2.",
    instances=string_problems(min_length=2, max_length=7),
    experiment=even_pairs,
    prediction=Comparison("attn_change_phase1", "attn_change_phase2", ">=", margin=0.3),
    mutants=[
        Mutant(
            "attention_keeps_moving",
            Comparison("attn_change_phase2", "attn_change_phase1", ">=", margin=0.0),
            why="once the strings are separable the attention gradient is damped by the vanishing "
            "loss, so the attention moves less in phase 2 than in phase 1",
        ),
    ],
    reference=reference(
        section="6 (experiments)",
        value="attention weights grow fast, then stay stable (abstract; no figure numbers extracted)",
    ),
    gaps=["phase boundary is our accuracy-based proxy max(T/20, 2 t1)"],
)
