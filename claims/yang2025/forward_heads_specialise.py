"""Forward reasoning mechanism: the two heads divide the work between the two stages.

Yang, Huang, Liang, Chi (2025), arXiv:2508.08222 (NeurIPS 2025), forward-
reasoning theorem and its multi-phase dynamics (Sec. 4): one head learns the
backward lookup ("find my parent" among the edges), the other the reversal
("find the written step whose parent is me"), and each stays out of the
other's stage.

Checked: per seed, with m_h(s) the mean attention of head h on stage s's
target column (the parent edge in the backward stage, the written step from
the current node in the forward stage) over the unseen test trees, and b the
head with the larger backward mass, o the other:
specialisation = ((m_b(bwd) - m_o(bwd)) + (m_o(fwd) - m_b(fwd))) / 2 >= 0.5
(1: perfect division of labour; 0: both heads do the same, or one does both).
Control ``untrained``: the two-head model at its random initialisation (a
shuffled-target training, as for the backward claims, would add a third
training per seed to the paper's slowest claims; the claim is INCONCLUSIVE
so far, so the control only guards against a future HOLDS).
Gaps: heads start from a random init, so which head takes which role is
decided by symmetry breaking (the paper analyses a designed two-head model);
the multi-phase timing is not checked; other gaps as in
``forward_generalises_unseen_trees``.
Finding (default tier): specialisation ~0.59 with a wide interval over seeds
(some seeds split the stages, others not yet at 500 steps): INCONCLUSIVE.
"""

from __future__ import annotations

from tasks.trees import path_finding_problems
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import forward_mechanism, forward_mechanisms, forward_untrained

CLAIM = Claim(
    paper=PAPER,
    theorem="Forward reasoning theorem (Sec. 4), head specialisation",
    statement="After training, one head does the backward lookup and the other the reversal.",
    instances=path_finding_problems(min_vocab=16, max_vocab=24, min_nodes=4, max_nodes=10),
    experiment=forward_mechanism,
    batched_experiment=forward_mechanisms,
    prediction=Threshold("specialisation", ">=", 0.5),
    mutants=[
        Mutant(
            "no_specialisation",
            Threshold("specialisation", "<=", 0.2),
            why="a head attending to the parent edge in the forward stage (or to the written step in the "
            "backward stage) pushes the wrong token, so the heads must split the stages",
        ),
        Mutant(
            "backward_head_also_reverses",
            Threshold("mass_bwd_head_fwd", ">=", 0.5),
            why="the backward head's output map reads the parent slot, which holds the current node "
            "in the forward target column",
        ),
    ],
    controls=[
        Control(
            "untrained",
            experiment=forward_untrained,  # no batched_experiment: nothing to train, nothing to stack
            why="at the random initialisation nothing about the tree has been learned",
        ),
    ],
    reference=reference(
        section="4",
        value="heads specialise: one per stage, in one autoregressive pass (no numbers extracted)",
    ),
    gaps=[
        "random init breaks the head symmetry; the paper analyses its own two-head parameterisation",
        "multi-phase timing of the dynamics not checked",
    ],
    requires=[Threshold("train_acc", ">=", 0.97)],
)
