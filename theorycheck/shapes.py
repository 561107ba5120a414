"""The shape of a rate or scaling bound B(x; params), derived with sympy.

A bound's symbols other than the swept one are sorted into three kinds:

* **scale** symbols (``C``) multiply B without changing its shape in x
  (d/dx log B does not depend on them): the data fit them as the intercept;
* **params** (``d``, ``s``, ``l1``, declared with ``params=``) change the
  shape and take their value per seed from the measurement's scalar of the
  same name;
* at most one **free rate** symbol entering log B linearly (``c`` in
  ``C exp(-c t)`` or ``C exp(-c sqrt t)``): its value is unknown, so the
  verdict tests the form (a constant slope of log y against the feature the
  symbol multiplies), not the rate.

Anything else is a declaration error naming the symbol. The limit exponent
(``lim x d log B / dx``, power laws) or rate (``lim d log B / dx``,
exponentials) is derived as an expression of the params; it sets the fitting
scale (log x or x) and the default tolerance. The verdict itself compares
the data with ``log B`` evaluated on the measured points (rates.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp

from .errors import ClaimDeclarationError
from .expressions import NumericFunction, numeric

Form = Literal["power", "exponential", "free"]


@dataclass(frozen=True)
class BoundShape:
    """What log B looks like in the swept symbol, with numeric evaluators."""

    form: Form
    log_bound: sp.Expr  # log B with scale symbols dropped (free form: the part without the free rate)
    params: tuple[sp.Symbol, ...]
    limit: sp.Expr | None  # limit exponent (power) or rate (exponential), in the params; None: free form
    free_symbol: sp.Symbol | None = None
    feature: sp.Expr | None = None  # free form: the function of x the free rate multiplies
    _log_bound_fn: NumericFunction | None = None
    _limit_fn: NumericFunction | None = None
    _feature_fn: NumericFunction | None = None

    def log_b(self, x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        """log B at the points ``x`` for one seed's param values."""
        assert self._log_bound_fn is not None
        return np.broadcast_to(self._log_bound_fn(x, *values), np.shape(x)).astype(float)

    def limit_value(self, values: Sequence[float]) -> float | None:
        """The limit exponent or rate for one seed's param values (None for the free form)."""
        if self._limit_fn is None:
            return None
        return float(self._limit_fn(*values))

    def feature_of(self, x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        """Free form: the feature phi(x) that the free rate multiplies in log B."""
        assert self._feature_fn is not None
        return np.broadcast_to(self._feature_fn(x, *values), np.shape(x)).astype(float)


def analyse(
    bound: sp.Expr,
    variable: sp.Symbol,
    constants: Mapping[sp.Symbol, float],
    params: Sequence[sp.Symbol],
    field_name: str = "bound",
) -> BoundShape:
    """Sort the bound's symbols, derive its form and limit, and compile its evaluators."""
    x = variable
    expr = sp.nsimplify(bound.subs(constants), rational=True)  # exact rationals: limits of float powers fail
    params = tuple(params)
    for p in params:
        if not isinstance(p, sp.Symbol):
            raise ClaimDeclarationError("params", f"{p!r} is not a sympy Symbol")
        if p == x:
            raise ClaimDeclarationError("params", f"{p} is the swept symbol itself")
        if p in constants:
            raise ClaimDeclarationError("params", f"{p} is both a constant and a param")
    if x not in expr.free_symbols:
        if x not in bound.free_symbols and not (expr.is_number and expr.is_positive):
            raise ClaimDeclarationError(
                field_name,
                f"{bound} does not depend on {x}",
                "a bound free of the swept symbol must be a positive number, e.g. sympy.S.One for "
                "'no growth'",
            )
        return _compiled(BoundShape("power", sp.S.Zero, params, sp.S.Zero), x, field_name)
    # expand log(C x^a e^(-c x)) into a sum (no under/overflow of B itself); never by force: that
    # turns log(log(1/x)) into log(log(x)) + i pi
    log_b = sp.expand_log(sp.log(expr))
    others = sorted(log_b.free_symbols - {x}, key=str)
    params = tuple(p for p in params if p in others)  # a shared params= may name symbols a mutant drops
    scale = [s for s in others if sp.simplify(sp.diff(log_b, x, s)) == 0 and s not in params]
    log_b = sp.expand(log_b.subs({s: 1 for s in scale}))
    free = [s for s in others if s not in scale and s not in params]
    if free:
        return _free_form(bound, x, log_b, params, free, field_name)
    limit, form = _limit(bound, x, log_b, params, field_name)
    return _compiled(BoundShape(form, log_b, params, limit), x, field_name)


def _free_form(
    bound: sp.Expr,
    x: sp.Symbol,
    log_b: sp.Expr,
    params: tuple[sp.Symbol, ...],
    free: list[sp.Symbol],
    field_name: str,
) -> BoundShape:
    """One free symbol entering log B linearly: log B = base(x) + c * feature(x)."""
    names = [str(s) for s in free]
    hint = "give it a value in constants=, or name it in params= (the experiment then returns it as a scalar)"
    if len(free) > 1:
        raise ClaimDeclarationError(
            field_name, f"the shape of {bound} in {x} depends on unbound {names}", hint
        )
    c = free[0]
    feature = sp.simplify(sp.diff(log_b, c))
    if c in feature.free_symbols or x not in feature.free_symbols or not _beyond_powers(feature, x):
        raise ClaimDeclarationError(
            field_name,
            f"the shape of {bound} in {x} depends on unbound {names} in a way that cannot be tested "
            "without its value",
            hint,
        )
    base = sp.expand(log_b.subs(c, 0))
    shape = BoundShape("free", base, params, None, free_symbol=c, feature=feature)
    return _compiled(shape, x, field_name)


def _beyond_powers(feature: sp.Expr, x: sp.Symbol) -> bool:
    """Whether the free symbol sets an exponential-type rate (its feature outgrows log x).

    A free exponent of a power law (``t**-a``) is not accepted: it would hide
    the very rate a theorem states; give it a value or name it in params=.
    """
    try:
        ratio = sp.limit(feature / sp.log(x), x, sp.oo)
    except (ValueError, NotImplementedError, TypeError):
        return False
    return bool(ratio in (sp.oo, -sp.oo))


def _limit(
    bound: sp.Expr, x: sp.Symbol, log_b: sp.Expr, params: tuple[sp.Symbol, ...], field_name: str
) -> tuple[sp.Expr, Form]:
    """The limit rate (exponential) or exponent (power), as an expression of the params."""
    try:
        return _symbolic_limit(log_b, x)
    except (ValueError, NotImplementedError, TypeError):
        pass
    try:  # special functions: sympy's limit knows polygamma better than harmonic, gamma better than factorial
        return _symbolic_limit(log_b.rewrite(sp.polygamma).rewrite(sp.gamma), x)
    except (ValueError, NotImplementedError, TypeError) as exc:
        if params:
            raise ClaimDeclarationError(
                field_name,
                f"sympy cannot derive the limit shape of {bound} in {x} ({exc})",
                "simplify the bound",
            ) from exc
        return _numeric_limit(bound, x, sp.diff(log_b, x), field_name)


def _symbolic_limit(log_b: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, Form]:
    slope = sp.diff(log_b, x)
    rate = sp.simplify(sp.limit(slope, x, sp.oo))
    if isinstance(rate, sp.Limit) or rate.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise ValueError(f"limit {rate}")
    if rate != 0:
        return rate, "exponential"
    exponent = sp.simplify(sp.limit(x * slope, x, sp.oo))
    if isinstance(exponent, sp.Limit) or exponent.has(sp.zoo, sp.nan):
        raise ValueError(f"limit {exponent}")
    return exponent, "power"  # may be -oo (faster than any power, e.g. exp(-sqrt(x)))


def _numeric_limit(bound: sp.Expr, x: sp.Symbol, slope: sp.Expr, field_name: str) -> tuple[sp.Expr, Form]:
    """Form and limit read off numerically at large x, where sympy's limit fails (no params)."""
    local = numeric(slope, [x], field_name)
    far = np.array([1e6, 1e8])
    semilog = local(far)
    if not np.all(np.isfinite(semilog)):
        raise ClaimDeclarationError(field_name, f"cannot evaluate the shape of {bound} at large {x}")
    if abs(semilog[1]) * far[1] > 1e3:
        return sp.Float(float(semilog[1]), 6), "exponential"
    return sp.Float(float(semilog[1] * far[1]), 6), "power"


def _compiled(shape: BoundShape, x: sp.Symbol, field_name: str) -> BoundShape:
    args = [x, *shape.params]
    log_fn = numeric(shape.log_bound, args, field_name)
    limit_fn = None if shape.limit is None else numeric(shape.limit, list(shape.params), field_name)
    feature_fn = None if shape.feature is None else numeric(shape.feature, args, field_name)
    return BoundShape(
        shape.form,
        shape.log_bound,
        shape.params,
        shape.limit,
        shape.free_symbol,
        shape.feature,
        log_fn,
        limit_fn,
        feature_fn,
    )
