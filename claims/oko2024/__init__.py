"""Oko, Song, Suzuki, Wu (2024): a pretrained transformer learns low-dimensional targets in-context.

Claims: after pretraining on single-index tasks whose index lies in an
r-dimensional subspace, the prompt length the model needs does not grow with
the ambient dimension d (``icl_prompt_length_free_of_d``), while kernel ridge
regression fitted on the prompt alone needs a prompt length growing at least
linearly in d (``prompt_only_length_grows_with_d``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="oko2024",
    title="Pretrained transformer efficiently learns low-dimensional target functions in-context",
    authors=("Kazusato Oko", "Yujin Song", "Taiji Suzuki", "Denny Wu"),
    year=2024,
    arxiv="2411.02544",
    venue="NeurIPS 2024",
)
