"""Even pairs: in the second phase the training loss decays like 1/t.

Huang, Liang, Yang (2025), How Transformers Learn Regular Language
Recognition: A Theoretical Study on Training Dynamics and Implicit Bias,
arXiv:2505.00926 (ICML 2025), main even-pairs theorem (Sec. 4): after a first
phase in which the attention makes the sequences separable, the loss
decreases at rate O(1/t).

Checked: the per-seed log-log slope of the full-batch training loss over
phase 2, i.e. from max(T/10, 3 t1) to T (1 decade), where t1 is the step at
which the training accuracy reaches 1 for good (the experiment returns only
that part of the curve), is -1 +- 0.1. The window is the spec's, fixed before
any run; the first implementation started at max(T/20, 2 t1), where the first
quarter still held the end of phase 1 (local slope about -1.3 at Lmax = 7,
INCONCLUSIVE as a transient at the 0.1 band), and was moved back to the
spec's window after that run. All strings with lengths in [Lmin, Lmax] are the
data set. Phase 2 presupposes that phase 1 ended: stuck starts (a spurious
stationary point at accuracy ~0.75, 10-40 % of first tries) are re-drawn from
the seed's generator up to 6 times and counted in ``tries``; the stuck rate of
first tries is judged on its own in ``phase_one_ends`` (issue #11, finding 9).
A seed stuck on every try keeps its flat curve, which pulls the verdict away
from HOLDS.
Tolerance: 0.1 (the engine's default for exponent -1), tightened from the
spec's 0.2 after the default-tier run, because at 0.2 the band also holds the
near miss C log(t)/t (local slope about -0.85 over this window), so the claim
could not tell the theorem's 1/t from a rate with a log factor. Near-miss
mutants: C log(t)/t and C/sqrt(t); far ones: 1/t^2 and an exponential.
Control ``weight_decay``: the same GD with (1e-4/2) ||u||^2 added to the loss;
the 1/t rate needs the infimum 0 of the unregularised loss, reached only as
||u|| grows without bound, so with the penalty the loss has a floor and the
claim must not hold.
Gaps: the embedding (one-hot token (+) one-hot position), W_0 = 0, u_0 random
and the step size 3.0 are our reconstruction, not the paper's constants;
finite horizon T = 1e4; GD, not gradient flow.
"""

from __future__ import annotations

import sympy as sp

from tasks.strings import string_problems
from theorycheck import Claim, Control, Mutant, Rate, reference

from . import PAPER
from ._experiment import (
    PHASE2,
    even_pairs,
    even_pairs_batched,
    even_pairs_weight_decay,
    even_pairs_weight_decay_batched,
)

t, C, c = sp.symbols("t C c", positive=True)


def _loss(bound: sp.Expr, tolerance: float | None = 0.1) -> Rate:
    return Rate(bound, sweep=t, series="loss", sense="matches", tolerance=tolerance, window=PHASE2)


CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem (even pairs, two-phase dynamics), Sec. 4",
    statement="After the attention has made the strings separable, the logistic loss decays like 1/t.",
    instances=string_problems(min_length=2, max_length=7),
    experiment=even_pairs,
    batched_experiment=even_pairs_batched,
    prediction=_loss(C / t),
    mutants=[
        Mutant(
            "log_factor",
            _loss(C * sp.log(t) / t),
            why="with the margin fixed after phase 1, GD on the logistic loss gives loss ~ 1/(margin^2 "
            "eta t); the log t growth of ||u|| enters the loss through exp(-margin ||u||), not as a factor",
        ),
        Mutant(
            "sqrt_rate",
            _loss(C / sp.sqrt(t)),
            why="1/sqrt(t) is the rate of non-separable or stochastic problems; here the features are "
            "separable and GD is full-batch",
        ),
        Mutant(
            "rate_1_over_t2",
            _loss(C / t**2),
            why="logistic loss on a fixed margin decays like 1/(margin^2 eta t), not faster",
        ),
        Mutant(
            "exponential",
            _loss(sp.exp(-c * t), tolerance=0.2),
            why="on separable data GD drives the logistic loss to 0 only polynomially; "
            "log-loss vs t is convex, not a line",
        ),
    ],
    controls=[
        Control(
            "weight_decay",
            experiment=even_pairs_weight_decay,
            batched_experiment=even_pairs_weight_decay_batched,
            why="with a penalty on ||u|| the loss has a positive floor, so it cannot decay like 1/t",
        ),
    ],
    reference=reference(
        section="6 (experiments)",
        value="loss decays like O(1/t) in phase 2 (abstract; we did not extract figure numbers)",
    ),
    gaps=[
        "embedding, initialisation and step size reconstructed, not the paper's constants",
        "finite horizon T = 1e4 steps; phase-2 window one decade",
        "stuck initialisations re-drawn for phase 2 (counted in 'tries'; judged in phase_one_ends)",
    ],
)
