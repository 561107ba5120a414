"""GD from zero puts (almost) all attention, from every query, on the label-relevant group.

Zhang, Meng, Cao (2025), Transformer Learns Optimal Variable Selection in
Group-Sparse Classification, arXiv:2504.08638 (ICLR 2025), main convergence
theorem (Sec. 3; theorem number not confirmed from the PDF): after
T* = Theta(D^3 v 1/(D^3 eps^3)) GD steps from zero, S[j*, j] >= 1 - exp(-Theta(D))
for every query j, with a loss that converges to zero.

Checked: the leak 1 - min_j S_bar[j*, j] (S averaged over 2 000 held-out
inputs; the worst query position) is at most 0.1 at the end of training (the
spec's min_j S >= 0.9), on every drawn (d, D, j*, v*, sigma_x), with no
precondition: every run is judged. (Before the audit of issue #11 the claim
required a held-out error <= 0.05, which turned exactly the runs where the
attention locks onto the wrong group INCONCLUSIVE, so the wrong-group mutant
could never show; finding 8.)
sigma_x in [0.5, 1] here, a range chosen after seeing results: at sigma_x = 2
with d >= 8 (or D = 8) the attention does not concentrate within our budget
(leak 0.55-0.99: at step 4 each query can lock onto itself; at steps 1 and
0.25 the leak still falls slowly, 0.6 -> 0.43 over 3 000 steps). That regime
is the claim ``attention_selects_relevant_group_large_sigma``, which reports
it; between sigma_x = 1 and 2 the outcome depends on d and D (d = 8,
sigma_x = 1.5 concentrates; d = 12 does not yet).
Control: the same GD on labels drawn independently of the input (no group
carries label information): the attention must not concentrate on j*.
Mutants: the group with the most attention is not j* (the lock the old
precondition hid); the leak does not shrink from T/4 to T; it shrinks only
like t^-1/4 (leak(T) >= 4^-1/4 leak(T/4); the prototype decays like t^-0.7).
Gaps: a fixed budget of 600 GD steps (default) instead of T* ~ D^3, so we
check "small" (<= 0.1), not the exp(-Theta(D)) level; fresh batches of 512
instead of the population gradient; output averaged over queries (the paper
sums them: a step-size rescaling); one-hot positional codes of norm 1 instead
of the paper's orthogonal sine codes (their norm relative to sigma_x sqrt(d),
which the large-sigma regime shows to matter, is not known to us).
"""

from __future__ import annotations

import sympy as sp

from tasks.group_sparse import group_sparse_tasks
from theorycheck import Claim, Comparison, Control, Inequality, Mutant, Threshold, reference

from . import PAPER
from ._experiment import pretraining, pretraining_shuffled_labels, pretrainings, pretrainings_shuffled_labels

leak_T, leak_quarter = sp.symbols("leak_T leak_quarter", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Main convergence theorem (Sec. 3): attention concentration S[j*, j](T*) >= 1 - exp(-Theta(D))",
    statement=(
        "A one-layer self-attention classifier trained by GD from zero on group-sparse data attends, "
        "from every query position, almost only to the label-relevant group j*."
    ),
    instances=group_sparse_tasks(min_d=4, max_d=12, min_groups=4, max_groups=8, max_sigma=1.0),
    experiment=pretraining,
    batched_experiment=pretrainings,
    prediction=Threshold("leak_T", "<=", 0.1),
    mutants=[
        Mutant(
            "selects_wrong_group",
            Comparison("mass_other_max", "mass_jstar_min", ">="),
            why="no irrelevant group is correlated with the label, so none can out-attend j*",
        ),
        Mutant(
            "leak_does_not_shrink",
            Comparison("leak_T", "leak_quarter", ">="),
            why="the theorem's attention score on j* grows monotonically in t, so the leak at T is below "
            "the leak at T/4",
        ),
        Mutant(
            "leak_shrinks_like_t_to_minus_quarter",
            Inequality(leak_T >= 4 ** sp.Rational(-1, 4) * leak_quarter),
            why="the j* score grows like log t while v grows, so the leak falls like a power of t well "
            "beyond -1/4 (about t^-0.7 in the spec's prototype)",
        ),
    ],
    controls=[
        Control(
            "shuffled_labels",
            pretraining_shuffled_labels,
            why="the label's dependence on x_{j*} is what drives the j* score up; with labels independent "
            "of the input no group is relevant",
            batched_experiment=pretrainings_shuffled_labels,
        )
    ],
    reference=reference(
        section="3 (theory) and 5 (synthetic experiments)",
        value="S[j*, j] >= 1 - exp(-Theta(D)) at T*; attention maps concentrate on the relevant group "
        "(no numbers extracted from the figures)",
    ),
    gaps=[
        "600 GD steps (default), not T* ~ D^3: checks leak <= 0.1, not the exp(-Theta(D)) level",
        "fresh batches of 512 samples instead of the population loss",
        "output averaged over queries (paper: summed) with step 4; one-hot instead of sine positional codes",
        "sigma_x in [0.5, 1]; sigma_x = 2 is attention_selects_relevant_group_large_sigma (it fails there)",
    ],
)
