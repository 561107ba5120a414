"""Zhu et al. (2024): the reversal curse explained by training dynamics.

Claims: the bilinear model's reverse loss does not fall with the training
loss (``bilinear_reversal_asymmetry``), its held-out reverse probability
stays at or below uniform (``bilinear_reverse_at_chance``), and a small
causal transformer fitted to forward and some reverse facts stays at chance
on the held-out reverse facts (``transformer_reversal_curse``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="zhu2024",
    title='Towards a Theoretical Understanding of the "Reversal Curse" via Training Dynamics',
    authors=(
        "Hanlin Zhu",
        "Baihe Huang",
        "Shaolun Zhang",
        "Michael I. Jordan",
        "Jiantao Jiao",
        "Yuandong Tian",
        "Stuart Russell",
    ),
    year=2024,
    arxiv="2405.04669",
    venue="NeurIPS 2024",
)
