"""Uematsu, Haruki, Suzuki, Kimura, Takimoto, Nakagawa (2024): dimensionality-induced loss of outliers.

Claims: training makes the weights low-dimensional, their effective rank set
by the task, not by d, on inputs whose noise fills all d directions
(``weights_low_dimensional``); such weights pass on a fraction k/d of an
information-free input but a d-free share of an inlier's content
(``outlier_information_loss_rate``); the projection of an input onto the
weights' dominant subspace detects OOD inputs the softmax misses
(``projection_score_beats_msp``); OOD inputs whose information the weights
eliminated are classified into the network's bias class more often than OOD
inputs whose information they keep (``ood_collapse_to_bias_class``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="uematsu2024",
    title="Dimensionality-induced information loss of outliers in deep neural networks",
    authors=(
        "Kazuki Uematsu",
        "Kosuke Haruki",
        "Taiji Suzuki",
        "Mitsuhiro Kimura",
        "Takahiro Takimoto",
        "Hideyuki Nakagawa",
    ),
    year=2024,
    arxiv="2410.21656",
    venue="ECML PKDD 2024",
)
