"""Measurements: the plain data an experiment returns and the verdicts judge.

An experiment returns one row (one seed); the runner stacks rows over seeds.
A row holds named curves (a swept variable ``x`` and a metric ``y``) and named
scalars. Everything is float, finite and JSON-serialisable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import MeasurementError


@dataclass(frozen=True)
class Curve:
    """One seed's metric ``y`` over a swept variable ``x`` (steps, samples, width)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise MeasurementError(f"curve has {len(self.x)} x values but {len(self.y)} y values")

    @classmethod
    def of(cls, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> Curve:
        """Build a curve from any sequences of numbers."""
        return cls(tuple(float(v) for v in x), tuple(float(v) for v in y))


@dataclass(frozen=True)
class Measurement:
    """Named curves and scalars, one row per seed.

    ``series[name][s]`` is seed ``s``'s curve; ``scalars[name][s]`` its value.
    """

    series: Mapping[str, tuple[Curve, ...]] = field(default_factory=dict)
    scalars: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def one(
        cls,
        *,
        series: Mapping[str, Curve | tuple[Sequence[float], Sequence[float]]] | None = None,
        scalars: Mapping[str, float] | None = None,
    ) -> Measurement:
        """A single-seed measurement, as an experiment returns it."""
        curves = {name: (c if isinstance(c, Curve) else Curve.of(*c),) for name, c in (series or {}).items()}
        values = {name: (float(v),) for name, v in (scalars or {}).items()}
        return cls(series=curves, scalars=values)

    @property
    def seeds(self) -> int:
        """How many rows (seeds) this measurement holds."""
        for rows in (*self.series.values(), *self.scalars.values()):
            return len(rows)
        return 0

    @classmethod
    def stack(cls, rows: Sequence[Measurement]) -> Measurement:
        """Concatenate measurements seed-wise; all must name the same data."""
        if not rows:
            return cls()
        names = (set(rows[0].series), set(rows[0].scalars))
        for i, row in enumerate(rows):
            if (set(row.series), set(row.scalars)) != names:
                raise MeasurementError(
                    f"seed row {i} names series {sorted(row.series)} and scalars "
                    f"{sorted(row.scalars)}, but row 0 names {sorted(names[0])} and {sorted(names[1])}"
                )
        series = {n: tuple(c for r in rows for c in r.series[n]) for n in sorted(names[0])}
        scalars = {n: tuple(v for r in rows for v in r.scalars[n]) for n in sorted(names[1])}
        return cls(series=series, scalars=scalars)

    def head(self, seeds: int) -> Measurement:
        """The first ``seeds`` rows."""
        return Measurement(
            series={n: c[:seeds] for n, c in self.series.items()},
            scalars={n: v[:seeds] for n, v in self.scalars.items()},
        )

    def row(self, index: int) -> Measurement:
        """Seed row ``index`` alone, as a single-seed measurement."""
        return Measurement(
            series={n: c[index : index + 1] for n, c in self.series.items()},
            scalars={n: v[index : index + 1] for n, v in self.scalars.items()},
        )

    def scalar(self, name: str) -> np.ndarray:
        """One value per seed of scalar ``name``."""
        if name not in self.scalars:
            raise MeasurementError(f"no scalar {name!r}; the experiment returned {sorted(self.scalars)}")
        return np.asarray(self.scalars[name], dtype=float)

    def curves(self, name: str) -> tuple[Curve, ...]:
        """One curve per seed of series ``name``."""
        if name not in self.series:
            raise MeasurementError(f"no series {name!r}; the experiment returned {sorted(self.series)}")
        return self.series[name]

    def check_finite(self) -> None:
        """Raise MeasurementError naming the first NaN or infinite value."""
        for name, curves in self.series.items():
            for s, curve in enumerate(curves):
                for k, (x, y) in enumerate(zip(curve.x, curve.y, strict=False)):
                    if not (math.isfinite(x) and math.isfinite(y)):
                        raise MeasurementError(
                            f"non-finite metric in series {name!r} at grid point {k} "
                            f"(x={x}, y={y}), seed row {s}"
                        )
        for name, values in self.scalars.items():
            for s, v in enumerate(values):
                if not math.isfinite(v):
                    raise MeasurementError(f"non-finite scalar {name!r}={v} at seed row {s}")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (lists of floats)."""
        return {
            "series": {
                n: [{"x": list(c.x), "y": list(c.y)} for c in curves] for n, curves in self.series.items()
            },
            "scalars": {n: list(v) for n, v in self.scalars.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Measurement:
        """Inverse of :meth:`to_json`; raises MeasurementError on a malformed document."""
        try:
            series = {
                str(n): tuple(Curve.of(c["x"], c["y"]) for c in curves)
                for n, curves in data["series"].items()
            }
            scalars = {str(n): tuple(float(v) for v in vals) for n, vals in data["scalars"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MeasurementError(f"malformed measurement document: {exc!r}") from exc
        return cls(series=series, scalars=scalars)
