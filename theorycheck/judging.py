"""Pure decision helpers of a claim run: judge safely, preconditions, combining, confirmation.

No training happens here: these functions turn judgements into the
claim-level verdict (VERDICTS R3, R-13) and measure how close a judgement
came to its region's edge (for the instance search and the mutants' distance).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import MeasurementError, TheorycheckError
from .fit import holm
from .measurement import Measurement
from .prediction import Prediction
from .verdict import Judgement, Verdict

if TYPE_CHECKING:
    from .claim import Claim

RELATIVE_FLOOR = 0.01  # the least unit of a mutant's distance: this share of its region's nearest edge


def error_judgement(reason: str) -> Judgement:
    """An ERROR judgement carrying ``reason``."""
    return Judgement(Verdict.ERROR, "", reason=reason)


def judge(prediction: Prediction, measurement: Measurement, alpha: float) -> Judgement:
    """``prediction.judge`` with every failure turned into an ERROR judgement naming it.

    A failure while judging (a missing scalar, a bound that cannot be evaluated
    on the measured points) must surface as the claim's ERROR with its cause,
    never inside Hypothesis as an unexplained flaky test.
    """
    try:
        return prediction.judge(measurement, alpha)
    except (MeasurementError, TheorycheckError) as exc:
        return error_judgement(str(exc))
    except Exception as exc:
        return error_judgement(f"judging {prediction.describe()} failed: {type(exc).__name__}: {exc}")


def unmet_precondition(claim: Claim, measurement: Measurement, alpha: float) -> Judgement | None:
    """An INCONCLUSIVE (or ERROR) judgement when a declared precondition does not hold, else None.

    A precondition (the model trained, the regime was reached) that does not
    hold makes the prediction vacuous on this instance: neither the claim nor
    its mutants can be judged.
    """
    for pre in claim.requires:
        judged = judge(pre, measurement, alpha)
        if judged.verdict is Verdict.ERROR:
            return judged
        if judged.verdict is not Verdict.HOLDS:
            mean = "" if judged.estimate is None else f" (mean {judged.estimate:.4g})"
            return Judgement(
                Verdict.INCONCLUSIVE,
                judged.statistic,
                seeds=judged.seeds,
                reason=f"precondition {pre.describe()} is {judged.verdict}{mean}: "
                "the prediction is vacuous here",
            )
    return None


def confirmed(found: Judgement, confirmation: Judgement) -> tuple[Verdict, str]:
    """VIOLATED when the confirmation block reproduces the violation, else FLAKY (or ERROR)."""
    if confirmation.verdict is Verdict.VIOLATED:
        return Verdict.VIOLATED, found.reason
    if confirmation.verdict is Verdict.ERROR:
        return Verdict.ERROR, f"confirmation block: {confirmation.reason}"
    return Verdict.FLAKY, (
        f"VIOLATED on {found.seeds} seeds ({found.statistic} interval {interval_text(found)}) but "
        f"{confirmation.verdict.value} on {confirmation.seeds} fresh confirmation seeds "
        f"(interval {interval_text(confirmation)})"
    )


def interval_text(j: Judgement) -> str:
    if j.interval is None:
        return "none"
    return f"[{j.interval[0]:.4g}, {j.interval[1]:.4g}]"


def combine_instances(judgements: Sequence[Judgement], alpha: float) -> tuple[Verdict, int]:
    """Claim-level verdict over instances, and the index of the instance that shows it.

    ERROR if any instance errored; VIOLATED if any Holm-adjusted violation
    p-value is below ``alpha``; HOLDS if every instance holds (intersection-
    union, no adjustment needed); INCONCLUSIVE otherwise.
    """
    for i, j in enumerate(judgements):
        if j.verdict is Verdict.ERROR:
            return Verdict.ERROR, i
    adjusted = holm([j.p_violation for j in judgements])
    violated = [
        i
        for i, (j, p) in enumerate(zip(judgements, adjusted, strict=True))
        if j.verdict is Verdict.VIOLATED and p < alpha
    ]
    if violated:
        return Verdict.VIOLATED, min(violated, key=lambda i: judgements[i].p_violation)
    if all(j.verdict is Verdict.HOLDS for j in judgements):
        return Verdict.HOLDS, max(range(len(judgements)), key=lambda i: judgements[i].p_violation)
    undecided = [i for i, j in enumerate(judgements) if j.verdict is not Verdict.HOLDS]
    return Verdict.INCONCLUSIVE, undecided[0]


def combined(judgements: Sequence[Judgement], alpha: float) -> Judgement:
    """The judgement of the instance that shows the combined verdict, carrying that verdict."""
    verdict, pick = combine_instances(judgements, alpha)
    shown = judgements[pick]
    return shown if shown.verdict is verdict else dataclasses.replace(shown, verdict=verdict)


def slack(j: Judgement) -> float | None:
    """How far the estimate lies inside its region, in units of the region's half-width (or raw
    units for a one-sided region); negative outside. None without an estimate."""
    if j.estimate is None or j.region is None:
        return None
    low, high = j.region
    inside = -_outside(j.estimate, j.region)
    if not math.isfinite(inside):
        return None
    scale = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) and high > low else 1.0
    return inside / scale


def distance(j: Judgement) -> float | None:
    """The estimate's distance outside its region (negative inside), in units of the interval's half-width.

    The unit is at least ``RELATIVE_FLOOR`` of the nearest edge's magnitude, so a deterministic or
    nearly exact statistic 1 % off its edge is near, not millions of half-widths away. None when
    both are 0 (an exact statistic at an edge of 0).
    """
    if j.estimate is None or j.region is None or j.interval is None:
        return None
    half = (j.interval[1] - j.interval[0]) / 2
    if not math.isfinite(half):
        return None
    low, high = j.region
    outside = _outside(j.estimate, j.region)
    if not math.isfinite(outside):
        return None
    unit = max(half, RELATIVE_FLOOR * abs(_nearest_edge(j.estimate, low, high)))
    return outside / unit if unit > 0 else None


def far_beyond_scale(j: Judgement) -> bool:
    """The estimate lies further outside its region than the region's own scale (its edge's magnitude,
    or its width when finite): however narrow or wide its interval, not a near miss."""
    if j.estimate is None or j.region is None:
        return False
    low, high = j.region
    outside = _outside(j.estimate, j.region)
    width = high - low if math.isfinite(high - low) else 0.0
    return math.isfinite(outside) and outside > max(abs(_nearest_edge(j.estimate, low, high)), width)


def _outside(estimate: float, region: tuple[float, float]) -> float:
    """How far ``estimate`` lies outside ``region`` (negative inside)."""
    low, high = region
    return max(low - estimate, estimate - high)


def _nearest_edge(estimate: float, low: float, high: float) -> float:
    edges = [e for e in (low, high) if math.isfinite(e)]
    return min(edges, key=lambda e: abs(estimate - e)) if edges else 0.0
