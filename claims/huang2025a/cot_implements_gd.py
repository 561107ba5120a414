"""The CoT model's autoregressive rollout reproduces the GD iterates it was trained on.

Huang, Wang, Lee (2025), Transformers Learn to Implement Multi-step Gradient
Descent with Chain of Thought, arXiv:2502.21212 (ICLR 2025), Sec. 4: gradient
flow on the CoT objective converges to an LSA that implements one GD step per
CoT token, so running it autoregressively from w_0 = 0 is multi-step GD.

Checked: per seed, median_k=K ||w_K - w*||^2 / ||w*||^2 of the model's own
K = 12-step rollout divided by the same median for exact GD (same prompts,
same step eta) is 1 within 0.1. Errors of the learned step would compound
over the 12 autoregressive steps, so a ratio of 1 means the model has learned
the GD update itself, not only the teacher-forced targets.
Near-miss mutant ``gd_with_the_one_step_eta``: the model runs GD, but with
the best single step eta* = n/(n+d+1) (what a no-CoT LSA learns, see
``no_cot_floor``) instead of the CoT targets' eta = 1/(1+sqrt(d/n))^2; far
ones: ``one_gd_step_only`` and ``beats_gd``.
Control ``no_cot_training``: the same LSA trained to output w* in one step,
then run autoregressively; it is not trained on the GD path, so its K-step
error need not be GD's and the claim must not hold on it.
Gaps: as in ``cot_geometric_decay`` (Adam, teacher forcing, our eta,
d <= 8, n in [2d, 4d]); medians over prompts.
"""

from __future__ import annotations

import sympy as sp

from tasks.linear_regression_prompts import regression_prompts
from theorycheck import Claim, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._experiment import cot, cot_batched, cot_without_cot_training, cot_without_cot_training_batched

err_cot, err_gd, err_gd_1 = sp.symbols("err_cot_K err_gd_K err_gd_1", positive=True)
err_star = sp.Symbol("err_gd_K_eta_star", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, CoT training learns multi-step GD",
    statement="The trained CoT model, run autoregressively, has the error of K steps of GD.",
    instances=regression_prompts(min_dim=2, max_dim=8, min_ratio=2, max_ratio=4),
    experiment=cot,
    batched_experiment=cot_batched,
    prediction=Identity(err_cot / err_gd, 1, tolerance=0.1),
    mutants=[
        Mutant(
            "gd_with_the_one_step_eta",
            Identity(err_cot / err_star, 1, tolerance=0.1),
            why="the CoT targets are GD iterates with eta = 1/(1+sqrt(d/n))^2; the one-step optimum "
            "eta* = n/(n+d+1) is what a model without CoT learns, not the step it is taught",
        ),
        Mutant(
            "one_gd_step_only",
            Identity(err_cot / err_gd_1, 1, tolerance=0.1),
            why="a model that stops improving after one step would keep the one-step error, "
            "which is 20-100x the 12-step GD error here",
        ),
        Mutant(
            "beats_gd",
            Threshold(err_cot / err_gd, "<=", 0.5),
            why="the model is fitted to GD iterates with step eta; it has no way to converge faster "
            "than the path it imitates",
        ),
    ],
    controls=[
        Control(
            "no_cot_training",
            experiment=cot_without_cot_training,
            batched_experiment=cot_without_cot_training_batched,
            why="a model trained only to output w* in one step was never taught the GD update",
        ),
    ],
    reference=reference(
        section="4 and 6",
        value="the trained transformer implements multi-step GD autoregressively and recovers w* "
        "almost exactly",
    ),
    gaps=["Adam with teacher forcing, not gradient flow", "d <= 8, n in [2d, 4d], K = 12 (CPU scale)"],
    requires=[Threshold("tf_rel_loss", "<=", 1e-3)],
)
