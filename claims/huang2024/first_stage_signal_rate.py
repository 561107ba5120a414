"""Single-modal signal learning at the end of the first stage is O~(1/sqrt n) at n SNR^2 = Theta(1).

Huang, Han, Chen, Cao, Xu, Suzuki (2024), arXiv:2411.02837 (NeurIPS 2024),
Lemma 5.2: under Assumption 4.1 (n SNR^2 = Theta(1)), at
T1 = log(20/(sigma_0 sigma_xi sqrt d)) / log(1 + 0.96 eta sigma_xi^2 d/(n m tau))
noise memorisation max_r rho_ri is Omega(1) for every i while signal
learning gamma_r is O~(1/sqrt n) for every r: the race the signal loses
leaves it smaller the more samples share the noise budget.

Checked: per seed, at the instance's n SNR^2 (in [0.8, 1.6]) and
n = 16..512 (d = 4 * 512^2 at every n, the theorem's d >= n^2, held fixed
so that only n moves; ||mu|| from n SNR^2;
m = 20; the initial overlap sigma_0 sigma sqrt(d) = 0.01 fixed, as the
lemma's log factor has it), single-modal GD runs until the first stage ends
(the median over samples of max_r rho_ri, or max_r |gamma_r|, reaches 1);
series ``signal`` is max_r |gamma_r| then (geometric mean of 3 independent
runs per n: added after the first default run, where single runs per n left
the per-seed log-log fit at median R^2 0.89-0.90, under the engine's 0.9
health check; a noise fix, no margin or window moved). It must decay at least like
n^(-1/2) (sense at_most, tolerance 0.05) over all six n (window fixed before
any run: the 1.5 decades are the affordable sweep and the race has no
pre-asymptotic phase in n).
Mutants: signal learning Theta(1) in n (the mechanism-absent outcome, the
signal winning the race); signal learning decaying no faster than n^(-1/4)
(a near miss: the supervised two-layer ReLU condition n ||mu||^4 >~ sigma^4 d
read as the threshold). Control: an augmentation that draws a fresh noise
patch (the positive pair shares no noise, so there is nothing to memorise).
Finding (default run of Dec 4): slopes -0.42 to -0.43 on all five instances
(n SNR^2 = 0.83 and 1.6), local slope steepening along the window (early
-0.38 to -0.41, late -0.45 to -0.53) in four of them: INCONCLUSIVE (one
instance VIOLATED at a stable -0.437, not significant after Holm). The
signal learning decays at about n^(-0.43) over n = 16..512: slower than the
strict n^(-1/2) judged here, consistent with n^(-1/2) times a slowly
varying factor, which the lemma's O~ allows. Both mutants are rejected (Theta(1)
at 15 half-widths, n^(-1/4) at 5). The fresh-noise control, run by hand on
one seed (the engine runs controls only where the claim holds): the signal
wins the race at every n (max_r |gamma_r| = 1.01-1.03 at the end of the
first stage, slope 0.00): no decay without shared noise. It costs far more
than a claim unit (720 s wall on the loaded machine): if the claim comes to
hold, its 16 control units dominate the paper's default budget.
Gaps: the O~ hides a log factor the fixed initial overlap removes here;
precondition: every n reached the end of the first stage within 200 steps.
"""

from __future__ import annotations

import sympy as sp

from tasks.multimodal_contrastive import multimodal_tasks
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import FIRST_STAGE_NS, first_stage_fresh_noise, first_stage_sweep

n, C = sp.symbols("n C", positive=True)
ALL = (float(FIRST_STAGE_NS[0]), float(FIRST_STAGE_NS[-1]))


def _signal(bound: sp.Expr, sense: str = "matches") -> Rate:
    return Rate(bound, sweep=n, series="signal", sense=sense, window=ALL)  # type: ignore[arg-type]


CLAIM = Claim(
    paper=PAPER,
    theorem="Lemma 5.2 (end of the first stage: gamma = O~(1/sqrt n), rho = Omega(1))",
    statement="At n SNR^2 = Theta(1), single-modal signal learning at the end of the first stage decays "
    "at least like n^(-1/2).",
    instances=multimodal_tasks(),
    experiment=first_stage_sweep,
    prediction=_signal(C / sp.sqrt(n), "at_most"),
    mutants=[
        Mutant(
            "signal_wins_the_race",
            _signal(sp.S.One),
            why="the noise grows faster (ratio 2/(n SNR^2) > 1) and ends the first stage while gamma still "
            "carries its initial overlap sigma_0 ||mu|| ~ n^(-1/2) times a factor fixed by n SNR^2",
        ),
        Mutant(
            "quarter_power",
            _signal(C * n ** sp.Rational(-1, 4), "at_least"),
            why="gamma(T1) is the initial overlap sigma_0 ||mu|| ~ SNR ~ n^(-1/2) (at fixed n SNR^2) times a "
            "growth factor fixed by n SNR^2 and the initial noise overlap: no slower power of n",
        ),
    ],
    reference=reference(
        section="5.1, Lemma 5.2",
        value="gamma_r(T1) = O~(1/sqrt n) and max_r rho_ri(T1) = Omega(1) (theory; Figure 1 shows the "
        "single-modal signal learning staying low)",
    ),
    gaps=[
        "first-stage end read as a coefficient reaching 1 (the lemma's Theta(1)); m = 20, 200 steps at most",
        "n = 16..512 (full tier to 2048); the O~ log factor fixed by a fixed initial overlap",
    ],
    requires=[Threshold("censored", "<=", 0.0)],
    controls=[
        Control(
            "fresh_noise_augmentation",
            experiment=first_stage_fresh_noise,
            why="with no noise shared by the positive pair, memorisation cannot win the race",
        )
    ],
)
