"""Kim & Suzuki (2024): transformers provably solve parity efficiently with chain of thought.

Claims: one gradient step with teacher-forced intermediate parities learns
the k-parity (``one_step_teacher_forcing``), by moving each CoT position's
attention onto its two children (``attention_finds_children``), while
learners trained on the final label only stay at chance at a far larger
budget (``no_cot_hardness``). The end-to-end self-consistency result (the
paper's third) is not implemented: its data-augmentation recipe was not read.
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="kim2024",
    title="Transformers Provably Solve Parity Efficiently with Chain of Thought",
    authors=("Juno Kim", "Taiji Suzuki"),
    year=2024,
    arxiv="2410.08633",
    venue="ICLR 2025",
)
