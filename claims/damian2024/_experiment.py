"""Shared experiments of damian2024: certified generative exponents and recovery thresholds n_c(d).

One unit (one seed of one instance) builds a ``numpy.random.Generator`` from
the seed; the planted directions and every sample are drawn from it.

Recovery threshold: at each d of the sweep, 8 (full tier: 16) independent data
sets are grown along a geometric grid of n (factor 1.2, from
``0.02 d^{k/2} / lambda^2`` to ``100 d^{k/2} / lambda^2``); at each n the
top eigenvector of the order-k partial trace (models/spectral.py) is
compared with w*. ``n_c(d)`` is where the mean squared overlap over the
replicates first reaches ``LEVEL = 0.5`` (log-linear interpolation). A d whose
mean overlap never reaches it is left out of the curve and counted in
``censored``. The threshold level, the grid and the replicate count were
fixed from the spec's prototype and ours before the claims ran; the k* = 2
range (d >= 32) and the truncation of the transform were set after our
prototype (see the claims' docstrings).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from models.spectral import geometric_grid, recovery_curve, threshold_crossing
from tasks.single_index import (
    BinaryLink,
    LinkPanel,
    NoisyEvenLink,
    certify_generative_exponent,
    planted_direction,
    planted_inputs,
)
from theorycheck import Curve, Measurement, Tier

LEVEL = 0.5
FACTOR = 1.2
K2_DIMS = (32, 45, 64, 90, 128, 181, 256)  # k* = 2: n_c/d still rose over d = 16..45 in the prototype
BINARY_DIMS = {4: (8, 11, 16, 23, 32, 45, 64), 2: K2_DIMS}
TRANSFORM_DIMS = K2_DIMS
RAW_DIMS = (8, 11, 16, 23, 32)
FULL_K4_DIMS = (8, 11, 16, 23, 32, 45, 64, 90, 128)
BINARY_TOL = 1e-8  # |E[y He_k]| below this counts as zero (closed forms are exact to ~1e-12)


def certify_panel(panel: LinkPanel, seed: int, tier: Tier) -> Measurement:
    """Exact certificates of k* for every link of a panel (deterministic: the seed is unused).

    ``kstar_max``: the largest certified k*; ``uncertified``: links with no
    certificate; ``off_ie`` / ``off_min``: links whose k* differs from the
    information exponent s / from min(s, 2); ``ie_max``: the largest s.
    """
    certs = [
        certify_generative_exponent(link, max_power=tier.pick(smoke=6, default=12)) for link in panel.links
    ]
    ies = [link.information_exponent for link in panel.links]
    done = [(c.kstar, s) for c, s in zip(certs, ies, strict=True) if c.kstar > 0]
    return Measurement.one(
        scalars={
            "kstar_max": float(max((k for k, _ in done), default=0)),
            "uncertified": float(len(certs) - len(done)),
            "off_ie": float(sum(k != s for k, s in done)),
            "off_min": float(sum(k != min(s, 2) for k, s in done)),
            "ie_max": float(max(ies)),
        }
    )


def certify_binary_panel(panel: LinkPanel, seed: int, tier: Tier) -> Measurement:
    """Control: the certificate search of :func:`certify_panel` on binary k* = 4 links, one per panel link.

    The links' thresholds are drawn from the seed in [0.3, 0.6] with flips in
    [0, 0.1]. A {-1, +1} label makes every transform affine (y^m is y for odd
    m, 1 for even m), so the search over powers covers every transform: a
    certificate exists iff E[y He_1] or E[y He_2] is nonzero (``BINARY_TOL``,
    closed-form Hermite coefficients).
    """
    rng = np.random.default_rng(seed)
    links = [
        BinaryLink(kstar=4, threshold=float(rng.uniform(0.3, 0.6)), flip=float(rng.uniform(0.0, 0.1)))
        for _ in panel.links
    ]
    certified = []
    for link in links:
        moments = [(1.0 - 2.0 * link.flip) * link.hermite(k) for k in (1, 2)]
        certified.append(next((k for k, m in zip((1, 2), moments, strict=True) if abs(m) > BINARY_TOL), 0))
    ies = [next(k for k in range(1, 9) if abs(link.hermite(k)) > BINARY_TOL) for link in links]
    done = [(c, s) for c, s in zip(certified, ies, strict=True) if c > 0]
    return Measurement.one(
        scalars={
            "kstar_max": float(max((k for k, _ in done), default=0)),
            "uncertified": float(len(links) - len(done)),
            "off_ie": float(sum(k != s for k, s in done)),
            "off_min": float(sum(k != min(s, 2) for k, s in done)),
            "ie_max": float(max(ies)),
        }
    )


Draw = Callable[[int], tuple[np.ndarray, np.ndarray]]


def _threshold(
    draw_for: Callable[[np.ndarray], Draw],
    d: int,
    order: int,
    scale: float,
    replicates: int,
    rng: np.random.Generator,
) -> float | None:
    """n_c at dimension d: mean squared overlap over ``replicates`` data sets crosses LEVEL."""
    grid = geometric_grid(max(1.0, 0.02 * scale), 100.0 * scale, FACTOR)
    curves = []
    for _ in range(replicates):
        w = planted_direction(d, rng)
        curves.append(recovery_curve(draw_for(w), w, grid, order))
    return threshold_crossing(grid, list(np.mean(curves, axis=0)), LEVEL)


def _sweep(
    dims: tuple[int, ...],
    draw_for: Callable[[int, np.ndarray], Draw],
    order: int,
    scale: Callable[[int], float],
    replicates: int,
    rng: np.random.Generator,
) -> tuple[Curve, float]:
    xs, ns = [], []
    for d in dims:
        n_c = _threshold(partial(draw_for, d), d, order, scale(d), replicates, rng)
        if n_c is not None:
            xs.append(d)
            ns.append(n_c)
    return Curve.of(xs, ns), float(len(dims) - len(xs))


def binary_threshold_sweep(link: BinaryLink, seed: int, tier: Tier) -> Measurement:
    """n_c(d) of the order-k* partial trace with the Bayes transform zeta_k*(y) (binary links)."""
    rng = np.random.default_rng(seed)
    k = link.generative_exponent
    up, down = link.zeta(k)
    lam2 = link.lambda_squared(k)
    dims = tier.pick(
        smoke=BINARY_DIMS[k][:3], default=BINARY_DIMS[k], full=FULL_K4_DIMS if k == 4 else BINARY_DIMS[k]
    )

    def draw_for(d: int, w: np.ndarray) -> Draw:
        def draw(m: int) -> tuple[np.ndarray, np.ndarray]:
            x, z = planted_inputs(d, m, w, rng)
            return x, np.where(link.sample(z, rng) > 0, up, down)

        return draw

    curve, censored = _sweep(
        dims, draw_for, k, lambda d: d ** (k / 2) / lam2, tier.pick(smoke=2, default=8, full=16), rng
    )
    return Measurement.one(
        series={"n_c": curve}, scalars={"kstar": float(k), "censored": censored, "lambda2": lam2}
    )


def _even_link_sweep(link: NoisyEvenLink, seed: int, tier: Tier, *, transform: bool) -> Measurement:
    rng = np.random.default_rng(seed)
    zeta: Callable[[np.ndarray], np.ndarray]
    dims: tuple[int, ...]
    if transform:  # the paper's estimator: zeta_2(y) = E[h_2(z) | y] (truncated), order-2 spectral
        zeta, order, dims = link.transform(2, rng), 2, TRANSFORM_DIMS
        lam2 = float(np.mean(zeta(link.sample(rng.standard_normal(20000), rng)) ** 2))
    else:  # no label transform: the raw label and the order-IE (= 4) partial trace
        zeta, order, dims = (lambda y: y), 4, RAW_DIMS
        lam2 = 1.0
    dims = tier.pick(smoke=dims[:3], default=dims)
    ie = link.information_exponent

    def draw_for(d: int, w: np.ndarray) -> Draw:
        def draw(m: int) -> tuple[np.ndarray, np.ndarray]:
            x, z = planted_inputs(d, m, w, rng)
            return x, zeta(link.sample(z, rng))

        return draw

    curve, censored = _sweep(
        dims, draw_for, order, lambda d: d ** (order / 2) / lam2, tier.pick(smoke=2, default=8, full=16), rng
    )
    return Measurement.one(
        series={"n_c": curve}, scalars={"kstar": 2.0, "ie": float(ie), "censored": censored}
    )


def transform_threshold_sweep(link: NoisyEvenLink, seed: int, tier: Tier) -> Measurement:
    """n_c(d) of the order-2 spectral estimator on the transformed label zeta_2(y)."""
    return _even_link_sweep(link, seed, tier, transform=True)


def raw_label_threshold_sweep(link: NoisyEvenLink, seed: int, tier: Tier) -> Measurement:
    """Control: no label transform; the raw label with the order-4 partial trace (the IE route)."""
    return _even_link_sweep(link, seed, tier, transform=False)
