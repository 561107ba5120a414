"""Bu, Huang, Han, Nitanda, Suzuki, Zhang, Wong (2024): transformers harness multi-concept semantics for ICL.

Claims: on concept-based sparse-coding prompts, softmax attention + ReLU MLP
trained by GD on the cross-entropy loss drives the test 0-1 error down
exponentially fast (``exponential_01_convergence``: the GD steps needed for
error eps grow like log(1/eps)), and the trained model keeps its accuracy on
prompts under concept-preserving distribution shifts (``ood_icl_concept_shift``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="bu2024",
    title="Provably Transformers Harness Multi-Concept Word Semantics for Efficient In-Context Learning",
    authors=(
        "Dake Bu",
        "Wei Huang",
        "Andi Han",
        "Atsushi Nitanda",
        "Taiji Suzuki",
        "Qingfu Zhang",
        "Hau-San Wong",
    ),
    year=2024,
    arxiv="2411.02199",
    venue="NeurIPS 2024",
)
