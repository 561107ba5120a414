"""Kim, Meunier, Gretton, Suzuki, Li (2025): optimality and adaptivity of deep features for IV regression.

Claims: the minimax rate ``n^(-2s/(2s + 2 gamma_0 + d))`` of NPIV over a Besov
ball, attained on spatially homogeneous targets by the best fixed-feature
sieve (``minimax_rate_homogeneous``); fixed-feature IV capped at ``n^(-1/2)``
on a target with a jump (``fixed_features_capped_on_jump``); DFIV's error
falling faster than the best fixed-feature sieve's on the same jump data
(``dfiv_adapts_to_jump``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="kim2025",
    title="Optimality and Adaptivity of Deep Neural Features for Instrumental Variable Regression",
    authors=("Juno Kim", "Dimitri Meunier", "Arthur Gretton", "Taiji Suzuki", "Zhu Li"),
    year=2025,
    arxiv="2501.04898",
    venue="ICLR 2025",
)
