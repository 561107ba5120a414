"""Long thermalized rollouts keep the invariant measure's one-point statistics.

Pedersen, Zanna, Bruna (2025), Thermalizer: Stable Autoregressive Neural
Emulation of Spatiotemporal Chaos, arXiv:2503.18731 (ICML 2025), Sec. 4
(thermalized rollouts of 1e5 steps reproduce the solver's spectra and
one-point statistics; figure numbers not verified).

Checked on the experiment of ``thermalization_extends_horizon`` (same units;
since Dec 4 2026 the rollouts run 10 x the raw median escape time, where they
ran 25 x the deterministic escape time before, so the windows are about 2.5x
shorter than in the run reported below): the second moment C of the states of
the last half of the thermalized rollouts against the invariant covariance Sigma (closed form), as
||C - Sigma||_F / ||Sigma||_F, divided by the same error of exact-solver
rollouts of the same trajectories, length and window (the finite-sample
floor). The claim (the spec's margin, fixed before any run): the ratio is <= 3.

What to expect, worked out for the linear case with an exact score (not used
by the verdict): for Sigma = I a correction at level sigma/alpha = r is the
exact OU step x -> alpha x + sigma xi towards N(0, I) (alpha^2 + sigma^2 = 1), so
between corrections the emulator's growth (1 + delta)^(2k) competes with
alpha^2: the thermalized chain's stationary variance is about
(2 k gamma Delta alpha^2 + sigma^2) / (sigma^2 - 2 alpha^2 k delta) x Sigma,
a bias of several tens of percent when k delta ~ 0.04 (sigma^2 = 0.2). The
claim can therefore fail on the strongly drifting instances; that is a
finding about a fixed-level thermalizer, not tuned away.

Default tier (Dec 4 2026, 25x rollouts): INCONCLUSIVE. On a 1-D instance (delta 5e-3,
k = 2) the per-seed log ratio scatters widely (log 1.6 +- 1.2: the solver's
own error over a window of ~8 relaxation times is small and noisy); on a 2-D
instance (delta 1.4e-2, k = 2) it is log 2.8, CI [log 1.7, log 4.7], at the
edge of the margin, as the worked-out bias predicts. The thermalized chains
also decorrelate ~27x faster than the solver (the ``dynamics_untouched``
mutant is killed): a fixed-level correction strong enough to stop the drift
overwrites the slow dynamics of an OU process. Not re-run with other margins.

Default tier (Dec 4 2026, 10 x H_raw rollouts): INCONCLUSIVE. 1-D instance
(delta 5e-3): log ratio 0.56, CI [-0.33, 1.45] against <= log 3 = 1.10
(straddles; ~33 seeds would decide it); 2-D instance (delta 1.4e-2): 0.57,
CI [0.10, 1.04], HOLDS. dynamics_untouched killed (3.3-4.0),
as_accurate_as_the_solver undecided on both.

Mutants: as accurate as the solver (ratio <= 1.25); the thermalized
trajectories keep the solver's lag-1 decorrelation rate 1 - rho (within a
factor 1.5; a reader taking the denoiser as invisible to the dynamics).
Controls: untrained score network; no correction (the rollouts escape, their
error is recorded as 1e6).

Gaps: as in ``thermalization_extends_horizon``; second moments only (the
invariant law is Gaussian, so they are its full one-point statistics).
"""

from __future__ import annotations

import sympy as sp

from tasks.emulator import ou_emulators
from theorycheck import Claim, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    no_thermalizer,
    no_thermalizer_batched,
    thermalized_rollouts,
    thermalized_rollouts_batched,
    untrained_thermalizer,
    untrained_thermalizer_batched,
)

err_thermal, err_solver, rho_thermal, rho_solver, fit_loss, dim = sp.symbols(
    "err_thermal err_solver rho_thermal rho_solver fit_loss dim", positive=True
)
ratio = sp.log(err_thermal / err_solver)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4: thermalized long rollouts reproduce the invariant one-point statistics",
    statement=(
        "Over the second half of long thermalized rollouts the states' covariance is as close to the "
        "invariant law's as the exact solver's over the same window, up to a factor 3."
    ),
    instances=ou_emulators(),
    experiment=thermalized_rollouts,
    batched_experiment=thermalized_rollouts_batched,  # one stacked fit, rollouts stepped together
    prediction=Threshold(ratio, "<=", float(sp.log(3))),
    requires=[Threshold(fit_loss / dim, "<=", 0.9)],
    mutants=[
        Mutant(
            "as_accurate_as_the_solver",
            Threshold(ratio, "<=", float(sp.log(1.25))),
            why="each correction is an OU step towards the invariant law that balances the drift only at a "
            "variance above Sigma's",
        ),
        Mutant(
            "dynamics_untouched",
            Identity(sp.log((1 - rho_thermal) / (1 - rho_solver)), 0, tolerance=float(sp.log(1.5))),
            why="a correction at sigma/alpha = 0.5 every few steps decorrelates far faster than the slow "
            "relaxation gamma Delta ~ 2e-3",
        ),
    ],
    controls=[
        Control(
            "untrained_thermalizer",
            untrained_thermalizer,
            batched_experiment=untrained_thermalizer_batched,
            why="only a score learned from the invariant law pulls the states back onto it",
        ),
        Control(
            "no_thermalizer",
            no_thermalizer,
            batched_experiment=no_thermalizer_batched,
            why="the raw emulator has no invariant law",
        ),
    ],
    reference=reference(
        section="4",
        value="thermalized rollouts over 1e5 steps match the numerical solver's one-point statistics and "
        "spectra (Kolmogorov flow, QG turbulence)",
        setting="authors' code (Chris-Pedersen/thermalizer @ 7357d407): Kolmogorov flow Re 5000, 64^2, "
        "U-Net 64 channels, 1000 diffusion steps, denoise time 400, rollouts 10000 steps",
    ),
    gaps=[
        "OU process (Gaussian invariant law) instead of turbulence: covariance is the whole one-point law",
        "fixed noise level sigma/alpha = 0.5 every 2-4 steps, not the paper's predicted level",
        "window = second half of a rollout of 25 raw escape times",
    ],
)
