"""The figures of one claim record, as inline SVG: measured curves against the fitted prediction.

For a Rate or Scaling claim the figure shows the measured series of the
shown instance (median over seeds and the min-max band) on the axes the
prediction uses (log-log for a power law, semi-log for an exponential),
the fitted window, the prediction fitted as C*B(x) over that window, and
each mutant's fitted line. The fits come from the record's ``fit`` fields;
an older record without them gets a display-only line through the median
with the prediction's exponent, labelled as such, so that old claims.json
files still render.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .svgplot import Axis, Band, Chart, Line, Point, Span, chart

MEDIAN, BAND, PREDICTION, WINDOW = "#0969da", "#0969da", "#111111", "#d0d7de"
MUTANT_COLOURS = ("#cf222e", "#8250df", "#bc4c00", "#1a7f37", "#6e7781", "#bf3989")
_STATISTIC = re.compile(r"log (?P<series>\S+) vs (?P<log>log )?(?P<var>\S+)$")
_NUMBER = r"(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"


@dataclass(frozen=True)
class SeriesRef:
    """Which series a rate statistic fits and along which variable."""

    series: str
    variable: str
    loglog: bool


def parse_statistic(statistic: str) -> SeriesRef | None:
    """``slope of log loss vs log t`` -> (loss, t, log-log); the exponential form has no ``log`` on x."""
    match = _STATISTIC.search(statistic or "")
    if match is None:
        return None
    return SeriesRef(match["series"], match["var"], bool(match["log"]))


def median_band(curves: Sequence[Mapping[str, Any]], *, positive_x: bool) -> tuple[list[float], ...]:
    """x, median, min and max of y over the seeds' curves at each x (points off a log axis dropped)."""
    by_x: dict[float, list[float]] = {}
    for curve in curves:
        for x, y in zip(curve.get("x", []), curve.get("y", []), strict=False):
            if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
                continue
            if y <= 0 or (positive_x and x <= 0):
                continue
            by_x.setdefault(float(x), []).append(float(y))
    xs = sorted(by_x)
    return (
        xs,
        [statistics.median(by_x[x]) for x in xs],
        [min(by_x[x]) for x in xs],
        [max(by_x[x]) for x in xs],
    )


def _curve_points(fit: Mapping[str, Any] | None, *, positive_x: bool) -> list[Point]:
    curve = (fit or {}).get("curve") or {}
    pts = []
    for x, y in zip(curve.get("x") or [], curve.get("y") or [], strict=False):
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)) or y <= 0:
            continue
        if positive_x and x <= 0:
            continue
        pts.append((float(x), float(y)))
    return pts


def _number_after(word: str, text: str) -> float | None:
    match = re.search(rf"{word} {_NUMBER}", text or "")
    return float(match.group(1)) if match else None


def display_fit(
    text: str, xs: Sequence[float], ys: Sequence[float], *, power: bool, free_rate: bool = False
) -> list[Point]:
    """A line through the median with the exponent (power) or rate (exponential) named in ``text``.

    Only where no fitted curve is recorded; C is fitted to the given points.
    An exponential without a numeric rate (or ``free_rate``: the fit says
    the rate is free and linear in x) gets its least-squares semi-log line.
    """
    if len(xs) < 2:
        return []
    logs = [math.log(y) for y in ys]
    if power:
        p = _number_after("exponent", text)
        if p is None:
            return []
        c = statistics.fmean(ly - p * math.log(x) for x, ly in zip(xs, logs, strict=True))
        return [(x, math.exp(c + p * math.log(x))) for x in (xs[0], xs[-1])]
    rate = _number_after("rate", text)
    if rate is None:
        if not free_rate and "exponential" not in (text or ""):
            return []
        mx, my = statistics.fmean(xs), statistics.fmean(logs)
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx == 0:
            return []
        rate = sum((x - mx) * (ly - my) for x, ly in zip(xs, logs, strict=True)) / sxx
    c = statistics.fmean(ly - rate * x for x, ly in zip(xs, logs, strict=True))
    return [(x, math.exp(c + rate * x)) for x in (xs[0], xs[-1])]


def _mutant_lines(
    record: Mapping[str, Any], ref: SeriesRef, xs: Sequence[float], med: Sequence[float], power: bool
) -> list[Line]:
    lines = []
    for i, mutant in enumerate(record.get("mutants") or []):
        colour = MUTANT_COLOURS[i % len(MUTANT_COLOURS)]
        label = f"mutant {mutant.get('name', '?')} ({str(mutant.get('status', '')).replace('_', ' ')})"
        pts = _curve_points(mutant.get("fit"), positive_x=power)
        if not pts and mutant.get("fit") is None and mutant.get("kind") in ("rate", "scaling"):
            own = parse_statistic(mutant.get("statistic") or "")
            if own is not None and own.series == ref.series:
                pts = display_fit((mutant.get("prediction") or {}).get("text", ""), xs, med, power=power)
                label += ", display only"
        if pts:
            lines.append(Line(pts, colour, label, dash="6 4", width=1.6))
    return lines


def rate_chart(record: Mapping[str, Any]) -> Chart | None:
    """The Chart of a Rate/Scaling record, or None (another kind, or no usable data)."""
    if record.get("kind") not in ("rate", "scaling"):
        return None
    series_map = (record.get("measurement") or {}).get("series") or {}
    fit = record.get("fit") or None
    ref = parse_statistic(record.get("statistic") or "")
    if ref is None and len(series_map) == 1:
        (name,) = series_map
        ref = SeriesRef(name, "x", fit is None or fit.get("form") == "power")
    if ref is None or ref.series not in series_map:
        return None
    power = _log_x(fit, ref)
    text = (record.get("prediction") or {}).get("text", "")
    variable = _variable(text) or ref.variable
    xs, med, lo, hi = median_band(series_map[ref.series], positive_x=power)
    if len(xs) < 2:
        return None
    seeds = len(series_map[ref.series])
    layers: list[Line | Band | Span] = []
    window = (fit or {}).get("window")
    if isinstance(window, (list, tuple)) and len(window) == 2 and None not in window:
        layers.append(Span(float(window[0]), float(window[1]), WINDOW, "fitted window"))
    layers.append(Band(xs, lo, hi, BAND, f"range over {seeds} seeds"))
    layers.append(
        Line(list(zip(xs, med, strict=True)), MEDIAN, f"{ref.series}: median over seeds", width=2.4)
    )
    pred = _curve_points(fit, positive_x=power)
    if pred:
        layers.append(
            Line(pred, PREDICTION, "prediction C·B(x), fitted over the window", dash="8 4", width=2.2)
        )
    else:
        inside = _within(window, xs, med)
        linear = ref.variable.lstrip("-") == variable  # a free rate times x itself: a line on semi-log axes
        free = fit is not None and fit.get("form") == "free"
        pred = [] if free and not linear else display_fit(text, *inside, power=power, free_rate=free)
        label = (
            "prediction's form through the median (no fit recorded; display only)"
            if fit is None
            else "prediction's form fitted to the median over the window (display only)"
        )
        if pred:
            layers.append(Line(pred, PREDICTION, label, dash="8 4", width=2.2))
    layers += _mutant_lines(record, ref, xs, med, power)
    all_x = list(xs) + [x for layer in layers if isinstance(layer, Line) for x, _ in layer.points]
    all_y = list(lo) + list(hi) + [y for layer in layers if isinstance(layer, Line) for _, y in layer.points]
    x_axis = Axis.fit(all_x, log=power, label=variable)
    y_axis = Axis.fit(all_y, log=True, label=ref.series)
    scale = "log-log: power law" if power else "semi-log: exponential"
    return Chart(x_axis, y_axis, f"{ref.series} vs {variable} ({scale})", layers)


def _log_x(fit: Mapping[str, Any] | None, ref: SeriesRef) -> bool:
    """Log x for a power law: the fit's ``scale`` when recorded, else its form, else the statistic."""
    if fit and fit.get("scale") in ("log", "linear"):
        return bool(fit["scale"] == "log")
    if fit and fit.get("form"):
        return bool(fit["form"] == "power")
    return ref.loglog


def _variable(text: str) -> str | None:
    """The swept symbol named in a prediction's text (``... in t (exponent ...)``)."""
    match = re.search(r" in (\S+) \(", text or "")
    return match.group(1) if match else None


def _within(window: Any, xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """The points inside a recorded window (all of them without one)."""
    if not (isinstance(window, (list, tuple)) and len(window) == 2 and None not in window):
        return list(xs), list(ys)
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if window[0] <= x <= window[1]]
    return [x for x, _ in pairs], [y for _, y in pairs]


def rate_figure(record: Mapping[str, Any]) -> str | None:
    """The SVG text of :func:`rate_chart`, or None."""
    spec = rate_chart(record)
    return None if spec is None else chart(spec)
