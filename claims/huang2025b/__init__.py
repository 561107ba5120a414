"""Huang, Liang, Yang (2025): how a one-layer transformer learns even pairs and parity check.

Claims: from a random start phase 1 ends (``phase_one_ends``: the first
tries' stuck rate, a finding); in phase 2 the loss decays like 1/t
(``even_pairs_loss_rate``), the readout grows like log t
(``linear_layer_log_growth``) and the attention settles
(``attention_settles``); parity check is solved by the even-pairs model run
as a chain of thought on held-out lengths but not by direct training
(``parity_needs_cot``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="huang2025b",
    title=(
        "How Transformers Learn Regular Language Recognition: "
        "A Theoretical Study on Training Dynamics and Implicit Bias"
    ),
    authors=("Ruiquan Huang", "Yingbin Liang", "Jing Yang"),
    year=2025,
    arxiv="2505.00926",
    venue="ICML 2025",
)
