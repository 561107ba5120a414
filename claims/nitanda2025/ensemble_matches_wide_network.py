"""PoC-based ensemble: averaging width-N MFLD networks leaves a bias floor that shrinks like 1/N^2.

Nitanda, Lee, Tan, Sakaguchi, Suzuki (2025), arXiv:2502.05784 (ICML 2025),
model-ensemble theorem of Sec. 4 (number unverified): the average of M
independently trained networks of N particles approximates the mean-field
network with an error of order 1/(MN) plus a bias term controlled by N
alone, the part that no number of members removes (the catalogue spec reads
it as the squared PoC bias, O(1/N^2)).

Checked: per seed, the floor F(N) = ||E f_N - f_MF||^2, the error of the
average of all R = 8192 / N width-N networks less its sampling variance and
the proxy's own error (an unbiased estimate of what an infinite ensemble of
width-N members keeps), must shrink at least like the 1/N^2 bias from N = 1
to N = 4: F(4) / F(1) <= 1/16. Why this form (audit, issue #11, finding 6):
the former check, E_ens(M) ~ 1/M at N = 16, is the arithmetic of averaging
independent replicas (it holds for untrained networks and for any i.i.d.
members); the theorem's content beyond it is the N-dependent floor, which at
N = 16 was below resolution (N had been moved from 8 to 16 because the floor
bent the 1/M slope). The widths N = 1 and 4 were chosen after a prototype
showed the floor at the noise level (~3e-5) from N = 8 on (F(1) 7e-3..1.4e-1,
F(4) 1e-4..9e-4, F(8) <~ 1e-4 over seven instances); the bound 1/16 is the
theorem's 1/N^2 at those widths, not tuned. The ensemble curve at N = 4
(M = 1..64) is recorded, not judged.
Control: each width-N network built from N neurons trained as N separate
width-1 MFLD systems (the mean-field interaction removed): its floor is the
width-1 bias at every N (ratio 1), so the claim must fail there.
Mutants: the floor shrinks only like 1/N (ratio >= 1/4: the order a bound
through the KL of the joint law would give) and like N^-1.5 (ratio >= 1/8,
an exponent within 0.5 of the claim's). ("Ensembling removes all error",
F(1) <= 0, was dropped: far from the data and, at output scale 4, too noisy
to decide on 8 seeds.)
Instances: the teacher's first coefficient has magnitude >= 0.5 (for a zero
teacher the problem is symmetric under x -> -x and the bias is 0 by
symmetry, so the floor cannot be measured); the same instances serve the
two PoC claims, whose units this claim shares.
Gaps: the mean-field law is the average of K = 16 width-1024 runs; finite
horizon T = 200 steps (eta = 0.1); N = 1 and 4 only (a rate in N over more
widths is not resolvable at this particle budget); the floor is measured
on the training inputs.
"""

from __future__ import annotations

from tasks.regression import regressions
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import particle_sweep, particle_sweep_independent_neurons

CLAIM = Claim(
    paper=PAPER,
    theorem="model-ensemble theorem, Sec. 4 (error O(1/(MN)) + bias in N)",
    statement=(
        "The error that averaging many independently trained width-N MFLD networks cannot remove (the "
        "bias of a width-N network) shrinks at least like 1/N^2: from N = 1 to N = 4 by 16x or more."
    ),
    instances=regressions(min_lead=0.5),
    experiment=particle_sweep,
    prediction=Threshold("floor_ratio", "<=", 1 / 16),
    mutants=[
        Mutant(
            "floor_like_one_over_n",
            Threshold("floor_ratio", ">=", 1 / 4),
            why="the one-particle marginal of MFLD is O(1/N)-close to the mean-field law in a way that "
            "makes the output's bias O(1/N), so its square is O(1/N^2), not O(1/N)",
        ),
        Mutant(
            "floor_like_n_to_minus_1_5",
            Threshold("floor_ratio", ">=", 4**-1.5),
            why="the squared bias is second order in the O(1/N) marginal deviation",
        ),
    ],
    controls=[
        Control(
            "independent_neurons",
            particle_sweep_independent_neurons,
            why="the mean-field interaction between a network's neurons is what makes the width-N "
            "bias shrink; neurons trained as separate systems keep the width-1 bias at every N",
        )
    ],
    reference=reference(
        section="5.2",
        value="the PoC-based ensemble of independently trained models improves on a single model "
        "(figure values not readable here)",
    ),
    gaps=[
        "floor compared at N = 1 and N = 4 only (from N = 8 on it is at the noise level, ~3e-5)",
        "mean-field law approximated by the average of K = 16 width-1024 runs; T = 200 steps",
        "teacher's first coefficient |a_1| >= 0.5 (a zero teacher has zero bias by symmetry)",
    ],
)
