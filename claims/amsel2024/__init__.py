"""Amsel, Yehudai, Bruna (2024): on the benefits of rank in attention layers.

Claims: one full-rank head represents the nearest-neighbour read-out (the
analytic head Q K^T = beta I has error ~ 1/beta, ``full_rank_head_represents_nn``);
at the standard budget H r = d, d rank-1 heads fit it far worse than one
full-rank head (``full_rank_beats_low_rank_at_equal_budget``); at that
budget (H = d) the rank-1 heads fall further behind as d grows, so the heads
they need grow faster than d (``rank_one_heads_needed_grow_with_d``); at a
short context (N = 2) two layers of d rank-1 heads beat one layer of 2d
(``depth_rescues_low_rank_short_context``).
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="amsel2024",
    title="On the Benefits of Rank in Attention Layers",
    authors=("Noah Amsel", "Gilad Yehudai", "Joan Bruna"),
    year=2024,
    arxiv="2407.16153",
)
