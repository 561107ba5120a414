"""Even pairs: in the second phase the readout norm grows like log t.

Huang, Liang, Yang (2025), arXiv:2505.00926 (ICML 2025), even-pairs theorem
(Sec. 4): in phase 2 the attention becomes stable while the linear layer
grows logarithmically and turns toward the max-margin separator.

Checked: the per-seed log-log slope of ||u(t)|| over phase 2 (same run and
window as ``even_pairs_loss_rate``). ``Scaling(log t)`` derives exponent 0;
a + b log t has a finite-window log-log slope b / (a + b log t) (about 0.12
here), so the tolerance is 0.2: it separates log growth from any power
t^0.3 or faster, including the mutant sqrt(t). The fitted ``u_per_log_t``
(d||u||/d log t) is recorded as a scalar.
Gaps: as for the loss rate (reconstructed embedding, init, step 3.0, T = 1e4,
stuck starts re-drawn and counted in 'tries').
"""

from __future__ import annotations

import sympy as sp

from tasks.strings import string_problems
from theorycheck import Claim, Mutant, Scaling, reference

from . import PAPER
from ._experiment import PHASE2, even_pairs

t = sp.symbols("t", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem (even pairs, two-phase dynamics), Sec. 4",
    statement="In phase 2 the norm of the linear layer grows logarithmically in t.",
    instances=string_problems(min_length=2, max_length=7),
    experiment=even_pairs,
    prediction=Scaling(sp.log(t), over=t, series="u_norm", sense="matches", tolerance=0.2, window=PHASE2),
    mutants=[
        Mutant(
            "u_sqrt_growth",
            Scaling(sp.sqrt(t), over=t, series="u_norm", sense="matches", tolerance=0.2, window=PHASE2),
            why="the loss is O(1/t), so the margin u.h needs only grow like log t; "
            "sqrt(t) growth would make the loss decay like exp(-sqrt t)",
        ),
    ],
    reference=reference(
        section="6 (experiments)",
        value="linear layer grows logarithmically in phase 2 (abstract; no figure numbers extracted)",
    ),
    gaps=["finite window of about 1.2 decades in t", "embedding, init and step size reconstructed"],
)
