"""theorycheck: property-based verification of theoretical ML claims.

A claim module builds a :class:`Claim` from a Hypothesis strategy of
instances, an experiment that trains and measures, and a sympy prediction
with its false mutants. The pytest plugin and the ``theorycheck`` command
run the catalogue and report HOLDS, VIOLATED, INCONCLUSIVE or ERROR.

The names below are imported on first use (PEP 562): ``import theorycheck.cli``
or ``theorycheck diff`` does not pay for sympy and Hypothesis, and the command
line can start the unit processes' forkserver before it imports them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .claim import BatchedExperiment, Claim, Control, Experiment, Mutant, Paper, Reference, reference
    from .errors import ClaimDeclarationError, TheorycheckError
    from .measurement import Curve, Measurement
    from .predictions import Comparison, Identity, Inequality, Prediction, Rate, Scaling, Threshold
    from .tiers import TIERS, Tier, get_tier
    from .verdict import Judgement, Verdict

__version__ = "0.1.0"

_HOMES = {
    "claim": (
        "BatchedExperiment",
        "Claim",
        "Control",
        "Experiment",
        "Mutant",
        "Paper",
        "Reference",
        "reference",
    ),
    "errors": ("ClaimDeclarationError", "TheorycheckError"),
    "measurement": ("Curve", "Measurement"),
    "predictions": ("Comparison", "Identity", "Inequality", "Prediction", "Rate", "Scaling", "Threshold"),
    "tiers": ("TIERS", "Tier", "get_tier"),
    "verdict": ("Judgement", "Verdict"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])


__all__ = [
    "TIERS",
    "BatchedExperiment",
    "Claim",
    "ClaimDeclarationError",
    "Comparison",
    "Control",
    "Curve",
    "Experiment",
    "Identity",
    "Inequality",
    "Judgement",
    "Measurement",
    "Mutant",
    "Paper",
    "Prediction",
    "Rate",
    "Reference",
    "Scaling",
    "TheorycheckError",
    "Threshold",
    "Tier",
    "Verdict",
    "__version__",
    "get_tier",
    "reference",
]
