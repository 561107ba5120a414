"""The claim model: Paper, Reference, Mutant and Claim, validated on construction.

A wrong declaration raises :class:`ClaimDeclarationError` naming the field,
so the claim's own pytest item fails with that message and the rest of the
catalogue still runs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis.strategies import SearchStrategy

from .errors import ClaimDeclarationError
from .measurement import Measurement
from .predictions import Prediction
from .tiers import Tier

_PAPER_KEY = re.compile(r"^[a-z][a-z0-9_]*\d{4}[a-z]?$")

Experiment = Callable[[Any, int, Tier], Measurement]
# (instance, seeds, tier) -> one single-seed Measurement per seed, in order: the seeds of one look trained
# as one batched model, each seed's numbers those of ``experiment(instance, seed, tier)``
BatchedExperiment = Callable[[Any, Sequence[int], Tier], Sequence[Measurement]]


def _text(value: Any, field_name: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise ClaimDeclarationError(field_name, f"{value!r} must be a non-empty string")
    return value


@dataclass(frozen=True, kw_only=True)
class Paper:
    """A paper of the catalogue; ``key`` is ``<firstauthor><year>``, lowercase."""

    key: str
    title: str
    authors: tuple[str, ...]
    year: int
    arxiv: str = ""
    venue: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _PAPER_KEY.match(self.key):
            raise ClaimDeclarationError(
                "paper.key", f"{self.key!r} is not <firstauthor><year>", "e.g. 'zhu2024' or 'huang2025b'"
            )
        _text(self.title, "paper.title")
        if (
            isinstance(self.authors, str)
            or not self.authors
            or not all(isinstance(a, str) and a for a in self.authors)
        ):
            raise ClaimDeclarationError("paper.authors", "must be a non-empty tuple of names")
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1900 < self.year < 2100:
            raise ClaimDeclarationError("paper.year", f"{self.year!r} is not a year")

    def cite(self) -> str:
        """Short citation: first author et al. (year), arXiv id."""
        lead = self.authors[0].split()[-1]
        etal = " et al." if len(self.authors) > 1 else ""
        arxiv = f", arXiv:{self.arxiv}" if self.arxiv else ""
        return f"{lead}{etal} ({self.year}){arxiv}"


@dataclass(frozen=True, kw_only=True)
class Reference:
    """What the paper itself reports for the corresponding experiment."""

    where: str
    value: str
    setting: str = ""


def reference(
    *, figure: str = "", table: str = "", section: str = "", value: str, setting: str = ""
) -> Reference:
    """Build a Reference from where it is printed (figure, table or section) and what it says."""
    places = [
        p
        for p in (
            f"Fig. {figure}" if figure else "",
            f"Table {table}" if table else "",
            f"Sec. {section}" if section else "",
        )
        if p
    ]
    if not places:
        raise ClaimDeclarationError("reference", "give a figure, table or section")
    return Reference(where=", ".join(places), value=_text(value, "reference.value"), setting=setting)


@dataclass(frozen=True)
class Mutant:
    """A false variant of a claim's prediction, with the reason it is false."""

    name: str
    prediction: Prediction
    why: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.match(r"^[A-Za-z0-9_ .\-]+$", self.name):
            raise ClaimDeclarationError("mutants", f"mutant name {self.name!r} must be a short identifier")
        if not isinstance(self.prediction, Prediction):
            raise ClaimDeclarationError(
                f"mutants[{self.name}].prediction", f"{type(self.prediction).__name__} is not a Prediction"
            )
        _text(self.why, f"mutants[{self.name}].why")


@dataclass(frozen=True)
class Control:
    """The claim's experiment with the theorem's premise removed (no FF layer, an untrained model,
    shuffled labels, a search without its oracle).

    It runs on the claim's instances and seeds and returns the same quantities;
    the claim's prediction must not HOLD on it. A claim that holds on one of
    its controls cannot tell the theorem from its absence: it is HOLLOW.
    """

    name: str
    experiment: Experiment
    why: str
    batched_experiment: BatchedExperiment | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.match(r"^[A-Za-z0-9_]+$", self.name):
            raise ClaimDeclarationError("controls", f"control name {self.name!r} must be a short identifier")
        if not callable(self.experiment):
            raise ClaimDeclarationError(
                f"controls[{self.name}].experiment", "must be callable as (instance, seed, tier)"
            )
        _batched(self.batched_experiment, f"controls[{self.name}].batched_experiment")
        _text(self.why, f"controls[{self.name}].why")


def _batched(fn: Any, field_name: str) -> None:
    if fn is not None and not callable(fn):
        raise ClaimDeclarationError(field_name, "must be callable as (instance, seeds, tier) or None")


def decided_by_precondition(mutant: Prediction, requires: Sequence[Prediction]) -> str | None:
    """Why ``mutant`` is decided by a precondition alone (not viable), or None.

    A scalar mutant on the same statistic as a precondition, with a region
    disjoint from the precondition's, is VIOLATED wherever the claim is judged
    at all: its "kill" says nothing about the data.
    """
    for pre in requires:
        if _disjoint(mutant, pre, touching=False):
            return f"decided by the precondition {pre.describe()} alone: the two regions are disjoint"
    return None


def implied_by_claim(mutant: Prediction, prediction: Prediction) -> str | None:
    """Why ``mutant`` is decided by the claim's own verdict (not viable), or None.

    A scalar mutant on the claim's own statistic whose region is disjoint from
    the claim's (the prediction negated at its threshold, or the far side of a
    gap) is VIOLATED whenever the claim HOLDS, the only case mutants are
    scored: its kill repeats the claim's verdict. A mutant that can tell the
    data apart from the claim overlaps its region (a stronger bound).
    """
    if _disjoint(mutant, prediction, touching=True):
        return (
            f"implied by the claim's own verdict: {mutant.describe()} is disjoint from "
            f"{prediction.describe()} on the same statistic"
        )
    return None


def _disjoint(a: Prediction, b: Prediction, touching: bool) -> bool:
    """Scalar predictions on the same statistic with disjoint regions (sharing an edge counts if touching)."""
    a_region, a_compiled = getattr(a, "region", None), getattr(a, "compiled", None)
    b_region, b_compiled = getattr(b, "region", None), getattr(b, "compiled", None)
    if a_compiled is None or b_compiled is None or not callable(a_region) or not callable(b_region):
        return False
    if a_compiled.expr != b_compiled.expr:
        return False
    low, high = a_region()
    b_low, b_high = b_region()
    if touching:
        return bool(high <= b_low or low >= b_high)
    return bool(high < b_low or low > b_high)


def _caller_module() -> str:
    """The module whose code built the Claim (as collections.namedtuple finds its __module__).

    Frames of this module and of ``dataclasses`` (``dataclasses.replace``) are
    skipped, so a claim derived from another by ``replace`` belongs to the
    module that derived it.
    """
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in (__name__, "dataclasses"):
        frame = frame.f_back  # type: ignore[assignment]
    return "" if frame is None else str(frame.f_globals.get("__name__", ""))


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One theorem made executable. See DESIGN.md section 2 for each field."""

    paper: Paper
    theorem: str
    statement: str
    instances: SearchStrategy[Any]
    experiment: Experiment
    batched_experiment: BatchedExperiment | None = None
    prediction: Prediction
    mutants: Sequence[Mutant]
    reference: Reference
    gaps: Sequence[str] = field(default=())
    requires: Sequence[Prediction] = field(default=())
    controls: Sequence[Control] = field(default=())
    alpha: float = 0.05
    unit_seconds: float | None = None
    declared_in: str = field(default="", init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "declared_in", _caller_module())
        if not isinstance(self.paper, Paper):
            raise ClaimDeclarationError(
                "paper", "missing or not a Paper", "import PAPER from the paper package"
            )
        _text(self.theorem, "theorem")
        _text(self.statement, "statement")
        if not isinstance(self.instances, SearchStrategy):
            raise ClaimDeclarationError(
                "instances", f"{type(self.instances).__name__} is not a Hypothesis strategy"
            )
        if getattr(self.instances, "is_empty", False):
            raise ClaimDeclarationError("instances", "the strategy can never draw a value (st.nothing())")
        if not callable(self.experiment):
            raise ClaimDeclarationError("experiment", "must be callable as (instance, seed, tier)")
        _batched(self.batched_experiment, "batched_experiment")
        if not isinstance(self.prediction, Prediction):
            raise ClaimDeclarationError("prediction", f"{type(self.prediction).__name__} is not a Prediction")
        if isinstance(self.mutants, (str, bytes)) or not isinstance(self.mutants, Sequence):
            raise ClaimDeclarationError("mutants", "must be a list of Mutant")
        object.__setattr__(self, "mutants", tuple(self.mutants))
        if not self.mutants:
            raise ClaimDeclarationError("mutants", "a claim needs at least one mutant", "add a false variant")
        names = set()
        for m in self.mutants:
            if not isinstance(m, Mutant):
                raise ClaimDeclarationError("mutants", f"{m!r} is not a Mutant")
            if m.name in names:
                raise ClaimDeclarationError("mutants", f"two mutants are named {m.name!r}")
            names.add(m.name)
            if m.prediction.signature() == self.prediction.signature():
                raise ClaimDeclarationError(
                    f"mutants[{m.name}]", "is identical to the claim's prediction", "alter the expression"
                )
        if not isinstance(self.reference, Reference):
            raise ClaimDeclarationError("reference", "must be built with theorycheck.reference(...)")
        if isinstance(self.gaps, str) or not all(isinstance(g, str) for g in self.gaps):
            raise ClaimDeclarationError("gaps", "must be a list of strings")
        object.__setattr__(self, "gaps", tuple(self.gaps))
        if isinstance(self.requires, Prediction) or not all(isinstance(r, Prediction) for r in self.requires):
            raise ClaimDeclarationError("requires", "must be a list of Predictions (preconditions)")
        object.__setattr__(self, "requires", tuple(self.requires))
        if isinstance(self.controls, (str, bytes, Control)) or not all(
            isinstance(c, Control) for c in self.controls
        ):
            raise ClaimDeclarationError("controls", "must be a list of Control")
        object.__setattr__(self, "controls", tuple(self.controls))
        if len({c.name for c in self.controls}) != len(self.controls):
            raise ClaimDeclarationError("controls", "two controls share a name")
        if self.unit_seconds is not None and (
            isinstance(self.unit_seconds, bool)
            or not isinstance(self.unit_seconds, (int, float))
            or not self.unit_seconds > 0
        ):
            raise ClaimDeclarationError(
                "unit_seconds", f"{self.unit_seconds!r} must be a positive number of seconds (or None)"
            )
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, float) or not 0 < self.alpha < 0.5:
            raise ClaimDeclarationError("alpha", f"{self.alpha!r} must be a float in (0, 0.5)")
