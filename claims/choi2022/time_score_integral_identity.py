"""Integrating the bridge's time score over t in [0, 1] gives the log density ratio.

Choi, Meng, Song, Ermon (2022), arXiv:2111.11010, AISTATS 2022: the
identity behind DRE-infinity (Sec. 3: log p_1(x) - log p_0(x) =
int_0^1 d/dt log p_t(x) dt for the bridge p_t of x_t = sqrt(1 - t^2) x_0 +
t x_1, the interpolation of the authors' toy code, ermongroup/dre-infinity
@ a8be4638).

Checked: for Gaussian p_0 = N(m_0, S_0), p_1 = N(m_1, S_1) (dimension 1-5,
means in [-3, 3], covariances of condition number <= 100, p_1's scale 10^e
with e in [-3, -0.3] or [0.3, 1], so peaked and broad p_1 both occur), the
closed-form time score of the Gaussian bridge, integrated by 256-node
Gauss-Legendre with nodes clustered at t = 1, reproduces the closed-form
log ratio at 200 points (half from each law): the largest absolute error is
below 1e-4 nats (fixed before the default run; the smoke prototype gave
<= 2.4e-7). The seed draws the evaluation points.

Default tier (Dec 2026): largest error 1e-11 to 1.5e-10 nats; each mutant is
rejected on at least one instance (without the mean drift only where a mean
is non-zero).

Mutants are time scores a careful reader could write down: without the
log-det term -tr(S^-1 S')/2, without the drift of the bridge's mean, and the
integral read as log p_0 - log p_1 (the direction of the ratio).

Gaps: Gaussian laws only (closed-form bridge); the identity is checked for
the exact time score, the learnt one is the next claim's subject.
"""

from __future__ import annotations

from tasks.density_ratio import gaussian_pairs
from theorycheck import Claim, Identity, Mutant, reference

from . import PAPER
from ._experiment import time_score_identity

CLAIM = Claim(
    paper=PAPER,
    theorem="time-score identity log r(x) = int_0^1 d/dt log p_t(x) dt (Sec. 3, Eq. for DRE-infinity)",
    statement=(
        "For the bridge x_t = sqrt(1 - t^2) x_0 + t x_1 between two Gaussians, the time score "
        "integrated over t in [0, 1] equals log p_1(x) - log p_0(x) at every point."
    ),
    instances=gaussian_pairs(),
    experiment=time_score_identity,
    prediction=Identity("identity_error", 0, tolerance=1e-4),
    mutants=[
        Mutant(
            "without_mean_drift",
            Identity("error_without_mean_drift", 0, tolerance=1e-4),
            why="the bridge's mean sqrt(1 - t^2) m_0 + t m_1 moves unless both means are 0 (even for "
            "m_0 = m_1); its drift contributes r' S^-1 m_t' to the time score",
        ),
        Mutant(
            "without_normaliser",
            Identity("error_without_normaliser", 0, tolerance=1e-4),
            why="dropping -tr(S^-1 S')/2 loses (log det S_0 - log det S_1)/2, non-zero as the scales differ",
        ),
        Mutant(
            "reversed_ratio",
            Identity("error_reversed", 0, tolerance=1e-4),
            why="t runs from p_0 to p_1, so the integral is log p_1 - log p_0, not its negative",
        ),
    ],
    reference=reference(
        section="3",
        value="identity stated exactly; the authors' toy code integrates the learnt time score with an "
        "ODE solver from t = eps to 1 (eps = 1e-5)",
    ),
    gaps=["Gaussian p_0, p_1 of dimension <= 5 with the closed-form bridge", "quadrature, not an ODE solver"],
)
