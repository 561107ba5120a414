"""Prediction kinds: what a theorem predicts, as sympy expressions (the public import path).

* :class:`Rate`, :class:`Scaling` (rates.py): a curve against the shape of a bound;
* :class:`Threshold`, :class:`Comparison`, :class:`Inequality`, :class:`Identity`
  (scalars.py): expressions of measured scalars against a region.

Each reduces a Measurement to one statistic per seed and an acceptance
region; :func:`theorycheck.verdict.decide` gives the verdict.
"""

from __future__ import annotations

from .prediction import Prediction
from .rates import Rate, Scaling, Sense
from .scalars import Comparison, Identity, Inequality, Threshold

__all__ = ["Comparison", "Identity", "Inequality", "Prediction", "Rate", "Scaling", "Sense", "Threshold"]
