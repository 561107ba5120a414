"""Nguyen, Nguyen-Tang (2025): how one-layer transformers learn in-context recall tasks."""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="nguyen2025",
    title=(
        "How Transformers Learn In-Context Recall Tasks? Optimality, Training Dynamics and Generalization"
    ),
    authors=("Quan Nguyen", "Thanh Nguyen-Tang"),
    year=2025,
    arxiv="2505.15009",
    venue="arXiv preprint (v3, Oct 2025; submitted to ICLR 2026)",
)
