"""Hand-made claim records for the report tests, with and without the newer record fields."""

from __future__ import annotations

import math
from typing import Any

from theorycheck.records import error_record, mutant_status, run_document

XS = [10.0, 20.0, 40.0, 80.0, 160.0, 320.0]


def record(claim_id: str, verdict: str, mutants: dict[str, str] | None = None, **fields: Any) -> dict:
    """A record as claims.json holds it (built from error_record, then filled in)."""
    r = error_record(claim_id, "default", "")
    r["verdict"] = verdict
    r["paper"]["title"] = "A paper"
    r["mutants"] = [
        {
            "name": n,
            "why": "w",
            "kind": "threshold",
            "verdict": v,
            "status": mutant_status(verdict, v),
            "prediction": {"text": n, "latex": n},
            "estimate": 1.0,
            "interval": [0.9, 1.1],
            "region": [2.0, None],
        }
        for n, v in (mutants or {}).items()
    ]
    r.update(fields)
    return r


def seed_curves(slope: float, seeds: int = 4) -> list[dict[str, list[float]]]:
    return [{"x": XS, "y": [(1 + 0.05 * s) * x**slope for x in XS]} for s in range(seeds)]


def rate_record(claim_id: str = "toy2024/rate", *, with_fit: bool = True) -> dict:
    """A Rate claim that HOLDS with slope -1/2, one killed mutant (slope -1), curves, and (optionally)
    the fit fields the engine records."""
    r = record(
        claim_id,
        "HOLDS",
        kind="rate",
        statistic="slope of log error vs log n",
        estimate=-0.5,
        interval=[-0.52, -0.48],
        region=[-0.65, -0.35],
        per_seed=[-0.51, -0.49, -0.5, -0.5],
        prediction={
            "text": "error ~ like C/sqrt(n) in n (exponent -0.5, ±0.15)",
            "latex": "\\frac{C}{\\sqrt{n}}",
        },
        measurement={"series": {"error": seed_curves(-0.5)}, "scalars": {}},
        seeds=4,
    )
    r["mutants"] = [
        {
            "name": "one_over_n",
            "why": "variance, not error",
            "kind": "rate",
            "verdict": "VIOLATED",
            "status": "killed",
            "statistic": "slope of log error vs log n",
            "prediction": {"text": "error ~ like C/n in n (exponent -1, ±0.15)", "latex": "\\frac{C}{n}"},
            "estimate": -0.5,
            "interval": [-0.52, -0.48],
            "region": [-1.15, -0.85],
        }
    ]
    if with_fit:
        window = [20.0, 160.0]
        r["fit"] = {
            "form": "power",
            "window": window,
            "raw_slope": -0.5,
            "bound_slope": -0.5,
            "limit_exponent": -0.5,
            "residual": {"full": 0.01, "early": 0.01, "late": 0.02},
            "curve": {"x": window, "y": [1.03 * x**-0.5 for x in window]},
        }
        r["mutants"][0]["fit"] = {
            "form": "power",
            "window": window,
            "raw_slope": -0.5,
            "bound_slope": -1.0,
            "limit_exponent": -1.0,
            "residual": {"full": 0.3, "early": 0.2, "late": 0.4},
            "curve": {"x": window, "y": [4.0 * x**-1.0 for x in window]},
        }
        r["mutants"][0]["distance"] = 3.5
    return r


def exponential_record() -> dict:
    xs = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    return record(
        "toy2024/decay",
        "HOLDS",
        kind="rate",
        statistic="late/early ratio of the slope of log gap vs t",
        estimate=1.0,
        interval=[0.9, 1.1],
        region=[0.75, 1.25],
        prediction={"text": "gap ~ like C*exp(-c*t) in t (exponential (constant semi-log slope), ±0.25)"},
        measurement={"series": {"gap": [{"x": xs, "y": [math.exp(-0.7 * x) for x in xs]}] * 3}},
    )


def hollow_record() -> dict:
    """A claim that HOLDS on its control as well: HOLLOW, with controls and replays."""
    return record(
        "toy2024/hollow",
        "HOLLOW",
        {"m": "VIOLATED"},
        kind="threshold",
        statistic="scale",
        estimate=2.0,
        interval=[1.5, 2.5],
        region=[0.5, None],
        reason="holds on the control shuffled_labels as well",
        controls=[
            {
                "name": "shuffled_labels",
                "why": "nothing to learn",
                "verdict": "HOLDS",
                "estimate": 2.0,
                "interval": [1.4, 2.6],
                "reason": "",
            },
            {
                "name": "tiny_model",
                "why": "cannot represent it",
                "verdict": "VIOLATED",
                "estimate": 0.1,
                "interval": [0.0, 0.2],
                "reason": "",
            },
        ],
        replays=[
            {
                "instance": {"scale": 0.7},
                "verdict": "HOLDS",
                "estimate": 1.0,
                "interval": [0.8, 1.2],
                "reason": "",
            }
        ],
    )


def document(*records: dict, near_miss: dict | None = None) -> dict:
    doc = run_document(records, tier="default", session_seed=0)
    if near_miss is not None:
        doc["summary"]["near_miss"] = near_miss
    return doc
