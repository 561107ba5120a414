"""Trained on noisy samples with known risk, the risk-sensitive loss moves the model towards the clean law.

Li, Luyten, van der Schaar (2024), arXiv:2402.02081, the risk-free loss of
the risk-sensitive SDE (Sec. 4 of v3; the experiments of Sec. 5 / Table 1).
Standard denoising score matching on noisy samples learns the score of the
noisy law; with the risk-sensitive noise level a Gaussian-perturbed sample
is an exact draw of the clean forward marginal at every feasible time, so
the loss's minimiser is the clean score.

Checked, as a paired comparison (the mechanism, not a fixed midpoint): a clean
1-D mixture (2-3 modes), 4000 samples of which a fraction in [0.3, 0.7]
carries N(0, r^2) noise, r from two levels in [0.5, 1.5] (known per sample).
Two score MLPs (2 x 64, SiLU; 1500 Adam steps, batch 1024, one-cycle lr 3e-3)
are trained on the same samples, one with the risk-sensitive loss and one by
standard DSM (their own training streams), and sampled by the reverse VP SDE
(200 steps, 4000 particles, the same sampler draws). share = W1(gen, clean) /
(W1(gen, clean) + W1(gen, noisy law)) is 0 at the clean law and 1 at the
noisy law. Prediction: share_std - share_rs > share_floor, paired per seed,
where share_floor is the share of an exact draw of the clean law of the same
size (the W1 estimates' Monte Carlo resolution, about 0.02-0.04): the
risk-sensitive arm is nearer the clean law than standard DSM by more than an
exact clean sample is from share 0. Margin fixed before this paired run (the
previous, unpaired version had seen share 0.37-0.41 for the risk-sensitive
arm and 0.65 for standard DSM). Preconditions (convergence): both training
losses below 0.9 (the eps-prediction loss of the zero predictor is 1).

Controls: ``standard_dsm``, the risk-sensitive arm trained by standard DSM on
its own stream (standard against standard: the margin must not come from
seed-to-seed noise); ``shuffled_risk``, the risk-sensitive loss with the risk
vector permuted across samples (the same number of pairs dropped at small t,
but not the noisy samples': the premise that the risk is known removed).

Mutants: ``halfway`` (the risk-sensitive model's share within 0.15 of 0.5; it
survived the previous version at 0.37-0.41 and is kept), ``learns_noisy_law``
(share_rs >= 0.8, far) and ``reaches_clean_law`` (share_rs within 0.05 of an
exact clean sample's: the theorem's minimiser reached at this scale).

Default tier (Dec 2026; 922 s on a machine loaded about 7-fold, about 3 min
of CPU): HOLDS on both judged instances after 8 seeds: share_std - share_rs -
share_floor = 0.39 (CI 0.31-0.48) and 0.33 (CI 0.29-0.37); the risk-sensitive
arm's share is 0.29-0.31. Both controls VIOLATED: standard_dsm -0.07 (the
two standard arms differ by less than an exact sample's share), shuffled_risk
-0.04 (with the risks permuted the gain is gone, so it is not the dropped
small-t pairs). Killed: reaches_clean_law (share_rs - share_floor 0.19 and
0.24, the near miss: the trained model is not at the clean law) and
learns_noisy_law. Survived: halfway (share_rs 0.29: VIOLATED on one
instance, straddling 0.35 on the other, about 13 seeds would decide): at
1500 steps the generated law sits between the two, nearer the clean end, and
the mutant stays as the record of that.

Gaps: 1-D synthetic mixtures instead of tabular/time-series data; Gaussian
noise only (the paper also treats non-Gaussian noise); W1 instead of the
paper's Wasserstein distance on real data / MMD.
"""

from __future__ import annotations

import sympy as sp

from tasks.noisy_samples import noisy_datasets
from theorycheck import Claim, Comparison, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    paired_fit,
    paired_fits,
    shuffled_risk_pair,
    shuffled_risk_pairs,
    standard_pair,
    standard_pairs,
)

share_rs, share_std, share_floor = sp.symbols("share_rs share_std share_floor")

CLAIM = Claim(
    paper=PAPER,
    theorem="risk-free loss of the risk-sensitive SDE (Sec. 4) and its experiments (Sec. 5, Table 1)",
    statement=(
        "Trained on the same Gaussian-perturbed samples of known risk, a diffusion model with the "
        "risk-sensitive loss generates a law nearer the clean distribution than standard DSM does."
    ),
    instances=noisy_datasets(),
    experiment=paired_fit,
    batched_experiment=paired_fits,  # each arm's seeds of one look trained as one batched model
    prediction=Comparison(share_std - share_floor, share_rs, ">"),
    requires=[Threshold("train_loss_rs", "<=", 0.9), Threshold("train_loss_std", "<=", 0.9)],
    mutants=[
        Mutant(
            "halfway",
            Identity("share_rs", 0.5, tolerance=0.15),
            why="the noisy samples enter only at times where their perturbation is absorbed, so they do "
            "not pull the model part of the way towards the noisy law",
        ),
        Mutant(
            "reaches_clean_law",
            Threshold(share_rs - share_floor, "<=", 0.05),
            why="the clean score is the loss's minimiser, but 1500 steps of a 2 x 64 MLP on 4000 samples "
            "need not reach it; a reader may take the minimiser for the trained model",
        ),
        Mutant(
            "learns_noisy_law",
            Threshold("share_rs", ">=", 0.8),
            why="standard DSM's fixed point; the risk-sensitive level makes each feasible noisy pair an "
            "exact draw of the clean marginal",
        ),
    ],
    controls=[
        Control(
            "standard_dsm",
            standard_pair,
            why="the risk-sensitive loss removed: standard vs standard",
            batched_experiment=standard_pairs,
        ),
        Control(
            "shuffled_risk",
            shuffled_risk_pair,
            why="the risk not known: the same loss with the risks permuted across samples",
            batched_experiment=shuffled_risk_pairs,
        ),
    ],
    reference=reference(
        table="1",
        value="risk-sensitive SDE cuts the Wasserstein distance to clean data relative to standard "
        "diffusion and denoising baselines on 5 tabular / time-series datasets (values not readable here)",
    ),
    gaps=[
        "1-D Gaussian mixtures, Gaussian noise of two known levels",
        "score MLP 2 x 64, 1500 steps; W1 on 4000 generated samples",
    ],
)
