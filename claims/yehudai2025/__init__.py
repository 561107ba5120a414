"""Yehudai, Amsel, Bruna (2025): compositional reasoning questions with transformers, RNNs and CoT.

Claims: the post-order stack RNN with a logarithmic state answers every drawn
CRQ exactly (``rnn_log_state_construction``), and a small trained GRU answers
Boolean CRQs far better in post-order than in a root-first order
(``rnn_order_matters``), and one CoT token per internal node lets a one-layer
transformer answer what it cannot answer directly (``cot_one_token_per_node``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="yehudai2025",
    title="Compositional Reasoning with Transformers, RNNs, and Chain of Thought",
    authors=("Gilad Yehudai", "Noah Amsel", "Joan Bruna"),
    year=2025,
    arxiv="2503.01544",
    venue="NeurIPS 2025",
)
