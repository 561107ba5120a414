"""Prediction kinds: what a theorem predicts, as sympy expressions.

Each kind reduces a Measurement to one statistic per seed and an acceptance
region, then :func:`theorycheck.verdict.decide` gives the verdict. Mutants
are the same kinds with altered expressions, judged on the same data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import sympy as sp

from .errors import ClaimDeclarationError, MeasurementError
from .fit import decades, fit_line, usable_points
from .measurement import Measurement
from .verdict import Judgement, Verdict, decide, inconclusive

Sense = Literal["at_most", "at_least", "matches"]
_OPS = {">=": 1, ">": 1, "<=": -1, "<": -1}


def _sympify(value: Any, field_name: str) -> sp.Expr:
    if isinstance(value, str):
        raise ClaimDeclarationError(
            field_name, f"got the string {value!r}", "build the expression from sympy symbols"
        )
    try:
        expr = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as exc:
        raise ClaimDeclarationError(field_name, f"{value!r} is not a sympy expression ({exc})") from exc
    if not isinstance(expr, sp.Expr):
        raise ClaimDeclarationError(field_name, f"{expr} is a {type(expr).__name__}, not an expression")
    return expr


def _numbers(constants: Mapping[sp.Symbol, float], field_name: str) -> dict[sp.Symbol, float]:
    out = {}
    for sym, value in constants.items():
        if not isinstance(sym, sp.Symbol):
            raise ClaimDeclarationError(field_name, f"key {sym!r} is not a sympy Symbol")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ClaimDeclarationError(field_name, f"{sym} = {value!r} is not a finite number")
        out[sym] = float(value)
    return out


class Prediction:
    """Base class: subclasses define :meth:`judge` and :meth:`describe`."""

    kind: str = "prediction"

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        raise NotImplementedError

    def describe(self) -> str:
        """One line a person reads: the prediction in words and sympy."""
        raise NotImplementedError

    def latex(self) -> str:
        """The prediction's main expression in LaTeX."""
        raise NotImplementedError

    def signature(self) -> str:
        """A canonical string: two predictions with equal signatures are the same."""
        raise NotImplementedError


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class RateShape:
    """What a bound's form says about its decay in the swept symbol."""

    form: Literal["power", "exponential"]
    exponent: float | None  # power: d log B / d log x; exponential: d log B / dx (None if symbolic)


def rate_shape(bound: sp.Expr, variable: sp.Symbol, constants: Mapping[sp.Symbol, float]) -> RateShape:
    """Derive the asymptotic shape of ``bound`` in ``variable`` with sympy.

    The power-law exponent is ``lim x d(log B)/dx``; an infinite limit means
    exponential decay, whose rate is ``lim d(log B)/dx``.
    """
    x = sp.Dummy("x", positive=True)
    # floats as exact rationals: sympy's limit mis-handles float powers (t**-0.65 gave oo)
    expr = sp.nsimplify(bound, rational=True).subs(variable, x)
    logb = sp.log(expr)
    power = sp.limit(x * sp.diff(logb, x), x, sp.oo)
    power = power.subs(constants)
    if power in (sp.oo, -sp.oo):
        rate = sp.limit(sp.diff(logb, x), x, sp.oo).subs(constants)
        rate = sp.simplify(rate)
        if rate.is_number and rate.is_finite:
            return RateShape("exponential", float(rate))
        free = sorted(str(s) for s in rate.free_symbols)
        if rate.is_number or not free:
            raise ClaimDeclarationError("bound", f"cannot derive a decay rate from {bound}")
        return RateShape("exponential", None)
    power = sp.simplify(power)
    if not power.is_number:
        free = sorted(str(s) for s in power.free_symbols)
        raise ClaimDeclarationError(
            "bound",
            f"the exponent of {bound} in {variable} is {power}, which depends on unbound {free}",
            "give those symbols values in constants=",
        )
    return RateShape("power", float(power))


@dataclass(frozen=True)
class _ExponentPrediction(Prediction):
    """Shared logic of Rate and Scaling: a slope on log scales against a derived exponent."""

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

    def __post_init__(self) -> None:
        name = self._field
        object.__setattr__(self, "expr", _sympify(self.expr, name))
        if not isinstance(self.variable, sp.Symbol):
            raise ClaimDeclarationError(
                self._var_field, f"{self.variable!r} is not a sympy Symbol", "pass the swept symbol"
            )
        if self.variable not in self.expr.free_symbols:
            raise ClaimDeclarationError(name, f"{self.expr} does not depend on {self.variable}")
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
        object.__setattr__(self, "constants", _numbers(self.constants, "constants"))
        object.__setattr__(self, "shape", rate_shape(self.expr, self.variable, self.constants))
        if self.sense == "at_least" and self.shape.form == "exponential" and self.shape.exponent is None:
            raise ClaimDeclarationError(
                "sense",
                f"'at_least' needs a numeric exponent; {self.expr} is an exponential with a free rate",
                "give the rate a value in constants=, or state the claim with 'matches' / 'at_most'",
            )

    _field = "bound"
    _var_field = "sweep"
    shape: RateShape = field(init=False, repr=False, compare=False)

    @property
    def delta(self) -> float:
        """Half-width of the tolerance band around the predicted value."""
        if self.tolerance is not None:
            return float(self.tolerance)
        if self.shape.form == "exponential" and self.shape.exponent is None:
            return 0.25
        return max(0.1 * abs(self.shape.exponent or 0.0), 0.05)

    def region(self, target: float) -> tuple[float, float]:
        if self.sense == "matches":
            return (target - self.delta, target + self.delta)
        if self.shape.form == "exponential" and self.shape.exponent is None:
            # an upper bound exp(-c t): the semi-log slope must not flatten (late/early ratio >= 1 - delta)
            return (target - self.delta, math.inf)
        if self.sense == "at_least":
            return (target - self.delta, math.inf)
        return (-math.inf, target + self.delta)

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        curves = measurement.curves(self.series)
        semilog = self.shape.form == "exponential"
        slopes, halves, r2s, dropped = [], [], [], 0
        for curve in curves:
            x, y, lost = usable_points(curve, window=self.window, floor=self.floor, values=self.values)
            dropped += lost
            if len(x) < 5:
                return inconclusive(
                    self._statistic(), f"only {len(x)} usable grid points (need 5)", len(curves)
                )
            if not semilog and decades(x) < self.min_decades:
                return inconclusive(
                    self._statistic(),
                    f"sweep spans {decades(x):.2f} decades, need {self.min_decades}",
                    len(curves),
                )
            if np.any(y <= 0):
                raise MeasurementError(f"series {self.series!r} has non-positive values; a rate needs y > 0")
            u = x if semilog else np.log(x)
            v = np.log(y)
            line = fit_line(u, v)
            mid = len(u) // 2
            early, late = fit_line(u[: mid + 1], v[: mid + 1]), fit_line(u[mid:], v[mid:])
            slopes.append(line.slope)
            halves.append((early.slope, late.slope))
            r2s.append(line.r2)
        floor_note = f"; {dropped} points at the floor dropped" if dropped else ""
        if self.shape.form == "exponential" and self.shape.exponent is None:
            ratios = [late / early if early != 0 else math.nan for early, late in halves]
            if not all(math.isfinite(r) for r in ratios):
                return inconclusive(self._statistic(), "flat early window: no decay to compare", len(ratios))
            target = 1.0
            values = np.asarray(ratios)
        else:
            # R^2 measures a line against the spread it explains; a flat line (slope within the
            # tolerance of 0) explains none, so there the drift check alone guards the shape.
            flat = abs(float(np.median(slopes))) <= self.delta
            if float(np.median(r2s)) < self.min_r2 and not flat:
                return inconclusive(
                    self._statistic(),
                    f"median R^2 {float(np.median(r2s)):.2f} < {self.min_r2}: "
                    "not a straight line on this scale" + floor_note,
                    len(slopes),
                )
            drift = float(np.mean([late - early for early, late in halves]))
            if abs(drift) > 2 * self.delta:
                return inconclusive(
                    self._statistic(),
                    f"slope not stable: late minus early window slope {drift:+.3f} "
                    f"exceeds twice the tolerance (transient regime)",
                    len(slopes),
                )
            target = float(self.shape.exponent)  # type: ignore[arg-type]
            values = np.asarray(slopes)
        judgement = decide(self._statistic(), values, self.region(target), alpha)
        if floor_note:
            judgement = _with_reason(judgement, floor_note.lstrip("; "))
        return judgement

    def _statistic(self) -> str:
        v = self.variable
        if self.shape.form == "power":
            return f"slope of log {self.series} vs log {v}"
        if self.shape.exponent is not None:
            return f"slope of log {self.series} vs {v}"
        return f"late/early ratio of the slope of log {self.series} vs {v}"

    def describe(self) -> str:
        if self.shape.form == "power":
            target = f"exponent {self.shape.exponent:g}"
        elif self.shape.exponent is not None:
            target = f"exponential, rate {self.shape.exponent:g}"
        else:
            target = "exponential (constant semi-log slope)"
        verb = {"matches": "like", "at_most": "at most like", "at_least": "at least like"}[self.sense]
        return f"{self.series} ~ {verb} {self.expr} in {self.variable} ({target}, ±{self.delta:g})"

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
                self.delta,
                self.window,
                self.values,
                sorted((str(k), v) for k, v in self.constants.items()),
            )
        )


def _with_reason(judgement: Judgement, note: str) -> Judgement:
    from dataclasses import replace

    reason = f"{judgement.reason}; {note}" if judgement.reason else note
    return replace(judgement, reason=reason)


class Rate(_ExponentPrediction):
    """The statistic decays like ``bound`` in the swept symbol.

    ``sense="matches"`` is a Theta statement (fitted exponent equals the
    derived one within ``tolerance``); ``"at_most"`` an upper bound (the fit
    decays at least as fast); ``"at_least"`` a lower bound (the fit decays no
    faster). ``window`` picks the fitted points by the swept value,
    ``values=(lo, hi)`` by the metric itself (e.g. the error decade range where
    the rate is claimed, past a warm-up plateau and above a floor).
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
        )


class Scaling(_ExponentPrediction):
    """A required resource grows like ``expr`` in the parameter ``over``.

    ``sense``: ``"matches"`` (the exponent within ``tolerance``), ``"at_most"``
    (grows no faster) or ``"at_least"`` (grows at least as fast).
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
        )


# ------------------------------------------------------------- scalar predictions


def _scalar_function(
    expr: sp.Expr, constants: Mapping[sp.Symbol, float]
) -> tuple[list[str], Callable[..., Any]]:
    expr = expr.subs(constants)
    names = sorted(str(s) for s in expr.free_symbols)
    symbols = sorted(expr.free_symbols, key=str)
    return names, sp.lambdify(symbols, expr, "numpy")


def _evaluate(expr: sp.Expr, constants: Mapping[sp.Symbol, float], m: Measurement) -> np.ndarray:
    names, fn = _scalar_function(expr, constants)
    missing = [n for n in names if n not in m.scalars]
    if missing:
        raise MeasurementError(
            f"the prediction uses {missing}, which is neither a constant nor a scalar the "
            f"experiment returns ({sorted(m.scalars)})"
        )
    values = fn(*(m.scalar(n) for n in names))
    return np.broadcast_to(np.asarray(values, dtype=float), (m.seeds,)).copy()


def _as_expr(value: Any, field_name: str) -> sp.Expr:
    if isinstance(value, str):
        if not value.isidentifier():
            raise ClaimDeclarationError(field_name, f"{value!r} is not a scalar name")
        return sp.Symbol(value)
    return _sympify(value, field_name)


def _check_op(op: str) -> None:
    if op not in _OPS:
        raise ClaimDeclarationError("op", f"{op!r} is not one of {sorted(_OPS)}")


@dataclass(frozen=True, init=False)
class Threshold(Prediction):
    """A scalar (or expression of scalars) compared with a fixed value, over seeds."""

    kind = "threshold"
    statistic: sp.Expr
    op: str
    value: float
    constants: Mapping[sp.Symbol, float]

    def __init__(
        self, statistic: Any, op: str, value: Any, *, constants: Mapping[sp.Symbol, float] | None = None
    ) -> None:
        _check_op(op)
        number = _sympify(value, "value")
        if not number.is_number or not number.is_finite:
            raise ClaimDeclarationError("value", f"{value!r} is not a finite number")
        object.__setattr__(self, "statistic", _as_expr(statistic, "statistic"))
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "value", float(number))
        object.__setattr__(self, "constants", _numbers(constants or {}, "constants"))

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        values = _evaluate(self.statistic, self.constants, measurement)
        region = (self.value, math.inf) if _OPS[self.op] > 0 else (-math.inf, self.value)
        return decide(str(self.statistic), values, region, alpha)

    def describe(self) -> str:
        return f"{self.statistic} {self.op} {self.value:g}"

    def latex(self) -> str:
        return f"{sp.latex(self.statistic)} {_latex_op(self.op)} {sp.latex(sp.Float(self.value, 4))}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.statistic.subs(self.constants)), self.op, self.value))


@dataclass(frozen=True, init=False)
class Comparison(Prediction):
    """Per-seed paired difference ``a - b`` compared with a margin: ``a op b (+/- margin)``."""

    kind = "comparison"
    a: sp.Expr
    b: sp.Expr
    op: str
    margin: float

    def __init__(self, a: Any, b: Any, op: str, margin: float = 0.0) -> None:
        _check_op(op)
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
            raise ClaimDeclarationError("margin", f"{margin!r} must be a number >= 0")
        object.__setattr__(self, "a", _as_expr(a, "a"))
        object.__setattr__(self, "b", _as_expr(b, "b"))
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "margin", float(margin))
        if sp.simplify(self.a - self.b) == 0:
            raise ClaimDeclarationError("b", "a and b are the same quantity")

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        diff = _evaluate(self.a - self.b, {}, measurement)
        region = (self.margin, math.inf) if _OPS[self.op] > 0 else (-math.inf, -self.margin)
        return decide(f"{self.a} - {self.b}", diff, region, alpha)

    def describe(self) -> str:
        by = f" by {self.margin:g}" if self.margin else ""
        return f"{self.a} {self.op} {self.b}{by}"

    def latex(self) -> str:
        return f"{sp.latex(self.a)} {_latex_op(self.op)} {sp.latex(self.b)}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.a), sp.srepr(self.b), self.op, self.margin))


@dataclass(frozen=True, init=False)
class Inequality(Prediction):
    """A sympy relation between measured scalars that must hold on every instance.

    The statistic is ``lhs - rhs`` per seed (``rhs - lhs`` for ``<=``); the
    relation holds when its mean is at least ``-margin`` with confidence.
    """

    kind = "inequality"
    relation: sp.Rel
    constants: Mapping[sp.Symbol, float]
    margin: float

    def __init__(
        self, relation: Any, *, constants: Mapping[sp.Symbol, float] | None = None, margin: float = 0.0
    ) -> None:
        if not isinstance(relation, (sp.GreaterThan, sp.StrictGreaterThan, sp.LessThan, sp.StrictLessThan)):
            raise ClaimDeclarationError(
                "relation", f"{relation!r} is not a sympy inequality", "write lhs >= rhs with sympy symbols"
            )
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
            raise ClaimDeclarationError("margin", f"{margin!r} must be a number >= 0")
        object.__setattr__(self, "relation", relation)
        object.__setattr__(self, "constants", _numbers(constants or {}, "constants"))
        object.__setattr__(self, "margin", float(margin))

    @property
    def gap(self) -> sp.Expr:
        """The quantity that must be non-negative."""
        r = self.relation
        return r.lhs - r.rhs if isinstance(r, (sp.GreaterThan, sp.StrictGreaterThan)) else r.rhs - r.lhs

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        values = _evaluate(self.gap, self.constants, measurement)
        return decide(f"{self.gap}", values, (-self.margin, math.inf), alpha)

    def describe(self) -> str:
        consts = ", ".join(f"{k}={v:g}" for k, v in self.constants.items())
        return f"{self.relation}" + (f" with {consts}" if consts else "")

    def latex(self) -> str:
        return sp.latex(self.relation)

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.relation.subs(self.constants)), self.margin))


@dataclass(frozen=True, init=False)
class Identity(Prediction):
    """An exact statement: ``lhs == rhs``.

    Without measured symbols it is checked by sympy (the difference simplifies
    to zero); with them, numerically on every seed within ``tolerance``.
    """

    kind = "identity"
    lhs: sp.Expr
    rhs: sp.Expr
    tolerance: float
    constants: Mapping[sp.Symbol, float]

    def __init__(
        self,
        lhs: Any,
        rhs: Any,
        *,
        tolerance: float = 1e-6,
        constants: Mapping[sp.Symbol, float] | None = None,
    ) -> None:
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
            raise ClaimDeclarationError("tolerance", f"{tolerance!r} must be a positive number")
        object.__setattr__(self, "lhs", _as_expr(lhs, "lhs"))
        object.__setattr__(self, "rhs", _as_expr(rhs, "rhs"))
        object.__setattr__(self, "tolerance", float(tolerance))
        object.__setattr__(self, "constants", _numbers(constants or {}, "constants"))

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        diff = (self.lhs - self.rhs).subs(self.constants)
        statistic = f"{self.lhs} - ({self.rhs})"
        measured = {s for s in diff.free_symbols if str(s) in measurement.scalars}
        if not measured:
            return self._symbolic(diff, statistic, measurement.seeds)
        values = _evaluate(diff, {}, measurement)
        return decide(statistic, values, (-self.tolerance, self.tolerance), alpha)

    def _symbolic(self, diff: sp.Expr, statistic: str, seeds: int) -> Judgement:
        """Exact check: zero after simplification, else evaluated at sample points."""

        region = (-self.tolerance, self.tolerance)
        if sp.simplify(diff) == 0:
            return Judgement(
                Verdict.HOLDS,
                statistic,
                estimate=0.0,
                interval=(0.0, 0.0),
                region=region,
                p_violation=1.0,
                seeds=seeds,
                reason="simplifies to zero",
            )
        symbols = sorted(diff.free_symbols, key=str)
        for point in ([0.37 + 0.41 * i for i in range(len(symbols))], [1.3] * len(symbols)):
            value = complex(sp.N(diff.subs(dict(zip(symbols, point, strict=True)))))
            if abs(value) > self.tolerance:
                at = ", ".join(f"{s}={v:g}" for s, v in zip(symbols, point, strict=True))
                return Judgement(
                    Verdict.VIOLATED,
                    statistic,
                    estimate=abs(value),
                    interval=(abs(value),) * 2,
                    region=region,
                    p_violation=0.0,
                    seeds=seeds,
                    reason=f"differs at {at}",
                )
        return inconclusive(statistic, "sympy cannot simplify the difference to zero", seeds)

    def describe(self) -> str:
        return f"{self.lhs} = {self.rhs} (±{self.tolerance:g})"

    def latex(self) -> str:
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.lhs), sp.srepr(self.rhs), self.tolerance))


def _latex_op(op: str) -> str:
    return {">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<"}[op]
