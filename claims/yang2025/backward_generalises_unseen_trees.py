"""Backward reasoning: a one-layer one-head model trained by GD emits the goal-to-root path of unseen trees.

Yang, Huang, Liang, Chi (2025), Multi-head Transformers Provably Learn
Symbolic Multi-step Reasoning via Gradient Descent, arXiv:2508.08222
(NeurIPS 2025), backward-reasoning theorem (Sec. 3): the trained one-layer
transformer outputs the path from the goal to the root through a chain of
thought, one parent per step, and generalises to trees not seen in training.

Checked: per seed, the fraction of (test tree, goal) pairs whose freely
generated chain is exactly the goal-to-root path (stopping at the root's
repeat) is >= 0.9. The test trees are drawn by Hypothesis; no edge of a test
tree (as a label pair, either direction) ever occurs in a training tree.
Mutant arm: the same model trained to emit the grandparent in one step (no
CoT); a single attention hop from the current node reaches only columns that
contain it, never the grandparent's.
Near miss ``matches_either_slot`` (the head spreads its mass over every
edge holding the current node, parent edge or child edges: attn_parent
<= 0.7). Control ``shuffled_targets``: the same training with the targets
permuted across steps (the parent relation, the premise, removed); the
claim must not hold there.
Gaps: our reconstruction of the embedding (edge columns [parent; child; type],
query [current; stage]); Adam with a cosine schedule on mini-batches from a
pool of random trees (mixed shapes, <= 10 nodes, V <= 24) instead of GD on the
population of perfect binary trees; random N(0, 0.5^2) init instead of zero.
"""

from __future__ import annotations

from tasks.trees import path_finding_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import backward, backward_shuffled, backwards, backwards_shuffled

CLAIM = Claim(
    paper=PAPER,
    theorem="Backward reasoning theorem (Sec. 3)",
    statement="GD-trained one-layer one-head attention emits the exact goal-to-root path on unseen trees.",
    instances=path_finding_problems(min_vocab=16, max_vocab=24, min_nodes=4, max_nodes=10),
    experiment=backward,
    batched_experiment=backwards,
    prediction=Threshold("path_exact", ">=", 0.9),
    mutants=[
        Mutant(
            "one_layer_two_hops",
            Threshold("acc_two_hop", ">=", 0.95),
            why="without CoT one attention hop from the current node sees only the columns that contain "
            "it (its parent edge, its child edges), none of which holds the grandparent",
        ),
        Mutant(
            "attention_diffuse",
            Threshold("attn_parent", "<=", 0.5),
            why="the only column that determines the parent is the edge whose child is the current node",
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
        section="3 and 5 (experiments)",
        value="trained one-layer model solves backward path finding on unseen trees (no numbers extracted)",
    ),
    gaps=[
        "Adam + cosine schedule on a pool of random trees, not GD on perfect binary trees",
        "random init N(0, 0.5^2), not zero init",
        "embedding is our reconstruction of the paper's",
    ],
    requires=[Threshold("train_acc", ">=", 0.99)],
)
