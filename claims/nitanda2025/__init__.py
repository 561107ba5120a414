"""Nitanda, Lee, Tan, Sakaguchi, Suzuki (2025): propagation of chaos for MFLD and model ensembles."""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="nitanda2025",
    title="Propagation of Chaos for Mean-Field Langevin Dynamics and its Application to Model Ensemble",
    authors=("Atsushi Nitanda", "Anzelle Lee", "Damian Tan Xing Kai", "Mizuki Sakaguchi", "Taiji Suzuki"),
    year=2025,
    arxiv="2502.05784",
    venue="ICML 2025",
)
