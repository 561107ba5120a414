"""Gradient ascent of the correlation loss on power-sum features recovers theta* up to an s-th root of unity.

Zweig, Bruna (2023), Symmetric Single Index Learning, arXiv:2310.02117
(ICLR 2024), main theorem (as summarised in its abstract and reviews):
gradient flow on the correlation loss of a symmetric network recovers the
planted direction in power-sum feature space, up to an s-th root of unity,
s the adapted information exponent of the link.

Checked: links f(z) = (z^s / sqrt(s!) + t z^{s+1} / sqrt((s+1)!)) / sqrt(1 + t^2),
s in {2, 3}, t in [0, 0.5]; D in {2, 3} features q_j = p_j / sqrt(j) of sets
of N = (s+1) D + slack Haar-unitary eigenvalues (within the maximum-degree
assumption). Per seed: 4000 sets, a random planted theta*, labels
y = f(<theta*, q>), and retracted gradient ascent of the empirical
correlation (step 0.2, 150 steps; models/spherical_flow.py) from 8 random
starts. The claim: the worst start's s-fold alignment Re(rho^s),
rho = <theta*, theta>, is at least 0.9 (|rho| near 1 and rho near an s-th
root of unity); the ascent must have settled (precondition on the drift of
the correlation over the last fifth).
Mutant: the flow recovers theta* itself (at least 90 % of the starts end
within 0.1 of rho = 1): false, the ends spread over the s roots.
Control: labels shuffled across sets.
Gaps: the student is the spherical single-index learner on the power-sum
features with the known link (the paper's DeepSets student has frozen
first-layer features and a regulariser, not transcribed); empirical gradient
ascent on a finite sample, not population gradient flow; D <= 3.
"""

from __future__ import annotations

from tasks.powersum import recovery_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import recovery, recovery_shuffled

CLAIM = Claim(
    paper=PAPER,
    theorem="Main theorem: gradient flow recovers the planted direction up to an s-th root of unity",
    statement="From every random start, ascent of the correlation loss ends with "
    "Re(<theta*, theta>^s) >= 0.9.",
    instances=recovery_problems(exponents=(2, 3), max_dim=3, max_slack=2, max_tail=0.5),
    experiment=recovery,
    prediction=Threshold("align_min", ">=", 0.9),
    mutants=[
        Mutant(
            "recovers_theta_itself",
            Threshold("exact_fraction", ">=", 0.9),
            why="f(omega z) = f(z) up to the higher term for omega^s = 1, so the loss cannot tell theta* "
            "from "
            "omega theta*; each start goes to the root nearest its initial phase",
        )
    ],
    controls=[
        Control(
            "shuffled_labels",
            recovery_shuffled,
            why="with the labels shuffled no direction of feature space predicts them",
        )
    ],
    reference=reference(
        section="main theorem (abstract and reviews)",
        value="gradient flow recovers the hidden direction up to an s-th root of unity; time controlled by "
        "the adapted information exponent and the initial correlation",
    ),
    gaps=[
        "spherical single-index student with the known link, not the paper's DeepSets parameterisation",
        "empirical gradient ascent on 4000 sets; D <= 3, s in {2, 3}",
    ],
    requires=[Threshold("drift", "<=", 1e-3)],
)
