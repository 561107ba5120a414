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
doubled) minus the in-distribution error minus the 2^-L' floor of the
shifted prompt length exceeds it by at most 0.02 (the worst shift counts).
The floor: a prompt none of whose L' demonstrations shares the query's
semantic value has every demonstration labelled the other way, so a softmax
average of labels is wrong on it (probability 2^-L'). The mutant at L' = 4
shows this floor is real.
Gaps: the paper's shifts also include unseen concept combinations inside a
word and changed concept frequencies, not drawn here; the doubled noise
(sigma up to 0.3) leaves the low-noise regime and costs about 0.015 error.
"""

from __future__ import annotations

from tasks.concept_prompts import concept_tasks
from theorycheck import Claim, Mutant, Threshold, reference

from . import PAPER
from ._experiment import ood

CLAIM = Claim(
    paper=PAPER,
    theorem="OOD in-context learning result",
    statement="Under longer prompts, doubled irrelevant components or doubled noise the trained model's "
    "error stays within 0.02 of its in-distribution error plus the 2^-L' prompt-length floor.",
    instances=concept_tasks(),
    experiment=ood,
    prediction=Threshold("ood_excess", "<=", 0.02),
    mutants=[
        Mutant(
            "ood_breaks_on_length",
            Threshold("err_long", ">=", 0.25),
            why="the softmax average over demonstrations is length-normalised: more demonstrations "
            "only reduce its variance, so 4x longer prompts are classified as well as the training ones",
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
    requires=[Threshold("err_id", "<=", 0.005)],
)
