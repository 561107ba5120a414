"""Huang, Wang, Lee (2025): transformers learn to implement multi-step gradient descent with chain of thought.

Claims: without CoT the trained one-layer LSA sits exactly at the error of
the best single GD step (``no_cot_floor``); with CoT its autoregressive error
decays geometrically in the number of CoT steps (``cot_geometric_decay``)
and reproduces the GD path it was trained on (``cot_implements_gd``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="huang2025a",
    title="Transformers Learn to Implement Multi-step Gradient Descent with Chain of Thought",
    authors=("Jianhao Huang", "Zixuan Wang", "Jason D. Lee"),
    year=2025,
    arxiv="2502.21212",
    venue="ICLR 2025",
)
