"""theorycheck: property-based verification of theoretical ML claims.

A claim module builds a :class:`Claim` from a Hypothesis strategy of
instances, an experiment that trains and measures, and a sympy prediction
with its false mutants. The pytest plugin and the ``theorycheck`` command
run the catalogue and report HOLDS, VIOLATED, INCONCLUSIVE or ERROR.
"""

from __future__ import annotations

from .claim import BatchedExperiment, Claim, Control, Experiment, Mutant, Paper, Reference, reference
from .errors import ClaimDeclarationError, TheorycheckError
from .measurement import Curve, Measurement
from .predictions import Comparison, Identity, Inequality, Prediction, Rate, Scaling, Threshold
from .tiers import TIERS, Tier, get_tier
from .verdict import Judgement, Verdict

__version__ = "0.1.0"

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
