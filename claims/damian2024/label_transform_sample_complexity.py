"""A label transform makes an information-exponent-4 link learnable from n ~ d samples (k* = 2).

Damian, Pillaud-Vivien, Lee, Bruna (2024), Computational-Statistical Gaps in
Gaussian Single-Index Models, arXiv:2403.05529 (COLT 2024), Sec. 2 and 4: the
efficient sample complexity is governed by the generative exponent k*, not by
the information exponent s; the partial-trace estimator with the transform
zeta_k*(y) = E[h_k*(z) | y] needs n ~ d^{max(1, k*/2)}.

Checked: links y = a h_4(z) + b h_6(z) + sigma xi (a in [0.6, 1], a^2 + b^2 = 1,
sigma in [0.05, 0.3]): information exponent 4, generative exponent 2. The
estimator is the top eigenvector of (1/n) sum zeta(y_i)(x_i x_i^T - I) with
zeta = E[h_2(z) | y] computed by quadrature and truncated at its 2 % / 98 %
quantiles. n_c(d), the n where the mean squared overlap over 8 replicates
crosses 0.5, is read at d = 32..256 (7 points); its log-log slope must be
k*/2 = 1 within 0.1.
Control: no label transform: the raw label y with the order-4 partial trace
(the estimator an information-exponent reading calls for), d = 8..32.
Mutants: n ~ d^{s/2} = d^2 (the information exponent governs efficient
recovery); n ~ d log d (near miss: a log factor).
Post-hoc choice (audit of issue 11): the truncation of zeta_2 at its 2 % / 98 %
quantiles was added after the untruncated transform failed: the untruncated
E[h_2 | y] (unbounded, ~ |y|^{1/2}) gave slopes 1.23-1.44 on d = 16..128, i.e.
the claim VIOLATED, where single heavy-weighted samples create outlier
eigenvalues. The truncation is justified by our reading that the paper's
analysis uses a bounded transform, not by the paper's text; the untruncated
failure is a finding about the unbounded Bayes transform at this scale.
Re-run after the change on fresh session seeds (default tier, single
process, the claim's code unchanged since the truncation; 4 Dec 2026):
seed 1: HOLDS (slopes 1.02 [0.97, 1.06] and 0.99 [0.94, 1.04] on two links);
information_exponent_governs killed; log_factor INCONCLUSIVE (transient: the
engine asks for d up to about 450-735), so the near miss survived; control
no_label_transform VIOLATED (slope 2.87). seed 2: HOLDS (1.03 [0.99, 1.07],
1.03 [1.00, 1.06]); both mutants killed; control INCONCLUSIVE (median R^2
0.89 < 0.9: the raw-label n_c(d) does not fit a power law on d = 8..32).
Gaps: the control runs on smaller
d (its n grows like d^3 at this scale: 10^4 samples at d = 45). Only even
links with s in {4}; the paper's statement covers every k* = 2 link.
"""

from __future__ import annotations

import sympy as sp

from tasks.single_index import noisy_even_links
from theorycheck import Claim, Control, Mutant, Scaling, Threshold, reference

from . import PAPER
from ._experiment import raw_label_threshold_sweep, transform_threshold_sweep

d, C, kstar, ie = sp.symbols("d C kstar ie", positive=True)
ALL = (0.0, 1e9)  # fit over every d of the sweep

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 2 and 4: the generative exponent, not the information exponent, sets n ~ d^{max(1, k*/2)}",
    statement="For links a h_4 + b h_6 + noise (information exponent 4, k* = 2), the spectral estimator "
    "on the transformed label E[h_2(z) | y] recovers w* once n grows like d.",
    instances=noisy_even_links(min_a4=0.6, min_noise=0.05, max_noise=0.3),
    experiment=transform_threshold_sweep,
    prediction=Scaling(C * d ** (kstar / 2), over=d, series="n_c", window=ALL, params=(kstar,)),
    mutants=[
        Mutant(
            "information_exponent_governs",
            Scaling(C * d ** (ie / 2), over=d, series="n_c", window=ALL, params=(ie,)),
            why="E[y h_2(z)] = 0, but E[zeta_2(y) h_2(z)] = lambda_2^2 > 0: after the transform an order-2 "
            "statistic carries the signal, so d^{s/2} = d^2 is not needed",
        ),
        Mutant(
            "log_factor",
            Scaling(C * d * sp.log(d), over=d, series="n_c", window=ALL),
            why="with a bounded transform the spectral threshold is at n = alpha_c d; log d arises only in "
            "matrix-concentration bounds",
        ),
    ],
    controls=[
        Control(
            "no_label_transform",
            raw_label_threshold_sweep,
            why="without the transform the order-2 statistic has no signal (E[y h_2] = 0) and the raw label "
            "needs the order-4 partial trace, whose n_c grows at least like d^2",
        )
    ],
    reference=reference(
        section="2, 4",
        value="k* <= 2 for polynomial links, hence n ~ d with the transformed label; the information "
        "exponent would predict d^{s/2} (no experiment in the paper; exponents compared)",
    ),
    gaps=[
        "zeta_2 truncated at its 2 % / 98 % quantiles (chosen after a prototype of the untruncated one)",
        "d = 32..256; links a h_4 + b h_6 with Gaussian label noise only",
    ],
    requires=[Threshold("censored", "<=", 2)],
)
