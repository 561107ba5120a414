"""OOD: the structured model recalls held-out answers; the full-matrix model, fitted as well, does not.

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009: the
trained (reparameterised) transformer generalises out of distribution
(theory, Sec. 3-4), while "without proper parameterization, models with larger
expressive power surprisingly fail to generalize OOD after being trained by
gradient descent" (abstract; the paper's empirical half).

Checked: per seed, both models are trained by NGD on sequences whose answer
comes from a subset of the output tokens (a fraction held_out in [0.25, 0.75]
is never an answer in training, though it appears as filler) and tested on
sequences whose answers are all held out, at length T or 2T; the prediction
is acc_ood(structured) - acc_ood(full) >= 0.5 (top-1 = in-context answer,
which is the Bayes top-1 for alpha < 1/2). Preconditions: both models fit
the training distribution (in-distribution accuracy >= 0.95). ReLU attention
is not drawn: the full ReLU model from a small Gaussian init has dead units
(triggers whose W_QK[q, q] starts negative get no gradient) and reaches only
0.15-0.65 in-distribution accuracy, so the comparison would be vacuous.
Gaps: one-hot embeddings and a previous-token channel; full model = three
dense V x V matrices with Gaussian init (std 0.02) and NGD lr 0.5 (the
paper's exact over-parameterised baseline was not readable); 300 full-batch
steps on 512 contexts; no Adam arm (a prototype with Adam also gave OOD
accuracy 0.0).
"""

from __future__ import annotations

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Comparison, Mutant, Threshold, reference

from . import PAPER
from ._experiment import ood

CLAIM = Claim(
    paper=PAPER,
    theorem="OOD generalisation of the trained model (Sec. 3-4) and the paper's experiments (Sec. 5)",
    statement="Trained on some answers, the structured model recalls held-out ones; the full model fails.",
    instances=recall_problems(
        attentions=("softmax", "linear"),
        tasks=recall_tasks(
            max_vocab=64,
            max_context=32,
            max_alpha=0.3,
            min_held_out=0.25,
            max_held_out=0.75,
            longer_test=True,
        ),
    ),
    experiment=ood,
    prediction=Comparison("acc_ood_structured", "acc_ood_full", ">=", margin=0.5),
    mutants=[
        Mutant(
            "full_generalises_as_well",
            Comparison("acc_ood_full", "acc_ood_structured", ">=", margin=0.0),
            why="GD on the full W_OV only ever lowers the logits of tokens that are never answers, "
            "so held-out answers are out-ranked by trained ones",
        ),
        Mutant(
            "structured_collapses_ood",
            Threshold("acc_ood_structured", "<=", 0.5),
            why="the structured model is equivariant under permutations of the non-trigger tokens, "
            "so a held-out answer is recalled exactly like a trained one",
        ),
    ],
    reference=reference(
        section="5 (experiments)",
        value="trained reparameterised models generalise OOD; more expressive unconstrained models fail "
        "OOD after GD (abstract; figure values not read)",
    ),
    requires=[Threshold("acc_id_structured", ">=", 0.95), Threshold("acc_id_full", ">=", 0.95)],
    gaps=[
        "one-hot embeddings and a previous-token channel; full model = dense V x V matrices",
        "NGD for both models (lr 0.2 structured, 0.5 full), 300 full-batch steps on 512 contexts",
        "OOD shift = held-out answers, optionally with test context 2T",
        "softmax and linear attention only (full ReLU model does not fit in distribution: dead units)",
    ],
)
