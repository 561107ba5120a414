"""At n SNR^2 = Theta(1), multi-modal contrastive learning generalises downstream and single-modal does not.

Huang, Han, Chen, Cao, Xu, Suzuki (2024), On the Comparison between
Multi-modal and Single-modal Contrastive Learning, arXiv:2411.02837 (NeurIPS
2024), Theorems 4.2 and 4.3 under Assumption 4.1: with n SNR^2 = Theta(1)
and a second modality whose signal is C_mu >= 2.66 times stronger, both
trainings reach training loss <= eps, the single-modal encoder's downstream
test error is Theta(1) and the multi-modal encoder's is o(1).

Checked: per seed, the paper's data model (d in [1000, 4000], n in [50, 100],
C_mu in [2.66, 4], n SNR^2 in [max(0.8, 2.21/C_mu), 1.6], unit noise, augmentation noise 0.1,
downstream signal nu = 0.4 mu as in the paper's synthetic experiment) and
two trainings of the first modality's encoder (m = 50 patch-wise ReLU
neurons, InfoMax loss with the paper's stop-gradient similarity and
opposite-label negatives, full-batch GD, 300 steps): against its
noise-keeping augmentation (single-modal) and jointly with a second
encoder on the partner modality (multi-modal). A logistic probe on the
frozen embeddings of the OOD downstream task (fitted on 200, scored on 200
samples). Prediction: accuracy multi-modal minus single-modal >= 0.05 (the
spec's margin, fixed before any run). Precondition: both trainings reached
final loss <= 5 % of the initial one (the theorems' "training error <= eps").
Mutants: single-modal equals multi-modal (the gain at most 0.05: near miss);
single-modal generalises at the same low SNR (accuracy >= 0.9).
Controls: the partner modality carries no signal (mu~ = 0); pairs shuffled
across labels (the modalities share nothing). Neither may show the gain.
Range changed after a run: the first default run drew n SNR^2 in
[0.8, 1.6] independently of C_mu, and the search found the mechanism failing
at C_mu = 2.66, n SNR^2 = 0.8 (multi-modal noise memorisation above its
signal learning; the accuracy gain still held there). That corner has
C_mu n SNR^2 = 2.13, below the 1.06/0.48 = 2.21 that the proof of Lemma 5.4
needs for the multi-modal signal to win its first-stage race (Assumption
4.1's Theta(1) leaves that constant implicit), so the lower end is now
max(0.8, 2.21/C_mu); the claims were re-run on the new draws.
Not evidence for the mechanism near that edge (audit of issue 13): the
sibling claim ``single_modal_memorises_noise``, on the same instances,
seeds and trainings, is VIOLATED on 3 of 5 instances just above the moved
edge (C_mu n SNR^2 = 2.2-2.4 at n = 50, d = 1000: the multi-modal encoder's
noise memorisation exceeds its signal learning, log ratio -0.27 to -0.67),
while this claim's accuracy gain holds there too. So a HOLDS of this claim
in that region shows the downstream outcome (Theorems 4.2-4.3), not the
paper's explanation of it (multi-modal signal learning winning the race):
the gain there comes with a multi-modal encoder that memorises noise more
than it learns the signal. Only where the sibling claim also holds (C_mu n
SNR^2 >= about 2.6 in that run) do outcome and mechanism agree.
Gaps: GD simulated exactly in the span of the data (inner products drawn
from their joint law), so d is free; our step size, temperature (1) and
initial scale (the paper's experiment gives lr 0.01 and 200 epochs, no tau
or sigma_0); 300 steps; the probe is fitted on downstream samples (the paper
does not say on which).
"""

from __future__ import annotations

import sympy as sp

from tasks.multimodal_contrastive import multimodal_tasks
from theorycheck import Claim, Comparison, Control, Inequality, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    compare_modalities,
    compare_modalities_batched,
    compare_partner_without_signal,
    compare_partner_without_signal_batched,
    compare_shuffled_pairs,
    compare_shuffled_pairs_batched,
)

multi, single = sp.symbols("acc_multi acc_single")
slack = sp.Symbol("slack", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Theorems 4.2 and 4.3 (downstream test error Theta(1) single-modal, o(1) multi-modal)",
    statement="At n SNR^2 = Theta(1) with a partner modality C_mu >= 2.66 times cleaner, the multi-modal "
    "encoder's downstream accuracy exceeds the single-modal encoder's by at least 0.05.",
    instances=multimodal_tasks(),
    experiment=compare_modalities,
    batched_experiment=compare_modalities_batched,
    prediction=Comparison(multi, single, ">=", margin=0.05),
    mutants=[
        Mutant(
            "single_modal_equals_multi_modal",
            Inequality(multi <= single + slack, constants={slack: 0.05}),
            why="the partner's noise is independent of xi, so only the shared signal aligns a pair: "
            "multi-modal training learns mu, single-modal training memorises the shared xi",
        ),
        Mutant(
            "single_modal_generalises",
            Threshold(single, ">=", 0.9),
            why="at n SNR^2 = Theta(1) the augmentation keeps xi and noise memorisation outgrows the signal "
            "(Theorem 4.2: test error Theta(1))",
        ),
    ],
    reference=reference(
        figure="1; Table 1",
        value="synthetic (d = 2000, n = 100, m = 50, mu = 5 e_1, mu~ = 15 e_2, nu = 2 e_1): OOD test "
        "accuracy "
        "near 1.0 multi-modal, about 0.5 single-modal; ColoredMNIST: 82.13 % multi vs 12.68 % single",
    ),
    gaps=[
        "exact GD in the data's span (inner products drawn from their law); our step, tau = 1, sigma_0",
        "300 GD steps; the probe fitted on 200 downstream samples; n <= 100, d <= 4000",
        "outcome, not mechanism: near C_mu n SNR^2 = 2.2-2.4 the gain holds while the multi-modal "
        "encoder memorises noise more than it learns the signal (single_modal_memorises_noise VIOLATED "
        "there), so a HOLDS there is not evidence for the paper's mechanism",
    ],
    requires=[Threshold("loss_single", "<=", 0.05), Threshold("loss_multi", "<=", 0.05)],
    controls=[
        Control(
            "partner_without_signal",
            experiment=compare_partner_without_signal,
            batched_experiment=compare_partner_without_signal_batched,
            why="the cooperation needs a signal shared across modalities; mu~ = 0 removes it",
        ),
        Control(
            "shuffled_pairs",
            experiment=compare_shuffled_pairs,
            batched_experiment=compare_shuffled_pairs_batched,
            why="pairs across random labels share neither signal nor noise",
        ),
    ],
)
