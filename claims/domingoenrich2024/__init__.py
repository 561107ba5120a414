"""Domingo-Enrich, Han, Amos, Bruna, Chen (2024): stochastic optimal control matching (SOCM).

Claims: the SOCM loss is the path-weighted L2 distance to the optimal control
plus a variance term that alone depends on the reparameterisation matrices M,
whatever the sampling control (``socm_loss_decomposition``); trained at equal
iterations and batch, SOCM with M optimised reaches a lower control error
than the iterative-diffusion-optimisation baselines (cross-entropy,
log-variance, relative entropy / adjoint) on linear-quadratic problems
(``socm_lowest_error``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="domingoenrich2024",
    title="Stochastic Optimal Control Matching",
    authors=("Carles Domingo-Enrich", "Jiequn Han", "Brandon Amos", "Joan Bruna", "Ricky T. Q. Chen"),
    year=2024,
    arxiv="2312.02027",
    venue="NeurIPS 2024",
)
