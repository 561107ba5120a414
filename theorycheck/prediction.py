"""The base of every prediction kind: reduce a Measurement to a Judgement.

Each kind reduces a Measurement to one statistic per seed and an acceptance
region, then :func:`theorycheck.verdict.decide` gives the verdict. Mutants
are the same kinds with altered expressions, judged on the same data.
"""

from __future__ import annotations

from dataclasses import replace

from .measurement import Measurement
from .verdict import Judgement


class Prediction:
    """Base class: subclasses define :meth:`judge`, :meth:`describe`, :meth:`latex`, :meth:`signature`."""

    kind: str = "prediction"

    def judge(self, measurement: Measurement, alpha: float) -> Judgement:
        raise NotImplementedError

    def describe(self) -> str:
        """One line a person reads: the prediction in words and sympy."""
        raise NotImplementedError

    def latex(self) -> str:
        """The prediction's main expression in LaTeX."""
        raise NotImplementedError

    def signature(self) -> str:
        """A canonical string: two predictions with equal signatures are the same."""
        raise NotImplementedError

    def scalars_used(self) -> set[str]:
        """Names of the measurement scalars this prediction reads (contract tests check they exist)."""
        return set()

    def series_used(self) -> set[str]:
        """Names of the measurement series this prediction reads."""
        return set()


def with_reason(judgement: Judgement, note: str) -> Judgement:
    """The judgement with ``note`` appended to its reason."""
    reason = f"{judgement.reason}; {note}" if judgement.reason else note
    return replace(judgement, reason=reason)
