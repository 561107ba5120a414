"""Signal plus sparse noise: two-token inputs ``X = [y mu, xi]`` (Li et al. 2025, arXiv:2410.04870).

Each example has a label ``y`` uniform on ``{-1, +1}``, a signal token
``y mu`` with ``mu = mu_norm * e_1``, and a noise token ``xi`` with ``s``
non-zero coordinates on a support drawn uniformly from the coordinates
``2..d`` (never the signal coordinate), each ``N(0, sigma_p^2)``. A batch is
an ``(N, 2, d)`` float tensor (token 0 the signal, token 1 the noise) and a
``(N,)`` tensor of labels.

The regime of the paper is the one where sparse noise dominates the signal
in l1 mass but noise supports of different samples barely overlap:
``d >= 10 n s`` (expected overlaps per sample at most ``n s^2 / d <= s/10``)
and ``E ||xi||_1 = s sigma_p sqrt(2/pi) >= 2 ||mu||``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

L1_PER_COORD = math.sqrt(2.0 / math.pi)  # E|N(0, 1)|


@dataclass(frozen=True, kw_only=True)
class SignalSparseNoise:
    """A data distribution: dimension ``d``, ``n`` training samples, sparsity ``s``, scales."""

    d: int
    n: int
    s: int
    sigma_p: float
    mu_norm: float
    n_test: int = 2000

    def __post_init__(self) -> None:
        if not (self.n >= 2 and 1 <= self.s < self.d and self.n_test >= 2):
            raise ValueError(f"need n >= 2, 1 <= s < d and n_test >= 2, got {self}")
        if not (self.sigma_p > 0 and self.mu_norm > 0):
            raise ValueError(f"sigma_p and mu_norm must be positive, got {self.sigma_p}, {self.mu_norm}")

    @property
    def noise_l1_ratio(self) -> float:
        """Expected noise l1 mass over signal l1 mass: ``s sigma_p sqrt(2/pi) / ||mu||``."""
        return self.s * self.sigma_p * L1_PER_COORD / self.mu_norm

    @property
    def gd_snr(self) -> float:
        """Plain GD's signal-to-noise ratio ``n ||mu||^2 / (s sigma_p^2)`` (small: GD memorises too)."""
        return self.n * self.mu_norm**2 / (self.s * self.sigma_p**2)

    @property
    def in_regime(self) -> bool:
        """The paper's regime as we filter it: sparse disjoint-ish supports, noise-dominated l1 mass."""
        return self.d >= 10 * self.n * self.s and self.noise_l1_ratio >= 2.0


def sample(problem: SignalSparseNoise, count: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``count`` examples: ``X (count, 2, d)`` float32 and ``y (count,)`` in ``{-1, +1}``."""
    d, s = problem.d, problem.s
    y = torch.randint(0, 2, (count,), generator=gen).float() * 2 - 1  # (count,)
    x = torch.zeros(count, 2, d)
    x[:, 0, 0] = y * problem.mu_norm  # signal token y * mu, mu = ||mu|| e_1
    # support: the first s of a random permutation of 1..d-1 (coordinate 0 is the signal's)
    keys = torch.rand(count, d - 1, generator=gen)
    support = keys.topk(s, dim=1).indices + 1  # (count, s)
    values = torch.randn(count, s, generator=gen) * problem.sigma_p
    x[:, 1].scatter_(1, support, values)  # noise token xi
    return x, y


def signal_sparse_noise_problems(
    *,
    min_n: int = 8,
    max_n: int = 24,
    min_s: int = 4,
    max_s: int = 8,
    min_sigma_p: float = 0.5,
    max_sigma_p: float = 2.0,
    min_mu_norm: float = 0.5,
    max_mu_norm: float = 2.0,
    max_d: int = 2000,
    max_d_over_ns: float = 20.0,
    min_gd_snr: float = 0.0,
    n_test: int = 2000,
) -> st.SearchStrategy[SignalSparseNoise]:
    """Problems inside the paper's regime: ``d >= 10 n s`` and noise l1 mass ``>= 2 ||mu||``.

    ``n``, ``s``, ``sigma_p`` and ``mu_norm`` are drawn from their ranges, then
    ``d`` from ``[10 n s, min(max_d, max_d_over_ns n s)]``; draws outside the
    l1 condition, or with ``gd_snr = n ||mu||^2 / (s sigma_p^2)`` below
    ``min_gd_snr`` (where plain GD itself would memorise), are filtered out.
    Shrinks towards the fewest samples, the sparsest noise, the smallest
    scales and the smallest admissible dimension ``d = 10 n s``.
    """
    if not (isinstance(min_n, int) and isinstance(max_n, int) and 2 <= min_n <= max_n):
        raise InvalidArgument(f"need ints 2 <= min_n={min_n!r} <= max_n={max_n!r}")
    if not (isinstance(min_s, int) and isinstance(max_s, int) and 1 <= min_s <= max_s):
        raise InvalidArgument(f"need ints 1 <= min_s={min_s!r} <= max_s={max_s!r}")
    if not 0 < min_sigma_p <= max_sigma_p:
        raise InvalidArgument(f"need 0 < min_sigma_p={min_sigma_p} <= max_sigma_p={max_sigma_p}")
    if not 0 < min_mu_norm <= max_mu_norm:
        raise InvalidArgument(f"need 0 < min_mu_norm={min_mu_norm} <= max_mu_norm={max_mu_norm}")
    if not isinstance(max_d, int) or max_d < 10 * min_n * min_s:
        raise InvalidArgument(f"max_d={max_d!r} must be an int >= 10 * min_n * min_s")
    if not max_d_over_ns >= 10:
        raise InvalidArgument(f"max_d_over_ns={max_d_over_ns!r} must be >= 10 (the regime needs d >= 10 n s)")
    if max_n * max_mu_norm**2 < min_gd_snr * min_s * min_sigma_p**2:
        raise InvalidArgument(f"no draw can reach min_gd_snr={min_gd_snr!r}")
    if max_s * max_sigma_p * L1_PER_COORD < 2 * min_mu_norm:
        raise InvalidArgument("no draw can satisfy the l1 condition s sigma_p sqrt(2/pi) >= 2 ||mu||")

    @st.composite
    def build(draw: st.DrawFn) -> SignalSparseNoise:
        n = draw(st.integers(min_n, max_n).filter(lambda v: 10 * v * min_s <= max_d))
        s = draw(st.integers(min_s, max_s).filter(lambda v: 10 * n * v <= max_d))
        sigma_p = draw(st.floats(min_sigma_p, max_sigma_p, allow_nan=False, allow_infinity=False))
        mu_norm = draw(st.floats(min_mu_norm, max_mu_norm, allow_nan=False, allow_infinity=False))
        d = draw(st.integers(10 * n * s, min(max_d, int(max_d_over_ns * n * s))))
        return SignalSparseNoise(
            d=d, n=n, s=s, sigma_p=round(sigma_p, 4), mu_norm=round(mu_norm, 4), n_test=n_test
        )

    return build().filter(lambda p: p.in_regime and p.gd_snr >= min_gd_snr)
