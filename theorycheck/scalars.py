"""Predictions on measured scalars: Threshold, Comparison, Inequality, Identity.

Each evaluates a sympy expression of the measurement's scalars per seed (any
function sympy can evaluate, see expressions.py) and judges the per-seed
values against a region with :func:`theorycheck.verdict.decide`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .errors import ClaimDeclarationError, MeasurementError
from .expressions import NumericFunction, numbers, numeric, sympify_expr
from .measurement import Measurement
from .prediction import Prediction
from .verdict import Judgement, Verdict, decide, inconclusive

_OPS = {">=": 1, ">": 1, "<=": -1, "<": -1}


@dataclass(frozen=True)
class ScalarExpression:
    """A sympy expression of measured scalars, compiled once at declaration."""

    expr: sp.Expr
    field_name: str
    names: tuple[str, ...] = field(init=False)
    function: NumericFunction = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        symbols = sorted(self.expr.free_symbols, key=str)
        object.__setattr__(self, "names", tuple(str(s) for s in symbols))
        object.__setattr__(self, "function", numeric(self.expr, symbols, self.field_name))

    def evaluate(self, m: Measurement) -> np.ndarray:
        """One value per seed; a MeasurementError names any scalar the experiment did not return."""
        missing = [n for n in self.names if n not in m.scalars]
        if missing:
            raise MeasurementError(
                f"the prediction uses {missing}, which is neither a constant nor a scalar the "
                f"experiment returns ({sorted(m.scalars)})"
            )
        values = self.function(*(m.scalar(n) for n in self.names))
        out = np.broadcast_to(np.asarray(values, dtype=float), (m.seeds,)).copy()
        bad = np.flatnonzero(~np.isfinite(out))
        if len(bad):
            raise MeasurementError(f"{self.expr} is not finite at seed row {int(bad[0])}")
        return out


def _as_expr(value: Any, field_name: str) -> sp.Expr:
    if isinstance(value, str):
        if not value.isidentifier():
            raise ClaimDeclarationError(field_name, f"{value!r} is not a scalar name")
        return sp.Symbol(value)
    return sympify_expr(value, field_name)


def _check_op(op: str) -> None:
    if op not in _OPS:
        raise ClaimDeclarationError("op", f"{op!r} is not one of {sorted(_OPS)}")


def _latex_op(op: str) -> str:
    return {">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<"}[op]


def _margin(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ClaimDeclarationError("margin", f"{value!r} must be a number >= 0")
    return float(value)


@dataclass(frozen=True, init=False)
class Threshold(Prediction):
    """A scalar (or expression of scalars) compared with a fixed value, over seeds."""

    kind = "threshold"
    statistic: sp.Expr
    op: str
    value: float
    constants: Mapping[sp.Symbol, float]
    compiled: ScalarExpression = field(repr=False, compare=False)

    def __init__(
        self, statistic: Any, op: str, value: Any, *, constants: Mapping[sp.Symbol, float] | None = None
    ) -> None:
        _check_op(op)
        number = sympify_expr(value, "value")
        if not number.is_number or not number.is_finite:
            raise ClaimDeclarationError("value", f"{value!r} is not a finite number")
        object.__setattr__(self, "statistic", _as_expr(statistic, "statistic"))
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "value", float(number))
        object.__setattr__(self, "constants", numbers(constants or {}, "constants"))
        object.__setattr__(
            self, "compiled", ScalarExpression(self.statistic.subs(self.constants), "statistic")
        )

    def region(self) -> tuple[float, float]:
        return (self.value, math.inf) if _OPS[self.op] > 0 else (-math.inf, self.value)

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        values = self.compiled.evaluate(measurement)
        return decide(str(self.statistic), values, self.region(), alpha)

    def describe(self) -> str:
        return f"{self.statistic} {self.op} {self.value:g}"

    def latex(self) -> str:
        return f"{sp.latex(self.statistic)} {_latex_op(self.op)} {sp.latex(sp.Float(self.value, 4))}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.statistic.subs(self.constants)), self.op, self.value))

    def scalars_used(self) -> set[str]:
        return set(self.compiled.names)


@dataclass(frozen=True, init=False)
class Comparison(Prediction):
    """Per-seed paired difference ``a - b`` compared with a margin: ``a op b (+/- margin)``."""

    kind = "comparison"
    a: sp.Expr
    b: sp.Expr
    op: str
    margin: float
    compiled: ScalarExpression = field(repr=False, compare=False)

    def __init__(self, a: Any, b: Any, op: str, margin: float = 0.0) -> None:
        _check_op(op)
        object.__setattr__(self, "a", _as_expr(a, "a"))
        object.__setattr__(self, "b", _as_expr(b, "b"))
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "margin", _margin(margin))
        if sp.simplify(self.a - self.b) == 0:
            raise ClaimDeclarationError("b", "a and b are the same quantity")
        object.__setattr__(self, "compiled", ScalarExpression(self.a - self.b, "a - b"))

    def region(self) -> tuple[float, float]:
        return (self.margin, math.inf) if _OPS[self.op] > 0 else (-math.inf, -self.margin)

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        diff = self.compiled.evaluate(measurement)
        return decide(f"{self.a} - {self.b}", diff, self.region(), alpha)

    def describe(self) -> str:
        by = f" by {self.margin:g}" if self.margin else ""
        return f"{self.a} {self.op} {self.b}{by}"

    def latex(self) -> str:
        return f"{sp.latex(self.a)} {_latex_op(self.op)} {sp.latex(self.b)}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.a), sp.srepr(self.b), self.op, self.margin))

    def scalars_used(self) -> set[str]:
        return set(self.compiled.names)


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
    compiled: ScalarExpression = field(repr=False, compare=False)

    def __init__(
        self, relation: Any, *, constants: Mapping[sp.Symbol, float] | None = None, margin: float = 0.0
    ) -> None:
        if not isinstance(relation, (sp.GreaterThan, sp.StrictGreaterThan, sp.LessThan, sp.StrictLessThan)):
            raise ClaimDeclarationError(
                "relation", f"{relation!r} is not a sympy inequality", "write lhs >= rhs with sympy symbols"
            )
        object.__setattr__(self, "relation", relation)
        object.__setattr__(self, "constants", numbers(constants or {}, "constants"))
        object.__setattr__(self, "margin", _margin(margin))
        object.__setattr__(self, "compiled", ScalarExpression(self.gap.subs(self.constants), "relation"))

    @property
    def gap(self) -> sp.Expr:
        """The quantity that must be non-negative."""
        r = self.relation
        return r.lhs - r.rhs if isinstance(r, (sp.GreaterThan, sp.StrictGreaterThan)) else r.rhs - r.lhs

    def region(self) -> tuple[float, float]:
        return (-self.margin, math.inf)

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        values = self.compiled.evaluate(measurement)
        return decide(f"{self.gap}", values, self.region(), alpha)

    def describe(self) -> str:
        consts = ", ".join(f"{k}={v:g}" for k, v in self.constants.items())
        return f"{self.relation}" + (f" with {consts}" if consts else "")

    def latex(self) -> str:
        return sp.latex(self.relation)

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.relation.subs(self.constants)), self.margin))

    def scalars_used(self) -> set[str]:
        return set(self.compiled.names)


@dataclass(frozen=True, init=False)
class Identity(Prediction):
    """An exact statement: ``lhs == rhs``.

    When the measurement returns none of the symbols of ``lhs - rhs`` it is
    checked by sympy (the difference simplifies to zero, else it is
    evaluated at sample points); when it returns all of them, numerically on
    every seed within ``tolerance``; when it returns only some, it is an
    ERROR naming the missing ones (never a silent symbolic check).
    ``symbolic=True`` forces the sympy check.
    """

    kind = "identity"
    lhs: sp.Expr
    rhs: sp.Expr
    tolerance: float
    constants: Mapping[sp.Symbol, float]
    symbolic: bool
    compiled: ScalarExpression | None = field(repr=False, compare=False)

    def __init__(
        self,
        lhs: Any,
        rhs: Any,
        *,
        tolerance: float = 1e-6,
        constants: Mapping[sp.Symbol, float] | None = None,
        symbolic: bool = False,
    ) -> None:
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
            raise ClaimDeclarationError("tolerance", f"{tolerance!r} must be a positive number")
        object.__setattr__(self, "lhs", _as_expr(lhs, "lhs"))
        object.__setattr__(self, "rhs", _as_expr(rhs, "rhs"))
        object.__setattr__(self, "tolerance", float(tolerance))
        object.__setattr__(self, "constants", numbers(constants or {}, "constants"))
        object.__setattr__(self, "symbolic", bool(symbolic))
        diff = (self.lhs - self.rhs).subs(self.constants)
        compiled = None if symbolic or not diff.free_symbols else ScalarExpression(diff, "lhs - rhs")
        object.__setattr__(self, "compiled", compiled)

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        statistic = f"{self.lhs} - ({self.rhs})"
        names = () if self.compiled is None else self.compiled.names
        returned = [n for n in names if n in measurement.scalars]
        if not returned:
            return self._symbolic((self.lhs - self.rhs).subs(self.constants), statistic, measurement.seeds)
        assert self.compiled is not None
        values = self.compiled.evaluate(measurement)
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
        points = [[0.37 + 0.41 * i for i in range(len(symbols))], [1.3] * len(symbols)]
        points += [[2.0 + 0.731 * k + 0.113 * i for i in range(len(symbols))] for k in range(6)]
        largest = 0.0
        for point in points:
            try:
                exact = {sym: sp.Rational(str(v)) for sym, v in zip(symbols, point, strict=True)}
                value = complex(sp.N(diff.subs(exact), 30))
            except (TypeError, ValueError):
                return inconclusive(statistic, "sympy cannot simplify or evaluate the difference", seeds)
            largest = max(largest, abs(value))
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
        if largest > 1e-20:
            return inconclusive(
                statistic,
                f"sympy cannot simplify it; it stays within {largest:.1e} of zero at sample points",
                seeds,
            )
        return Judgement(
            Verdict.HOLDS,
            statistic,
            estimate=largest,
            interval=(0.0, largest),
            region=region,
            p_violation=1.0,
            seeds=seeds,
            reason=f"zero to 30 digits at {len(points)} sample points (sympy cannot simplify it)",
        )

    def describe(self) -> str:
        return f"{self.lhs} = {self.rhs} (±{self.tolerance:g})"

    def latex(self) -> str:
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    def signature(self) -> str:
        return repr((self.kind, sp.srepr(self.lhs), sp.srepr(self.rhs), self.tolerance, self.symbolic))

    def scalars_used(self) -> set[str]:
        return set()  # its symbols may be measured or symbolic: judging tells (see the class docstring)
