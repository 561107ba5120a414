"""OOD: the structured model recalls held-out answers in twice longer contexts; the full model does not.

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009: the
trained (reparameterised) transformer generalises out of distribution
(theory, Sec. 3-4), while "without proper parameterization, models with larger
expressive power surprisingly fail to generalize OOD after being trained by
gradient descent" (abstract; the paper's empirical half).

Checked: per seed, the structured softmax model is trained by NGD on
sequences of length T whose answer comes from a subset of the output tokens
(a fraction held_out in [0.25, 0.75] is never an answer in training, though
it appears as filler) and tested on sequences of length 2T whose answers are
all held out; its excess risk there over H(alpha) must be at most 0.05 nats.
Why this form (audit, issue #11, finding 11): the former check, top-1
accuracy on held-out answers at length T or 2T minus the full model's,
was settled by the parameterisation: the structured model is equivariant
under permutations of the non-trigger tokens, so held-out answers are
recalled exactly like trained ones (estimate exactly 1.0 on every seed). Now
the shift always includes the longer context, which equivariance does not
settle (softmax attention spreads its leak over twice as many positions),
and the statistic is the excess loss, which the training path sets. Noisy
case only (alpha in [0.05, 0.3]): in the noiseless case the trained model is
at float resolution at every length (nothing to measure). Softmax only: with
linear (or ReLU) attention our model divides the scores by the context
length, so the answer logit halves at 2T while the noise logit does not, and
with alpha > 0 the top-1 flips to the noise token (excess 2.4 nats in a
prototype); whether the paper's linear attention is normalised by T could
not be read, so that is a property of our reconstruction, not a finding.
Control: the same architecture with free dense V x V matrices (Gaussian init
std 0.02, NGD lr 0.5), trained on the same data to the same in-distribution
fit, must fail (prototype: excess 6-7 nats, accuracy 0 on held-out answers:
GD only ever lowers the logits of tokens that are never answers).
Mutants: the shift costs nothing (excess OOD <= excess in distribution; the
doubled context doubles the attention leak: 0.010 vs 0.003 nats in a
prototype), and the longer context breaks recall (excess >= 0.5 nats, the
linear-attention outcome).
Gaps: one-hot embeddings and a previous-token channel; 300 full-batch NGD
steps on 512 contexts; the 0.05-nat tolerance is 5x the in-distribution
tolerance of ``bayes_optimal_attention`` (fixed before this version's runs).
"""

from __future__ import annotations

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import ood, ood_batched, ood_full

CLAIM = Claim(
    paper=PAPER,
    theorem="OOD generalisation of the trained model (Sec. 3-4) and the paper's experiments (Sec. 5)",
    statement="Trained on some answers at length T, the structured softmax model stays within 0.05 nats "
    "of the Bayes risk on held-out answers at length 2T; the full-matrix model does not.",
    instances=recall_problems(
        attentions=("softmax",),
        tasks=recall_tasks(
            max_vocab=64,
            max_context=32,
            min_alpha=0.05,
            max_alpha=0.3,
            min_held_out=0.25,
            max_held_out=0.75,
            longer_test=True,
            always_longer=True,
        ),
    ),
    experiment=ood,
    batched_experiment=ood_batched,
    prediction=Threshold("gap_ood", "<=", 0.05),
    mutants=[
        Mutant(
            "shift_costs_nothing",
            Comparison("gap_id", "gap_ood", ">="),
            why="softmax spreads the attention leak T e^-a over the 2T positions of the longer context, so "
            "the OOD excess exceeds the in-distribution one even though the answer is recalled",
        ),
        Mutant(
            "longer_context_breaks_recall",
            Threshold("gap_ood", ">=", 0.5),
            why="softmax normalises the attention, so the answer's weight stays near 1 at any length",
        ),
    ],
    controls=[
        # not batched: stacked dense V x V matrices gave 1.14x, and NGD (lr 0.5) on them grows the float
        # reduction-order differences of a stacked forward to 5e-4 nats in the loss by step 300
        Control(
            "full_parameterisation",
            ood_full,
            why="the structured parameterisation is the premise: dense matrices fitted as well in "
            "distribution never raise the logits of held-out answers",
        )
    ],
    reference=reference(
        section="5 (experiments)",
        value="trained reparameterised models generalise OOD; more expressive unconstrained models fail "
        "OOD after GD (abstract; figure values not read)",
    ),
    requires=[Threshold("acc_id", ">=", 0.95)],
    gaps=[
        "one-hot embeddings and a previous-token channel; full model (control) = dense V x V matrices",
        "NGD, 300 full-batch steps on 512 contexts; shift = held-out answers and test context 2T",
        "softmax attention, alpha in [0.05, 0.3] (see the docstring for linear attention and alpha = 0)",
    ],
)
