"""Li, Huang, Han, Zhou, Suzuki, Zhu, Chen (2025): SignGD (and Adam) on a two-layer transformer fit noise."""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="li2025",
    title="On the Optimization and Generalization of Two-layer Transformers with Sign Gradient Descent",
    authors=(
        "Bingrui Li",
        "Wei Huang",
        "Andi Han",
        "Zhanpeng Zhou",
        "Taiji Suzuki",
        "Jun Zhu",
        "Jianfei Chen",
    ),
    year=2025,
    arxiv="2410.04870",
    venue="ICLR 2025",
)
