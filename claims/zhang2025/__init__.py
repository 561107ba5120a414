"""Zhang, Meng, Cao (2025): a one-layer transformer learns optimal variable selection in group-sparse data.

Claims: GD from zero concentrates every query's attention on the relevant
group (``attention_selects_relevant_group``), the value vector aligns with the
label direction and ignores positions (``value_aligns_with_direction``), and
the pretrained attention makes a downstream task with a new direction
learnable from O(d + D) samples, beating logistic regression on the flattened
input (``downstream_few_sample_transfer``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="zhang2025",
    title="Transformer Learns Optimal Variable Selection in Group-Sparse Classification",
    authors=("Chenyang Zhang", "Xuran Meng", "Yuan Cao"),
    year=2025,
    arxiv="2504.08638",
    venue="ICLR 2025",
)
