"""Noiseless recall: under normalised GD the loss falls to the Bayes risk (0) at a linear rate.

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009, Thm. 3.2
(linear / ReLU attention) and Thm. 4.2 (softmax attention), as numbered in
the reviews of v3 (we could read only the abstract and introduction): the
expected loss of the reparameterised one-layer transformer trained by
(normalised) gradient descent converges at a linear rate to the Bayes risk.
This claim is the noiseless case (alpha = 0, Bayes risk 0); the noisy case
is ``ngd_noisy_linear_rate``.

Checked: per seed, the excess risk gap(t) = L(t) of the structured model
trained by NGD (lr 0.2, 300 steps, every step logged) decays at least
geometrically over its whole decay: the Rate C exp(-c t) with a free rate c,
sense "at_most" (an upper bound: the late half of the window falls at least
0.75 times as fast per step as the early half, so a curve that speeds up
holds and one that slows down toward a power law or a floor fails). The
window is fixed by value before any run: from gap = 0.1 nats (the spec's
top, past the warm-up plateau where the model does not yet recall) down to
1e-11, the float64 resolution of the loss, which the run reaches near step
160 (softmax) to 200 (linear/ReLU); about 110-150 steps over ten decades.
(Before the audit of issue #11 the window ended at 10x the median of the last
20 % of the run, which for alpha > 0 dropped a tail that is no floor.)
Control: the same model and data trained by plain GD with a constant step
(normalisation removed) must not hold: its gap falls like 1/t.
Mutants: a stretched exponential C exp(-c sqrt t) (a sub-linear "fast" rate;
on geometric data its late/early slope ratio against sqrt t is about 1.4,
outside 1 +- 0.25) and the 1/t power law of constant-step GD on separable
cross-entropy (on geometric data the local log-log slope steepens away).
Gaps: one-hot embeddings and a previous-token channel stand in for the
paper's frozen embeddings and first layer; full batch on a fixed sample of
512 contexts with soft labels, evaluated on 512 fresh contexts; linear/ReLU
attention start at a = b = 0.5 (0 is a saddle) and, through the product
a*b, decay faster than geometric (which an upper bound allows).
"""

from __future__ import annotations

import sympy as sp

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import gd_curve, gd_curve_batched, ngd_curve, ngd_curve_batched

t, C, c = sp.symbols("t C c", positive=True)
WINDOW = (1e-11, 0.1)  # nats: past the warm-up, down to float64 resolution (fixed before any run)

CLAIM = Claim(
    paper=PAPER,
    theorem="Thm. 3.2 (linear/ReLU) and Thm. 4.2 (softmax attention), noiseless case",
    statement="Trained by normalised GD on noiseless recall, the expected loss falls to the Bayes risk "
    "at least geometrically, over its whole decay from 0.1 nats to float resolution.",
    instances=recall_problems(tasks=recall_tasks(max_vocab=64, max_context=32, max_alpha=0.0)),
    experiment=ngd_curve,
    batched_experiment=ngd_curve_batched,
    prediction=Rate(C * sp.exp(-c * t), sweep=t, series="gap", sense="at_most", values=WINDOW),
    mutants=[
        Mutant(
            "stretched_exponential",
            Rate(C * sp.exp(-c * sp.sqrt(t)), sweep=t, series="gap", values=WINDOW),
            why="NGD moves the parameters a fixed distance lr per step along a direction that stops "
            "turning once the model recalls, so the logit margin grows linearly in t and log gap is "
            "linear in t, not in sqrt(t)",
        ),
        Mutant(
            "one_over_t",
            Rate(C / t, sweep=t, series="gap", values=WINDOW),
            why="1/t is the rate of constant-step GD on separable cross-entropy (margin ~ log t); "
            "normalising the step makes the margin linear in t",
        ),
    ],
    controls=[
        Control(
            "plain_gd",
            gd_curve,
            batched_experiment=gd_curve_batched,
            why="the step normalisation is the premise of the linear rate: with a constant step the "
            "gradient shrinks like exp(-margin) and the gap falls like 1/t",
        )
    ],
    reference=reference(
        section="5 (experiments)",
        value="loss converges linearly (geometrically) to the Bayes risk for linear, ReLU and softmax "
        "attention (abstract; figure values not read)",
    ),
    requires=[Threshold("acc", ">=", 0.99)],
    gaps=[
        "one-hot embeddings and a previous-token channel instead of the paper's embeddings",
        "full batch on 512 contexts, soft labels, 300 steps; window fixed by value (0.1 to 1e-11 nats)",
        "noiseless case only (the noisy case is ngd_noisy_linear_rate)",
        "linear/ReLU attention init a = b = 0.5; NGD on a*b decays faster than geometric (at_most holds)",
    ],
)
