"""Pedersen, Zanna, Bruna (2025): Thermalizer, stable autoregressive neural emulation of spatiotemporal chaos.

Claims, on emulators of an Ornstein-Uhlenbeck process (closed-form invariant
law): thermalization with a diffusion model trained on the invariant law
keeps drifting emulator rollouts in the typical set at least ten times longer
(``thermalization_extends_horizon``) and keeps their one-point statistics
near the invariant law's (``thermalized_statistics_match_invariant``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="pedersen2025",
    title="Thermalizer: Stable Autoregressive Neural Emulation of Spatiotemporal Chaos",
    authors=("Christian Pedersen", "Laure Zanna", "Joan Bruna"),
    year=2025,
    arxiv="2503.18731",
    venue="ICML 2025",
)
