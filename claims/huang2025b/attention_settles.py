"""Even pairs: the attention pattern moves in phase 1 and settles in phase 2.

Huang, Liang, Yang (2025), arXiv:2505.00926 (ICML 2025), even-pairs theorem
(Sec. 4): in the first phase the attention layer grows rapidly and maps the
strings to separable vectors; in the second phase it becomes stable.

Checked: per seed, the largest change of any attention probability (over all
training strings and positions) during phase 1 (from t = 0 to the phase-2
start) minus the largest change during phase 2 (phase-2 start to T) is at
least 0.3. We compare probabilities, not ||W||: ||W|| keeps creeping up in
phase 2 because saturating the softmax still pays.
Near-miss mutant ``phase2_half_of_phase1``: the attention keeps moving in
phase 2 at least half as much as in phase 1 (a slow second phase rather than
a settled one); far one: it moves more in phase 2.
Control ``frozen_readout``: the same run with u frozen at its initialisation;
the theorem's phase 2 is the linear layer taking over the loss, so without a
trained readout the attention has to keep doing all the work and the claim
must not hold.
Phase 2 presupposes that phase 1 ended: stuck starts are re-drawn (counted in
``tries``; the first tries' stuck rate is judged in ``phase_one_ends``).
What this does not show: a fast-then-slow change is what most converging GD
runs look like, so the claim is weak evidence for the mechanism on its own;
the control is what ties it to the readout.
Gaps: as for the loss rate; phase 2 is a finite window (one decade).
"""

from __future__ import annotations

import sympy as sp

from tasks.strings import string_problems
from theorycheck import Claim, Comparison, Control, Mutant, reference

from . import PAPER
from ._experiment import (
    even_pairs,
    even_pairs_batched,
    even_pairs_frozen_readout,
    even_pairs_frozen_readout_batched,
)

phase1, phase2 = sp.symbols("attn_change_phase1 attn_change_phase2", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem (even pairs, two-phase dynamics), Sec. 4",
    statement="The attention probabilities change much more in phase 1 than in phase 2.",
    instances=string_problems(min_length=2, max_length=7),
    experiment=even_pairs,
    batched_experiment=even_pairs_batched,
    prediction=Comparison(phase1, phase2, ">=", margin=0.3),
    mutants=[
        Mutant(
            "phase2_half_of_phase1",
            Comparison(2 * phase2, phase1, ">=", margin=0.0),
            why="once the strings are separable the attention gradient carries the vanishing loss as a "
            "factor, so phase 2 moves the probabilities far less than phase 1, not half as much",
        ),
        Mutant(
            "attention_keeps_moving",
            Comparison(phase2, phase1, ">=", margin=0.0),
            why="once the strings are separable the attention gradient is damped by the vanishing "
            "loss, so the attention moves less in phase 2 than in phase 1",
        ),
    ],
    controls=[
        Control(
            "frozen_readout",
            experiment=even_pairs_frozen_readout,
            batched_experiment=even_pairs_frozen_readout_batched,
            why="without a trained readout nothing takes over the loss, so the attention keeps moving",
        ),
    ],
    reference=reference(
        section="6 (experiments)",
        value="attention weights grow fast, then stay stable (abstract; no figure numbers extracted)",
    ),
    gaps=["phase boundary is our accuracy-based proxy max(T/10, 3 t1)"],
)
