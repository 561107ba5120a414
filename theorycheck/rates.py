"""Rate and Scaling: a measured curve against the shape of a sympy bound B(x; params).

Per seed, over the fitted window, the verdict uses the residual slope of
``log y - log B(x)`` against ``log x`` (power laws) or ``x`` (exponentials):
the free constant C is the intercept, and log factors, offsets and
lower-order terms of B count at the scale measured (a bound's own local
slope over the window, not its limit). Estimates, intervals and regions are
shown on the raw-slope scale: the residual plus the bound's mean local slope
over the window, so ``log n`` measured on n = 64..4096 is judged against its
own slope there (0.12 to 0.24), not against its limit exponent 0.

Trend-aware decision (docs/verdicts.md section 5): the window is split in
an early and a late half. A full-window slope outside the band is a
*transient* (INCONCLUSIVE, with how far to extend the sweep) when the local
slope moves significantly toward the band, else VIOLATED; a late half that
lies outside the band and moves significantly away from it is VIOLATED
(exponential data against a power law); a full window inside the band HOLDS
when the slope is stable or the late half holds too, whatever the drift of
a one-sided bound met in every window.

A bound with one free rate symbol (``C exp(-c t)``) has no value to compare
with: its verdict tests the form, the late/early ratio of the slope of
``log y`` against the feature the rate multiplies (1 for the right form).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import sympy as sp

from .errors import ClaimDeclarationError, MeasurementError
from .expressions import numbers, sympify_expr
from .fit import LineFit, decades, fit_line, p_above, p_below, usable_points
from .measurement import Measurement
from .prediction import Prediction, with_reason
from .shapes import BoundShape, analyse
from .verdict import Judgement, Verdict, decide, inconclusive

Sense = Literal["at_most", "at_least", "matches"]
# a transient's residual slope must shrink at most this fraction of what a missing log factor's would
CONVERGENCE = 0.6
DEFAULT_BAND = 0.05  # the least default half-width of a power law's or an exponential's band
LOG_POWER_BAND = 0.2  # an unbounded limit-exponent-0 bound's band, in powers of log x ...
LOG_FLOOR = 0.01  # ... and at least this much slope
SETTLED = 0.1  # log B moving less than this from x = 1e6 to 1e12 has settled (1 + 1/x), log x has not


@dataclass(frozen=True)
class SeedFit:
    """One seed's fit over its window: residual lines (full, early, late halves) and raw slopes."""

    x: np.ndarray
    u: np.ndarray  # log x (power) or x: the slopes are taken against u
    w: np.ndarray  # u oriented toward the asymptotic regime (the points are in increasing w)
    log_b: np.ndarray
    residual: np.ndarray
    full: LineFit
    early: LineFit
    late: LineFit
    raw: float
    raw_early: float
    raw_late: float
    bound: float
    level: float  # mean of log y - log B: log C of the prediction fitted with slope 0
    r2: float
    limit: float | None
    slowly_varying: bool = False  # limit exponent 0 and log B still unbounded (log^a x): see Rate.delta
    log_unit: float = math.nan  # slope of log|log x| against log x over the window: log^1 x's local slope


def _halves(u: np.ndarray, v: np.ndarray) -> tuple[LineFit, LineFit]:
    mid = len(u) // 2
    return fit_line(u[: mid + 1], v[: mid + 1]), fit_line(u[mid:], v[mid:])


@dataclass(frozen=True)
class _ShapePrediction(Prediction):
    """Shared logic of Rate and Scaling."""

    expr: Any
    variable: Any
    series: str
    sense: Sense = "matches"
    tolerance: float | None = None
    window: tuple[float, float] | None = None
    floor: float = 1e-12
    min_decades: float = 1.0
    values: tuple[float, float] | None = None
    min_r2: float = 0.9
    constants: Mapping[sp.Symbol, float] = field(default_factory=dict)
    params: tuple[sp.Symbol, ...] = ()
    regime: Literal["large", "small"] = "large"
    shape: BoundShape = field(init=False, repr=False, compare=False)

    _field = "bound"
    _var_field = "sweep"

    def __post_init__(self) -> None:
        name = self._field
        object.__setattr__(self, "expr", sympify_expr(self.expr, name))
        if not isinstance(self.variable, sp.Symbol):
            raise ClaimDeclarationError(
                self._var_field, f"{self.variable!r} is not a sympy Symbol", "pass the swept symbol"
            )
        if self.sense not in ("at_most", "at_least", "matches"):
            raise ClaimDeclarationError("sense", f"{self.sense!r} is not 'matches', 'at_most' or 'at_least'")
        if not isinstance(self.series, str) or not self.series:
            raise ClaimDeclarationError("series", "must name a series of the measurement")
        if self.tolerance is not None and (
            isinstance(self.tolerance, bool)
            or not isinstance(self.tolerance, (int, float))
            or not self.tolerance > 0
        ):
            raise ClaimDeclarationError("tolerance", f"{self.tolerance!r} must be a positive number")
        if self.window is not None and not (len(self.window) == 2 and 0 <= self.window[0] < self.window[1]):
            raise ClaimDeclarationError("window", f"{self.window!r} must be (low, high) with low < high")
        if self.values is not None and not (len(self.values) == 2 and 0 < self.values[0] < self.values[1]):
            raise ClaimDeclarationError("values", f"{self.values!r} must be (low, high) with 0 < low < high")
        if self.regime not in ("large", "small"):
            raise ClaimDeclarationError("regime", f"{self.regime!r} is not 'large' or 'small'")
        if isinstance(self.params, (str, sp.Symbol)):
            raise ClaimDeclarationError("params", "must be a tuple of sympy Symbols, e.g. params=(d,)")
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "constants", numbers(self.constants, "constants"))
        shape = analyse(self.expr, self.variable, self.constants, self.params, name)
        object.__setattr__(self, "shape", shape)
        if self.sense == "at_least" and shape.form == "free":
            raise ClaimDeclarationError(
                "sense",
                f"'at_least' needs the rate's value; {self.expr} has the free symbol {shape.free_symbol}",
                "give it a value in constants= or params=, or state the claim with 'matches' / 'at_most'",
            )
        if (
            self.tolerance is None
            and shape.limit is not None
            and not shape.params
            and not math.isfinite(float(shape.limit))
        ):
            raise ClaimDeclarationError(
                "tolerance",
                f"{self.expr} has no finite limit exponent in {self.variable} to size the default tolerance",
                "give tolerance=",
            )

    # ---------------------------------------------------------------- declaration side

    def delta(self, limits: Sequence[float] = (), log_unit: float | None = None) -> float:
        """Half-width of the band: ``tolerance``, else 10 % of the limit exponent or rate (at least 0.05).

        A power-law bound whose limit exponent is 0 but which grows or decays without limit
        (log^a x, log log x) is judged in powers of log x: ``log_unit`` is the window's slope of
        log log x against log x (the local slope of log^1 x), and the band is ±0.2 of a power of
        log x there, between 0.01 and 0.05 of slope. The free form's band is on the late/early slope
        ratio: ±0.25 by default.
        """
        if self.tolerance is not None:
            return float(self.tolerance)
        if self.shape.form == "free":
            return 0.25
        if self.shape.params:  # the limit depends on each seed's params: their mean
            finite = [abs(v) for v in limits if math.isfinite(v)]
            if not finite:
                return DEFAULT_BAND
            limit = float(np.mean(finite))
        else:
            limit = abs(float(self.shape.limit))  # type: ignore[arg-type]
        if self.shape.form == "power" and limit < 1e-12 and log_unit is not None and math.isfinite(log_unit):
            return min(max(LOG_POWER_BAND * abs(log_unit), LOG_FLOOR), DEFAULT_BAND)
        return max(0.1 * limit, DEFAULT_BAND)

    def band_text(self) -> str:
        """How the default band is sized, for descriptions."""
        if self.tolerance is not None:
            return f"±{self.tolerance:g}"
        if self.shape.form == "free":
            return "±0.25 on the slope ratio"
        if not self.shape.params and abs(float(self.shape.limit)) < 1e-12:  # type: ignore[arg-type]
            return f"±{LOG_POWER_BAND:g} in powers of log ({LOG_FLOOR:g}..{DEFAULT_BAND:g}) if unbounded"
        if not self.shape.params:
            return f"±{self.delta():g}"
        return f"±10% (min {DEFAULT_BAND:g})"

    def slowly_varying(self, params: tuple[float, ...]) -> bool:
        """Whether log B keeps moving far out in the regime (log x, log log x), not settling (1 + 1/x)."""
        if self.shape.form != "power":
            return False
        far = np.array([1e6, 1e12]) if self.regime == "large" else np.array([1e-6, 1e-12])
        with np.errstate(all="ignore"):
            log_b = self.shape.log_b(far, params)
        return bool(np.all(np.isfinite(log_b)) and abs(log_b[1] - log_b[0]) > SETTLED)

    def region(self, delta: float, centre: float = 0.0) -> tuple[float, float]:
        if self.sense == "matches":
            return (centre - delta, centre + delta)
        if self.sense == "at_least":
            return (centre - delta, math.inf)
        return (-math.inf, centre + delta)

    def describe(self) -> str:
        s = self.shape
        if s.form == "power":
            target = f"exponent {_text(s.limit)} at the limit"
        elif s.form == "exponential":
            target = f"exponential, rate {_text(s.limit)}"
        else:
            target = f"form: constant slope of log y against {s.feature}"
        verb = {"matches": "like", "at_most": "at most like", "at_least": "at least like"}[self.sense]
        band = self.band_text()
        given = f"; {', '.join(map(str, s.params))} from the measurement" if s.params else ""
        return f"{self.series} ~ {verb} {self.expr} in {self.variable} ({target}, {band}{given})"

    def latex(self) -> str:
        return sp.latex(self.expr)

    def signature(self) -> str:
        return repr(
            (
                self.kind,
                sp.srepr(self.expr),
                str(self.variable),
                self.series,
                self.sense,
                self.tolerance,
                self.window,
                self.values,
                sorted((str(k), v) for k, v in self.constants.items()),
                [str(p) for p in self.params],
                self.regime,
            )
        )

    def scalars_used(self) -> set[str]:
        return {str(p) for p in self.params}

    def series_used(self) -> set[str]:
        return {self.series}

    # ---------------------------------------------------------------- judging

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        curves = measurement.curves(self.series)
        params = self._param_values(measurement)
        power = self.shape.form == "power"
        points, dropped, spans = [], 0, []
        for curve in curves:
            x, y, lost = usable_points(curve, window=self.window, floor=self.floor, values=self.values)
            dropped += lost
            if power:
                x, y = x[x > 0], y[x > 0]
            if len(x) < 5:
                return inconclusive(
                    self._statistic(), f"only {len(x)} usable grid points (need 5)", len(curves)
                )
            if np.any(y <= 0):
                raise MeasurementError(f"series {self.series!r} has non-positive values; a rate needs y > 0")
            points.append((x, y))
            spans.append(decades(x))
        floor_note = f"{dropped} points at the floor dropped" if dropped else ""
        if self.shape.form == "free":
            judgement = self._judge_free(points, params, alpha)
        else:
            fits = [self._fit(x, y, p) for (x, y), p in zip(points, params, strict=True)]
            narrow = power and min(spans) < self.min_decades
            judgement = self._judge_shape(fits, alpha, narrow, min(spans))
        return with_reason(judgement, floor_note) if floor_note else judgement

    def _param_values(self, measurement: Measurement) -> list[tuple[float, ...]]:
        columns = []
        for p in self.shape.params:
            if str(p) not in measurement.scalars:
                raise MeasurementError(
                    f"the bound's param {p} is not a scalar of the measurement "
                    f"(it returned {sorted(measurement.scalars)})"
                )
            columns.append(measurement.scalar(str(p)))
        seeds = len(measurement.curves(self.series))
        return [tuple(float(c[s]) for c in columns) for s in range(seeds)]

    def _fit(self, x: np.ndarray, y: np.ndarray, params: tuple[float, ...]) -> SeedFit:
        u = np.log(x) if self.shape.form == "power" else x
        w = u if self.regime == "large" else -u
        order = np.argsort(w, kind="stable")
        x, y, u, w = x[order], y[order], u[order], w[order]
        log_b = self.shape.log_b(x, params)
        if not np.all(np.isfinite(log_b)):
            raise MeasurementError(
                f"the bound {self.expr} is not finite and positive at every point of the window "
                f"({self.variable} = {x.min():g} .. {x.max():g}, params {params})"
            )
        log_y = np.log(y)
        residual = log_y - log_b
        full = fit_line(u, residual)
        early, late = _halves(u, residual)
        raw_early, raw_late = _halves(u, log_y)
        sse = float(np.sum((residual - full.intercept - full.slope * u) ** 2))
        sst = float(np.sum((log_y - log_y.mean()) ** 2))
        return SeedFit(
            x=x,
            u=u,
            w=w,
            log_b=log_b,
            residual=residual,
            full=full,
            early=early,
            late=late,
            raw=fit_line(u, log_y).slope,
            raw_early=raw_early.slope,
            raw_late=raw_late.slope,
            bound=fit_line(u, log_b).slope,
            level=float(np.mean(residual)),
            r2=1.0 - sse / sst if sst > 0 else 1.0,
            limit=self.shape.limit_value(params),
            slowly_varying=self.slowly_varying(params),
            log_unit=_log_unit(x) if self.shape.form == "power" else math.nan,
        )

    def _judge_shape(self, fits: list[SeedFit], alpha: float, narrow: bool, span: float) -> Judgement:
        limits = [f.limit for f in fits if f.limit is not None]
        bound = float(np.mean([f.bound for f in fits]))
        log_unit = float(np.mean([f.log_unit for f in fits])) if all(f.slowly_varying for f in fits) else None
        delta = self.delta(limits, log_unit)
        full = np.array([f.full.slope for f in fits])
        early = np.array([f.early.slope for f in fits])
        late = np.array([f.late.slope for f in fits])
        statistic = self._statistic()
        detail = self._detail(fits, bound)
        raw = float(np.median([f.raw for f in fits]))
        if float(np.median([f.r2 for f in fits])) < self.min_r2 and abs(raw) > delta:
            r2 = float(np.median([f.r2 for f in fits]))
            return inconclusive(
                statistic, f"median R^2 {r2:.2f} < {self.min_r2}: the bound's shape does not fit", len(fits)
            )
        region = self.region(delta, bound)
        j_full = replace(decide(statistic, full + bound, region, alpha), detail=detail)
        j_late = replace(decide(f"{statistic} (late half)", late + bound, region, alpha), detail=detail)
        drift = late - early
        trend = self._trend(fits, region, bound)
        if j_full.verdict is Verdict.VIOLATED:
            side = _side(float(np.mean(full)) + bound, region)
            ruled_out = self._not_transient(fits, side, drift, region, bound, delta, alpha)
            if ruled_out is None:
                return replace(j_full, verdict=Verdict.INCONCLUSIVE, reason=f"transient: {trend}")
            return with_reason(j_full, ruled_out)
        late_side = _side(float(np.mean(late)) + bound, region)
        away = (
            late_side != 0 and abs(float(np.mean(drift))) >= delta / 2 and _moves(drift, -late_side) < alpha
        )
        if j_late.verdict is Verdict.VIOLATED and away and j_full.verdict is not Verdict.HOLDS:
            return with_reason(j_late, f"the local slope moves away from the prediction: {_moving(fits, '')}")
        if j_full.verdict is Verdict.HOLDS:
            if narrow and self.sense == "matches":
                return replace(
                    j_full,
                    verdict=Verdict.INCONCLUSIVE,
                    reason=f"sweep spans {span:.2f} decades, need {self.min_decades} to confirm a power law",
                )
            if abs(float(np.mean(drift))) <= 2 * delta or j_late.verdict is Verdict.HOLDS:
                return j_full
            return replace(
                j_full,
                verdict=Verdict.INCONCLUSIVE,
                reason=f"slope not stable: {_moving(fits, '')}; late half {j_late.verdict.value}",
            )
        if _moves(drift, _side(float(np.mean(full)) + bound, region)) < alpha:
            return with_reason(j_full, f"transient? {trend}")
        return j_full

    def _not_transient(
        self,
        fits: list[SeedFit],
        side: int,
        drift: np.ndarray,
        region: tuple[float, float],
        bound: float,
        delta: float,
        alpha: float,
    ) -> str | None:
        """Why a slope outside the band is not a transient (so VIOLATED), or None (INCONCLUSIVE).

        (i) The local slope must move toward the band by at least half the
        tolerance over the window (mean over seeds). It is still no transient
        when (ii) its residual shrinks significantly (level alpha) slower than
        ``CONVERGENCE`` times what a missing log factor's would (those shrink
        like 1 / log x and never converge; a stable offset does not shrink at
        all), or (iii) a steady, decelerating approach extrapolates to a limit
        outside the band. (ii) is a test, not a point estimate, so that a true
        transient seen on few noisy seeds is not called VIOLATED.
        """
        early = np.array([f.early.slope for f in fits])
        late = np.array([f.late.slope for f in fits])
        toward = side * drift
        if float(np.mean(toward)) < delta / 2:
            word = "moving away" if p_below(toward, 0.0) < alpha else "stable"
            return _moving(fits, word)
        slower = -side * (late - CONVERGENCE * _harmonic_ratio(fits) * early)
        if p_above(slower, 0.0) < alpha:
            return _moving(fits, "not converging (its residual slope shrinks like a missing log factor's)")
        limit = _converges_to(fits, side)
        if limit is not None and (limit < region[0] - delta if side > 0 else limit > region[1] + delta):
            return f"{_moving(fits, 'converging outside the band')}, extrapolated limit {_num(limit)}"
        return None

    def _trend(self, fits: list[SeedFit], region: tuple[float, float], bound: float) -> str:
        """``local slope a -> b toward c; extend the sweep to about X``, X by linear extrapolation in u."""
        early = float(np.mean([f.early.slope for f in fits])) + bound
        late = float(np.mean([f.late.slope for f in fits])) + bound
        centre_early = float(np.mean([np.mean(f.w[: len(f.w) // 2 + 1]) for f in fits]))
        centre_late = float(np.mean([np.mean(f.w[len(f.w) // 2 :]) for f in fits]))
        end = float(np.mean([f.w[-1] for f in fits]))
        edge = region[0] if late < region[0] else region[1]
        text = f"{_moving(fits, '')}, the band is [{_num(region[0])}, {_num(region[1])}]"
        per_u = (late - early) / (centre_late - centre_early) if centre_late != centre_early else 0.0
        if per_u == 0 or not math.isfinite(edge):
            return text
        if region[0] <= late <= region[1]:
            return f"{text}; the late half already lies in the band: extend the sweep to confirm"
        shift = (edge - late) / per_u
        if shift <= 0:
            return text
        target = end + shift if self.regime == "large" else -(end + shift)
        x_target = math.exp(target) if self.shape.form == "power" and target < 700 else target
        return f"{text}; extend the sweep to about {self.variable} = {x_target:.3g}"

    def _detail(self, fits: list[SeedFit], bound: float) -> dict[str, Any]:
        first = fits[0]
        level = float(np.mean([f.level for f in fits]))
        limits = [f.limit for f in fits if f.limit is not None]
        return {
            "form": self.shape.form,
            "scale": "log" if self.shape.form == "power" else "linear",
            "window": [float(min(f.x.min() for f in fits)), float(max(f.x.max() for f in fits))],
            "raw_slope": float(np.mean([f.raw for f in fits])),
            "bound_slope": bound,
            "limit_exponent": float(np.mean(limits)) if limits else None,
            "residual": {
                "full": float(np.mean([f.full.slope for f in fits])),
                "early": float(np.mean([f.early.slope for f in fits])),
                "late": float(np.mean([f.late.slope for f in fits])),
            },
            "local_slope": {
                "early": float(np.mean([f.raw_early for f in fits])),
                "late": float(np.mean([f.raw_late for f in fits])),
            },
            "curve": {"x": [float(v) for v in first.x], "y": [float(v) for v in np.exp(level + first.log_b)]},
        }

    def _judge_free(
        self, points: list[tuple[np.ndarray, np.ndarray]], params: list[tuple[float, ...]], alpha: float
    ) -> Judgement:
        """The form test: late/early ratio of the slope of log y - base(x) against the feature."""
        ratios, slopes = [], []
        base = self.shape.log_bound
        for (x, y), p in zip(points, params, strict=True):
            feature = self.shape.feature_of(x, p)
            rest = np.log(y) - (self.shape.log_b(x, p) if base != 0 else 0.0)
            early, late = _halves(feature, rest)
            slopes.append(fit_line(feature, rest).slope)
            ratios.append(late.slope / early.slope if early.slope != 0 else math.nan)
        statistic = self._statistic()
        if not all(math.isfinite(r) for r in ratios):
            return inconclusive(statistic, "flat early window: no decay to compare", len(ratios))
        region = (
            (1 - self.delta(), 1 + self.delta()) if self.sense == "matches" else (1 - self.delta(), math.inf)
        )
        detail = {
            "form": "free",
            "scale": "linear",
            "window": [float(min(x.min() for x, _ in points)), float(max(x.max() for x, _ in points))],
            "raw_slope": float(np.mean(slopes)),
            "bound_slope": None,
            "limit_exponent": None,
        }
        return replace(decide(statistic, np.asarray(ratios), region, alpha), detail=detail)

    def _statistic(self) -> str:
        v = self.variable
        if self.shape.form == "power":
            return f"slope of log {self.series} vs log {v}"
        if self.shape.form == "exponential":
            return f"slope of log {self.series} vs {v}"
        return f"late/early ratio of the slope of log {self.series} vs {self.shape.feature}"


def _log_unit(x: np.ndarray) -> float:
    """Slope of log|log x| against log x over the window (nan where log x changes sign or is 0)."""
    with np.errstate(all="ignore"):
        log_x = np.log(x)
        if not (np.all(log_x > 0) or np.all(log_x < 0)):
            return math.nan
        return fit_line(log_x, np.log(np.abs(log_x))).slope


def _converges_to(fits: list[SeedFit], side: int, decelerating: float = 0.75) -> float | None:
    """Where a steady, clearly decelerating approach of the local slope ends (geometric extrapolation).

    The residual slope on three consecutive thirds of the window, r1, r2, r3
    (means over seeds): an approach whose rate of change shrinks by a factor
    rho < ``decelerating`` per third converges to ``r3 + (r3 - r2) rho / (1 - rho)``
    (on the raw-slope scale). None when the window is too short (fewer than 9
    points) or the approach is not steady and clearly decelerating: then it
    may still reach the band.
    """
    if any(len(f.u) < 9 for f in fits):
        return None
    slopes, centres = [], []
    for f in fits:
        parts = np.array_split(np.arange(len(f.u)), 3)
        slopes.append([_third_slope(f, idx) for idx in parts])
        centres.append([float(np.mean(f.w[idx])) for idx in parts])
    r1, r2, r3 = np.mean(slopes, axis=0)
    c1, c2, c3 = np.mean(centres, axis=0)
    rate1, rate2 = (r2 - r1) / (c2 - c1), (r3 - r2) / (c3 - c2)
    if side * rate1 <= 0 or side * rate2 <= 0:
        return None
    rho = rate2 / rate1
    if not 0 < rho < decelerating:
        return None
    bound = float(np.mean([f.bound for f in fits]))
    return float(r3 + (r3 - r2) * rho / (1 - rho)) + bound


def _third_slope(f: SeedFit, index: np.ndarray) -> float:
    return fit_line(f.u[index], f.residual[index]).slope


def _side(value: float, region: tuple[float, float]) -> int:
    """+1 when the region lies above ``value``, -1 when below, 0 when ``value`` is inside it."""
    return 1 if value < region[0] else -1 if value > region[1] else 0


def _harmonic_ratio(fits: list[SeedFit]) -> float:
    """Late/early ratio of a residual slope ``k / u`` (a log factor) over these halves; 1 if u <= 0.

    A bound that misses a log factor leaves the residual ``k log u``, whose
    slope ``k / u`` also shrinks toward 0, but never converges: only a
    residual slope shrinking faster than this is a transient.
    """
    early = float(np.mean([np.mean(f.w[: len(f.w) // 2 + 1]) for f in fits]))
    late = float(np.mean([np.mean(f.w[len(f.w) // 2 :]) for f in fits]))
    return early / late if 0 < early < late else 1.0


def _moves(drift: np.ndarray, direction: int) -> float:
    """One-sided p-value that the drift (late minus early slope) has the sign of ``direction``."""
    return p_above(drift, 0.0) if direction > 0 else p_below(drift, 0.0)


def _moving(fits: list[SeedFit], word: str) -> str:
    early = float(np.mean([f.raw_early for f in fits]))
    late = float(np.mean([f.raw_late for f in fits]))
    bound = float(np.mean([f.bound for f in fits]))
    prefix = f"{word}: " if word else ""
    return f"{prefix}local slope {_num(early)} -> {_num(late)} (the bound's own slope there {_num(bound)})"


def _num(value: float) -> str:
    return f"{value:.3g}"


def _text(expr: sp.Expr | None) -> str:
    if expr is None:
        return "free"
    return f"{float(expr):g}" if expr.is_number else str(expr)


class Rate(_ShapePrediction):
    """The statistic decays like ``bound`` in the swept symbol.

    ``sense="matches"`` is a Theta statement (the slope of log y minus log B
    within ``tolerance`` of 0 over the window); ``"at_most"`` an upper bound
    (the data decay at least as fast); ``"at_least"`` a lower bound.
    ``window`` picks the fitted points by the swept value, ``values=(lo, hi)``
    by the metric itself. ``params`` names symbols of the bound whose values
    the experiment returns as scalars (a dimension, a smoothness, two
    eigenvalues); ``constants`` gives fixed values. ``regime`` says where the
    asymptotic regime lies, at ``"large"`` (default) or ``"small"`` values of
    the swept symbol (eps -> 0): transients are read toward it.
    """

    kind = "rate"

    def __init__(
        self,
        bound: Any,
        *,
        sweep: Any,
        series: str,
        sense: Sense = "matches",
        tolerance: float | None = None,
        window: tuple[float, float] | None = None,
        floor: float = 1e-12,
        min_decades: float = 1.0,
        constants: Mapping[sp.Symbol, float] | None = None,
        values: tuple[float, float] | None = None,
        params: Sequence[sp.Symbol] = (),
        regime: Literal["large", "small"] = "large",
    ) -> None:
        super().__init__(
            expr=bound,
            variable=sweep,
            series=series,
            sense=sense,
            tolerance=tolerance,
            window=window,
            floor=floor,
            min_decades=min_decades,
            constants=constants or {},
            values=values,
            params=params,  # type: ignore[arg-type]
            regime=regime,
        )


class Scaling(_ShapePrediction):
    """A required resource grows like ``expr`` in the parameter ``over``.

    ``sense``: ``"matches"`` (within ``tolerance``), ``"at_most"`` (grows no
    faster) or ``"at_least"`` (grows at least as fast). A number (e.g.
    ``sympy.S.One``) states "no growth".
    """

    kind = "scaling"
    _field = "expr"
    _var_field = "over"

    def __init__(
        self,
        expr: Any,
        *,
        over: Any,
        series: str,
        sense: Sense = "matches",
        tolerance: float | None = None,
        window: tuple[float, float] | None = None,
        min_decades: float = 0.5,
        constants: Mapping[sp.Symbol, float] | None = None,
        params: Sequence[sp.Symbol] = (),
        regime: Literal["large", "small"] = "large",
    ) -> None:
        super().__init__(
            expr=expr,
            variable=over,
            series=series,
            sense=sense,
            tolerance=tolerance,
            window=window,
            floor=0.0,
            min_decades=min_decades,
            constants=constants or {},
            params=params,  # type: ignore[arg-type]
            regime=regime,
        )
