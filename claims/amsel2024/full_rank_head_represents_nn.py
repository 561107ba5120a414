"""One full-rank head represents the nearest-neighbour read-out: its error falls like 1/beta.

Amsel, Yehudai, Bruna (2024), On the Benefits of Rank in Attention Layers,
arXiv:2407.16153, Secs. 3-4 (the representability half of the rank
separation; the printed theorem number was not readable in our copy, only
the abstract and table of contents).
Checked (no training): the paper's construction Q K^T = beta I, V = I on
drawn (d, N), query and context uniform on the sphere. The relative error
(MSE over the query-blind context average's MSE) must fall to 0 as beta
grows; we predict its exponent: near-ties |<x_0, x_i - x_j>| < 1/beta have
probability ~ 1/beta and carry an O(1) error, so rel(beta) ~ C / beta.
The slope of log rel against log beta is fitted per seed (a fresh
evaluation set of 32 768 contexts) on beta in [10^(5/3), 10^3].
Control (issue #11): one rank-1 head built the same way (Q K^T = beta e_1
e_1^T, V = I) ranks the context by one coordinate; its error tends to a
constant, so the 1/beta law must fail on it.
Gaps: the 1/beta rate is our derivation, not printed in the paper (which
states arbitrarily good approximation); finite beta grid (1.3 decades in the
fit window); evaluation is Monte Carlo, so the tail of the grid is noisy.
"""

from __future__ import annotations

import sympy as sp

from tasks.nn_readout import nn_readouts
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import construction_error, rank_one_construction_error

beta, C = sp.symbols("beta C", positive=True)


def _rate(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=beta, series="rel", sense="matches", tolerance=0.15)


CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, full-rank representation of the nearest-neighbour target",
    statement=(
        "A single full-rank attention head with Q K^T = beta I and V = I approximates the "
        "nearest-neighbour read-out for any context length; its error vanishes like 1/beta."
    ),
    instances=nn_readouts(min_dim=2, max_dim=16, min_context=2, max_context=16),
    experiment=construction_error,
    prediction=_rate(C / beta),
    mutants=[
        Mutant(
            "sqrt_rate",
            _rate(C / sp.sqrt(beta)),
            why="the error is carried by near-ties of probability ~ 1/beta, not 1/sqrt(beta)",
        ),
        Mutant(
            "quadratic_rate",
            _rate(C / beta**2),
            why="a near-tie within 1/beta keeps an O(1) error, so the decay is no faster than 1/beta",
        ),
    ],
    controls=[
        Control(
            "rank_one_head",
            rank_one_construction_error,
            why="the construction needs full rank: a rank-1 head Q K^T = beta e_1 e_1^T ranks the context "
            "by one coordinate only, so its error tends to a positive constant, not to 0 like 1/beta",
        )
    ],
    reference=reference(
        section="4",
        value="one full-rank head represents the nearest-neighbour target for any context length "
        "(softmax -> argmax as the scale grows); no rate printed",
    ),
    requires=[Threshold("rel_at_max_beta", "<=", 0.02)],  # the construction is close to the target at all
    gaps=[
        "the 1/beta exponent is derived here, not printed in the paper",
        "beta in [10, 1000]; the fit uses the upper 2/3 of the grid",
        "Monte-Carlo evaluation on 32 768 contexts per seed (4 096 at smoke)",
        "authors' code holds the construction (models.PerfectFullRank, attention-formers@24a779c5) but "
        "no rate experiment; their trained full-rank heads go to it at a large scale (fig_perfect.png: "
        "KQ^T at ~179.5 degrees from I in the farthest-point form, Frobenius norm ~2400)",
        "section title confirmed (table of contents of v1); theorem numbers unconfirmed",
    ],
)
