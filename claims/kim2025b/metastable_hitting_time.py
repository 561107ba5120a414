"""The pretrained chain needs time of order 1/eps to reach the answer cluster.

Kim, Wu, Lee, Suzuki (2025), Metastable Dynamics of Chain-of-Thought
Reasoning: Provable Benefits of Search, RL and Distillation, arXiv:2502.01694
(ICML 2025), hitting-time bounds for the pretrained (perturbed) chain, Sec. 3
with proofs in Appendices B-C (theorem number not verified against the PDF:
only the abstract and front matter were readable here).

Checked: per seed, the log-log slope of the exact expected hitting time T(eps)
of the last cluster from state 0 against eps over 1e-5..1e-2 (10 points) is
-1 +- 0.05. The seed draws the dense weights of the drawn graph's clusters;
T comes from an exact linear solve (I - P_NN) h = 1 in float64.
The asymptotic regime is eps -> 0, declared with ``regime="small"`` (the
sweep is read toward small eps, so a transient is judged in that direction).
What could fail: a chain whose hard steps are not rare relative to the
within-cluster mixing (the additive O(mixing) term would bend the slope at
the large-eps end), or an extra log factor. Near-miss mutant: the same 1/eps
with a log(1/eps) factor (local slope about -1.1 over this grid). Control
``no_barrier``: the same chains with the sparse edges at a fixed probability
(eps_max at every grid point): T no longer grows, so the claim must not hold.
Gaps: clusters in series (one forward sparse edge per hard step, optionally
one backward), not the paper's general graph; finite eps range of 3 decades
(the additive O(mixing) term shifts the slope by about 1e-3). Exact
computation: the interval has (almost) no width, so distances in half-widths
are not defined (reported as exact).
"""

from __future__ import annotations

import sympy as sp

from tasks.clustered_graphs import clustered_graphs
from theorycheck import Claim, Control, Mutant, Scaling, reference

from . import PAPER
from ._experiment import metastable_sweep, no_barrier

eps, C = sp.symbols("eps C", positive=True)


def _time(expr: sp.Expr) -> Scaling:
    return Scaling(expr, over=eps, series="hitting_time", tolerance=0.05, window=(0.0, 1.0), regime="small")


CLAIM = Claim(
    paper=PAPER,
    theorem="hitting time of the pretrained metastable chain, Sec. 3 / Appendices B-C",
    statement=(
        "When clusters are joined only by sparse edges of probability eps, the expected number of "
        "reasoning steps to reach the answer cluster grows like 1/eps."
    ),
    instances=clustered_graphs(),
    experiment=metastable_sweep,
    prediction=_time(C / eps),
    mutants=[
        Mutant(
            "inverse_square",
            _time(C / eps**2),
            why="each hard step is one geometric wait with success rate pi_c(exit) eps per step, "
            "so the time is linear, not quadratic, in 1/eps",
        ),
        Mutant(
            "log_only",
            _time(sp.log(1 / eps)),
            why="a walk confined to a cluster must wait for a rare event of probability O(eps) per "
            "step; no O(log 1/eps) mechanism crosses the barrier",
        ),
        Mutant(
            "log_factor",
            _time(C * sp.log(1 / eps) / eps),
            why="each crossing is one geometric wait of mean 1/(pi(exit) eps); nothing (no search over "
            "1/eps states, no union bound) adds a log(1/eps) factor to the expected time",
        ),
    ],
    controls=[
        Control(
            "no_barrier",
            experiment=no_barrier,
            why="with the hard steps at a fixed probability there is no metastability: T must not grow",
        ),
    ],
    reference=reference(
        section="3",
        value="pretrained chain: hitting time of the answer cluster of order eps^-1 (closed-form bound; "
        "the paper reports no numerical experiment)",
    ),
    gaps=[
        "clusters in series with one sparse edge per hard step, not a general metastable graph",
        "eps in [1e-5, 1e-2] (3 decades), not the limit eps -> 0",
    ],
    unit_seconds=0.2,
)
