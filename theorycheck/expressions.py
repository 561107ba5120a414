"""sympy expressions in declarations: validation and numeric evaluation.

A prediction may use any function sympy can evaluate (harmonic, polygamma,
zeta, gamma, erf, Bessel functions, LambertW, hyper, Piecewise, Min/Max,
floor ...). :func:`numeric` compiles an expression with ``lambdify`` over
numpy's namespace, then over scipy and numpy, falls back to mpmath and then
to sympy's own ``evalf`` element by element, and checks at declaration time
that one of them evaluates it: what none can evaluate is a
:class:`ClaimDeclarationError` naming the function and the field, raised
while the claim module loads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from .errors import ClaimDeclarationError

NumericFunction = Callable[..., np.ndarray]

# errors that mean "this backend does not know a function", not "outside the domain"
_UNKNOWN = (NameError, AttributeError, TypeError, KeyError, NotImplementedError)


def sympify_expr(value: Any, field_name: str) -> sp.Expr:
    """``value`` as a sympy expression; strings and non-expressions are declaration errors."""
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


def numbers(constants: Mapping[sp.Symbol, float], field_name: str) -> dict[sp.Symbol, float]:
    """``constants`` checked: sympy Symbol keys, finite number values."""
    out = {}
    for sym, value in constants.items():
        if not isinstance(sym, sp.Symbol):
            raise ClaimDeclarationError(field_name, f"key {sym!r} is not a sympy Symbol")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ClaimDeclarationError(field_name, f"{sym} = {value!r} is not a finite number")
        out[sym] = float(value)
    return out


def function_names(expr: sp.Expr) -> list[str]:
    """Names of the functions applied in ``expr`` (for messages)."""
    return sorted({type(f).__name__ for f in expr.atoms(sp.Function)})


def _probe(symbol: sp.Symbol) -> float:
    """A value inside most functions' domains: integers for integer symbols, else 1.7."""
    return 3.0 if symbol.is_integer else 1.7


def _vectorised(scalar: Callable[..., Any]) -> NumericFunction:
    """Element-wise evaluation of a scalar function over broadcast numpy arrays."""

    def run(*args: Any) -> np.ndarray:
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args)) if args else []
        out = np.empty(arrays[0].shape if arrays else (), dtype=float)
        for index in np.ndindex(out.shape):
            value = scalar(*(float(a[index]) for a in arrays))
            out[index] = float(complex(value).real) if _is_real(value) else math.nan
        return out

    return run


def _is_real(value: Any) -> bool:
    try:
        z = complex(value)
    except (TypeError, ValueError):
        return False
    return abs(z.imag) <= 1e-12 * max(1.0, abs(z.real))


def _sympy_backend(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable[..., Any]:
    def evaluate(*values: float) -> Any:
        return sp.N(expr.subs(dict(zip(symbols, values, strict=True))))

    return evaluate


def _as_real_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    if np.iscomplexobj(array):
        real = np.where(np.abs(array.imag) <= 1e-12 * np.maximum(1.0, np.abs(array.real)), array.real, np.nan)
        return np.asarray(real, dtype=float)
    return np.asarray(array, dtype=float)


def numeric(expr: sp.Expr, symbols: Sequence[sp.Symbol], field_name: str) -> NumericFunction:
    """A numpy-broadcasting function of ``symbols`` computing ``expr``, as floats.

    Backends in order: lambdify over numpy's namespace; over scipy and numpy;
    mpmath element by element; sympy ``evalf`` element by element. The first
    one that evaluates ``expr`` at two probe points without an unknown-function error
    and agrees there with sympy's own ``evalf`` is used (a NaN at a probe is a
    domain matter, not an unknown function; the agreement check catches
    printer bugs such as sympy 1.14 printing ``x - harmonic(n)`` for scipy as
    ``x - polygamma(0, n + 1) + euler_gamma``). Raises ClaimDeclarationError
    when none of them can.
    """
    symbols = list(symbols)
    extra = sorted(expr.free_symbols - set(symbols), key=str)
    if extra:
        raise ClaimDeclarationError(field_name, f"{expr} uses {[str(s) for s in extra]}, which are not bound")
    probes = [[_probe(s) for s in symbols], [_probe(s) + 1.3 for s in symbols]]
    reference = [_reference(expr, symbols, point) for point in probes]
    candidates: list[tuple[str, Callable[[], NumericFunction]]] = [
        # numpy's own namespace first: ``"numpy"`` would run ``from numpy import *`` (importing
        # numpy.ma and numpy.f2py) and ``"scipy"`` scipy.special, a few tenths of a second paid by
        # every run for the elementary functions most bounds use; special functions fall through
        ("numpy", lambda: sp.lambdify(symbols, expr, [np])),
        ("scipy/numpy", lambda: sp.lambdify(symbols, expr, ["scipy", "numpy"])),
        ("mpmath", lambda: _vectorised(sp.lambdify(symbols, expr, "mpmath"))),
        ("sympy", lambda: _vectorised(_sympy_backend(expr, symbols))),
    ]
    failures = []
    for name, build in candidates:
        try:
            fn = build()
            if name == "sympy" and not _evaluates(expr, symbols, probes[0]):
                raise NotImplementedError("sympy leaves it unevaluated")
            for point, expected in zip(probes, reference, strict=True):
                _agrees(name, _real(fn)(*point), expected)
        except _UNKNOWN as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        except (ValueError, ArithmeticError, OverflowError):
            pass  # outside the domain at the probe point: the backend itself works
        return _real(fn)
    names = ", ".join(function_names(expr)) or str(expr)
    raise ClaimDeclarationError(
        field_name,
        f"{expr} cannot be evaluated numerically (functions: {names}; {'; '.join(failures)})",
        "use functions sympy can evaluate, or give the quantity as a measured scalar",
    )


def _reference(expr: sp.Expr, symbols: Sequence[sp.Symbol], point: Sequence[float]) -> float | None:
    """sympy's own value of ``expr`` at ``point`` (None where it is not a finite real number)."""
    try:
        value = complex(sp.N(expr.subs(dict(zip(symbols, point, strict=True))), 30))
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not _is_real(value) or not math.isfinite(value.real):
        return None
    return value.real


def _agrees(backend: str, value: np.ndarray, expected: float | None) -> None:
    """A backend's value must match sympy's own (lambdify printers have had precedence bugs)."""
    got = float(np.asarray(value).reshape(-1)[0]) if np.size(value) else math.nan
    if expected is None or not math.isfinite(got):
        return
    if abs(got - expected) > 1e-7 * max(1.0, abs(expected)):
        raise NotImplementedError(f"{backend} gives {got!r} where sympy gives {expected!r}")


def _evaluates(expr: sp.Expr, symbols: Sequence[sp.Symbol], probe: Sequence[float]) -> bool:
    value = sp.N(expr.subs(dict(zip(symbols, probe, strict=True))))
    return bool(value.is_number) and not value.has(sp.Function)


def _real(fn: Callable[..., Any]) -> NumericFunction:
    def run(*args: Any) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _as_real_array(fn(*args))

    return run
