"""Linear, ReLU and softmax one-layer attention all reach the Bayes risk of in-context recall.

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009, Lemma 3.1
(linear / ReLU attention) and Lemma 4.1 (softmax attention), as numbered in
the reviews of v3: a class of one-layer transformers with either attention is
Bayes-optimal for the (noisy) in-context recall task, whose Bayes risk is the
binary entropy H(alpha).

Checked: per seed, the structured model of the drawn attention kind, trained
by NGD (lr 0.2, 300 steps), has held-out excess risk L - H(alpha) <= 0.01
nats. This checks that the class attains the Bayes risk (the lemmas are
existence statements: the parameters go to infinity along the constructed
direction, so we follow the training path instead of plugging in a limit).
Mutants: the excess risk is negative (impossible: it is a KL divergence), and
the context-blind predictor (the training answer frequencies, plus alpha on
the noise token) is Bayes-optimal too (false: without the context the answer
is uniform over >= 2 outputs, excess >= (1 - alpha) log 2).
Gaps: one-hot embeddings and a previous-token channel; the tolerance 0.01
nats covers the lr-dependent NGD floor when alpha > 0 (~3e-3 at lr 0.2);
linear/ReLU start at a = b = 0.5.
"""

from __future__ import annotations

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiment import bayes_optimality

CLAIM = Claim(
    paper=PAPER,
    theorem="Lemma 3.1 (linear/ReLU) and Lemma 4.1 (softmax attention)",
    statement="One-layer linear, ReLU and softmax attention all attain the recall Bayes risk H(alpha).",
    instances=recall_problems(tasks=recall_tasks(max_vocab=64, max_context=32, max_alpha=0.3)),
    experiment=bayes_optimality,
    prediction=Threshold("gap", "<=", 0.01),
    mutants=[
        Mutant(
            "beats_bayes_risk",
            Threshold("gap", "<=", -0.01),
            why="expected cross-entropy minus H(alpha) is a KL divergence, never negative",
        ),
        Mutant(
            "context_blind_is_optimal",
            Threshold("blind_gap", "<=", 0.01),
            why="without the context the answer is uniform over the outputs: excess >= (1 - alpha) log 2",
        ),
    ],
    reference=reference(
        section="3 and 4",
        value="Bayes-optimal constructions for linear, ReLU and softmax attention (noiseless and noisy)",
    ),
    gaps=[
        "one-hot embeddings and a previous-token channel",
        "optimality checked along the NGD path (300 steps), tolerance 0.01 nats",
    ],
)
