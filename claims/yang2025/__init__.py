"""Yang, Huang, Liang, Chi (2025): one-layer multi-head transformers learn path finding in trees by GD.

Claims: the one-head model trained on the backward chain (goal to root, one
parent per CoT step) generalises to unseen trees
(``backward_generalises_unseen_trees``) by attending to the parent edge
(``backward_attends_parent_edge``); the two-head model trained on the forward
task (backward chain, then its reversal) generalises to unseen trees
(``forward_generalises_unseen_trees``) and its two heads split the two stages
(``forward_heads_specialise``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="yang2025",
    title="Multi-head Transformers Provably Learn Symbolic Multi-step Reasoning via Gradient Descent",
    authors=("Tong Yang", "Yu Huang", "Yingbin Liang", "Yuejie Chi"),
    year=2025,
    arxiv="2508.08222",
    venue="NeurIPS 2025",
)
