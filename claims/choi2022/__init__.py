"""Choi, Meng, Song, Ermon (2022): density ratio estimation via infinitesimal classification (DRE-infinity).

Claims: a time score learnt by time score matching alone estimates the
mutual information of correlated Gaussians (``tsm_estimates_mutual_information``);
in the density-chasm regime DRE-infinity estimates KL better than a single
classifier (``beats_classifier_in_chasm``).

Retired (Dec 2026, audit of issue 12): ``time_score_integral_identity``, the
identity log p_1 - log p_0 = int_0^1 d/dt log p_t dt on the closed-form
Gaussian bridge. It could not fail (the fundamental theorem of calculus on an
exact time score, nothing learnt); it is now a unit test of the building
block (tests/unit/test_density_ratio.py, drawn pairs, with the log-det term's
share). The identity through a learnt object is what the mutual-information
claim tests: a TSM-learnt time score integrated over t against the
closed-form KL.

Authors' code: ermongroup/dre-infinity @ a8be4638 (read, not copied).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="choi2022",
    title="Density Ratio Estimation via Infinitesimal Classification",
    authors=("Kristy Choi", "Chenlin Meng", "Yang Song", "Stefano Ermon"),
    year=2022,
    arxiv="2111.11010",
    venue="AISTATS 2022",
)
