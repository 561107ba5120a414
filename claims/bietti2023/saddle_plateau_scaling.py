"""The saddle where z_1 is learned and z_2 is not lasts d^{l-1}, l the lowest Hermite degree of z_2.

Bietti, Bruna, Pillaud-Vivien (2023), On Learning Gaussian Multi-index Models
with Gradient Flow, arXiv:2310.19793 (CPAM 2025), saddle-to-saddle dynamics of
the two-timescale Grassmannian flow: the time spent near each saddle is set
by the Hermite decomposition of the link (our reading of the abstract and the
spec: a missing direction whose lowest degree is l contributes m^l to the
explained variance, m its squared overlap ~ 1/d at a random start, so
dm/dt ~ m^l and the escape takes d^{l-1} for l >= 2).

Checked: targets c1 h_1(z_1) + c2 h_l(z_2), l in {2, 3}, c1, c2 in [0.5, 2].
The flow is integrated exactly in its overlap coordinates M = W*^T W
(dM/dt = (I - M M^T) grad F(M); models/grassmann_flow.py, checked against the
explicit d-dimensional QR-retraction flow in tests/unit) from a Haar-random
start at d = 2^8..2^20 (l = 2) or 2^7..2^13 (l = 3), common random numbers
across d within a seed. The plateau t2 - t1 (squared overlaps reaching 1/2)
must grow like d^{l-1} (log-log slope within 10 %).
Mutants: d^{l/2} (near miss for l = 3: the d^{k/2} of spectral / partial-trace
estimators); d^{(l-2)/2} (the planted single-index flow with a fixed link,
whose overlap is not squared); log d (no plateau beyond z_1's own escape).
Control ``coupled_leap`` (rebuilt after the audit of issue 13; it replaces a
control on the linear target c1 h_1(z_1) + c2 h_1(z_2), whose t2 - t1 is 0
by construction): the claim's own target plus (c1/2) h_1(z_1) h_1(z_2),
same d range, same seeds, same statistic (t2 - t1, clipped at 1e-9 as in
the claim). z_2's lowest marginal degree is still l (the cross term
averages to 0 given z_2), so a reader of "the lowest Hermite degree of
z_2" would predict the same d^{l-1}; but once z_1 is learned the cross term
is linear in z_2's overlap (the conditional leap is 1), so the plateau is a
real saddle escaped in a time of order log d / c1^2. The coupling c1/2 was chosen
before any engine run of the control (a 3-seed prototype with coupling c1
had z_2 overtake z_1 at d = 256 on one seed where the claim's target did
not); with c1/2, in that prototype, z_2 went first only where it did on
the claim's target too (its large h_l coefficient and initial overlap), where
the clip at 1e-9 can only steepen the control's slope toward d^{l-1}.
Gaps: population flow only (no samples, no network): the link is the exact
conditional expectation; the conditional leap 1 is swept only as the
control; l >= 4 not swept; the d range
starts at 2^8 / 2^7 because at d = 64 the initial overlaps are not yet small
(t2 grew 6x from d = 64 to 128 in one prototype seed), chosen after the
prototype; the paper's exact statement of the saddle times was not
transcribed (only its abstract could be read here).
"""

from __future__ import annotations

import sympy as sp

from tasks.multi_index import leap_problems
from theorycheck import Claim, Control, Mutant, Scaling, Threshold, reference

from . import PAPER
from ._experiment import coupled_leap, leap_sweep

d, C, ell = sp.symbols("d C ell", positive=True)
ALL = (0.0, 1e30)


def _scaling(expr: sp.Expr, params: tuple[sp.Symbol, ...] = (ell,)) -> Scaling:
    return Scaling(C * expr, over=d, series="plateau", window=ALL, params=params)


CLAIM = Claim(
    paper=PAPER,
    theorem="Saddle-to-saddle dynamics: saddle times set by the Hermite decomposition of the link",
    statement="For c1 h_1(z_1) + c2 h_l(z_2), the two-timescale flow learns z_1 first and then stays at "
    "the saddle for a time growing like d^{l-1}.",
    instances=leap_problems(leaps=(2, 3), min_coef=0.5, max_coef=2.0),
    experiment=leap_sweep,
    prediction=_scaling(d ** (ell - 1)),
    mutants=[
        Mutant(
            "partial_trace_exponent",
            _scaling(d ** (ell / 2)),
            why="d^{l/2} is the sample threshold of spectral methods on a degree-l tensor; the flow's "
            "escape from overlap m ~ 1/d obeys dm/dt ~ m^l and takes m^{1-l} = d^{l-1}",
        ),
        Mutant(
            "planted_single_index_time",
            _scaling(d ** ((ell - 2) / 2)),
            why="with a fixed link the correlation is linear in the overlap (~ d^{-1/2}) and the escape "
            "takes d^{(l-2)/2}; re-fitting the link squares the overlap",
        ),
        Mutant(
            "no_plateau",
            _scaling(sp.log(d), params=()),
            why="z_2 has no degree-1 component, so its overlap grows like m^l, not exponentially",
        ),
    ],
    controls=[
        Control(
            "coupled_leap",
            coupled_leap,
            why="with (c1/2) h_1(z_1) h_1(z_2) added, z_2's marginal degree is still l but it is reached "
            "from the learned z_1 with a leap of 1: its overlap grows exponentially at the saddle and "
            "the plateau is log d, not d^{l-1}",
        )
    ],
    reference=reference(
        section="abstract; saddle-to-saddle dynamics",
        value="timescales of each saddle explicit in terms of the Hermite decomposition of the link "
        "(exponents compared; the paper's figures are illustrative loss curves)",
    ),
    gaps=[
        "population flow integrated in overlap coordinates; no finite-sample or finite-width effects",
        "l in {2, 3}; d from 2^8 (l = 2) / 2^7 (l = 3): smaller d is pre-asymptotic",
    ],
    requires=[Threshold("learned", ">=", 1.0), Threshold("z1_first", ">=", 1.0)],
)
