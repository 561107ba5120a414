"""Choi, Meng, Song, Ermon (2022): density ratio estimation via infinitesimal classification (DRE-infinity).

Claims: integrating the bridge's time score over t gives the log density
ratio (``time_score_integral_identity``); a time score learnt by time score
matching alone estimates the mutual information of correlated Gaussians
(``tsm_estimates_mutual_information``); in the density-chasm regime DRE-infinity
estimates KL better than a single classifier (``beats_classifier_in_chasm``).

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
