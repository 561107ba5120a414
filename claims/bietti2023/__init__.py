"""Bietti, Bruna, Pillaud-Vivien (2023): learning Gaussian multi-index models with gradient flow.

Claims: under the two-timescale population flow (the link re-fitted
non-parametrically at every instant, the subspace following the Grassmannian
gradient of the explained variance), a direction whose lowest Hermite degree
is l is escaped after a plateau of length d^{l-1} (``saddle_plateau_scaling``);
a direction invisible on its own but coupled linearly to an already learned
one is escaped after a plateau of length log d (``staircase_plateau_is_logarithmic``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="bietti2023",
    title="On Learning Gaussian Multi-index Models with Gradient Flow",
    authors=("Alberto Bietti", "Joan Bruna", "Loucas Pillaud-Vivien"),
    year=2023,
    arxiv="2310.19793",
    venue="Communications on Pure and Applied Mathematics (2025)",
)
