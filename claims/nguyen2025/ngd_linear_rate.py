"""Under normalised GD the excess loss over the Bayes risk decays geometrically (a linear rate).

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009, Thm. 3.2
(linear / ReLU attention) and Thm. 4.2 (softmax attention), as numbered in
the reviews of v3 (we could read only the abstract and introduction): the
expected loss of the reparameterised one-layer transformer trained by
(normalised) gradient descent converges at a linear rate to the Bayes risk.

Checked: per seed, the excess risk gap(t) = L(t) - H(alpha) of the structured
model trained by NGD (lr 0.2) has a straight semi-log decay: the slope of
log gap vs t over the late half of the window is at least 0.75 of the early
half's (Rate with a symbolic rate c, sense "at_most": an upper bound C exp(-c t),
so a curve that speeds up also holds). The window is chosen by value (see
``_experiment``): from gap < 0.1 down to 10x the run's floor (1e-10 when
alpha = 0). Mutants: plain GD with a constant step is *not* geometric (its
semi-log slope flattens, gap ~ 1/t); the log-log fit is not better than the
semi-log fit; the loss does not go below the Bayes risk.
Gaps: one-hot embeddings and a previous-token channel stand in for the
paper's frozen embeddings and first layer; full batch on a fixed sample of
512 contexts with soft labels (expected loss over label noise), evaluated on
512 fresh contexts; 300 steps; for alpha > 0 constant-step NGD stalls at an
lr-dependent floor (~3e-3 nats at lr 0.2) and only the geometric phase above
10x that floor is fitted; linear/ReLU attention start at a = b = 0.5 (0 is a
saddle) and, through the product a*b, decay faster than geometric.
"""

from __future__ import annotations

import sympy as sp

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Comparison, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import ngd_vs_gd

t, C, c = sp.symbols("t C c", positive=True)
ALL = (0.0, float("inf"))  # the experiment returns only the fit window

CLAIM = Claim(
    paper=PAPER,
    theorem="Thm. 3.2 (linear/ReLU) and Thm. 4.2 (softmax attention)",
    statement="Trained by normalised GD, the expected loss approaches the Bayes risk at a linear rate.",
    instances=recall_problems(tasks=recall_tasks(max_vocab=64, max_context=32, max_alpha=0.3)),
    experiment=ngd_vs_gd,
    prediction=Rate(C * sp.exp(-c * t), sweep=t, series="gap", sense="at_most", window=ALL),
    mutants=[
        Mutant(
            "plain_gd_linear_rate",
            Rate(C * sp.exp(-c * t), sweep=t, series="gap_gd", sense="at_most"),
            why="with a constant step on cross-entropy the optimum is at infinite norm; the gradient "
            "shrinks like exp(-margin), the margin grows like log t and the gap falls like 1/t",
        ),
        Mutant(
            "power_law_fits_better",
            Comparison("r2_loglog", "r2_semilog", ">=", margin=0.0),
            why="NGD grows the logit margin linearly in t, so log gap is linear in t, not in log t",
        ),
        Mutant(
            "below_bayes_risk",
            Threshold("final_gap", "<=", -0.01),
            why="the expected cross-entropy minus H(alpha) is a KL divergence, never negative",
        ),
    ],
    reference=reference(
        section="5 (experiments)",
        value="loss converges linearly (geometrically) to the Bayes risk for linear, ReLU and softmax "
        "attention (abstract; figure values not read)",
    ),
    requires=[Threshold("acc", ">=", 0.99)],
    gaps=[
        "one-hot embeddings and a previous-token channel instead of the paper's embeddings",
        "full batch on 512 contexts, soft labels, 300 steps; window chosen by value",
        "alpha > 0: constant-step NGD stalls at an lr-dependent floor; only the phase above it is fitted",
        "linear/ReLU attention init a = b = 0.5; NGD on a*b decays faster than geometric (at_most holds)",
    ],
)
