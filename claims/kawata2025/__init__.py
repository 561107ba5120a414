"""Kawata, Oko, Nitanda, Suzuki (2025): direct distributional optimisation for aligning diffusion models.

Claims: reverse diffusion with the reference score plus grad log h_t
(Doob's h-transform) samples the tilted law (``h_transform_samples_tilt``);
its accuracy does not degrade as the modes of the reference separate, where
Langevin dynamics on the same tilted law does (``sampling_free_of_separation``);
dual averaging over laws with sampled first variations converges at the 1/k
rate (``dual_averaging_rate``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="kawata2025",
    title="Direct Distributional Optimization for Provable Alignment of Diffusion Models",
    authors=("Ryotaro Kawata", "Kazusato Oko", "Atsushi Nitanda", "Taiji Suzuki"),
    year=2025,
    arxiv="2502.02954",
)
