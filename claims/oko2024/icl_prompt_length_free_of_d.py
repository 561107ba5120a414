"""After pretraining, the in-context prompt length does not grow with the ambient dimension d.

Oko, Song, Suzuki, Wu (2024), Pretrained transformer efficiently learns
low-dimensional target functions in-context, arXiv:2411.02544 (NeurIPS 2024),
main theorem (Theorem 1, informal in Sec. 1): a transformer with a nonlinear
MLP feature layer and a linear-attention readout, pretrained by gradient
descent on single-index tasks sigma(<x, beta>) with beta on the sphere of an
r-dim subspace, reaches small in-context error with a prompt length
N = r^Theta(P) (up to logs) that does not depend on d.

Checked: per seed, the model is pretrained at d_lo and d_hi = 4 d_lo; the
prompt length N(eps) at which its test error (1000 fresh tasks x 8 queries,
normalised by Var f = 1) first falls below eps = 0.35 is read off a grid
N = 8..128. The claim: the model learns in context (N_lo <= 64) and the
elasticity log(N_hi/N_lo) / log(d_hi/d_lo) lies below 0.35 (the spec's
pre-registered bound; a prompt-only learner has >= 1); per seed the
statistic is min(0.35 log(d_hi/d_lo) - log(N_hi/N_lo), log(64/N_lo)) >= 0.
A length that never reaches eps is censored at the grid top (128); that
only understates N_hi, i.e. the growth, so a censored d_hi run still counts
against the claim whenever log(128/N_lo) exceeds the bound (it does for any
N_lo <= 64). The old precondition "nothing censored" dropped exactly those
runs (audit, issue #11, finding 13); it is gone. The first term alone would
hold on a model that learns nothing in context (N censored at both d, ratio
1): the second term states that it must learn at d_lo.
Control (re-audit of issue #11): the same pretraining on S, then prompts
whose tasks lie in a fresh random r-dim subspace S' (the low-dimensional
prior the model was pretrained on is removed at test time). A model that
had learned a generic in-context algorithm, free of d for a reason other
than the prior, would pass it (HOLLOW); one that relies on S must not. It
replaces the full-prior control (index uniform on the whole sphere), which
did not pretrain (error 0.8-0.9 at N = 64) and so failed through "learns at
d_lo" for the same reason as finding 10, whatever the claim's mechanism.
Mutants: the length grows linearly in d (far); it grows like sqrt(d)
(growth >= 0.5 log 4, an elasticity within 0.5 of the bound's side); prompt-
only KRR (LOO ridge) is as short as the pretrained model at d_hi (its N is
censored at 128, which only weakens this rejection).
Precondition (validity, not outcome): the pretraining loss has stopped
falling (drift <= 0.1 over the last fifth). Until the re-audit of issue #11
there was a second one, err(N = 64, d_lo) <= 0.35, which is the second term
of the judged Min: a model that does not learn in context was INCONCLUSIVE
instead of VIOLATED. It is gone; that term is judged.
Default tier, session seed 0, with both changes (family d 6 -> 24, r = 1):
HOLDS, 0.47 [0.39, 0.55]; shifted_subspace VIOLATED (-0.69 on every seed:
on S' the model does not reach eps by N = 128 even at d_lo, so the second
term is log(64/128)); icl_length_like_sqrt_d killed at 8.2 half-widths,
icl_length_linear_in_d at 16.5, prompt_only_matches_icl at 23.3.
Gaps: Adam on all layers jointly (600 steps, 32 prompts of length 32, width
m = 64), not the paper's layer-wise GD with its pretraining budget d^Theta(Q);
d in [6, 32], r <= 2; He_2 link only (He_3 and (He_2+He_3)/sqrt 2 did not
pretrain at this budget: ICL error 0.9-1.0 and 0.65-0.75 at N = 128); the
ReLU-feature / linear-attention model is our reconstruction.
"""

from __future__ import annotations

import sympy as sp

from tasks.single_index_prompts import single_index_families
from theorycheck import Claim, Control, Inequality, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    icl_sweep,
    icl_sweep_batched,
    icl_sweep_shifted_subspace,
    icl_sweep_shifted_subspace_batched,
)

n_lo, n_hi, d_lo, d_hi, n_krr = sp.symbols("n_icl_lo n_icl_hi d_lo d_hi n_krr_hi", positive=True)
c = sp.Symbol("c", positive=True)
GROWTH = sp.log(n_hi / n_lo)  # log of the prompt-length ratio
SPAN = sp.log(d_hi / d_lo)  # log of the dimension ratio (log 4)

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorem 1 (in-context sample complexity independent of d)",
    statement="The pretrained model learns in context, and the prompt length it needs to reach error "
    "0.35 grows with d with elasticity below 0.35 (the theorem: not at all).",
    instances=single_index_families(min_base=6, max_base=8, ratio=4, points=2, max_rank=2, links=("he2",)),
    experiment=icl_sweep,
    batched_experiment=icl_sweep_batched,
    prediction=Inequality(sp.Min(c * SPAN - GROWTH, sp.log(64 / n_lo)) >= 0, constants={c: 0.35}),
    mutants=[
        Mutant(
            "icl_length_linear_in_d",
            Inequality(GROWTH >= SPAN),
            why="pretraining puts the subspace S into the features, so in context only an r-dim "
            "problem is left; growth like d is what a learner without the prior needs",
        ),
        Mutant(
            "icl_length_like_sqrt_d",
            Inequality(GROWTH >= SPAN / 2),
            why="the features carry the subspace after pretraining, so the in-context problem is "
            "r-dimensional; no fractional power of d is left",
        ),
        Mutant(
            "prompt_only_matches_icl",
            Inequality(n_krr <= 2 * n_hi),
            why="KRR on the prompt alone needs about (d+1)(d+2)/2 > 300 samples at d >= 24; its error "
            "stays near 1 up to N = 128 while the pretrained model crosses 0.35 near N = 30",
        ),
    ],
    reference=reference(
        section="1 and 5",
        value="in-context sample complexity r^Theta(P), free of d; prompt-only methods need a length "
        "growing with d (abstract; figure values not extracted)",
    ),
    gaps=[
        "Adam jointly on all layers (600 steps), not layer-wise GD with the theorem's pretraining budget",
        "d in [6, 32], r <= 2, He_2 link only; ReLU-feature linear-attention model reconstructed",
    ],
    controls=[
        Control(
            "shifted_subspace",
            icl_sweep_shifted_subspace,
            batched_experiment=icl_sweep_shifted_subspace_batched,
            why="the low-dimensional task prior is the premise: pretrained on S and prompted with tasks "
            "from another subspace S', the features carry the wrong subspace and the in-context "
            "problem is d-dimensional again",
        )
    ],
    requires=[Threshold("loss_drift", "<=", 0.1)],
)
