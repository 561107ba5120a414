"""Li, Luyten, van der Schaar (2024): risk-sensitive diffusion for noisy samples with known risk.

Claims: for Gaussian perturbations the risk-sensitive noise level makes the
perturbed sample's forward marginal exactly the clean one
(``gaussian_perturbation_zero_instability``); for non-Gaussian perturbations
no noise level does (``non_gaussian_instability_positive``); a score model
trained with the risk-sensitive loss on noisy samples generates a law closer
to the clean law than to the noisy one (``risk_sensitive_training_recovers_clean``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="li2024",
    title="Risk-Sensitive Diffusion: Robustly Optimizing Diffusion Models with Noisy Samples",
    authors=("Yangming Li", "Max Ruiz Luyten", "Mihaela van der Schaar"),
    year=2024,
    arxiv="2402.02081",
)
