"""Unit tests of the prediction kinds: derived exponents, verdicts on synthetic data, bad declarations."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from theorycheck import (
    ClaimDeclarationError,
    Comparison,
    Identity,
    Inequality,
    Measurement,
    Rate,
    Scaling,
    Threshold,
    Verdict,
)
from theorycheck.errors import MeasurementError
from theorycheck.predictions import rate_shape

t, n, C, c, a = sp.symbols("t n C c a", positive=True)


@pytest.mark.parametrize(
    ("bound", "form", "exponent"),
    [
        (C / t, "power", -1.0),
        (C / t**2, "power", -2.0),
        (C / sp.sqrt(t), "power", -0.5),
        (C * sp.log(t) / t, "power", -1.0),
        (C * t ** sp.Rational(3, 2), "power", 1.5),
        (C * sp.log(t), "power", 0.0),
        (C / t + 1 / t**2, "power", -1.0),
        (C * sp.exp(-t / 2), "exponential", -0.5),
        (C * sp.exp(-c * t), "exponential", None),
        (C / t**0.65, "power", -0.65),  # a float power: sympy's limit once made this exponential
        (C * sp.exp(-0.5 * t), "exponential", -0.5),
    ],
)
def test_rate_shape_is_derived_from_the_bound(bound, form, exponent):
    shape = rate_shape(bound, t, {})
    assert shape.form == form
    assert shape.exponent == (pytest.approx(exponent) if exponent is not None else None)


def test_exponent_with_a_constant_symbol():
    assert rate_shape(C * t**-a, t, {a: 0.75}).exponent == pytest.approx(-0.75)
    with pytest.raises(ClaimDeclarationError, match="unbound"):
        rate_shape(C * t**-a, t, {})


def _power_law(exponent: float, seeds: int = 6, noise: float = 0.05, seed: int = 0) -> Measurement:
    rng = np.random.default_rng(seed)
    x = np.unique(np.round(np.logspace(0, 3, 25)))
    rows = [
        Measurement.one(series={"loss": (x, 2.0 * x**exponent * np.exp(rng.normal(0, noise, len(x))))})
        for _ in range(seeds)
    ]
    return Measurement.stack(rows)


def test_rate_holds_on_matching_data_and_rejects_wrong_exponents():
    m = _power_law(-1.0)
    assert Rate(C / t, sweep=t, series="loss").judge(m, 0.025).verdict is Verdict.HOLDS
    assert Rate(C / t**2, sweep=t, series="loss").judge(m, 0.025).verdict is Verdict.VIOLATED
    assert Rate(C / sp.sqrt(t), sweep=t, series="loss").judge(m, 0.025).verdict is Verdict.VIOLATED


def test_at_most_rate_accepts_faster_decay_only():
    fast = _power_law(-2.0)
    bound = Rate(C / t, sweep=t, series="loss", sense="at_most")
    assert bound.judge(fast, 0.025).verdict is Verdict.HOLDS
    assert bound.judge(_power_law(-0.3), 0.025).verdict is Verdict.VIOLATED


def test_exponential_shape_rejects_a_power_law_and_accepts_an_exponential():
    exp_bound = Rate(C * sp.exp(-c * t), sweep=t, series="loss")
    assert exp_bound.judge(_power_law(-1.0), 0.025).verdict is Verdict.VIOLATED
    x = np.arange(1, 60)
    rng = np.random.default_rng(1)
    rows = [
        Measurement.one(series={"loss": (x, np.exp(-0.2 * x + rng.normal(0, 0.01, len(x))))})
        for _ in range(5)
    ]
    assert exp_bound.judge(Measurement.stack(rows), 0.025).verdict is Verdict.HOLDS
    numeric = Rate(C * sp.exp(-t / 5), sweep=t, series="loss")
    assert numeric.judge(Measurement.stack(rows), 0.025).verdict is Verdict.HOLDS


def test_floor_points_are_dropped_not_fitted():
    x = np.unique(np.round(np.logspace(0, 4, 40)))
    rows = []
    for s in range(5):
        y = np.maximum(x**-2.0 * (1 + 0.01 * s), 1e-7)
        rows.append(Measurement.one(series={"loss": (x, y)}))
    m = Measurement.stack(rows)
    free = Measurement.stack(
        [Measurement.one(series={"loss": (x, x**-2.0 * (1 + 0.01 * s))}) for s in range(5)]
    )
    rate = Rate(C / t**2, sweep=t, series="loss", window=(10, 1e4), floor=1e-6)
    floored = rate.judge(m, 0.025)
    assert floored.verdict is Verdict.HOLDS
    assert "floor" in floored.reason
    assert rate.judge(free, 0.025).verdict is Verdict.HOLDS


def test_transient_slope_is_inconclusive_never_holds():
    x = np.logspace(0, 3, 30)
    local = np.linspace(-0.3, -1.0, 30)
    y = np.exp(np.cumsum(local * np.gradient(np.log(x))))
    m = Measurement.stack([Measurement.one(series={"loss": (x, y * (1 + 0.001 * s))}) for s in range(6)])
    for bound in (C / t**0.65, C / t, C / t**0.3):
        assert Rate(bound, sweep=t, series="loss").judge(m, 0.025).verdict is Verdict.INCONCLUSIVE


def test_narrow_sweep_and_too_few_points_are_inconclusive():
    x = np.linspace(10, 20, 10)
    m = Measurement.stack([Measurement.one(series={"loss": (x, 1 / x)})] * 3)
    assert "decades" in Rate(C / t, sweep=t, series="loss").judge(m, 0.025).reason
    x = np.array([1.0, 10.0, 100.0])
    m = Measurement.stack([Measurement.one(series={"loss": (x, 1 / x)})] * 3)
    assert "usable grid points" in Rate(C / t, sweep=t, series="loss").judge(m, 0.025).reason


def test_scaling_fits_growth():
    d = sp.Symbol("d", positive=True)
    x = np.array([4.0, 8, 16, 32, 64, 128])
    m = Measurement.stack(
        [Measurement.one(series={"samples": (x, 3 * x**2 * (1 + 0.01 * s))}) for s in range(4)]
    )
    assert Scaling(d**2, over=d, series="samples", window=(1, 200)).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Scaling(d, over=d, series="samples", window=(1, 200)).judge(m, 0.025).verdict is Verdict.VIOLATED


def test_a_window_by_value_skips_the_plateau_and_the_floor():
    """err = plateau 0.5 until step 60, then 0.5 exp(-0.1 (t - 60)), then a floor at 1e-6."""
    steps = np.arange(0, 300, 5, dtype=float)
    rows = []
    for s in range(6):
        rng = np.random.default_rng(s)
        err = 0.5 * np.exp(-0.1 * np.clip(steps - 60, 0, None)) * np.exp(rng.normal(0, 0.02, len(steps)))
        rows.append(Measurement.one(series={"err": (steps, np.maximum(err, 1e-6))}))
    m = Measurement.stack(rows)
    rate = Rate(C * sp.exp(-t / 10), sweep=t, series="err", values=(1e-4, 0.3))
    judged = rate.judge(m, 0.025)
    assert judged.verdict is Verdict.HOLDS and judged.estimate == pytest.approx(-0.1, abs=0.005)
    # the default window (upper 2/3 of the grid) fits the floor and calls it a flat curve
    assert Rate(C * sp.exp(-t / 10), sweep=t, series="err").judge(m, 0.025).verdict is not Verdict.HOLDS
    with pytest.raises(ClaimDeclarationError, match="values"):
        Rate(C / t, sweep=t, series="err", values=(0.0, 1.0))


def test_at_least_is_a_lower_bound_on_the_exponent():
    d = sp.Symbol("d", positive=True)
    x = np.array([4.0, 8, 16, 32, 64, 128])
    m = Measurement.stack(
        [Measurement.one(series={"samples": (x, 3 * x**2 * (1 + 0.01 * s))}) for s in range(4)]
    )
    linear_or_more = Scaling(d, over=d, series="samples", sense="at_least", window=(1, 200))
    assert linear_or_more.judge(m, 0.025).verdict is Verdict.HOLDS  # quadratic growth is at least linear
    cubic_or_more = Scaling(d**3, over=d, series="samples", sense="at_least", window=(1, 200))
    assert cubic_or_more.judge(m, 0.025).verdict is Verdict.VIOLATED
    assert "at least like" in linear_or_more.describe()
    with pytest.raises(ClaimDeclarationError, match="numeric exponent"):
        Rate(C * sp.exp(-c * t), sweep=t, series="loss", sense="at_least")


def test_a_flat_curve_is_judged_by_its_slope_not_its_r2():
    """Free of d: exponent 0 on flat noisy data HOLDS (R^2 is ~0 there by construction); d^1 is rejected."""
    d = sp.Symbol("d", positive=True)
    flat = _power_law(0.0, seeds=8, noise=0.05, seed=3)
    r2 = [np.corrcoef(np.log(c.x), np.log(c.y))[0, 1] ** 2 for c in flat.curves("loss")]
    assert float(np.median(r2)) < 0.9  # an R^2 check would refuse this curve
    free = Scaling(sp.log(d), over=d, series="loss", window=(0, 1e9), tolerance=0.1)  # exponent 0
    assert free.judge(flat, 0.025).verdict is Verdict.HOLDS
    assert Scaling(d, over=d, series="loss", window=(0, 1e9)).judge(flat, 0.025).verdict is Verdict.VIOLATED
    x = flat.curves("loss")[0].x
    bent = Measurement.stack(
        [Measurement.one(series={"loss": (x, np.exp(0.3 * np.log(x) ** 2 - 2 * np.log(x)))})] * 4
    )
    assert free.judge(bent, 0.025).verdict is Verdict.INCONCLUSIVE  # curvature is still caught


def _scalars(**columns: list[float]) -> Measurement:
    rows = [
        Measurement.one(scalars={k: v[i] for k, v in columns.items()})
        for i in range(len(next(iter(columns.values()))))
    ]
    return Measurement.stack(rows)


def test_threshold_comparison_inequality():
    m = _scalars(acc=[0.97, 0.98, 0.99, 0.985], base=[0.5, 0.52, 0.49, 0.51])
    assert Threshold("acc", ">=", 0.95).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Threshold("acc", "<=", 0.9).judge(m, 0.025).verdict is Verdict.VIOLATED
    assert Comparison("acc", "base", ">", margin=0.3).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Comparison("acc", "base", "<").judge(m, 0.025).verdict is Verdict.VIOLATED
    eps = sp.Symbol("eps")
    acc, base = sp.symbols("acc base")
    assert Inequality(acc >= base**eps, constants={eps: 0.1}).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Inequality(acc <= base, constants={}).judge(m, 0.025).verdict is Verdict.VIOLATED


def test_threshold_on_an_expression_of_scalars():
    m = _scalars(p=[0.0049, 0.0050, 0.0051], M=[200.0, 200.0, 200.0])
    p, M = sp.symbols("p M")
    assert Threshold(M * p, "<=", 1.1).judge(m, 0.025).verdict is Verdict.HOLDS


def test_identity_symbolic_and_numeric():
    x = sp.Symbol("x")
    m = _scalars(lhs=[1.0, 1.0, 1.0])
    assert Identity(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Identity(sp.sin(x) ** 2, 1).judge(m, 0.025).verdict is Verdict.VIOLATED
    assert Identity("lhs", 1.0, tolerance=1e-9).judge(m, 0.025).verdict is Verdict.HOLDS
    assert Identity("lhs", 1.5, tolerance=1e-9).judge(m, 0.025).verdict is Verdict.VIOLATED


def test_a_missing_scalar_is_a_clear_measurement_error():
    m = _scalars(acc=[1.0, 1.0])
    with pytest.raises(MeasurementError, match="'accuracy'"):
        Threshold("accuracy", ">=", 0.5).judge(m, 0.025)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Rate("C/t", sweep=t, series="loss"), "bound"),
        (lambda: Rate(C / t, sweep="t", series="loss"), "sweep"),
        (lambda: Rate(C / n, sweep=t, series="loss"), "bound"),
        (lambda: Rate(C / t, sweep=t, series="loss", tolerance=0), "tolerance"),
        (lambda: Rate(C / t, sweep=t, series="loss", tolerance=-1.0), "tolerance"),
        (lambda: Rate(C / t, sweep=t, series="loss", sense="roughly"), "sense"),
        (lambda: Rate(C / t, sweep=t, series="loss", window=(5, 1)), "window"),
        (lambda: Rate(C / t**a, sweep=t, series="loss"), "bound"),
        (lambda: Threshold("acc", "=>", 0.5), "op"),
        (lambda: Threshold("acc", ">=", sp.Symbol("q")), "value"),
        (lambda: Threshold("not a name", ">=", 0.5), "statistic"),
        (lambda: Comparison("a", "a", ">"), "b"),
        (lambda: Comparison("a", "b", ">", margin=-1), "margin"),
        (lambda: Inequality(sp.Symbol("a") + 1), "relation"),
        (lambda: Identity("a", 1, tolerance=0), "tolerance"),
        (lambda: Inequality(sp.Symbol("a") >= 1, constants={"eps": 0.1}), "constants"),
    ],
)
def test_bad_declarations_name_their_field(build, field):
    with pytest.raises(ClaimDeclarationError) as info:
        build()
    assert info.value.field == field
