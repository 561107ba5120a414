"""Kim, Wu, Lee, Suzuki (2025): chain of thought as a metastable Markov process.

Claims: the pretrained chain needs time of order 1/eps to reach the answer
cluster (``metastable_hitting_time``); that time is, to leading order, the
hitting time of the distilled K-state meta-chain (``meta_chain_time``); a
budgeted search that rewards the progress-making sparse edges it took and
upweights them gives a chain whose hitting time no longer depends on eps
(``search_removes_barrier``; the former ``search_speedup``, the quotient of
two of these series, is folded into it).

Out of scope: the statistical-query lower bound for models restricted to
local information of the pretrained graph (a learning-theoretic limit with
no finite experiment), the PPO-Clip fine-tuning and the pretraining sample
complexity.
"""

from __future__ import annotations

from theorycheck import Paper

PAPER = Paper(
    key="kim2025b",
    title=(
        "Metastable Dynamics of Chain-of-Thought Reasoning: Provable Benefits of Search, RL and Distillation"
    ),
    authors=("Juno Kim", "Denny Wu", "Jason D. Lee", "Taiji Suzuki"),
    year=2025,
    arxiv="2502.01694",
    venue="ICML 2025",
)
