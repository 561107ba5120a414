"""OOD inputs whose information the low-dimensional weights eliminated are classified into the bias class.

Uematsu, Haruki, Suzuki, Kimura, Takimoto, Nakagawa (2024), Dimensionality-
induced information loss of outliers in deep neural networks, arXiv:2410.21656
(ECML PKDD 2024), abstract and Sec. 4: "low-dimensional weights eliminate most
information from OOD samples, resulting in misclassifications due to excessive
attention to dataset bias".

Checked: on the networks of ``weights_low_dimensional`` at d = 128 (same
units), the bias class is the class the network gives the zero input (what is
left when the weights pass nothing on: the biases). ``bias_ood`` is the share
of OOD inputs whose information the weights eliminate (isotropic and
far-subspace sets, 500 each, mean of the two) predicted as that class;
``bias_in_subspace`` is the same share, on the same network, among 500 OOD
inputs from fresh clusters inside the ID subspace, whose information the
weights keep (the premise removed, energy and noise as the other sets). The
claim is the paired comparison: the eliminated-information sets go to the bias
class more often than the kept-information set (per-seed difference, its
interval above 0). The margin 0 is fixed from principle, not from a run: the
paper states a direction, not a size, and the in-subspace set on the same
network is the null level, so the claim is exactly its separation from that
level. (The previous design judged bias_ood - bias_id >= 0.25, a margin set
after one prototype, with the in-subspace set as a separate control at 0.2485:
not separated from it.)
Controls: the untrained network (full-rank weights pass every OOD input on: no
set should be singled out).
Mutants: no excess over inliers (near miss: "misclassified" read as "spread over
the classes like inliers", bias_ood - bias_id <= 0.05); every OOD input to the
bias class (near miss: "eliminate most information" read as all of it).
Gaps: synthetic balanced clusters (the paper's CIFAR classes are balanced too,
their bias is what training leaves in the biases); one hidden layer; the bias
class read off the zero input.
Finding of the default-tier run (nothing changed after it): HOLDS on both
instances, excess over the in-subspace set +0.40 [0.25, 0.54] (r, C, noise =
2, 3, 0.3) and +0.16 [0.05, 0.28] (6, 4, 0.48); the untrained control is
INCONCLUSIVE (-0.07), not HOLDS. By hand (seeds 0-3): bias_ood 0.79 / 0.48,
bias_in_subspace 0.58 / 0.33, bias_id 0.31 / 0.26: the in-subspace set also
drifts toward the bias class, less than the information-free sets.
"""

from __future__ import annotations

from tasks.low_dim_ood import low_dim_problems
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import dimension_sweep, untrained_sweep

CLAIM = Claim(
    paper=PAPER,
    theorem="Abstract, Sec. 4: information loss of outliers leads to misclassification by dataset bias",
    statement="On the same trained network, OOD inputs whose information the weights eliminate (isotropic, "
    "far-subspace) are assigned to the class of the zero input (the bias class) more often than OOD inputs "
    "inside the ID subspace, whose information is kept.",
    instances=low_dim_problems(max_intrinsic=6, max_classes=6),
    experiment=dimension_sweep,
    prediction=Comparison("bias_ood", "bias_in_subspace", ">=", 0.0),
    mutants=[
        Mutant(
            "no_excess_over_inliers",
            Comparison("bias_ood", "bias_id", "<=", 0.05),
            why="OOD predictions spread over the classes like inliers' would mean the weights kept their "
            "information",
        ),
        Mutant(
            "all_to_bias",
            Threshold("bias_ood", ">=", 0.95),
            why="the weights eliminate most, not all, of an OOD input: an isotropic one keeps k/d of its "
            "energy",
        ),
    ],
    controls=[
        Control(
            "untrained",
            untrained_sweep,
            why="full-rank random weights pass every OOD input on: losing information singles out no set",
        ),
    ],
    reference=reference(
        section="abstract, 4",
        value="low-dimensional weights eliminate most information from OOD samples, which are then "
        "misclassified by excessive attention to dataset bias (CIFAR-scale figures, not transcribed: only"
        " the abstract's statement was read)",
        setting="ours: one hidden layer, d = 128, isotropic and far-subspace OOD against in-subspace OOD on "
        "the same network, the zero input's class",
    ),
    gaps=[
        "synthetic balanced clusters; one hidden layer; the bias class read off the zero input",
        "margin 0 from principle: the paired in-subspace share is the null level",
    ],
    requires=[Threshold("accuracy", ">=", 0.75)],
)
