"""What running a claim produced: per instance, per control, per replay, and for the claim."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .measurement import Measurement
from .verdict import Judgement, Verdict

if TYPE_CHECKING:
    from .claim import Claim


@dataclass(frozen=True)
class InstanceResult:
    """The verdicts on one drawn instance, with the seeds it took."""

    instance: Any
    instance_json: str
    claim: Judgement
    mutants: dict[str, Judgement]
    seeds: int
    errors: tuple[str, ...] = ()
    measurement: Measurement | None = None
    first_repeat: int = 0  # repeats first_repeat .. first_repeat + seeds - 1 were judged


@dataclass(frozen=True)
class ControlResult:
    """The claim's prediction judged on one control (the premise removed), over the judged instances."""

    name: str
    why: str
    judgement: Judgement
    instances: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class ReplayResult:
    """A stored counterexample judged apart, at the claim's alpha, on its own fresh seeds."""

    instance: Any
    judgement: Judgement


@dataclass(frozen=True)
class SearchInfo:
    """How the instances were found: screened on a few seeds, looks spent on those nearest the edge."""

    screened: int
    judged: int
    nearest_slack: float | None
    stopped_by_time: bool = False  # the first screening pass ran past its time limit: nothing judged


@dataclass
class ClaimResult:
    """Everything a run learned about one claim; records.py writes it out."""

    claim_id: str
    claim: Claim | None
    tier: str
    verdict: Verdict
    reason: str
    judgement: Judgement | None = None
    mutants: dict[str, Judgement] = field(default_factory=dict)
    instances: list[InstanceResult] = field(default_factory=list)
    counterexample: Any = None
    units: dict[str, int] = field(default_factory=lambda: {"done": 0, "cached": 0, "error": 0})
    seconds: float = 0.0
    family_alpha: float = 0.05
    confirmation: Judgement | None = None
    controls: list[ControlResult] = field(default_factory=list)
    replays: list[ReplayResult] = field(default_factory=list)
    search: SearchInfo | None = None
