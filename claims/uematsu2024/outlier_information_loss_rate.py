"""Low-dimensional weights pass on a fraction k/d of an outlier's energy but almost all of an inlier's.

Uematsu, Haruki, Suzuki, Kimura, Takimoto, Nakagawa (2024), Dimensionality-
induced information loss of outliers in deep neural networks, arXiv:2410.21656
(ECML PKDD 2024), abstract and Sec. 4: "low-dimensional weights eliminate most
information from OOD samples"; the loss is induced by dimensionality.

Checked: on the networks of ``weights_low_dimensional`` (same units), the
retention of an input is the fraction of its energy in the first layer's
dominant subspace V_k (k = #{s_i > 0.1 s_1}); the series is the mean retention
of 500 isotropic (energy-matched) OOD inputs over that of 500 ID inputs, at
d = 8..128. With k fixed by the task, an input with no structure keeps k/d and
an inlier keeps a constant fraction, so the ratio must fall like d^-1 (residual
log-log slope within 0.1 over the whole sweep).
Controls: the untrained network and the network trained without weight decay
(k ~ d: nothing is lost); a random subspace of the same dimension k (inliers
lose as much as outliers: the alignment with the data is the mechanism); OOD
clusters inside the ID subspace (no low-dimensional gap to exploit).
Mutants: d^-1 log d (near miss: a slowly growing k); d^-1/2 (the norm's
fraction, not the energy's); no loss at all (a flat ratio).
Gaps: isotropic OOD only (for it E||V_k x||^2/||x||^2 = k/d exactly for any
fixed k-subspace, so the claim tests that k stays fixed while the inliers
stay aligned, which the random-subspace control checks); first layer only;
one hidden layer; the sweep d = 8..128 (1.2 decades) is what width 128
affords (the untrained control needs width >= d).
"""

from __future__ import annotations

import sympy as sp

from tasks.low_dim_ood import low_dim_problems
from theorycheck import Claim, Control, Mutant, Rate, Scaling, Threshold, reference

from . import PAPER
from ._experiment import (
    dimension_sweep,
    in_subspace_sweep,
    no_decay_sweep,
    random_subspace_sweep,
    untrained_sweep,
)

d, C = sp.symbols("d C", positive=True)
ALL = (0.0, 1e9)


def _rate(bound: sp.Expr) -> Rate:
    return Rate(bound, sweep=d, series="retention", window=ALL)


CLAIM = Claim(
    paper=PAPER,
    theorem="Abstract, Sec. 4: low-dimensional weights eliminate most information from OOD samples",
    statement="The energy an information-free input keeps in a trained layer's dominant weight subspace, "
    "relative to an inlier's, falls like k/d: as d^-1 at a fixed task.",
    instances=low_dim_problems(max_intrinsic=6, max_classes=6),
    experiment=dimension_sweep,
    prediction=_rate(C / d),
    mutants=[
        Mutant(
            "log_factor",
            _rate(C * sp.log(d) / d),
            why="a d^-1 log d loss would need k ~ log d; weight decay leaves k at the task's dimension",
        ),
        Mutant(
            "norm_fraction",
            _rate(C / sp.sqrt(d)),
            why="the norm kept by a k-subspace is sqrt(k/d); the energy (the information passed on) is k/d",
        ),
        Mutant(
            "no_loss",
            Scaling(sp.S.One, over=d, series="retention", window=ALL),
            why="a flat ratio is what full-rank weights give (untrained, or the bulk kept without decay)",
        ),
    ],
    controls=[
        Control(
            "untrained", untrained_sweep, why="full-rank weights at initialisation keep almost everything"
        ),
        Control(
            "no_weight_decay", no_decay_sweep, why="the untrained bulk stays, so k ~ d and nothing is lost"
        ),
        Control(
            "random_subspace",
            random_subspace_sweep,
            why="a random k-subspace keeps k/d of inliers too: the ratio is flat unless the subspace"
            " is aligned "
            "with the ID data",
        ),
        Control(
            "in_subspace_ood",
            in_subspace_sweep,
            why="OOD clusters inside the ID subspace keep as much as inliers: no low-dimensional gap",
        ),
    ],
    reference=reference(
        section="4",
        value="projections of OOD features onto the dominant weight subspace are much smaller"
        " than those of ID "
        "features in deep layers (CIFAR-10 vs SVHN / MNIST / CIFAR-100; figures, no rate reported)",
        setting="ours: d = 8..128, isotropic OOD, first layer, ratio 0.1",
    ),
    gaps=[
        "isotropic OOD, first layer of a one-hidden-layer network; d = 8..128 (1.2 decades)",
        "the paper reports no rate: d^-1 is our reading of dimensionality-induced loss at a fixed k",
    ],
    requires=[Threshold("accuracy", ">=", 0.75)],
)
