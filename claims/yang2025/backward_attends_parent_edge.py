"""Backward reasoning mechanism: the trained head attends to the edge whose child is the current node.

Yang, Huang, Liang, Chi (2025), arXiv:2508.08222 (NeurIPS 2025), backward-
reasoning theorem (Sec. 3): GD drives the attention of the one-layer model
onto the parent edge of the current node, and the output map reads that
edge's parent slot, so each CoT step is one parent lookup.

Checked: per seed, the mean attention mass (over every teacher-forced step
of every goal of the unseen test trees) on the column of the current node's
parent edge is >= 0.8.
Near miss ``matches_either_slot`` (mass split over every edge holding the
current node: attn_parent <= 0.7). Control ``shuffled_targets``: targets
permuted across steps; the attention must not concentrate there.
Gaps: as for ``backward_generalises_unseen_trees`` (embedding reconstruction,
Adam on a tree pool, random init, small trees).
"""

from __future__ import annotations

from tasks.trees import path_finding_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import backward_mechanism, backward_mechanisms, backward_shuffled, backwards_shuffled

CLAIM = Claim(
    paper=PAPER,
    theorem="Backward reasoning theorem (Sec. 3), attention pattern",
    statement="The trained head puts most of its attention on the current node's parent edge.",
    instances=path_finding_problems(min_vocab=16, max_vocab=24, min_nodes=4, max_nodes=10),
    experiment=backward_mechanism,
    batched_experiment=backward_mechanisms,
    prediction=Threshold("attn_parent", ">=", 0.8),
    mutants=[
        Mutant(
            "attention_diffuse",
            Threshold("attn_parent", "<=", 0.5),
            why="the parent edge is the only column whose content fixes the answer",
        ),
        Mutant(
            "attention_on_written_chain",
            Threshold("attn_cot", ">=", 0.3),
            why="the written CoT columns hold the current node as a parent, not its parent",
        ),
        Mutant(
            "matches_either_slot",
            Threshold("attn_parent", "<=", 0.7),
            why="a head matching the current node in either slot would split its mass between the parent "
            "edge and the child edges; the output map needs the parent slot, so training singles out "
            "the edge where the node is the child",
        ),
    ],
    controls=[
        Control(
            "shuffled_targets",
            experiment=backward_shuffled,
            batched_experiment=backwards_shuffled,
            why="targets shuffled across steps carry no parent relation for the head to find",
        ),
    ],
    reference=reference(
        section="3",
        value="attention concentrates on the parent edge of the current node (no numbers extracted)",
    ),
    gaps=[
        "Adam on a tree pool, random init, embedding reconstruction (see backward_generalises_unseen_trees)"
    ],
    requires=[Threshold("train_acc", ">=", 0.99)],
)
