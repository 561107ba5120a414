"""Propagation of chaos: a width-N MFLD network is within O(1/N) of the mean-field network.

Nitanda, Lee, Tan, Sakaguchi, Suzuki (2025), Propagation of Chaos for
Mean-Field Langevin Dynamics and its Application to Model Ensemble,
arXiv:2502.05784 (ICML 2025), main PoC theorem of Sec. 3 (its number was not
verified against the PDF: only the abstract and front matter were readable).

Checked: the squared function-space distance D(N) = E mean_j (f_N(z_j) - f_ref(z_j))^2
between width-N networks trained by discretised MFLD and a mean-field proxy
(the mean of K independent width-1024 runs) decays like 1/N at the final
step, over N in {4, ..., 64}. The proxy's own error is measured per seed
(scalar ``reference_share``, about 0.5% of D(64) at the default tier).
The grid moved from 8..128 to 4..64 (same 1.2 decades) when the ensemble
claim started to share these units and needed widths 1 and 4 at the same
particle budget; a prototype had shown N * D(4) within the spread of N * D(8).
Control: each width-N network built from N neurons trained as separate
width-1 MFLD systems (the mean-field interaction removed): its D(N) is the
width-1 bias plus Var/N, which flattens instead of falling like 1/N.
Mutants: 1/N^2 (the particles are nearly i.i.d., so the variance term is
exactly order 1/N) and 1/sqrt(N) (the rate of the distance, not its
square); a near miss with the exponent within 0.5: N^-0.75.
Instances: as the ensemble claim (teacher's first coefficient >= 0.5 in
magnitude), so the three nitanda2025 claims share their units.

Tolerance: the engine's default (10 % of the exponent: -1 +- 0.1). The
former 0.15 had no stated reason (audit of issue 11, problem 8) and was
dropped before the re-run; if the 1.2-decade sweep cannot resolve -1 +- 0.1
the verdict says so.
Gaps: finite horizon (T = 200 steps of eta = 0.1) instead of all t; the
proxy is a width-1024 x K average, not the mean-field law; D is the
function-space distance on the training inputs, the quantity the PoC bound
controls through the objective gap; 1.2 decades of N.
"""

from __future__ import annotations

import sympy as sp

from tasks.regression import regressions
from theorycheck import Claim, Control, Mutant, Rate, reference

from . import PAPER
from ._experiment import particle_sweep, particle_sweep_independent_neurons

N, C = sp.symbols("N C", positive=True)


def _gap(bound: sp.Expr, tolerance: float | None = None) -> Rate:
    return Rate(bound, sweep=N, series="gap", sense="matches", tolerance=tolerance, window=(4, 64))


CLAIM = Claim(
    paper=PAPER,
    theorem="main propagation-of-chaos theorem, Sec. 3 (uniform in time, particle term O(1/N))",
    statement=(
        "The squared distance between the output of a width-N network trained by mean-field "
        "Langevin dynamics and the mean-field network is of order 1/N."
    ),
    instances=regressions(min_lead=0.5),
    experiment=particle_sweep,
    prediction=_gap(C / N),
    mutants=[
        Mutant(
            "one_over_n_squared",
            _gap(C / N**2),
            why="the particles are nearly i.i.d. from the mean-field law, so the neuron average "
            "keeps a Monte Carlo variance Var[h]/N: exactly order 1/N, not 1/N^2",
        ),
        Mutant(
            "one_over_sqrt_n",
            _gap(C / sp.sqrt(N)),
            why="1/sqrt(N) is the rate of the distance itself; its square decays like 1/N",
        ),
        Mutant(
            "n_to_minus_three_quarters",
            _gap(C / N ** sp.Rational(3, 4)),
            why="a propagation-of-chaos bias of order N^-3/4 on top of the variance would bend the "
            "curve; the bias is O(1/N^2) and the variance dominates",
        ),
    ],
    controls=[
        Control(
            "independent_neurons",
            particle_sweep_independent_neurons,
            why="the mean-field interaction is what keeps the width-N network within O(1/N) of the "
            "mean-field one; N separately trained neurons keep the width-1 bias",
        )
    ],
    reference=reference(
        section="5.1",
        value="synthetic mean-field network trained by noisy GD: the gap to the mean-field limit "
        "shrinks as the number of particles grows (figure values not readable here)",
    ),
    gaps=[
        "finite horizon T = 200 steps (eta = 0.1) instead of a bound over all t",
        "mean-field law approximated by the average of K width-1024 runs (own error ~0.5% of D(64))",
        "N spans 1.2 decades (4 to 64)",
    ],
)
