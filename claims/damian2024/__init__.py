"""Damian, Pillaud-Vivien, Lee, Bruna (2024): computational-statistical gaps in Gaussian single-index models.

Claims: polynomial links have generative exponent k* <= 2 whatever their
information exponent (``polynomial_generative_exponent``); the partial-trace
estimator recovers the planted direction once n ~ d^{k*/2}
(``partial_trace_sample_complexity``); a label transform lets a k* = 2 link
with information exponent 4 be recovered from n ~ d samples
(``label_transform_sample_complexity``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="damian2024",
    title="Computational-Statistical Gaps in Gaussian Single-Index Models",
    authors=("Alex Damian", "Loucas Pillaud-Vivien", "Jason D. Lee", "Joan Bruna"),
    year=2024,
    arxiv="2403.05529",
    venue="COLT 2024",
)
