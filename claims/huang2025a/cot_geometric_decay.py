"""With CoT the LSA's error falls at least as fast as GD's geometric contraction guarantee.

Huang, Wang, Lee (2025), Transformers Learn to Implement Multi-step Gradient
Descent with Chain of Thought, arXiv:2502.21212 (ICLR 2025), Sec. 4: trained
on the CoT objective (next GD iterate), the one-layer LSA learns to perform
multi-step GD autoregressively and recovers w* almost exactly; GD on the
noiseless in-context least squares contracts the error geometrically.

Checked: the median over 4096 fresh prompts of ||w_k - w*||^2 / ||w*||^2 for
the model's own autoregressive iterates, k = 1..12 (all of them: no points
dropped), decays at least as fast as rho^(2k): ``Rate(C rho^(2k),
sense="at_most")`` with rho the median over the same prompts of GD's
contraction factor max_i |1 - eta lambda_i(S_p)| (a param returned by the
experiment). For exact GD this is a guarantee prompt by prompt (every mode
shrinks by at most rho_p^2 per step), so the median of the errors is at most
rho^(2k) with rho the median factor; the claim is that the trained model,
running its own chain of thought, keeps that guarantee. It fails for a model
that stalls, drifts off the GD path, or whose errors compound.
Restated (issue #11, finding 14): the earlier version tested the *form*
(late/early semi-log slope ratio 1 +- 0.25 over k = 5..12), which a shifted
power law (k+5)^-3 passed (0.77), and switched from the mean to the median
after seeing the mean grow with k (0.17 -> 0.88, 19.4 on one seed, under an
earlier step size). With the present step the mean decreases too (e.g.
0.51 -> 0.08 at d = 2, n = 4) but slowly, dominated by near-singular prompts;
the median (the typical prompt) is kept and named as such.
The form: at n = 2d..4d and d <= 8 the median's semi-log slope is not
constant (the Marchenko-Pastur edge puts a power-law factor in front of the
slowest mode's rho_min^(2k)), but on a log-log scale it steepens steadily
(local slope about -0.5 at k = 1 to below -2 at k = 12), which no power law
does, so the near-miss mutant ``power_law_1_over_k`` (error ~ 1/k, overall
log-log slope about -1) is rejected. The audit's shifted power law (k+5)^-3
steepens too (-0.5 to -2.1), and at the default tier it HOLDS on the same
data: over 12 steps the median error cannot be told from it. The mutant
``shifted_power_law`` is kept, surviving, so that the report says what the
claim does not establish: a geometric *form*; it establishes the geometric
*guarantee* (at least as fast as rho^(2k)). Other near misses:
``bound_is_the_rate`` (the error decays exactly at the contraction bound) and
``no_progress`` (the error stays where the first step left it).
Control ``no_cot_training``: the same LSA trained without CoT (to output w*
in one step) and run autoregressively; the claim must not hold on it.
Gaps: teacher-forced Adam training (600 steps) instead of gradient flow;
CoT step size eta = 1/(1+sqrt(d/n))^2 is our choice; d <= 8, n in [2d, 4d];
K = 12 steps.
"""

from __future__ import annotations

import sympy as sp

from tasks.linear_regression_prompts import regression_prompts
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import cot, cot_batched, cot_without_cot_training, cot_without_cot_training_batched

k, C, rho = sp.symbols("k C rho", positive=True)
ALL_K = (0.0, 1e9)  # every CoT step is judged

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, CoT training learns multi-step GD (near-exact recovery)",
    statement="The CoT model's error after k steps decays at least as fast as GD's contraction rho^(2k).",
    instances=regression_prompts(min_dim=2, max_dim=8, min_ratio=2, max_ratio=4),
    experiment=cot,
    batched_experiment=cot_batched,
    prediction=Rate(
        C * rho ** (2 * k), sweep=k, series="err_cot", sense="at_most", params=(rho,), window=ALL_K
    ),
    mutants=[
        Mutant(
            "bound_is_the_rate",
            Rate(C * rho ** (2 * k), sweep=k, series="err_cot", sense="matches", params=(rho,), window=ALL_K),
            why="the contraction factor is the slowest mode's worst case; the faster modes make the "
            "typical error fall faster than rho^(2k)",
        ),
        Mutant(
            "no_progress",
            Rate(sp.S.One, sweep=k, series="err_cot", sense="matches", tolerance=0.05, window=ALL_K),
            why="each CoT step is a GD step, which contracts the error by rho_p^2 < 1 on every prompt",
        ),
        Mutant(
            "power_law_1_over_k",
            Rate(C / k, sweep=k, series="err_cot", sense="matches", window=ALL_K),
            why="GD on a fixed quadratic converges geometrically: the log-log slope of its error "
            "keeps steepening instead of settling at -1",
        ),
        Mutant(
            "shifted_power_law",
            Rate((k + 5) ** -3, sweep=k, series="err_cot", sense="matches", window=ALL_K),
            why="a power law, even shifted, settles to a fixed log-log slope while GD's error keeps "
            "steepening; over 12 steps the two are not told apart (this near miss survives)",
        ),
        Mutant(
            "cot_stuck_at_floor",
            Threshold(sp.Symbol("err_cot_K_mean") / sp.Symbol("floor"), ">=", 1.0),
            why="12 GD steps bring the mean error well below the best single step (d+1)/(n+d+1)",
        ),
    ],
    controls=[
        Control(
            "no_cot_training",
            experiment=cot_without_cot_training,
            batched_experiment=cot_without_cot_training_batched,
            why="a model never trained on the GD chain has no reason to contract the error step by step",
        ),
    ],
    reference=reference(
        section="4 and 6",
        value="CoT drives the evaluation loss near zero where the no-CoT model stays at Theta(d^2/n); "
        "the trained model performs multi-step GD",
    ),
    gaps=[
        "Adam with teacher forcing on fresh batches, not gradient flow",
        "median over prompts (typical prompt), not the mean; d <= 8, n in [2d, 4d], K = 12",
        "12 steps: the geometric form is told from power laws by the steepening log-log slope",
    ],
    requires=[Threshold("tf_rel_loss", "<=", 1e-3)],
)
