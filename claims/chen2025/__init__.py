"""Chen, Bruna, Bietti (2025): distributional associations in FF layers, in-context reasoning in attention.

Claims, on a two-layer transformer trained on noisy in-context recall over a
background bigram model: dropping the layer-2 feed-forward block at test
time moves the prediction from the generic noise token towards the in-context
answer (``ff_ablation_improves_incontext``), and during training the FF
association trigger -> noise is learned well before the attention recall
(``ff_learns_association_first``). The paper's Pythia experiments (LASER
truncation on IOI, factual recall, GSM8K) are replaced by this CPU toy.
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="chen2025",
    title="Distributional Associations vs In-Context Reasoning: A Study of Feed-forward and Attention Layers",
    authors=("Lei Chen", "Joan Bruna", "Alberto Bietti"),
    year=2025,
    arxiv="2406.03068",
    venue="ICLR 2025",
)
