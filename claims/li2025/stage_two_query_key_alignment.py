"""Stage II of SignGD: query noise and key noise align in sign before the softmax collapse.

Li, Huang, Han, Zhou, Suzuki, Zhu, Chen (2025), On the Optimization and
Generalization of Two-layer Transformers with Sign Gradient Descent,
arXiv:2410.04870 (ICLR 2025), Sec. 4 (the four-stage dynamics of SignGD),
stage II ("sign alignment between query and key noise"), and Fig. 2(d)
(query noise, key noise and query signal over t = 0..900, drawn by their
sign at t = 100). Only the abstract, summaries and the Fig. 2 caption could be
read here; the quantity below is our reconstruction of the stage-II statement
(for every neuron r and sample i, sign <w_{Q,r}, xi_i> = sign <w_{K,r}, xi_i>).

Quantity: qk_sign_alignment, the share of pairs (i, r), i over the n training
samples and r over the m_k = 16 query/key neurons, all pairs weighted equally,
with sign <w_{Q,r}(t), xi_i> = sign <w_{K,r}(t), xi_i>; chance is 1/2 (at
init the two are independent). Read at t_read, fixed in advance: the first
step where s_21 (the noise query's softmax weight on the signal key, geometric
mean over training samples) is at most 0.1, i.e. after stage I and before the
score collapse that the alignment drives. Checked: it is at least 0.9.
Measured (SignGD, eta = 1e-3, sigma_0 = 0.01): >= 0.996 in 30 of 30 runs, 1.000
in 29 (t_read = 31-130 steps); alignment first reaches 0.9 at t = 5-14, while
at the end of stage I (t = 1-2) it is 0.33-0.69, chance. Mechanism (ours):
once the value noise dominates, the noise query's logit on its own key,
sum_r q_r k_r, is pushed up, so sign steps move q_r towards sign k_r and k_r
towards sign q_r at the same speed eta ||xi_i||_1: the smaller one flips and
q_r + k_r keeps its sign. So the aligned sign is the initial query's only
about 3/4 of the time (measured 0.58-0.79), and that of q_r(0) + k_r(0) in
0.92-0.97 of pairs at ||mu|| ~ 0.15 but only 0.54-0.91 at ||mu|| in [0.5, 2]
(the signal query then also drives the keys, and stage I has moved both).
Control (issue #11): the same SignGD run with both value maps frozen at
init: the sign of the attention gradient then follows the random initial
values, and at t_read the alignment is 0.41-0.75 (3 seeds), so the claim
does not hold without the premise "the value noise dominates".
Finding: after s_21 has collapsed (t ~ 100-200) the alignment dips (lowest
0.75-0.96) and recovers: the claim is about stage II only.
Gaps: d <= 1 600, n <= 16, width 16, one step size; the 0.9 threshold allows a
few pairs of overlapping noise supports; "stage II" is delimited by our rules.
"""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    ALIGNED,
    PROBLEMS,
    stage_two,
    stage_two_batched,
    stage_two_frozen_values,
    stage_two_frozen_values_batched,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, stage II of the SignGD dynamics; Fig. 2(d)",
    statement=(
        "In the second stage of SignGD the query noise <w_Q,r, xi_i> and the key noise <w_K,r, xi_i> "
        "come to share their sign for (almost) every sample i and neuron r, after stage I and before "
        "the noise query's softmax weight on the signal key collapses."
    ),
    instances=PROBLEMS,
    experiment=stage_two,
    batched_experiment=stage_two_batched,  # the seeds of a look as one stacked model
    prediction=Threshold("qk_sign_alignment", ">=", ALIGNED),
    mutants=[
        Mutant(
            "no_alignment",
            Threshold("qk_sign_alignment", "<=", 0.6),
            why="query and key noise start independent (alignment 1/2), but sign steps push each towards "
            "the other's sign, coherently over the noise support, once the value noise dominates",
        ),
        Mutant(
            "query_sign_fixed",
            Threshold("query_sign_kept", ">=", ALIGNED),
            why="q_r and k_r move towards each other's sign at the same speed, so whichever is smaller "
            "flips: the query noise loses its initial sign in about a quarter of the pairs",
        ),
        Mutant(
            "aligned_in_stage_one",
            Threshold("qk_sign_alignment_t1", ">=", ALIGNED),
            why="while the value noise is still near init (stage I) the attention gradient has random "
            "signs, so at stage I's end alignment is still at chance",
        ),
        Mutant(
            "collapse_before_alignment",
            Comparison("t_align", "t_read", ">="),
            why="the alignment is what makes the noise query's logit on its own key grow, so it must be "
            "reached before s_21 falls to 0.1",
        ),
    ],
    controls=[
        Control(
            "values_frozen",
            stage_two_frozen_values,
            batched_experiment=stage_two_frozen_values_batched,
            why="the alignment is driven by the memorised value noise (it fixes the sign of the noise "
            "query's logit gradient on its own key); with both value maps frozen at init that sign is "
            "random per sample and the query/key noise signs stay near chance (measured 0.41-0.75)",
        )
    ],
    reference=reference(
        figure="2(d)",
        value="query and key noise drawn by their sign at t = 100 of 900 SignGD steps; positive (dotted) "
        "and negative (solid) query and key noise move together after the alignment",
        setting="synthetic signal + sparse noise, two-layer transformer, SignGD",
    ),
    gaps=[
        "d <= 1600, n <= 16, m_k = m_v = 16: the theorem's size conditions are not met",
        "stage II delimited by our rules: after the factor-2 stage-I end, read when s_21 first <= 0.1",
        "threshold 0.9 of (sample, neuron) pairs, not the theorem's all pairs",
    ],
    requires=[
        Threshold("s21_reached", ">=", 1.0),
        Threshold(sp.Symbol("t_read") - sp.Symbol("t1"), ">=", 1.0),
    ],
)
