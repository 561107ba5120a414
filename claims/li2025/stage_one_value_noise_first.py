"""Stage I of SignGD: the key noise stays near init because the value noise that ends stage I is averaged.

Li, Huang, Han, Zhou, Suzuki, Zhu, Chen (2025), On the Optimization and
Generalization of Two-layer Transformers with Sign Gradient Descent,
arXiv:2410.04870 (ICLR 2025), Sec. 4 (the four-stage dynamics of SignGD),
stage I, and Fig. 2(a, b) (over t = 0..2 the mean value noise is linear in t
while the key noise stays close to its initial value). Only the abstract and
the Fig. 2 caption could be read; the quantities are our reconstruction.

What the old check did (issue #11, finding 1): it asked that at T1, when the
neuron-averaged value noise mean_r <w_{V,+,r} - w_{V,-,r}, y_i xi_i> has moved
twice its initial spread, the key noise <w_K,r, xi_i> has moved less than half
its own size. That held by construction: the averaged value noise starts
sqrt(m_v / 2) times smaller than one key neuron's projection and moves at
2 eta ||xi||_1 a step, the key at most eta ||xi||_1, so at m_v = 16 the key
drift at T1 is at most about 0.35 whatever the dynamics. Per neuron there is
no "value first": the keys move at 0.95-0.99 of the full sign step from step 0
(measured ``key_speed``), and relative to its own size a value neuron moves
only sqrt(2) times faster than a key neuron.

What is checked now: the law behind the paper's picture. SignGD moves both
at a fixed speed (sign steps), so the key drift at T1 is
key_speed * sqrt(2 / m_v): it falls like m_v^(-1/2) in the value width, and
"the key noise stays close to initialisation" is the wide-value-map limit of
that law. Per seed, the value width m_v is swept over 4..256 from one nested
initialisation (the query/key rows and the first m_v value neurons of one
draw), T1 is read per width by linear interpolation between steps (sign
updates are linear within a step, so the overshoot of a coarse step does not
matter and the whole eta / sigma_0 grid 0.005-0.5 is drawn), and the slope
of log key_drift against log m_v must be -1/2 within 0.1. This can fail:
keys whose speed depended on the width, or a value noise that did not move
coherently, would change the exponent; under GD (the control) the keys move
at second order (drift ~ 1e-3 at T1) with no width law.
Tolerance: 0.1 (20 % of the exponent), not the engine's default 0.05: the
initial spread that defines T1 is a mean over only n = 10-16 samples (about
20 % noise per width); fixed from a two-seed prototype (slopes -0.54,
-0.41 with independent inits per width, before nesting) and re-run on fresh
session seeds.
How much this tests (re-audit of issue #11, item 5): little dynamics. The
m_v^(-1/2) law is close to arithmetic: the central limit of the averaged
initial value noise (its spread, which sets T1, falls like m_v^(-1/2))
times a fixed sign-step speed of the keys. What the dynamics contribute is
the two speeds (key_speed near 1, value_speed near 1), and their mutants
(thresholds 0.5 and 0.75) sit far from the data (0.97-0.99 and 0.99-1.00);
the exponent mutants (0 and -1) are 8-23 half-widths away. Rated adequate,
not strong, by the re-audit, and the docstring agrees.
Fresh session seeds (default tier, the code of this version): seed 0 HOLDS
(slope -0.48, [-0.53, -0.43]), seed 1 HOLDS (-0.53, [-0.57, -0.49]), seed 2
HOLDS (-0.48, [-0.53, -0.44]); every mutant killed on each; the GD control
INCONCLUSIVE on seed 0, VIOLATED on seeds 1 and 2 (slope ~0, no width law).
Gaps: d <= 1 600, n <= 16, m_k = 16; stage I's end is our factor-2 rule, not
the paper's T1; the law follows from sign updates plus width averaging, so
it checks the mechanism of the paper's stage I, not its constants.
"""

from __future__ import annotations

import sympy as sp

from theorycheck import Claim, Control, Mutant, Scaling, Threshold, reference

from . import PAPER
from ._experiment import (
    PROBLEMS,
    signgd_stage_runs,
    stage_one,
    stage_one_batched,
    stage_one_gd,
    stage_one_gd_batched,
)

m_v = sp.Symbol("m_v", positive=True)


def _law(expr: sp.Expr) -> Scaling:
    return Scaling(expr, over=m_v, series="key_drift", tolerance=0.1, window=(4, 256))


CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, stage I of the SignGD dynamics; Fig. 2(a, b)",
    statement=(
        "In the first stage of SignGD the mean value noise grows linearly at the coherent rate while the "
        "key noise stays close to its initialisation; the separation comes from averaging over the value "
        "neurons: when the mean value noise has moved twice its initial spread, the key noise has moved "
        "a share of its own size that falls like m_v^(-1/2) in the value width."
    ),
    instances=signgd_stage_runs(problems=PROBLEMS, max_lr_over_sigma0=0.5),
    experiment=stage_one,
    batched_experiment=stage_one_batched,  # the seeds of a look as one stacked model
    prediction=_law(m_v ** sp.Rational(-1, 2)),
    mutants=[
        Mutant(
            "separation_independent_of_width",
            _law(sp.S.One),
            why="the key noise stays near init only relative to the width-averaged value noise: per neuron "
            "both move at the full sign step, so the key drift at T1 shrinks with m_v",
        ),
        Mutant(
            "drift_inverse_in_width",
            _law(1 / m_v),
            why="the averaged value noise's initial spread falls like m_v^(-1/2) (a mean of m_v random "
            "neurons), not 1/m_v, and both speeds are fixed by the sign step",
        ),
        Mutant(
            "keys_frozen_in_stage_one",
            Threshold("key_speed", "<=", 0.5),
            why="a sign step moves every key coordinate on supp(xi_i) by eta with a sign set by the "
            "(random, then value-driven) attention gradient, coherently over the support: the key noise "
            "moves at nearly the full eta ||xi_i||_1 from step 0, not at second order as under GD",
        ),
        Mutant(
            "value_noise_slower_than_coherent",
            Threshold("value_speed", "<=", 0.75),
            why="with (almost) disjoint noise supports the value gradient on supp(xi_i) has the sign "
            "y_i sign(xi_ik) from step 0 in every neuron, so the mean value noise grows by 2 eta ||xi_i||_1",
        ),
    ],
    controls=[
        Control(
            "gd_instead_of_signgd",
            stage_one_gd,
            batched_experiment=stage_one_gd_batched,
            why="the law comes from sign updates (fixed speeds); under GD the key gradient is second order "
            "at small init and the keys barely move, with no m_v^(-1/2) law",
        )
    ],
    reference=reference(
        figure="2(a, b)",
        value="over t = 0..2 the mean value noise becomes linear in t while the key noise remains "
        "close to initialisation",
        setting="synthetic signal + sparse noise, two-layer transformer, SignGD",
    ),
    gaps=[
        "d <= 1600, n <= 16, m_k = 16, m_v swept 4..256: the theorem's size conditions are not met",
        "end of stage I defined by a factor-2 drift rule of ours, read by interpolation between steps",
        "the m_v^(-1/2) law is our derivation of the paper's stage-I picture, not a printed statement",
        "tolerance 0.1 on the exponent (see docstring), fixed from a two-seed prototype",
    ],
    requires=[Threshold("stage1_resolved", ">=", 1.0)],  # T1 reached at every width
)
