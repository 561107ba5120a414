"""In the density-chasm regime DRE-infinity estimates KL better than a single classifier.

Choi, Meng, Song, Ermon (2022), arXiv:2111.11010, AISTATS 2022: the 1-D
peaked-Gaussian experiment (Sec. 5; the authors' ``PeakedGaussians``, p_0 =
N(0, 1), p_1 = N(0, 0.001^2), ``configs/1d_gaussians/time/param.py``:
lambda reweighting, eps 1e-5, the parametric ``toy_param_scorenet``).

Checked: p_1 = N(0, s^2) with s in [1e-3, 1e-2] (KL 4.1-6.4 nats; the paper's
instance is s = 1e-3), 1000 draws of each law as the training set. DRE-infinity
(TSM on bridges of minibatch pairs, then the t-integral) and one logistic
classifier fit the same Gaussian log-ratio family (learnt mean, log-Cholesky
variance; the classifier adds a free constant) for the same number of Adam
steps (600) and learning rate; KL is the mean estimated log ratio on 20000
fresh p_1 draws. Prediction: relative error of DRE-infinity < that of the
classifier (paired per seed).

Set after a prototype: the learning rate, 5e-2 for both (the first version
used 1e-2). At 1e-2 neither fit could reach p_1's log-variance (-13.8 at
s = 1e-3; Adam moves it by at most ~lr per step, about 6 in 600 annealed
steps), so the comparison measured optimisation distance, not the chasm. At
5e-2 the prototype gave the classifier the smaller error (3.2-3.3 nats vs
1.9-2.5 for DRE-infinity at s = 1e-3, truth 6.4): the change goes against
the claim.

Control: no chasm, p_1 = N(0, 0.5^2) (KL 0.32 nats): both estimators should
be accurate there, so the comparison must not hold.

Finding (default tier, Dec 2026): VIOLATED. The classifier's relative error
is smaller by 0.26 (s = 1e-3, CI 0.08-0.43) and 0.29 (s = 1e-2, CI 0.07-0.50);
DRE-infinity's own error is 0.67 and 0.32. Tried after the run, one seed at
s = 1e-3 (truth 6.41 nats): 3000 steps, DRE-infinity 3.21 vs classifier 3.08;
20000 samples per law at 600 steps, 3.06 vs 3.33. Both estimators stall near
half the KL, so at this scale, with the variance learnt rather than built in,
the chasm advantage the paper reports does not show. A likely cause on the
DRE side: lambda(t) = 1 - t^2 gives the times near t = 1, where the peaked
bridge changes fastest, almost no weight. Our classifier is also stronger
than the paper's: its log-ratio family is exactly right (quadratic logit).

Mutants: ``dre_halves_classifier_error`` replaced ``classifier_no_worse``
(Dec 2026), which was the prediction negated at the same threshold (a
complement, not a near miss); ``dre_accurate_in_chasm``. Both are rejected
(the claim is VIOLATED, so they are not scored).

Gaps: parametric Gaussian family for both estimators, 1000 samples, 600
steps; the authors' 1-D model learns the mean with p_1's variance built in;
time t drawn uniformly (no importance sampling near t = 1, where a peaked
p_1's time score lives and lambda(t) = 1 - t^2 vanishes).
"""

from __future__ import annotations

import sympy as sp

from tasks.density_ratio import peaked_gaussians
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import chasm, chasm_batched, overlapping_chasm, overlapping_chasm_batched

CLAIM = Claim(
    paper=PAPER,
    theorem="density chasm: 1-D peaked Gaussians (Sec. 5, Fig. on PeakedGaussians)",
    statement=(
        "When p_1 is far more peaked than p_0 (KL of several nats), DRE-infinity estimates the log ratio "
        "(and KL) with smaller error than a single binary classifier trained on the same samples."
    ),
    instances=peaked_gaussians(min_log10_std=-3.0, max_log10_std=-2.0),
    experiment=chasm,
    batched_experiment=chasm_batched,
    prediction=Comparison("dre_error", "classifier_error", "<"),
    mutants=[
        Mutant(
            "dre_halves_classifier_error",
            Comparison(2 * sp.Symbol("dre_error"), "classifier_error", "<"),
            why="the paper's figure (the classifier misses the ratio, DRE-infinity tracks it) read as a "
            "large advantage: DRE-infinity's error under half the classifier's; the claim is only "
            "that it is smaller",
        ),
        Mutant(
            "dre_accurate_in_chasm",
            Threshold("dre_error", "<=", 0.1),
            why="bridges cut the chasm into small steps; a reader may expect DRE-infinity to be accurate "
            "outright, not only better than the classifier",
        ),
    ],
    controls=[
        Control(
            "no_chasm",
            overlapping_chasm,
            batched_experiment=overlapping_chasm_batched,
            why="without a chasm the classifier has no handicap",
        )
    ],
    reference=reference(
        section="5",
        value="p_0 = N(0, 1), p_1 = N(0, 1e-6): the single-classifier estimate misses the ratio while "
        "DRE-infinity tracks the true log ratio (figure; numbers not readable here)",
    ),
    gaps=[
        "parametric Gaussian family for both estimators; 1000 samples, 600 Adam steps at lr 5e-2",
        "uniform t, lambda(t) = 1 - t^2 + 1e-5",
    ],
)
