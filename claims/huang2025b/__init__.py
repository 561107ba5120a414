"""Huang, Liang, Yang (2025): how a one-layer transformer learns even pairs and parity check."""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="huang2025b",
    title=(
        "How Transformers Learn Regular Language Recognition: "
        "A Theoretical Study on Training Dynamics and Implicit Bias"
    ),
    authors=("Ruiquan Huang", "Yingbin Liang", "Jing Yang"),
    year=2025,
    arxiv="2505.00926",
    venue="ICML 2025",
)
