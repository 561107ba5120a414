"""Single-modal signal learning at the end of the first stage is O~(1/sqrt n) at n SNR^2 = Theta(1).

Huang, Han, Chen, Cao, Xu, Suzuki (2024), arXiv:2411.02837 (NeurIPS 2024),
Lemma 5.2: under Assumption 4.1 (n SNR^2 = Theta(1)), at
T1 = log(20/(sigma_0 sigma_xi sqrt d)) / log(1 + 0.96 eta sigma_xi^2 d/(n m tau))
noise memorisation max_r rho_ri is Omega(1) for every i while signal
learning gamma_r is O~(1/sqrt n) for every r: the race the signal loses
leaves it smaller the more samples share the noise budget.

Checked: per seed, at the instance's n SNR^2 (in [0.8, 1.6]) and
d / n_max^2 = kappa (in [1, 16]: the lemma's d >= n^2, at every n), over
n = 16..512 with d = kappa * 512^2 held fixed so that only n moves (||mu||
from n SNR^2; m = 20; the initial overlap sigma_0 sigma sqrt(d) = 0.01
fixed), single-modal GD runs until the first stage ends (the median over
samples of max_r rho_ri, or max_r |gamma_r|, reaches 1); series ``signal``
is max_r |gamma_r| then (geometric mean of 3 independent runs per n: added
after the first default run, where single runs per n left the per-seed
log-log fit at median R^2 0.89-0.90, under the engine's 0.9 health check;
a noise fix, no margin or window moved). Judged against the lemma's own
shape, O~(1/sqrt n) with a log factor: the O~'s polylog factors were not
transcribed; we read them as sqrt(log n), the factor that union bounds over
the n samples with Gaussian tails put in such proofs. The residual slope of the signal
against C sqrt(log n) / sqrt(n) must be at most 0 within the default
tolerance (0.05), over all six n (window fixed before any run: the 1.5
decades are the affordable sweep). Over n = 16..512 that bound's own local
slope runs from -0.32 to -0.42 (mean -0.38), so the claim fails if the
signal decays slower than about n^(-0.33).
What the instance draws: n SNR^2 and kappa. The drawn n is replaced by the
sweep (n is the swept variable; the instance's samples field is the top of
the sweep, 512); the partner ratio C_mu of the multi-modal strategy is not
drawn here (single-modal training has no partner). d enters the exact
inner-product simulation only through the noises' near-orthogonality
(off-diagonal <xi_i, xi_j> / sigma^2 d ~ d^(-1/2)), which the lemma's d >= n^2
keeps below about 1/n; kappa in [1, 16] moves it by 4x.
Changed after the audit of issue 13 (Dec 4): the first version judged the
strict n^(-1/2) (at_most, tolerance 0.05) at d = 4 * 512^2 always, ignoring
the drawn d, n and C_mu; its default run gave slopes -0.42 to -0.43 on all
five instances (n SNR^2 = 0.83 and 1.6), local slope steepening along the
window (early -0.38 to -0.41, late -0.45 to -0.53): INCONCLUSIVE, not a
counterexample to an O~ bound. The log factor is the lemma's (its O~), not
fitted to those numbers; with it the test is weaker: the near miss n^(-1/4)
is what separates it from a slower decay.
Mutants: signal learning Theta(1) in n (the mechanism-absent outcome, the
signal winning the race); signal learning decaying no faster than n^(-1/4)
(a near miss: the supervised two-layer ReLU condition n ||mu||^4 >~ sigma^4 d
read as the threshold; killed at 5 half-widths in the first version).
Control: an augmentation that draws a fresh noise patch (the positive pair
shares no noise, so there is nothing to memorise): run by hand on one seed
in the first version, the signal won the race at every n (max_r |gamma_r| =
1.01-1.03 at the end of the first stage, slope 0.00). It runs one replicate
per n (not 3: its spread is small) to keep its cost near the claim's.
Default run (Dec 4, after the change, single process on the loaded 2-core
machine: 238 s wall, 46 s CPU): HOLDS on both instances at the first look
(4 seeds): slope -0.49 [-0.56, -0.43] (kappa = 1, n SNR^2 = 0.8) and -0.42
[-0.49, -0.35] (kappa = 6.8, n SNR^2 = 1.25), against the bound's band (slope <= -0.33);
Theta(1) and n^(-1/4) both rejected (the near miss n^(-1/4) within 2
half-widths on the second instance); control VIOLATED (slope 0.003: the
signal wins the race at every n without shared noise).
Construction caveat (audit of issue 13): at fixed n SNR^2 the signal's
initial overlap sigma_0 ||mu|| is proportional to n^(-1/2) and the step
eta ~ n makes both growth factors n-free, so n^(-1/2) is largely the
parameterisation of the regime; what the sweep tests is that nothing else
(the race's length, the n negatives, the stopping rule) adds a power of n.
Gaps: the initial overlap is fixed (the O~'s log(1/(sigma_0 sigma sqrt d))
does not move); precondition: every n reached the end of the first stage
within 200 steps.
"""

from __future__ import annotations

import sympy as sp

from tasks.multimodal_contrastive import first_stage_tasks
from theorycheck import Claim, Control, Mutant, Rate, Threshold, reference

from . import PAPER
from ._experiment import (
    FIRST_STAGE_NS,
    first_stage_fresh_noise,
    first_stage_fresh_noise_batched,
    first_stage_sweep,
    first_stage_sweep_batched,
)

n, C = sp.symbols("n C", positive=True)
ALL = (float(FIRST_STAGE_NS[0]), float(FIRST_STAGE_NS[-1]))


def _signal(bound: sp.Expr, sense: str = "matches") -> Rate:
    return Rate(bound, sweep=n, series="signal", sense=sense, window=ALL)  # type: ignore[arg-type]


CLAIM = Claim(
    paper=PAPER,
    theorem="Lemma 5.2 (end of the first stage: gamma = O~(1/sqrt n), rho = Omega(1))",
    statement="At n SNR^2 = Theta(1) and d >= n^2, single-modal signal learning at the end of the first "
    "stage is O~(1/sqrt n): it decays at least like sqrt(log n / n).",
    instances=first_stage_tasks(),
    experiment=first_stage_sweep,
    batched_experiment=first_stage_sweep_batched,
    prediction=_signal(C * sp.sqrt(sp.log(n)) / sp.sqrt(n), "at_most"),
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
        "n = 16..512 (full tier to 2048); the O~ read as sqrt(log n); fixed initial overlap",
        "d = kappa n_max^2, kappa in [1, 16]; d enters only through the noises' near-orthogonality",
    ],
    requires=[Threshold("censored", "<=", 0.0)],
    controls=[
        Control(
            "fresh_noise_augmentation",
            experiment=first_stage_fresh_noise,
            batched_experiment=first_stage_fresh_noise_batched,
            why="with no noise shared by the positive pair, memorisation cannot win the race",
        )
    ],
)
