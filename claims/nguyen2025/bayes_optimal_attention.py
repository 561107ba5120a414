"""Linear, ReLU and softmax one-layer attention all reach the Bayes risk of noisy in-context recall.

Nguyen, Nguyen-Tang (2025), How Transformers Learn In-Context Recall Tasks?
Optimality, Training Dynamics and Generalization, arXiv:2505.15009, Lemma 3.1
(linear / ReLU attention) and Lemma 4.1 (softmax attention), as numbered in
the reviews of v3: a class of one-layer transformers with either attention is
Bayes-optimal for the (noisy) in-context recall task, whose Bayes risk is the
binary entropy H(alpha).

Checked: per seed, the structured model of the drawn attention kind, trained
by NGD (lr 0.2, 300 steps), has held-out excess risk L - H(alpha) <= 0.01
nats, in the noisy case alpha in [0.05, 0.3]. The lemmas are existence
statements (the parameters go to infinity along the constructed direction),
so we follow the training path instead of plugging in a limit. The noiseless
case is not drawn: there the construction needs no noise map and the trained
loss reaches float resolution, which ``ngd_linear_rate`` already shows (and
the no-noise-map control would hold there by construction). The tolerance
0.01 nats was set from the spec's prototype (NGD at lr 0.2 is at ~3e-3 after
300 steps and still falling, see ``ngd_noisy_linear_rate``), i.e. after
seeing data; it is 3x that level, and the controls below sit 0.3-3 nats above.
Controls (the construction's two ingredients removed, same training): the
noise map W_F pinned at 0 (the noise mass alpha can then only be spread over
every non-answer token: excess about alpha log(V - 2)), and keys on the
current token instead of the previous one (the trigger then points at itself,
not at the answer after it: excess about (1 - alpha) log(outputs)).
Mutants: the context-blind predictor is as good (far: excess >= (1 - alpha)
log 2); the excess has stalled at a positive level (gap(T) >= gap(T/2), a
careful reader's alternative for a finite-step optimiser: it is still
falling); and the excess has already vanished to the noiseless level (<= 1e-4).
Gaps: one-hot embeddings and a previous-token channel; 300 NGD steps on 512
contexts with soft labels; linear/ReLU start at a = b = 0.5.
"""

from __future__ import annotations

from tasks.recall import recall_problems, recall_tasks
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    bayes_optimality,
    bayes_optimality_batched,
    bayes_optimality_current_keys,
    bayes_optimality_no_noise_map,
    bayes_optimality_no_noise_map_batched,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="Lemma 3.1 (linear/ReLU) and Lemma 4.1 (softmax attention), noisy case",
    statement="One-layer linear, ReLU and softmax attention, trained by NGD, all come within 0.01 nats "
    "of the noisy-recall Bayes risk H(alpha).",
    instances=recall_problems(
        tasks=recall_tasks(max_vocab=64, max_context=32, min_alpha=0.05, max_alpha=0.3)
    ),
    experiment=bayes_optimality,
    batched_experiment=bayes_optimality_batched,
    prediction=Threshold("gap", "<=", 0.01),
    mutants=[
        Mutant(
            "excess_has_stalled",
            Comparison("gap", "gap_half", ">="),
            why="the infimum H(alpha) is approached only as the parameters grow without bound, so the "
            "excess keeps falling along the NGD path (gap(T) < gap(T/2)) rather than settling at a "
            "positive level",
        ),
        Mutant(
            "excess_already_at_float_level",
            Threshold("gap", "<=", 1e-4),
            why="with noise the optimum needs the tuned log-odds c - b = log(alpha / (1 - alpha)), which "
            "the fixed NGD step keeps overshooting: the excess after 300 steps is ~1e-3, not ~0 as in "
            "the noiseless case",
        ),
        Mutant(
            "context_blind_is_optimal",
            Threshold("blind_gap", "<=", 0.01),
            why="without the context the answer is uniform over the outputs: excess >= (1 - alpha) log 2",
        ),
    ],
    controls=[
        Control(
            "no_noise_map",
            bayes_optimality_no_noise_map,
            batched_experiment=bayes_optimality_no_noise_map_batched,
            why="the noise map W_F is what puts the mass alpha on the noise token alone",
        ),
        # not batched: with softmax attention NGD on the current-token keys amplifies float reduction-order
        # differences (stacked vs per-seed forward, 1e-15) to 0.2 in a and 4e-4 nats in the loss by step 300
        Control(
            "current_token_keys",
            bayes_optimality_current_keys,
            why="the previous-token key is what lets the trigger point at the answer that follows it",
        ),
    ],
    reference=reference(
        section="3 and 4",
        value="Bayes-optimal constructions for linear, ReLU and softmax attention (noiseless and noisy)",
    ),
    gaps=[
        "one-hot embeddings and a previous-token channel",
        "optimality checked along the NGD path (300 steps), tolerance 0.01 nats (3x the prototype's level)",
        "noisy case alpha in [0.05, 0.3] only (the noiseless case is exercised by ngd_linear_rate)",
    ],
)
