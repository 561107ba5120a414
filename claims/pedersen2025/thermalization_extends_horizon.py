"""Thermalized emulator rollouts stay in the typical set at least ten times longer than raw ones.

Pedersen, Zanna, Bruna (2025), Thermalizer: Stable Autoregressive Neural
Emulation of Spatiotemporal Chaos, arXiv:2503.18731 (ICML 2025), abstract and
Sec. 4: thermalization extends the stable horizon "by two orders of magnitude"
(arXiv v2 HTML and the ICML abstract on OpenReview; other listings of the
abstract say "an order of magnitude"; figure numbers not verified). We test
the weaker factor 10, at a fixed horizon of 10 raw escape times.

Checked on drawn OU systems (d = 1..3, invariant N(0, Sigma) with condition
<= 4, relaxation gamma Delta in [1e-3, 3e-3] per step) with an emulator whose
deterministic factor is 1 + delta, delta in [5e-3, 1.5e-2] (one-step relative
error of its mean a_hat - a ~ 1e-2, the spec's emulator error scale): the raw
emulator has no invariant law and leaves the typical set (x' Sigma^-1 x > 50)
after ~ log(50 / d) / (2 delta) steps. The thermalizer is a ScoreMLP fitted by
denoising score matching on 4096 invariant draws; every 2-4 emulator steps
the states are taken as noised invariant samples at sigma / alpha = 0.5 and
denoised by 4 reverse VP-SDE steps. 32 trajectories from the invariant law
are first rolled out by the raw emulator until they escape (median escape
time H_raw, measured), then thermalized for exactly 10 x H_raw steps: 10 is
the claim's own factor, fixed by the claim, not by any run. Statistic: the
fraction of thermalized trajectories still in the typical set at 10 x H_raw;
the claim (median thermalized horizon >= 10 x the raw median): >= 0.5. The
level 0.5, the 4 steps and the period range were fixed before any run; the
drift range was raised after a 3-instance prototype, for run time (shorter
escape times).

History: the first version judged log10(median H_thermal / median H_raw) >= 1
with H censored at the rollout length, 25 x the deterministic escape time (a
factor raised from 15 after the prototype), so the statistic could show at
most log10(25) = 1.40 and in practice tested "no thermalized trajectory
escaped" (audit of issue 12, P5). It held at 1.35 on both default instances,
the censoring ceiling. Replaced (Dec 4 2026) by the survival fraction at the
fixed horizon the claim names; its mutants were 27-33 interval half-widths
away, so a near miss was added.

Default tier (Dec 4 2026, fixed horizon): HOLDS on both instances (d = 1,
delta 5e-3; d = 2, delta 1.4e-2): every thermalized trajectory of every seed
was still in the typical set at 10 x H_raw (survival 1.0; the statistic is
a fraction, so the interval is degenerate). The near miss slowed_drift is
killed (energy growth -0.012 [-0.042, 0.019] and -0.008 [-0.037, 0.022]
against >= 0.1); the untrained and no-correction controls have survival 0.

Mutants: the near miss is a slowed drift: "ten times longer" read as the
thermalizer slowing the drift ten-fold, so the surviving states' mean
x' Sigma^-1 x still grows over the rollout's last half. For a drift slowed
exactly 10x the energy grows by (50 / d)^(1/4) between the last two quarters
of a 10 x H_raw rollout (log10 >= 0.30 for d <= 3); the mutant's 0.1 (a
drift slowed ~30x) was fixed from that before the run. Far ones: almost no
thermalized trajectory lasts 10 x H_raw (<= 0.1, the raw emulator's own
fate); the median horizon is at most half a decade (survival at
sqrt(10) x H_raw <= 0.5). Controls: the same correction by the score network
untrained (nothing learned of the invariant law), and no correction (the raw
emulator: its survival is about 0 by construction, a sanity check).

Gaps: an OU process, not 2-D turbulence: a 3-D MLP emulator of Lorenz-63
(one-step error ~1e-2, and with an added expansion up to 12 % per step) never
left the attractor in 4000-step prototypes, so Lorenz-63 offers no drifting
baseline at this scale; the emulator's error is a drawn parameter, not a
trained network's; fixed noise level instead of the paper's predicted level;
survival is judged at 10 raw escape times, not at the v2 abstract's 100.
"""

from __future__ import annotations

import sympy as sp

from tasks.emulator import ou_emulators
from theorycheck import Claim, Control, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    no_thermalizer,
    no_thermalizer_batched,
    thermalized_rollouts,
    thermalized_rollouts_batched,
    untrained_thermalizer,
    untrained_thermalizer_batched,
)

fit_loss, dim = sp.symbols("fit_loss dim", positive=True)

CLAIM = Claim(
    paper=PAPER,
    theorem="Sec. 4: thermalization extends the stable horizon by an order of magnitude (abstract v2)",
    statement=(
        "An emulator whose one-step errors make its rollouts drift off the invariant measure stays on it at "
        "least ten times longer when a diffusion model trained on the invariant measure denoises its states "
        "periodically."
    ),
    instances=ou_emulators(),
    experiment=thermalized_rollouts,
    batched_experiment=thermalized_rollouts_batched,  # one stacked fit, rollouts stepped together
    prediction=Threshold("survival", ">=", 0.5),
    requires=[Threshold(fit_loss / dim, "<=", 0.9), Threshold("raw_escaped", ">=", 0.5)],
    mutants=[
        Mutant(
            "slowed_drift",
            Threshold("energy_growth", ">=", 0.1),
            why="the denoiser does not just slow the emulator's drift: it pulls the states back to the "
            "invariant law every few steps, so the surviving rollouts are stationary (no energy growth), "
            "not drifting ten times slower",
        ),
        Mutant(
            "no_gain",
            Threshold("survival", "<=", 0.1),
            why="the denoiser removes the excess variance the emulator's drift injects between corrections",
        ),
        Mutant(
            "at_most_half_a_decade",
            Threshold("survival_half_decade", "<=", 0.5),
            why="once the correction outpaces the drift the rollout is stationary: the horizon is unbounded, "
            "not a few times longer",
        ),
    ],
    controls=[
        Control(
            "untrained_thermalizer",
            untrained_thermalizer,
            batched_experiment=untrained_thermalizer_batched,
            why="the correction pulls states back only through the learned score of the invariant law",
        ),
        Control(
            "no_thermalizer",
            no_thermalizer,
            batched_experiment=no_thermalizer_batched,
            why="the raw emulator drifts off by construction",
        ),
    ],
    reference=reference(
        section="4",
        value="stable horizon extended by two orders of magnitude (arXiv v2 / ICML abstract; 'an order of "
        "magnitude' in other versions): raw emulators of Kolmogorov flow / QG turbulence go unstable within "
        "hundreds to a few thousand steps, thermalized ones stay stable over 1e5 steps",
        setting="authors' code (Chris-Pedersen/thermalizer @ 7357d407): Kolmogorov flow Re 5000, 64^2, "
        "dt 1e-3, U-Net 64 channels, 1000 diffusion steps, denoise time 400, lr 2e-5, rollouts 10000 steps",
    ),
    gaps=[
        "OU process with closed-form invariant law, d <= 3, instead of 2-D turbulence",
        "emulator error a drawn drift, not a trained network's (Lorenz-63 MLP emulators did not drift)",
        "fixed noise level sigma/alpha = 0.5 and 4 reverse steps, not the paper's predicted level",
        "survival judged at 10 raw median escape times (the claim's factor), not 100",
    ],
)
