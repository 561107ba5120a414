"""Exceptions raised by theorycheck, each naming what is wrong and where."""

from __future__ import annotations


class TheorycheckError(Exception):
    """Base class of every error the harness raises on purpose."""


class ClaimDeclarationError(TheorycheckError):
    """A claim, mutant or prediction is declared wrongly.

    The message names the field, the problem and the fix, so that a user can
    correct the claim module without reading the engine.
    """

    def __init__(self, field: str, problem: str, fix: str = "") -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        text = f"{field}: {problem}"
        if fix:
            text += f" (fix: {fix})"
        super().__init__(text)


class UnknownClaimError(TheorycheckError):
    """A claim id that no claim module in the catalogue defines."""


class CorruptFileError(TheorycheckError):
    """A results, cache or counterexample file that cannot be trusted."""


class MeasurementError(TheorycheckError):
    """An experiment returned data the statistics must not see (NaN, wrong shape)."""


class UnitFailure(TheorycheckError):
    """A work unit crashed, hung or was killed; the message says which and how."""
