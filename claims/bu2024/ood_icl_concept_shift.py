"""The trained model keeps its in-context accuracy under concept-preserving distribution shifts.

Bu et al. (2024), Provably Transformers Harness Multi-Concept Word Semantics
for Efficient In-Context Learning, arXiv:2411.02199 (NeurIPS 2024), OOD ICL
result: because the learned attention matches the query to demonstrations
through the linear concept geometry, the trained model generalises to prompt
distributions it was not trained on, as long as the task-relevant concept
directions are the same. (Theorem numbers could not be read: only the
abstract was available.)

Checked: after 200 GD steps, the error on 5 000 prompts under each shift
(4x longer prompts; irrelevant components doubled in count and scale; noise
doubled) minus the 2^-L' floor of the shifted prompt length is at most 0.02
(the worst shift counts). Judged where the model learned the in-distribution
task (error <= 0.005: a validity gate on the trained model, not on the
shifted errors judged). The statistic is the shifted error itself, not its
excess over the in-distribution error (the form before the audit of issue
#11): an excess is also small for a model that is equally bad everywhere,
which the frozen-attention control showed.
The floor: a prompt none of whose L' demonstrations shares the query's
semantic value has every demonstration labelled the other way, so a softmax
average of labels is wrong on it (probability 2^-L'). The mutant at L' = 4
shows this floor is real.
Control: the attention matrix frozen at zero (uniform attention): the model
then never matches the query's value, in or out of distribution, and must
fail.
Mutants: at L' = 4 the floor is absent (error <= 0.02) or only half there
(error <= 2^-4 / 2, the near miss: measured 0.06 against 0.0625); and the
OOD error is exactly the in-distribution one (every shift free: worst OOD
error minus floor <= in-distribution error), false because doubling the
noise costs 0.001-0.004. (The former mutant "4x longer prompts break it",
error >= 0.25 against a measured 0.000, was a straw man and is dropped.)
Gaps: the paper's shifts also include unseen concept combinations inside a
word and changed concept frequencies, not drawn here; the doubled noise
(sigma up to 0.3) leaves the low-noise regime and costs about 0.015 error.
"""

from __future__ import annotations

from tasks.concept_prompts import concept_tasks
from theorycheck import Claim, Comparison, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import ood, ood_frozen_attention

CLAIM = Claim(
    paper=PAPER,
    theorem="OOD in-context learning result",
    statement="Under longer prompts, doubled irrelevant components or doubled noise the trained model's "
    "error stays within 0.02 of the 2^-L' prompt-length floor.",
    instances=concept_tasks(),
    experiment=ood,
    prediction=Threshold("ood_err", "<=", 0.02),
    mutants=[
        Mutant(
            "every_shift_free",
            Comparison("err_id", "ood_err", ">="),
            why="doubling the embedding noise lets noise flip the attention's match more often, so that "
            "shift costs a little error (0.001-0.004) even though the model generalises",
        ),
        Mutant(
            "short_prompts_half_the_floor",
            Threshold("err_len4", "<=", 2**-4 / 2),
            why="with 4 demonstrations, none shares the query's value with probability 2^-4 and then every "
            "demonstration carries the other label: the full floor 0.0625, not half of it",
        ),
        Mutant(
            "short_prompts_also_fine",
            Threshold("err_len4", "<=", 0.02),
            why="with 4 demonstrations a prompt has no demonstration sharing the query's value with "
            "probability 2^-4 = 0.0625, and there the attended label is the wrong one",
        ),
    ],
    reference=reference(
        section="OOD ICL result and simulations",
        value="trained transformers perform OOD ICL on prompts with shifted concept composition "
        "(no figure values could be read)",
    ),
    gaps=[
        "shifts: length x4, irrelevant count and scale x2, noise x2; no unseen concept co-occurrence",
        "fresh-batch GD, 200 steps; 5 000 test prompts per shift (resolution 2e-4)",
    ],
    controls=[
        Control(
            "frozen_attention",
            ood_frozen_attention,
            why="the learned attention matching the query's value is the mechanism; frozen at zero it "
            "averages both values' labels in and out of distribution",
        )
    ],
    requires=[Threshold("err_id", "<=", 0.005)],
)
