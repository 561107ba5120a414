"""One teacher-forced gradient step learns the k-parity with a chain of thought.

Kim, Suzuki (2024), Transformers Provably Solve Parity Efficiently with Chain
of Thought, arXiv:2410.08633 (ICLR 2025), Sec. 3, the teacher-forcing theorem
(result (2) of the abstract; its printed number was not confirmed: only the
abstract and summaries of the paper could be read here).

Checked: after ONE full-batch gradient step from zero attention logits on the
squared loss over all k - 1 CoT positions (true intermediate parities fed in,
i.e. teacher forcing), the model generating its own CoT on fresh inputs gets
the k-parity right with accuracy >= 0.95, for drawn d in [8, 32], k in
{4, 8}, secret set and pairing tree. Model: positional softmax attention,
fixed link phi(z) = 2 z^2 - 1, only W trained; step lr = 2 T^2 (T = d + k - 1,
see _experiment.py for why and the measured window); n = 16000 samples
(4000 at smoke), 4000 fresh test inputs.
Mutants: ``first_level_only`` (one step learns the pairs of input bits but
the root position, which multiplies two written CoT tokens, stays at chance:
its teacher-forced accuracy <= 0.6), the near miss a reader of "one step"
might expect for a tree of depth log2 k; ``needs_many_steps`` (accuracy at
chance after one step) and ``no_cot_one_step`` (the same model and step rule
without CoT positions also succeeding) are far.
Control ``final_label_only``: the same model and one step with the CoT
positions fed in but only the final label in the loss (the intermediate
supervision, the theorem's premise, removed); the claim must not hold there.
Everything is exact here given the sample (one deterministic step), so the
interval is a point and mutant distances in half-widths are undefined.
Gaps: one fixed lr schedule (the theorem's own constants not read); n fixed
rather than ~d^(2+eps); k = 2 not drawn (there the CoT is the label itself,
so the no-CoT mutant would be true).
"""

from __future__ import annotations

from tasks.parity import parity_tasks
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import one_step, one_step_final_label_only

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 3, learning parity with teacher forcing in one gradient step",
    statement=(
        "With the intermediate parities in the loss and teacher forcing, one gradient update of the "
        "one-layer transformer from zero attention solves k-parity, generating its own chain of thought."
    ),
    instances=parity_tasks(min_d=8, max_d=32, ks=(4, 8)),
    experiment=one_step,
    prediction=Threshold("acc", ">=", 0.95),
    mutants=[
        Mutant(
            "first_level_only",
            Threshold("acc_tf_root", "<=", 0.6),
            why="the expected gradient separates every CoT position's two children, whatever its level, "
            "because the teacher-forced inputs make each level's target a 2-parity of its children",
        ),
        Mutant(
            "needs_many_steps",
            Threshold("acc", "<=", 0.6),
            why="the expected gradient already separates every node's two children by ~4/T^2 per unit step",
        ),
        Mutant(
            "no_cot_one_step",
            Threshold("acc_direct", ">=", 0.95),
            why="without CoT positions phi(attention average) is a degree-2 polynomial of the inputs, "
            "uncorrelated with a k >= 4 parity, and its gradient carries no signal about S",
        ),
    ],
    controls=[
        Control(
            "final_label_only",
            experiment=one_step_final_label_only,
            why="without the intermediate parities in the loss one step carries no signal about S",
        ),
    ],
    reference=reference(
        section="3 and 4",
        value="parity learned in one gradient update with teacher forcing; experiments on 100K 64-bit "
        "samples with full-batch GD",
    ),
    gaps=[
        "lr = 2 T^2 fixed (measured window [1.5, 3] T^2 at n = 20000), not the theorem's constants",
        "n = 16000 fixed (4000 at smoke) instead of n ~ d^(2+eps)",
        "d <= 32 and k in {4, 8}, far below the paper's d = 64 experiments",
    ],
)
