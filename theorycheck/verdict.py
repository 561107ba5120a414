"""Verdicts and the decision rule that turns per-seed statistics into one.

Every prediction kind reduces a Measurement to one statistic per seed and an
acceptance region. The rule (VERDICTS R2) is then shared: the two-sided
(1 - 2 alpha) interval of the mean inside the region is HOLDS, disjoint from
it is VIOLATED, straddling an edge is INCONCLUSIVE.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from .fit import mean_interval, p_above, p_below, seeds_needed


class Verdict(str, Enum):
    """The outcomes of judging a claim.

    FLAKY and HOLLOW are only ever a claim's final verdict. FLAKY: the claim
    was VIOLATED on its seeds but the violation did not reproduce on a fresh
    confirmation block (VERDICTS R-13). HOLLOW: the claim HOLDS, but it also
    holds on one of its controls (its experiment with the theorem's premise
    removed), so the check cannot tell the theorem from its absence.
    """

    HOLDS = "HOLDS"
    VIOLATED = "VIOLATED"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"
    FLAKY = "FLAKY"
    HOLLOW = "HOLLOW"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Judgement:
    """One verdict with its evidence: estimate, interval, region and p-value."""

    verdict: Verdict
    statistic: str
    estimate: float | None = None
    interval: tuple[float, float] | None = None
    region: tuple[float, float] | None = None
    p_violation: float = 1.0
    seeds: int = 0
    reason: str = ""
    per_seed: tuple[float, ...] = field(default=())
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict[str, Any]:
        """JSON data with infinities written as None (strict JSON has no inf)."""
        return {
            "verdict": self.verdict.value,
            "statistic": self.statistic,
            "estimate": _finite(self.estimate),
            "interval": None if self.interval is None else [_finite(v) for v in self.interval],
            "region": None if self.region is None else [_finite(v) for v in self.region],
            "p_violation": _finite(self.p_violation),
            "seeds": self.seeds,
            "reason": self.reason,
            "per_seed": [_finite(v) for v in self.per_seed],
            "fit": _json_numbers(dict(self.detail)) if self.detail else None,
        }


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 12)


def _json_numbers(value: Any) -> Any:
    """Nested data with every float rounded to 12 digits and non-finite ones as None."""
    if isinstance(value, Mapping):
        return {str(k): _json_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_numbers(v) for v in value]
    if isinstance(value, float):
        return _finite(value)
    return value


def inconclusive(statistic: str, reason: str, seeds: int = 0) -> Judgement:
    """A health-check failure: the data cannot support a verdict either way."""
    return Judgement(Verdict.INCONCLUSIVE, statistic, seeds=seeds, reason=reason)


def decide(
    statistic: str,
    values: Sequence[float] | np.ndarray,
    region: tuple[float, float],
    alpha: float,
) -> Judgement:
    """Judge per-seed ``values`` against the acceptance ``region`` at level ``alpha``.

    ``region`` is closed, ``(low, high)``, either edge may be infinite. The
    interval has confidence ``1 - 2 alpha``, so each one-sided test is at
    level ``alpha`` (two one-sided tests, Schuirmann 1987).
    """
    v = np.asarray(values, dtype=float)
    low, high = region
    if len(v) < 2:
        return inconclusive(statistic, f"{len(v)} seed(s): an interval needs at least 2", len(v))
    ci = mean_interval(v, 1 - 2 * alpha)
    p_violation = min(p_above(v, high), p_below(v, low))
    common = {
        "statistic": statistic,
        "estimate": ci.estimate,
        "interval": (ci.low, ci.high),
        "region": region,
        "p_violation": p_violation,
        "seeds": len(v),
        "per_seed": tuple(float(x) for x in v),
    }
    if low <= ci.low and ci.high <= high:
        return Judgement(Verdict.HOLDS, **common)  # type: ignore[arg-type]
    if ci.low > high or ci.high < low:
        side = "above" if ci.low > high else "below"
        return Judgement(
            Verdict.VIOLATED,
            reason=f"interval lies entirely {side} the predicted region",
            **common,  # type: ignore[arg-type]
        )
    distance = min(abs(ci.estimate - e) for e in (low, high) if math.isfinite(e))
    needed = seeds_needed(v, distance, alpha)
    hint = f"; about {needed} seeds would decide it" if needed else ""
    return Judgement(
        Verdict.INCONCLUSIVE,
        reason=f"interval straddles an edge of the predicted region{hint}",
        **common,  # type: ignore[arg-type]
    )
