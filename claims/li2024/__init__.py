"""Li, Luyten, van der Schaar (2024): risk-sensitive diffusion for noisy samples with known risk.

Claims: for non-Gaussian perturbations no injected noise level removes the
perturbation instability (``non_gaussian_instability_positive``); trained on
the same noisy samples of known risk, the risk-sensitive loss generates a law
nearer the clean one than standard DSM does
(``risk_sensitive_training_recovers_clean``).

Retired (Dec 2026, audit of issue 12): ``gaussian_perturbation_zero_instability``
(the risk-sensitive level makes a Gaussian perturbation's instability 0). It
held by construction: sigma_r^2 = sigma^2 - alpha^2 r^2 makes the two
Gaussians identical, so only a code bug could fail it. It is now a unit test
of the building block (tests/unit/test_noisy_samples.py, drawn risks, with
the wrong corrections and non-Gaussian laws of the same variance); its
statement through a learnt object is the training claim (the loss's
minimiser is the clean score because of that identity).
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
