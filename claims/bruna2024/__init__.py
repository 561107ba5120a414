"""Bruna and Han (2024): posterior sampling with denoising oracles via tilted transport.

Claims: sampling the boosted posterior nu_T exactly and transporting it with
the prior's own reverse diffusion (the denoising oracle) gives exact samples
of the posterior (``tilted_transport_exact``); under the susceptibility
condition the boosted posterior is strongly log-concave with at least the
guaranteed constant, where the posterior itself is not
(``boosted_posterior_slc``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="bruna2024",
    title="Posterior Sampling with Denoising Oracles via Tilted Transport",
    authors=("Joan Bruna", "Jiequn Han"),
    year=2024,
    arxiv="2407.00745",
    venue="NeurIPS 2024",
)
