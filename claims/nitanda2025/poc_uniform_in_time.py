"""Uniform-in-time propagation of chaos: sup over training time of D(N, t) still decays like 1/N.

Nitanda, Lee, Tan, Sakaguchi, Suzuki (2025), arXiv:2502.05784 (ICML 2025),
main PoC theorem of Sec. 3 (number unverified), whose particle term C/N has
a constant C independent of t (after Chen, Ren & Wang 2022).

Checked: per seed, the worst squared distance over every logged training
time after the initial draw, sup_{t in [T/10, T]} D(N, t) (10 logged times,
the transient included), decays at least like 1/N over N in {4, ..., 64}: a
Rate C/N with sense "at_most" at the engine's default tolerance (slope at
most -1 + 0.1): one constant C for all logged t, the theorem's form.
What this adds to ``poc_one_over_n`` (audit of issue 11): that claim judges
D(N, T) at the final step only (sense "matches"); this one judges the sup
over time, transient included, and carries the time-growth mutants (a
finite-horizon Gronwall constant C e^{kappa t}) that tell a uniform-in-time
bound from a bound at one horizon. What it does not add: the same runs
(shared units), and after the burn-in N * D is stationary, so the sup is
close to D(T): in a prototype unit (seed 7, default tier) sup_t D / D(T) was
1.09 at N = 4 and 1.15 at N = 64 (scalars ``sup_over_final_4`` / ``_64``
record it per seed). It is therefore not independent evidence for the 1/N
rate; it is kept for the statement about time (no growth of the constant
over the window), which ``poc_one_over_n`` does not test.
History: the sup was over the late window [T/4, T] (stationary, so
sup_t D ~ D(T)) and the tolerance 0.15 (1.5x the default, no stated reason);
both changed before the re-run. The earlier "N * D grows by at most 1.5x"
Threshold also held for separately trained neurons (issue #11 re-audit); the
growth rate is a mutant.
Control: N neurons trained as separate width-1 MFLD systems (no mean-field
interaction): sup_t D(N, t) flattens at the width-1 bias.
Mutants: N * D grows exponentially in time (rate kappa >= 0.1 per unit of
training time, as a finite-horizon Gronwall bound allows); N * D grows by
1.5x or more over the window (the former claim's complement); sup_t D
decays only like N^-1/2.
Gaps: a finite window (sup over t * eta from 2 to 20, growth rate kappa_hat
fitted over 5 to 20, at the default tier), not all t; the same runs as
poc_one_over_n (shared units); 1.2 decades of N.
"""

from __future__ import annotations

import math

import sympy as sp

from tasks.regression import regressions
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import particle_sweep, particle_sweep_independent_neurons

N, C = sp.symbols("N C", positive=True)
kappa_hat, window_time = sp.symbols("kappa_hat window_time")

CLAIM = Claim(
    paper=PAPER,
    theorem="main propagation-of-chaos theorem, Sec. 3 (constant uniform in t)",
    statement=(
        "The worst squared distance to the mean-field network over every logged training time, "
        "sup_t D(N, t), decays at least like C/N with one constant for all t."
    ),
    instances=regressions(min_lead=0.5),
    experiment=particle_sweep,
    prediction=Rate(C / N, sweep=N, series="gap_sup_all", sense="at_most", window=(4, 64)),
    mutants=[
        Mutant(
            "grows_exponentially_in_time",
            Threshold(kappa_hat, ">=", 0.1),
            why="a finite-horizon Gronwall bound C exp(kappa t)/N has kappa of the order of the "
            "drift's Lipschitz constant (>= s^2 E|z|^2 / 4 >= 0.5 here); even kappa = 0.1 "
            "per unit time would grow N * D by e^1.5 over the window, while uniform PoC "
            "keeps it flat",
        ),
        Mutant(
            "grows_over_the_window",
            Threshold(kappa_hat * window_time, ">=", math.log(1.5)),
            why="with entropy regularisation MFLD mixes exponentially fast, so after the burn-in the "
            "particle error N * D is stationary, not growing",
        ),
        Mutant(
            "sup_like_one_over_sqrt_n",
            Rate(C / sp.sqrt(N), sweep=N, series="gap_sup_all", window=(4, 64)),
            why="the particles stay nearly i.i.d. at every time, so the variance term is order 1/N "
            "at every t, not 1/sqrt(N)",
        ),
    ],
    controls=[
        Control(
            "independent_neurons",
            particle_sweep_independent_neurons,
            why="the mean-field interaction is what keeps every width-N network within C/N of the "
            "mean-field one at every time; separately trained neurons keep the width-1 bias",
        )
    ],
    reference=reference(
        section="5.1",
        value="the finite-particle gap stays bounded along training (uniform-in-time PoC); "
        "figure values not readable here",
    ),
    gaps=[
        "finite window t * eta in [2, 20] (default tier), not all t",
        "sup over 10 logged times from T/10; N from 4 to 64",
        "mean-field law approximated by K width-1024 runs",
    ],
)
