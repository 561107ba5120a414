"""Shared experiment of li2025: GD, SignGD and Adam on the same signal-plus-sparse-noise data and init.

One seed draws a training set of ``n`` samples, a test set of ``n_test``
samples and one initialisation; every optimiser starts from that same
initialisation (paired comparisons). All runs take the same number of
full-batch steps ``T``. Training loss is the mean over the last 20 steps
(sign updates oscillate at a fixed step size). Attention scores are averaged
over test samples: ``attn_sig_sig`` is the signal query's weight on the signal
key, ``attn_noise_sig`` the noise query's.
"""

from __future__ import annotations

import torch

from models.sign_attention import Optimizer, SignAttentionConfig, TwoLayerSoftmaxAttnClassifier
from tasks.signal_sparse_noise import SignalSparseNoise, sample, signal_sparse_noise_problems
from theorycheck import Measurement, Tier

LR = {"gd": 0.5, "signgd": 1e-3, "adam": 1e-3}  # SignGD/Adam: the spec's 1e-3; GD: the largest stable step
WIDTH = 16  # m_k = m_v
SIGMA_0 = 0.01


def _steps(tier: Tier) -> int:
    return tier.pick(smoke=400, default=800)


def run(problem: SignalSparseNoise, seed: int, tier: Tier, optimizers: tuple[Optimizer, ...]) -> Measurement:
    """Train each optimiser in ``optimizers`` from one shared init; scalars are suffixed by optimiser.

    Per optimiser ``o`` (``gd``, ``sign``, ``adam``): ``train_loss_o``,
    ``train_acc_o``, ``test_loss_o``, ``acc_o`` (test accuracy),
    ``test_loss_half_o`` (test loss at T/2), ``attn_sig_sig_o``,
    ``attn_noise_sig_o``, ``value_noise_o`` / ``value_signal_o`` (mean
    memorised noise vs learned signal in the value maps).
    """
    gen = torch.Generator().manual_seed(seed)
    x, y = sample(problem, problem.n, gen)
    n_test = tier.pick(smoke=min(500, problem.n_test), default=problem.n_test)
    xt, yt = sample(problem, n_test, gen)
    steps = _steps(tier)
    init = TwoLayerSoftmaxAttnClassifier(SignAttentionConfig(d=problem.d, m_k=WIDTH, m_v=WIDTH)).init(gen)
    scalars: dict[str, float] = {"steps": float(steps), "noise_l1_ratio": problem.noise_l1_ratio}
    for opt in optimizers:
        model = TwoLayerSoftmaxAttnClassifier(
            SignAttentionConfig(d=problem.d, m_k=WIDTH, m_v=WIDTH, sigma_0=SIGMA_0, optimizer=opt, lr=LR[opt])
        )
        half = model.train(init, x, y, steps // 2)
        full = model.train(half.weights, x, y, steps - steps // 2)
        w = full.weights
        tag = "sign" if opt == "signgd" else opt
        with torch.no_grad():
            scores = model.scores(w, xt)  # (N, 2, 2)
            proj = model.projections(w, x, y)
            scalars |= {
                f"train_loss_{tag}": float(full.loss[-20:].mean()),
                f"train_acc_{tag}": model.accuracy(w, x, y),
                f"test_loss_{tag}": float(model.loss(w, xt, yt)),
                f"test_loss_half_{tag}": float(model.loss(half.weights, xt, yt)),
                f"acc_{tag}": model.accuracy(w, xt, yt),
                f"attn_sig_sig_{tag}": float(scores[:, 0, 0].mean()),
                f"attn_noise_sig_{tag}": float(scores[:, 1, 0].mean()),
                f"value_noise_{tag}": float(proj.value_noise.mean()),
                f"value_signal_{tag}": float(proj.value_signal),
            }
    return Measurement.one(scalars=scalars)


def sign_vs_gd(problem: SignalSparseNoise, seed: int, tier: Tier) -> Measurement:
    """SignGD and GD on the same data and init."""
    return run(problem, seed, tier, ("signgd", "gd"))


def adam_sign_gd(problem: SignalSparseNoise, seed: int, tier: Tier) -> Measurement:
    """Adam, SignGD and GD on the same data and init."""
    return run(problem, seed, tier, ("adam", "signgd", "gd"))


# The drawn problems of every li2025 claim: the paper's regime (d >= 10 n s, noise l1 mass >= 2 ||mu||),
# with d <= 13 n s (a test sample's noise meets a memorised coordinate s^2 n / d >= s / 13 times on average)
# and GD's own SNR n ||mu||^2 / (s sigma_p^2) >= 0.8, where plain GD generalises.
PROBLEMS = signal_sparse_noise_problems(
    min_n=10, max_n=16, min_s=8, max_s=12, max_d=1600, max_d_over_ns=13.0, min_gd_snr=0.8
)
