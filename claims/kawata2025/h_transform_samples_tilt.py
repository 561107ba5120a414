"""Doob's h-transform: the reference reverse diffusion plus grad log h_t samples the tilted law.

Kawata, Oko, Nitanda, Suzuki (2025), arXiv:2502.02954, the h-transform
sampling result (Sec. on sampling from the DA iterates; theorem number not
verified: only the abstract and summaries were readable here). With the
reference score exact, the tilted law p_ref exp(-g) / Z is sampled by the
reference's reverse SDE whose score is corrected by grad log h_t, h_t(x) =
E[exp(-g(X_0)) | X_t = x] under the reference forward process.

Checked: on drawn multimodal 1-D references (2-3 modes at least 4 stds
apart) and linear tilts g(x) = -c x that move the law materially, 4000
particles of the Euler-Maruyama reverse VP SDE (200 steps, beta in [0.1, 20])
land within W1 <= 0.1 x W1(p_ref, tilt) of the exact tilt (a closed-form
reweighted, shifted mixture). grad log h_t is computed from its definition,
(alpha_t / sigma_t^2)(E_c[X_0 | x] - E[X_0 | x]), with the exact posterior of
the reference (not from the tilt's closed form). The 0.1 was fixed after a
3-instance prototype (0.011-0.021) as a tenth of the distance the alignment
must cover; the Monte Carlo floor of W1 at 4000 particles is ~0.01 of it.
That prototype understated the spread: in the default run of Dec 4 2026 the
per-seed ratios were 0.013-0.070 (estimate 0.046, upper interval 0.060), so
the margin to 0.1 is about 1.4x the worst seed, not the ~5x the prototype
suggested (both judged instances had |c| = 0.20-0.24, near the lower end,
where the distance the alignment covers, the ratio's denominator, is
smallest). The threshold was not moved after that run.

Controls: the reference score alone (no h-transform), and "guidance" that
adds the tilt's gradient c at every noise level instead of grad log h_t
(prototype: W1 ratio 0.17-0.56: it shifts the modes but under-reweights them).

Gaps: the reference score and the posterior are exact (the paper learns the
reference and estimates h from the reference's samples and a learned
potential); 1-D; the tilt is linear.
"""

from __future__ import annotations

from tasks.alignment import tilts
from theorycheck import Claim, Control, Identity, Mutant, Threshold, reference

from . import PAPER
from ._experiment import (
    doob_sampling,
    doob_samplings,
    guidance_sampling,
    guidance_samplings,
    reference_sampling,
    reference_samplings,
)

CLAIM = Claim(
    paper=PAPER,
    theorem="Doob h-transform sampling of the tilted law (Sec. 4; number unverified)",
    statement=(
        "Reverse diffusion of the reference with its score corrected by grad log h_t samples the tilted "
        "law p_ref exp(-g) / Z, multimodal references included."
    ),
    instances=tilts(),
    experiment=doob_sampling,
    batched_experiment=doob_samplings,
    prediction=Threshold("w1_ratio", "<=", 0.1),
    mutants=[
        Mutant(
            "gaussian_linear_response",
            Identity("mean_fraction", "linear_response_fraction", tolerance=0.05),
            why="for a Gaussian reference a linear tilt moves the mean by c Var; for a mixture the tilt "
            "reweights the modes, so the mean moves by d/dc log Z(c), not c Var",
        ),
        Mutant(
            "leaves_reference_law",
            Threshold("w1_ratio", ">=", 0.9),
            why="grad log h_t is not zero where the tilt varies across the posterior of X_0",
        ),
    ],
    controls=[
        Control(
            "reference_score_only",
            reference_sampling,
            batched_experiment=reference_samplings,
            why="no h-transform: the reference is sampled",
        ),
        Control(
            "naive_guidance",
            guidance_sampling,
            batched_experiment=guidance_samplings,
            why="the clean-data potential's gradient at x_t is not grad log h_t: mode weights are decided "
            "at noise levels where exp(c x_t) and h_t differ",
        ),
    ],
    reference=reference(
        section="5",
        value="synthetic multimodal targets reached by the DA + h-transform sampler where score-based "
        "fine-tuning baselines miss modes (figure values not readable here)",
    ),
    gaps=[
        "exact reference score and exact posterior for h (no learned reference, no estimated potential)",
        "1-D mixtures and linear tilts only",
        "Euler-Maruyama with 200 steps from t = 1 to 1e-3",
    ],
    unit_seconds=0.6,
)
