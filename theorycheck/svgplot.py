"""A small inline-SVG plotter for the HTML report: no matplotlib, no network, deterministic text.

Three drawings: :func:`chart` (lines, bands and spans on linear or log
axes, labelled, with a legend), :func:`interval_bar` (a verdict's region,
interval, estimate and per-seed values on one axis) and :func:`trend` (a
claim's estimates over past runs). Every label is escaped here, so callers
pass plain strings taken from claims.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def fmt(value: float) -> str:
    """A tick or value label: three significant digits, no trailing noise."""
    if value == 0:
        return "0"
    return f"{value:.3g}"


@dataclass(frozen=True)
class Axis:
    """A data range mapped onto pixels, linear or log10."""

    lo: float
    hi: float
    log: bool = False
    label: str = ""

    @classmethod
    def fit(cls, values: Sequence[float], *, log: bool, label: str = "", pad: float = 0.05) -> Axis:
        """An axis covering ``values`` (non-positive ones ignored on a log axis) with a small margin."""
        finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        if not finite:
            return cls(1.0, 10.0, log, label) if log else cls(0.0, 1.0, log, label)
        lo, hi = min(finite), max(finite)
        if log:
            a, b = math.log10(lo), math.log10(hi)
            if b - a < 1e-9:
                a, b = a - 0.5, b + 0.5
            span = b - a
            return cls(10 ** (a - pad * span), 10 ** (b + pad * span), True, label)
        if hi - lo < 1e-12 * max(1.0, abs(hi)):
            lo, hi = lo - max(1.0, abs(lo)) * 0.5, hi + max(1.0, abs(hi)) * 0.5
        span = hi - lo
        return cls(lo - pad * span, hi + pad * span, False, label)

    def _t(self, v: float) -> float:
        return math.log10(v) if self.log else v

    def frac(self, v: float) -> float:
        """Where ``v`` lies in [0, 1] along the axis (clamped a little outside for safety)."""
        if self.log and v <= 0:
            return -0.05
        lo, hi = self._t(self.lo), self._t(self.hi)
        f = (self._t(v) - lo) / (hi - lo)
        return min(1.05, max(-0.05, f))

    def ticks(self) -> list[float]:
        """Round values inside the range: decades (and 2, 5 within few decades) or a 1-2-5 step."""
        if self.log:
            a, b = math.floor(math.log10(self.lo)), math.ceil(math.log10(self.hi))
            step = max(1, (b - a) // 6)
            out = [10.0**k for k in range(a, b + 1, step) if self.lo <= 10.0**k <= self.hi]
            if len(out) < 3:
                out = sorted(
                    m * 10.0**k
                    for k in range(a, b + 1)
                    for m in (1, 2, 5)
                    if self.lo <= m * 10.0**k <= self.hi
                )
            return out
        raw = (self.hi - self.lo) / 5
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        first = math.ceil(self.lo / step) * step
        count = int((self.hi - first) / step + 1e-9) + 1
        return [round(first + i * step, 12) for i in range(count)]


@dataclass(frozen=True)
class Line:
    points: Sequence[Point]
    colour: str
    label: str = ""
    dash: str = ""
    width: float = 2.0


@dataclass(frozen=True)
class Band:
    x: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]
    colour: str
    label: str = ""


@dataclass(frozen=True)
class Span:
    """A vertical strip over [lo, hi] of x (the fitted window)."""

    lo: float
    hi: float
    colour: str
    label: str = ""


@dataclass(frozen=True)
class Chart:
    x: Axis
    y: Axis
    title: str = ""
    layers: list[Line | Band | Span] = field(default_factory=list)


_W, _H = 560, 300
_L, _R, _T, _B = 64, 16, 26, 44  # margins around the plot area


def chart(spec: Chart) -> str:
    """The SVG text of ``spec``: plot area, ticks, labels, layers in order, then a legend below."""
    pw, ph = _W - _L - _R, _H - _T - _B
    legend = [layer for layer in spec.layers if layer.label]
    height = _H + 18 * len(legend) + (8 if legend else 0)

    def px(v: float) -> float:
        return _L + spec.x.frac(v) * pw

    def py(v: float) -> float:
        return _T + (1 - spec.y.frac(v)) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_W}" height="{height}" '
        f'viewBox="0 0 {_W} {height}" role="img" aria-label="{_e(spec.title)}">',
        f"<title>{_e(spec.title)}</title>",
        f'<rect x="{_L}" y="{_T}" width="{pw}" height="{ph}" fill="#fff" stroke="#999"/>',
    ]
    for t in spec.x.ticks():
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{_T}" x2="{x:.1f}" y2="{_T + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{_T + ph + 14}" class="tick" text-anchor="middle">{fmt(t)}</text>')
    for t in spec.y.ticks():
        y = py(t)
        out.append(f'<line x1="{_L}" y1="{y:.1f}" x2="{_L + pw}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{_L - 4}" y="{y + 4:.1f}" class="tick" text-anchor="end">{fmt(t)}</text>')
    for layer in spec.layers:
        if isinstance(layer, Span):
            x0, x1 = px(layer.lo), px(layer.hi)
            out.append(
                f'<rect x="{x0:.1f}" y="{_T}" width="{max(x1 - x0, 1):.1f}" height="{ph}" '
                f'fill="{layer.colour}" opacity="0.35"/>'
            )
        elif isinstance(layer, Band):
            upper = [f"{px(x):.1f},{py(h):.1f}" for x, h in zip(layer.x, layer.high, strict=True)]
            lower = [f"{px(x):.1f},{py(lo):.1f}" for x, lo in zip(layer.x, layer.low, strict=True)]
            if upper:
                out.append(
                    f'<polygon points="{" ".join(upper + lower[::-1])}" fill="{layer.colour}" '
                    'opacity="0.22" stroke="none"/>'
                )
        elif layer.points:
            pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in layer.points)
            dash = f' stroke-dasharray="{layer.dash}"' if layer.dash else ""
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{layer.colour}" '
                f'stroke-width="{layer.width}"{dash}/>'
            )
    x_label = spec.x.label + (" (log scale)" if spec.x.log else "")
    y_label = spec.y.label + (" (log scale)" if spec.y.log else "")
    out.append(f'<text x="{_L + pw / 2:.1f}" y="{_T + ph + 32}" text-anchor="middle">{_e(x_label)}</text>')
    out.append(
        f'<text transform="translate(14,{_T + ph / 2:.1f}) rotate(-90)" text-anchor="middle">'
        f"{_e(y_label)}</text>"
    )
    out.append(f'<text x="{_L}" y="16" class="ctitle">{_e(spec.title)}</text>')
    for i, layer in enumerate(legend):
        y = _H + 4 + 18 * i
        if isinstance(layer, (Band, Span)):
            opacity = "0.22" if isinstance(layer, Band) else "0.5"
            swatch = (
                f'<rect x="{_L}" y="{y - 6}" width="28" height="12" fill="{layer.colour}" '
                f'opacity="{opacity}"/>'
            )
        else:
            dash = f' stroke-dasharray="{layer.dash}"' if layer.dash else ""
            swatch = (
                f'<line x1="{_L}" y1="{y}" x2="{_L + 28}" y2="{y}" stroke="{layer.colour}" '
                f'stroke-width="{layer.width}"{dash}/>'
            )
        out.append(swatch + f'<text x="{_L + 36}" y="{y + 4}">{_e(layer.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def interval_bar(
    *,
    region: Sequence[float | None] | None,
    interval: Sequence[float | None] | None,
    estimate: float | None,
    per_seed: Sequence[float | None] = (),
    colour: str = "#333",
    width: int = 520,
    title: str = "",
) -> str:
    """One axis: the acceptance region shaded (open edges run off the end), the interval as a bar,
    the estimate as a dot and each seed's value as a small circle above it."""
    region = list(region) if region else [None, None]
    lo_r, hi_r = [*region, None, None][:2]
    iv = [float(v) for v in (interval or []) if v is not None and _finite(v)]
    seeds = [float(v) for v in per_seed if v is not None and _finite(v)]
    values = [float(v) for v in (lo_r, hi_r, estimate, *iv) if v is not None and _finite(v)] + seeds
    height = 58
    if not values:
        return ""
    axis = Axis.fit(values, log=False, pad=0.12)
    left, right = 12, width - 12

    def px(v: float) -> float:
        return left + axis.frac(v) * (right - left)

    base = 36
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#999"/>',
    ]
    if lo_r is not None or hi_r is not None:
        x0 = px(lo_r) if lo_r is not None and _finite(lo_r) else left - 12
        x1 = px(hi_r) if hi_r is not None and _finite(hi_r) else right + 12
        out.append(
            f'<rect class="region" x="{x0:.1f}" y="{base - 14}" width="{max(x1 - x0, 2):.1f}" height="22" '
            'fill="#2da44e" opacity="0.18"/>'
        )
        for edge in (lo_r, hi_r):
            if edge is not None and _finite(edge):
                out.append(
                    f'<line x1="{px(edge):.1f}" y1="{base - 16}" x2="{px(edge):.1f}" y2="{base + 10}" '
                    'stroke="#2da44e" stroke-width="2"/>'
                    f'<text x="{px(edge):.1f}" y="{base + 21}" class="tick" text-anchor="middle">'
                    f"{fmt(edge)}</text>"
                )
    for i, s in enumerate(seeds):
        dy = (i % 3) * 4
        out.append(f'<circle cx="{px(s):.1f}" cy="{base - 22 - dy}" r="2.5" fill="#888" opacity="0.8"/>')
    if len(iv) == 2:
        a, b = px(iv[0]), px(iv[1])
        out.append(
            f'<line class="interval" x1="{a:.1f}" y1="{base - 3}" x2="{b:.1f}" y2="{base - 3}" '
            f'stroke="{colour}" stroke-width="5"/>'
        )
        for x in (a, b):
            out.append(f'<line x1="{x:.1f}" y1="{base - 9}" x2="{x:.1f}" y2="{base + 3}" stroke="{colour}"/>')
    if estimate is not None and _finite(estimate):
        out.append(f'<circle cx="{px(estimate):.1f}" cy="{base - 3}" r="4.5" fill="{colour}" stroke="#fff"/>')
        out.append(
            f'<text x="{px(estimate):.1f}" y="{base + 21}" class="tick" text-anchor="middle" '
            f'fill="{colour}">{fmt(estimate)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def trend(
    points: Sequence[tuple[float | None, Sequence[float | None] | None, str]],
    colours: dict[str, str],
    *,
    width: int = 260,
    title: str = "",
) -> str:
    """Estimates over past runs, oldest left: each run a whisker (interval) and a dot coloured by verdict."""
    height, left, right, top, bottom = 64, 8, width - 8, 6, 58
    vals = [v for est, iv, _ in points for v in (est, *(iv or [])) if v is not None and _finite(v)]
    axis = Axis.fit(vals, log=False, pad=0.08) if vals else Axis(0.0, 1.0)
    step = (right - left) / max(len(points), 1)

    def py(v: float) -> float:
        return top + (1 - axis.frac(v)) * (bottom - top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        'fill="#fafafa" stroke="#ddd"/>',
    ]
    for i, (est, iv, verdict) in enumerate(points):
        x = left + step * (i + 0.5)
        colour = colours.get(verdict, "#555")
        ivs = [v for v in (iv or []) if v is not None and _finite(v)]
        if len(ivs) == 2:
            out.append(
                f'<line x1="{x:.1f}" y1="{py(ivs[0]):.1f}" x2="{x:.1f}" y2="{py(ivs[1]):.1f}" '
                f'stroke="{colour}" stroke-width="2" opacity="0.6"/>'
            )
        if est is not None and _finite(est):
            out.append(
                f'<circle cx="{x:.1f}" cy="{py(est):.1f}" r="3" fill="{colour}"><title>{_e(verdict)} '
                f"{fmt(est)}</title></circle>"
            )
        else:
            out.append(
                f'<rect x="{x - 3:.1f}" y="{bottom - 8}" width="6" height="6" fill="{colour}">'
                f"<title>{_e(verdict)}</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)
