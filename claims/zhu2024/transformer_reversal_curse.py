"""A small causal transformer fitted to the facts still fails the held-out reverse.

Zhu et al. (2024), arXiv:2405.04669, Sec. 4 (one-layer transformer) and
Sec. 5 / Fig. 1 (multi-layer GPT-2 experiments); section numbers seen quoted
(a third-party linkpost), theorem and figure numbers unconfirmed. Trained on
[A_i, R, B_i] for all pairs and [B_i, R_inv, A_i] for a drawn subset
(last-token loss); judged only once every training sentence is fitted
(train accuracy 1 on every seed), otherwise INCONCLUSIVE.
Checked: (rev_nll_T - fwd_nll_T) / rev_nll_0 >= 1, with the entity-restricted
NLLs of the held-out pairs' reverse completion B_i R_inv -> A_i after
training (rev_nll_T) and at initialisation (rev_nll_0, about log M), and of
their trained forward completion A_i R -> B_i (fwd_nll_T, about 0): the
forward facts of these pairs are learned, yet their reverse is no likelier
than at init. Until issue #11 the check was rev_nll_T >= rev_nll_0 alone,
which an untrained model meets with equality (the control "untrained" would
HOLD: a closed region at a zero difference); it now needs the forward half.
Moved toward the authors' code (issue #16): AdamW lr 1e-2 and weight decay
0.01 (was lr 3e-3, wd 0, for no stated reason) and n up to 200 pairs (their
size; was 100). The rise of the held-out NLL grew from +2.5..+3.1 to
+7.3..+9.3 nats at the default tier (the authors' note predicted +9.9 for
our model with their optimiser at 6 000 steps); the verdict is unchanged.
Their number beside ours (notes/authors_zhu2024.md): their code scaled to
2 layers, d 64, 1 000 epochs (6 000 AdamW steps, batch 64), 200 pairs, seeds
1234/1/2: held-out entity NLL 6.02 -> 37.0, rise +31.0 (sd 3.9), reverse
top-1 0, the trained direction of the same pairs fitted (acc 1.0). Same
sign and the same qualitative picture as ours; the size of the rise follows
the optimisation budget (their model with our old recipe: +3.5), since the
held-out A_i only ever appear as softmax negatives.
Near misses (re-audit of issue #11: after the optimiser change every mutant
sat far from the data): reverse_stays_near_chance, the reading "the reverse
stays at about 1/M" (statistic <= 1.5: the held-out reverse NLL within half
of log M of its initial value), which the rise of 7-9 nats over log M = 3.7-6
should reject by a margin of about one statistic unit; and
suppressed_like_authors (statistic >= 5, the authors' 6.02 -> 37.0 at 2
layers and 6 000 steps), which our budget should not reach. Both bounds were
set from the numbers above (measured before they were written), not tuned
on a run of the mutants. Default tier, session seed 0: HOLDS, 2.97
[2.67, 3.27]; reverse_stays_near_chance killed at 5.0 half-widths,
suppressed_like_authors at 6.8; untrained control VIOLATED (0.00).
Sizes (cost): default 1 layer, d_model 64, 4 heads, 300 full-batch steps;
smoke 1 layer, d 32, 150 steps; full 2 layers, 1 500 steps.
Gaps: AdamW instead of the theorem's (S)GD; learned, untied embeddings
rather than the paper's orthogonal-embedding assumptions; sizes far below
the paper's 24-layer GPT-2.
"""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st

from tasks.entities import entity_pairings
from theorycheck import Claim, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._common import transformer_experiment, transformer_untrained

rev_nll_T, rev_nll_0, fwd_nll_T, log_M = sp.symbols("rev_nll_T rev_nll_0 fwd_nll_T log_M", positive=True)

FITTED = Threshold("train_acc", ">=", 1.0)  # every training sentence's last token is the argmax

INSTANCES: st.SearchStrategy = entity_pairings(min_pairs=20, max_pairs=200)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4, one-layer transformer reversal theorem; Sec. 5, Fig. 1",
    statement=(
        "A causal transformer trained to zero loss on A_i -> B_i for all pairs and B_i <- A_i for a "
        "subset assigns the held-out reverse completions no more than their probability at "
        "initialisation (about 1/M)."
    ),
    instances=INSTANCES,
    experiment=transformer_experiment,
    prediction=Threshold((rev_nll_T - fwd_nll_T) / rev_nll_0, ">=", 1.0),
    mutants=[
        Mutant(
            "reverse_unchanged",
            Identity(rev_nll_T, rev_nll_0, tolerance=0.5),
            why="the held-out A_i are targets of no held-out context but softmax negatives of every trained "
            "one, so training pushes their logits down: the reverse NLL rises, it does not stay put",
        ),
        Mutant(
            "reverse_generalises",
            Threshold("rev_acc", ">=", 0.5),
            why="the model never sees held-out A_i as a target, so nothing raises its logit after B_i R_inv",
        ),
        Mutant(
            "reverse_nll_drops",
            Threshold(rev_nll_T / log_M, "<=", 0.5),
            why="the weights from B to A are not increased by training on A -> B (asymmetry)",
        ),
        Mutant(
            "reverse_stays_near_chance",
            Threshold((rev_nll_T - fwd_nll_T) / rev_nll_0, "<=", 1.5),
            why="'no more than at initialisation (about 1/M)' is not 'about 1/M': the held-out A_i are "
            "softmax negatives of every trained context, so their reverse NLL keeps rising well past log M",
        ),
        Mutant(
            "suppressed_like_authors",
            Threshold((rev_nll_T - fwd_nll_T) / rev_nll_0, ">=", 5.0),
            why="the size of the rise follows the optimisation budget (authors: +31 nats at 6 000 steps, 2 "
            "layers); at 300 full-batch steps and 1 layer the held-out logits are pushed down far less",
        ),
    ],
    reference=reference(
        figure="1",
        value="held-out direction: NLL never falls below its epoch-1 value while training NLL -> 0. "
        "Authors' code run at our scale (marlo-z/reversal_curse_analysis@20a4ff87, train_reverse.py, "
        "2 layers, d 64, 4 heads, 1000 epochs, otherwise defaults; seeds 1234/1/2): entity NLL "
        "6.02 -> 37.0, rise +31.0 (sd 3.9), reverse top-1 0, trained direction acc 1.0. Ours (default "
        "tier, lr 1e-2, wd 0.01, 300 full-batch steps): rise +7.3 / +9.3, reverse top-1 0; their model "
        "with our old optimiser (AdamW 3e-3, 300 steps): +3.5 (0.15)",
        setting="authors' defaults: HF GPT-2, 24 layers, 12 heads, width 768, dropout 0.1, untied head "
        "(as built); vocab 800, 200 pairs, 70% both directions, 30% one direction; last-word loss; AdamW "
        "lr 0.01 wd 0.01, batch 64, 3000 epochs, seed 1234 (train_reverse.py:41-61,195-213; "
        "ReverseDataset.py:67-140)",
    ),
    controls=[
        Control(
            "untrained",
            transformer_untrained,
            why="an untrained model also leaves the held-out reverse at its initial NLL; the claim must "
            "need the forward facts of the same pairs to be learned",
        )
    ],
    requires=[FITTED],
    gaps=[
        "full batch, 300 steps (authors: batch 64, 18 000 steps): cost; the reverse-NLL rise scales "
        "with this budget (+7 to +9 ours, +31 theirs at 2 layers d 64) but its sign does not change",
        "1 layer, d_model 64, 4 heads, no dropout (authors: 24 layers, width 768, dropout 0.1): cost",
        "n pairs in [20, 200] (authors: 200 pairs, and 400 unused tokens in the vocabulary)",
        "held-out sentences are always the reverse direction (authors: a coin picks which direction "
        "of 30% of pairs is held out)",
        "AdamW instead of the theorem's (S)GD; learned untied embeddings",
        "theorem and figure numbers not confirmed against a readable copy of the paper",
    ],
)
