"""Huang, Han, Chen, Cao, Xu, Suzuki (2024): multi-modal vs single-modal contrastive learning.

Claims: at n SNR^2 = Theta(1) with a cleaner second modality (C_mu >= 2.66),
multi-modal training generalises downstream where single-modal training does
not (``multimodal_beats_single_modal``, Theorems 4.2 and 4.3); the mechanism:
single-modal training memorises noise while multi-modal training learns the
signal (``single_modal_memorises_noise``); and single-modal signal learning
at the end of the first stage is O~(1/sqrt(n)) (``first_stage_signal_rate``,
Lemma 5.2).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="huang2024",
    title="On the Comparison between Multi-modal and Single-modal Contrastive Learning",
    authors=("Wei Huang", "Andi Han", "Yongqiang Chen", "Yuan Cao", "Zhiqiang Xu", "Taiji Suzuki"),
    year=2024,
    arxiv="2411.02837",
    venue="NeurIPS 2024",
)
