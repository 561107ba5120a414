"""Signal-plus-noise data with two modalities (Huang, Han, Chen, Cao, Xu, Suzuki 2024, arXiv:2411.02837).

Each example has a label ``y`` uniform on ``{-1, +1}`` and two patches per
modality: modality 1 is ``x = [y mu, xi]`` with ``xi ~ N(0, sigma^2 I_d)``,
modality 2 is ``x~ = [y mu~, xi~]`` with its own independent noise, the same
label and ``||mu~|| = C_mu ||mu||``. Single-modal training pairs ``x`` with
the augmentation ``x^ = [y mu, xi + eps]``, ``eps ~ N(0, sigma_eps^2 I_d)``
(the augmentation keeps the noise patch). The downstream (out-of-distribution)
test draws ``x_test = [y nu, zeta]`` with ``nu = kappa mu`` (the paper's
synthetic experiment: ``mu = 5 e_1``, ``nu = 2 e_1``) and fresh noise ``zeta``.
``SNR = ||mu|| / (sigma sqrt(d))``; the paper's regime is ``n SNR^2 = Theta(1)``
and ``C_mu >= 2.66``.

Every quantity a patch-wise ReLU encoder trained by gradient descent ever
computes is an inner product of its weights with ``mu`` or with a Gaussian
noise vector, and gradient descent keeps the weights in
``w(0) + span(mu, xi_1..xi_n)`` (the augmentation noise is behind a
stop-gradient). So a run is simulated exactly in that span: what is drawn is
the joint law of the inner products. For ``k`` i.i.d. ``N(0, I_d)`` vectors
``g_j`` and a fixed unit vector ``e``: ``a_j = <e, g_j>`` are i.i.d. N(0, 1),
and the Gram matrix of the parts orthogonal to ``e`` is Wishart(d - 1, I_k),
sampled exactly by the Bartlett decomposition ``L L^T`` (``L`` lower
triangular, ``L_ii^2 ~ chi^2_{d-i}``, ``L_ij ~ N(0, 1)`` below the diagonal);
an independent ``w ~ N(0, I_d)`` then has ``<w, e> = b ~ N(0, 1)`` and
``<w, g_j> = b a_j + (L z)_j`` with ``z ~ N(0, I_k)``. The cost is O(k^3),
free of d: d can be as large as the theorem asks (``d >= n^2``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .arguments import number_in

PARTNER_RATIO_MIN = 2.66  # C_mu >= 2.66 in Assumption 4.1 (7)
# Lemma 5.4's first stage: multi-modal signal grows at 0.48 C_mu eta ||mu||^2/(m tau) against noise at most
# 1.06 eta sigma^2 d/(n m tau), so the multi-modal signal wins the race iff C_mu n SNR^2 > 1.06/0.48.
PARTNER_PRODUCT_MIN = 1.06 / 0.48


@dataclass(frozen=True, kw_only=True)
class MultiModalTask:
    """Two-modality signal-plus-noise data: dimension ``d``, ``n`` training pairs, signal ``||mu||``,
    partner ratio ``C_mu = ||mu~|| / ||mu||``, noise ``sigma``, augmentation noise ``sigma_eps``,
    downstream signal ``nu = kappa mu``."""

    dim: int  # d (of each patch, both modalities)
    samples: int  # n
    signal: float  # ||mu||
    partner_ratio: float = 3.0  # C_mu
    noise: float = 1.0  # sigma_xi = sigma_xi~
    augmentation: float = 0.1  # sigma_eps
    test_signal: float = 0.4  # kappa: nu = kappa mu

    def __post_init__(self) -> None:
        if not (
            isinstance(self.dim, int) and isinstance(self.samples, int) and self.dim > 2 * self.samples >= 8
        ):
            raise ValueError(
                f"need ints with dim > 2 samples >= 8, got dim={self.dim}, samples={self.samples}"
            )
        if not (self.signal >= 0 and self.partner_ratio >= 0 and self.noise > 0 and self.augmentation >= 0):
            raise ValueError(f"signal, partner_ratio, augmentation must be >= 0 and noise > 0: {self}")
        if not self.test_signal > 0:
            raise ValueError(f"test_signal={self.test_signal!r} must be > 0")

    @property
    def snr(self) -> float:
        """``||mu|| / (sigma sqrt(d))``."""
        return self.signal / (self.noise * math.sqrt(self.dim))

    @property
    def n_snr2(self) -> float:
        """``n SNR^2``: the paper's regime is Theta(1)."""
        return self.samples * self.snr**2

    def with_n_snr2(self, value: float) -> MultiModalTask:
        """The same task with ``||mu||`` set so that ``n SNR^2 = value``."""
        signal = self.noise * math.sqrt(self.dim * value / self.samples)
        return MultiModalTask(**{**self.__dict__, "signal": signal})


@dataclass(frozen=True)
class GaussianGram:
    """The joint law of inner products among a fixed vector ``mu`` (norm ``signal``) and ``k`` independent
    Gaussian vectors ``g_j ~ N(0, scale_j^2 I_d)``: ``gram`` is the ``(k+1, k+1)`` Gram matrix of
    ``[mu, g_1..g_k]``; ``along`` (``a``, ``(k,)``) and ``factor`` (``L``) let :meth:`project` draw the
    inner products of an independent isotropic Gaussian vector with all of them."""

    gram: torch.Tensor
    along: torch.Tensor
    factor: torch.Tensor
    scales: torch.Tensor
    signal: float

    def project(self, count: int, scale: float, generator: torch.Generator) -> torch.Tensor:
        """Inner products ``(count, k+1)`` of ``count`` independent ``w ~ N(0, scale^2 I_d)`` with
        ``[mu, g_1..g_k]``."""
        k = self.along.shape[0]
        b = torch.randn(count, 1, generator=generator, dtype=torch.float64)
        z = torch.randn(count, k, generator=generator, dtype=torch.float64)
        noise = (b * self.along + z @ self.factor.T) * self.scales  # (count, k)
        return scale * torch.cat([b * self.signal, noise], dim=1)


def gaussian_gram(
    dim: int, signal: float, scales: torch.Tensor, generator: torch.Generator, *, rows: int | None = None
) -> GaussianGram:
    """Exact sample of the Gram of ``[mu, g_1..g_k]`` in R^dim (Bartlett decomposition; needs dim > k).

    With ``rows``, only the Gram's first ``rows + 1`` rows (``mu`` and ``g_1..g_rows`` against all) are
    computed, ``(rows + 1, k + 1)``, at a fraction of the O(k^3) cost: the same draws (the same numbers
    up to float reduction order), leaving the generator in the same state."""
    k = scales.shape[0]
    if dim <= k:
        raise ValueError(f"dim={dim} must exceed the number of Gaussian vectors k={k}")
    rng = np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=generator)))
    diagonal = np.sqrt(rng.chisquare(dim - 1 - np.arange(k)))
    factor = torch.tril(torch.randn(k, k, generator=generator, dtype=torch.float64), diagonal=-1)
    factor = factor + torch.diag(torch.from_numpy(diagonal))
    along = torch.randn(k, generator=generator, dtype=torch.float64)
    s = scales.double()
    if rows is not None:
        top = factor[:rows, :rows]  # row i < rows of the lower-triangular factor is zero past column i
        gram = torch.empty(rows + 1, k + 1, dtype=torch.float64)
        gram[0, 0] = signal**2
        gram[0, 1:] = signal * along * s
        gram[1:, 0] = gram[0, 1 : rows + 1]
        gram[1:, 1:] = (torch.outer(along[:rows], along) + top @ factor[:, :rows].T) * torch.outer(
            s[:rows], s
        )
        return GaussianGram(gram, along, factor, s, float(signal))
    gram = torch.empty(k + 1, k + 1, dtype=torch.float64)
    gram[0, 0] = signal**2
    gram[0, 1:] = gram[1:, 0] = signal * along * s
    gram[1:, 1:] = (torch.outer(along, along) + factor @ factor.T) * torch.outer(s, s)
    return GaussianGram(gram, along, factor, s, float(signal))


@dataclass(frozen=True)
class Modality:
    """One modality's drawn data, as inner products: the Gram of ``[mu, xi_1..xi_n, eps_1..eps_n,
    zeta_1..zeta_t]`` (``t`` downstream noise vectors) and the labels ``y (n,)``, ``y_test (t,)``."""

    gram: GaussianGram
    samples: int
    tests: int

    @property
    def signal_index(self) -> int:
        return 0

    def noise_index(self) -> slice:
        """Columns of the training noises ``xi_i``."""
        return slice(1, 1 + self.samples)

    def augmentation_index(self) -> slice:
        """Columns of the augmentation noises ``eps_i``."""
        return slice(1 + self.samples, 1 + 2 * self.samples)

    def test_index(self) -> slice:
        """Columns of the downstream noises ``zeta_t``."""
        return slice(1 + 2 * self.samples, 1 + 2 * self.samples + self.tests)


def draw_modality(
    dim: int,
    samples: int,
    signal: float,
    noise: float,
    augmentation: float,
    tests: int,
    generator: torch.Generator,
    *,
    training_rows: bool = False,
) -> Modality:
    """The inner-product law of one modality's training noises, augmentations and test noises.

    ``training_rows``: the Gram's rows of ``[mu, xi_1..xi_n]`` only, ``(n + 1, K)``, all that an encoder
    trained on the modality reads (same draws; see :func:`gaussian_gram`)."""
    scales = torch.cat(
        [
            torch.full((samples,), noise, dtype=torch.float64),
            torch.full((samples,), augmentation, dtype=torch.float64),
            torch.full((tests,), noise, dtype=torch.float64),
        ]
    )
    rows = samples if training_rows else None
    return Modality(gaussian_gram(dim, signal, scales, generator, rows=rows), samples, tests)


def balanced_labels(count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` labels in ``{-1, +1}``, half of each (shuffled): every sample has negatives."""
    y = torch.ones(count, dtype=torch.float64)
    y[count // 2 :] = -1.0
    return y[torch.randperm(count, generator=generator)]


def sample_full(task: MultiModalTask, count: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Explicit vectors in R^d (for tests and small d): labels ``y``, ``mu = signal e_1``,
    noises ``xi``, augmentation noises ``eps`` (both ``(count, d)``)."""
    mu = torch.zeros(task.dim, dtype=torch.float64)
    mu[0] = task.signal
    return {
        "y": balanced_labels(count, generator),
        "mu": mu,
        "xi": task.noise * torch.randn(count, task.dim, generator=generator, dtype=torch.float64),
        "eps": task.augmentation * torch.randn(count, task.dim, generator=generator, dtype=torch.float64),
    }


def multimodal_tasks(
    *,
    min_dim: int = 1000,
    max_dim: int = 4000,
    min_samples: int = 50,
    max_samples: int = 100,
    min_n_snr2: float = 0.8,
    max_n_snr2: float = 1.6,
    min_partner_ratio: float = PARTNER_RATIO_MIN,
    max_partner_ratio: float = 4.0,
    min_partner_product: float = PARTNER_PRODUCT_MIN,
) -> st.SearchStrategy[MultiModalTask]:
    """Tasks in the paper's regime: partner ratio ``C_mu`` in ``[min_partner_ratio, max_partner_ratio]``,
    ``n SNR^2`` in ``[max(min_n_snr2, min_partner_product / C_mu), max_n_snr2]`` (Theta(1), with the
    constants of the proof of Lemma 5.4: ``C_mu n SNR^2 > 1.06 / 0.48``), unit noise, augmentation
    noise 0.1.

    Shrinking moves towards the smallest dimension, the fewest samples, the smallest partner ratio (the
    least help from the second modality) and the smallest ``n SNR^2`` allowed with it (the weakest
    signal).
    """
    number_in("min_dim", min_dim, 16, 10**7)
    number_in("max_dim", max_dim, min_dim, 10**7)
    number_in("min_samples", min_samples, 8, 10**5)
    number_in("max_samples", max_samples, min_samples, 10**5)
    if min_dim <= 2 * max_samples:
        raise InvalidArgument(f"min_dim={min_dim} must exceed 2 max_samples={2 * max_samples}")
    lo = number_in("min_n_snr2", min_n_snr2, 1e-4, 1e4)
    hi = number_in("max_n_snr2", max_n_snr2, lo, 1e4)
    lo_c = number_in("min_partner_ratio", min_partner_ratio, 0.0, 100.0)
    hi_c = number_in("max_partner_ratio", max_partner_ratio, lo_c, 100.0)
    product = number_in("min_partner_product", min_partner_product, 0.0, 1e4)
    if product > hi * hi_c:
        raise InvalidArgument(f"min_partner_product={product} exceeds max_n_snr2 * max_partner_ratio")

    @st.composite
    def build(draw: st.DrawFn) -> MultiModalTask:
        d = draw(st.integers(int(min_dim), int(max_dim)))
        n = draw(st.integers(int(min_samples), int(max_samples)))
        ratio = draw(st.floats(max(lo_c, product / hi), hi_c, allow_nan=False))
        n_snr2 = draw(st.floats(max(lo, product / ratio), hi, allow_nan=False))
        task = MultiModalTask(dim=d, samples=n, signal=1.0, partner_ratio=ratio)
        return task.with_n_snr2(n_snr2)

    return build()


def first_stage_tasks(
    *,
    top_samples: int = 512,
    min_dim_ratio: float = 1.0,
    max_dim_ratio: float = 16.0,
    min_n_snr2: float = 0.8,
    max_n_snr2: float = 1.6,
) -> st.SearchStrategy[MultiModalTask]:
    """Single-modal first-stage tasks for a sweep over n up to ``top_samples``: ``samples = top_samples``,
    ``dim = kappa top_samples^2`` with ``kappa = d / n^2`` in ``[min_dim_ratio, max_dim_ratio]`` (Lemma
    5.2's d >= n^2, kept at every n of a sweep that sets d from the largest n), ``n SNR^2`` in
    ``[min_n_snr2, max_n_snr2]``, unit noise, augmentation noise 0.1 (the partner modality is unused).

    Shrinking moves towards the smallest ratio and the smallest ``n SNR^2``.
    """
    top = int(number_in("top_samples", top_samples, 8, 10**4))
    lo_k = number_in("min_dim_ratio", min_dim_ratio, 1e-3, 1e3)
    hi_k = number_in("max_dim_ratio", max_dim_ratio, lo_k, 1e3)
    lo = number_in("min_n_snr2", min_n_snr2, 1e-4, 1e4)
    hi = number_in("max_n_snr2", max_n_snr2, lo, 1e4)
    if lo_k * top**2 <= 2 * top:
        raise InvalidArgument(f"min_dim_ratio={lo_k} gives d <= 2 n at n={top}")

    @st.composite
    def build(draw: st.DrawFn) -> MultiModalTask:
        ratio = draw(st.floats(lo_k, hi_k, allow_nan=False))
        n_snr2 = draw(st.floats(lo, hi, allow_nan=False))
        task = MultiModalTask(dim=round(ratio * top**2), samples=top, signal=1.0)
        return task.with_n_snr2(n_snr2)

    return build()
