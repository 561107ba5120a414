"""RNN construction: a logarithmic state answers every CRQ when nodes arrive in a good order.

Yehudai, Amsel, Bruna (2025), Compositional Reasoning with Transformers,
RNNs, and Chain of Thought, arXiv:2503.01544 (NeurIPS 2025), Sec. 4, the
RNN upper bound (embedding dimension O(log n) suffices for a suitable input
order; the printed theorem number is not confirmed here).
Checked exactly (no training): on a drawn binary CRQ tree with n nodes and
node vectors in R^d, a recurrent machine whose state is a stack of
floor(log2(n + 1)) answer vectors (state dimension d * floor(log2(n + 1)))
and whose update is a fixed piecewise-linear map (push a leaf; pop two
answers, push the one with the larger inner product with the node's vector)
reads the nodes in heavy-child-first post-order and outputs the root's answer
on every one of 128 random Gaussian labellings per seed (acc = 1 exactly).
Mutants: ``any_post_order`` (near miss: the same log-size state in the
plain left-to-right post-order, larger subtree not first, also answers every
labelling; the paper asks for a *suitable* order, and on a tree whose left
subtrees are the light ones the stack outgrows floor(log2(n + 1)));
``constant_state`` (far: a state that does not grow with n, two answers,
also suffices; it fails on any tree where some node has two children of >= 2
leaves, which the drawn trees, every split within 1:3 and >= 8 leaves,
always have). No control: this is an exact check of a fixed construction,
not a trained mechanism; the near miss plays the role of the premise removed
(heavy-first order), but on a drawn tree whose heavy children are all on
the left it coincides with the claim, so it cannot be a control.
Gaps: the update is written as tensor operations with a hard comparison gate,
not as a trained or explicitly weighted MLP; real-valued (float64) state, not
the paper's O(log n)-bit precision; binary trees only; ties between child
scores have probability zero under Gaussian labels and are not exercised.
"""

from __future__ import annotations

from tasks.crq import crq_problems
from theorycheck import Claim, Identity, Mutant, reference

from . import PAPER
from ._experiment import stack_construction

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, RNN construction with O(log n) embedding dimension (nodes in a suitable order)",
    statement=(
        "Reading the nodes in post-order with the larger subtree first, an RNN whose state holds "
        "floor(log2(n + 1)) answer vectors computes the answer of every CRQ with n nodes."
    ),
    instances=crq_problems(min_leaves=8, max_leaves=64, min_dim=1, max_dim=4, balance=0.25),
    experiment=stack_construction,
    prediction=Identity("acc_log_state", 1, tolerance=1e-9),
    mutants=[
        Mutant(
            "any_post_order",
            Identity("acc_left_first", 1, tolerance=1e-9),
            why="left-first post-order keeps one pending answer per left-light step on the root path, "
            "which can exceed floor(log2(n + 1)) on unbalanced trees",
        ),
        Mutant(
            "constant_state",
            Identity("acc_constant_state", 1, tolerance=1e-9),
            why="a node whose two subtrees each hold >= 2 leaves keeps 3 answers pending in any "
            "post-order, so a 2-answer state overflows and loses one (the Omega(log n) side)",
        ),
    ],
    reference=reference(
        section="4",
        value="an RNN with embedding dimension O(log n) solves CRQs when the nodes are given in a "
        "suitable (post-)order; no numeric experiment in the paper",
    ),
    gaps=[
        "exact construction checked on drawn trees; the update is a hard-gated piecewise-linear map",
        "float64 state instead of bounded precision; binary trees with every split within 1:3",
        "the conditional lower bounds (Omega(n) for a bad order) are not checked here",
    ],
)
