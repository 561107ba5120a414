"""Fitting: slopes on log scales, seed-level intervals and p-values.

Seeds are the independent replicates: every interval here is over per-seed
statistics, never over the grid points of one trajectory (VERDICTS R1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .measurement import Curve


def t_quantile(q: float, df: float) -> float:
    """Student t quantile: ``scipy.stats.t.ppf(q, df)``, computed by the special function it wraps
    (``stdtrit``) inside (0, 1), so judging imports scipy.special (a tenth of a second) and not
    scipy.stats (over a second); outside (0, 1) scipy.stats decides the edge cases."""
    if 0.0 < q < 1.0 and df > 0:
        from scipy import special

        return float(special.stdtrit(df, q))
    from scipy import stats

    return float(stats.t.ppf(q, df))


def t_survival(x: float, df: float) -> float:
    """``scipy.stats.t.sf(x, df)`` by the special function it wraps (``stdtr(df, -x)``)."""
    if df > 0:
        from scipy import special

        return float(special.stdtr(df, -x))
    from scipy import stats

    return float(stats.t.sf(x, df))


def normal_quantile(q: float) -> float:
    """``scipy.stats.norm.ppf(q)`` by the special function it wraps (``ndtri``); a numpy float, as
    that returned, so sums of quantiles round as before."""
    from scipy import special

    return special.ndtri(q)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class LineFit:
    """Least-squares line through (u, v) with its coefficient of determination."""

    slope: float
    intercept: float
    r2: float
    points: int


def fit_line(u: np.ndarray, v: np.ndarray) -> LineFit:
    """Ordinary least squares of ``v`` on ``u``; needs two distinct ``u``."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    if len(u) < 2 or float(np.ptp(u)) == 0.0:
        return LineFit(math.nan, math.nan, math.nan, len(u))
    # closed-form OLS (what scipy.stats.linregress computes, without its per-call overhead)
    du, dv = u - u.mean(), v - v.mean()
    sxx, sxy, syy = float(du @ du), float(du @ dv), float(dv @ dv)
    slope = sxy / sxx
    r2 = min(1.0, sxy * sxy / (sxx * syy)) if syy > 0.0 else 1.0
    return LineFit(slope, float(v.mean() - slope * u.mean()), r2, len(u))


def usable_points(
    curve: Curve,
    *,
    window: tuple[float, float] | None,
    floor: float,
    upper_fraction: float = 2 / 3,
    values: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """The points a slope is fitted on, and how many were dropped at the floor.

    The usable range ends at the first point whose metric is at or below
    ``floor``: from there on the curve is numerical floor, not rate, even
    where noise lifts a later point above it. Within the usable range, with a
    ``window`` the points with ``lo <= x <= hi`` are kept; without one, the
    upper ``upper_fraction`` of the usable range (VERDICTS 1.6: drop the floor,
    then fit the upper part of what is left). Without a floor this is the
    upper ``upper_fraction`` of the grid. With ``values`` (a window chosen by
    the metric, e.g. the error between 1e-3 and 0.3), the points of the usable
    range whose metric lies in ``[lo, hi]`` are kept instead of the upper
    fraction (and within ``window`` if one is given too).
    """
    x = np.asarray(curve.x, dtype=float)
    y = np.asarray(curve.y, dtype=float)
    at_floor = np.flatnonzero(np.abs(y) <= floor)
    end = int(at_floor[0]) if len(at_floor) else len(x)
    index = np.arange(len(x))
    if window is not None:
        considered = (x >= window[0]) & (x <= window[1])
        keep = considered & (index < end)
    else:
        start = end - max(2, math.ceil(upper_fraction * end))
        keep = (index >= max(0, start)) & (index < end)
        considered = index >= len(x) - max(2, math.ceil(upper_fraction * len(x)))
    if values is not None:
        inside = (y >= values[0]) & (y <= values[1])
        keep = inside & (index < end) & (considered if window is not None else True)
        considered = inside
    dropped = int(np.sum(considered & (index >= end)))
    return x[keep], y[keep], dropped


def decades(x: np.ndarray) -> float:
    """How many decades of the swept variable the points span."""
    positive = x[x > 0]
    if len(positive) < 2:
        return 0.0
    return float(math.log10(positive.max() / positive.min()))


@dataclass(frozen=True)
class Interval:
    """Mean of per-seed values with a two-sided interval at ``confidence``."""

    estimate: float
    low: float
    high: float
    sd: float
    n: int
    confidence: float


def mean_interval(values: Sequence[float] | np.ndarray, confidence: float) -> Interval:
    """Student-t interval of the mean; a point interval when all values agree."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0, confidence)
    mean = float(np.mean(v))
    if n == 1:
        return Interval(mean, -math.inf, math.inf, math.nan, 1, confidence)
    sd = float(np.std(v, ddof=1))
    if sd == 0.0:
        return Interval(mean, mean, mean, 0.0, n, confidence)
    half = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, sd, n, confidence)


def p_above(values: np.ndarray, edge: float) -> float:
    """One-sided p-value of H0: mean <= edge against H1: mean > edge."""
    return _one_sided(values, edge, upper=True)


def p_below(values: np.ndarray, edge: float) -> float:
    """One-sided p-value of H0: mean >= edge against H1: mean < edge."""
    return _one_sided(values, edge, upper=False)


def _one_sided(values: np.ndarray, edge: float, *, upper: bool) -> float:
    v = np.asarray(values, dtype=float)
    if not math.isfinite(edge) or len(v) < 2:
        return 1.0
    mean = float(np.mean(v))
    sd = float(np.std(v, ddof=1))
    diff = mean - edge if upper else edge - mean
    if sd == 0.0:
        return 0.0 if diff > 0 else 1.0
    return t_survival(diff / (sd / math.sqrt(len(v))), len(v) - 1)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (family-wise error control)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def seeds_needed(values: np.ndarray, distance: float, alpha: float, power: float = 0.8) -> int | None:
    """Seeds a one-sided t test needs to separate the mean from an edge ``distance`` away."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2 or distance <= 0:
        return None
    sd = float(np.std(v, ddof=1))
    if sd == 0.0:
        return None
    z = normal_quantile(1 - alpha) + normal_quantile(power)
    return math.ceil((z * sd / distance) ** 2) + 1
